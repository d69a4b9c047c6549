package functions

// leadFunctions are leads, their activities and tasks.
var leadFunctions = []Function{}
