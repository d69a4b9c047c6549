package functions

// locationFunctions are the place tree (communities, buildings) and its aliases.
var locationFunctions = []Function{}
