package functions

// dealFunctions are viewings and deals.
var dealFunctions = []Function{}
