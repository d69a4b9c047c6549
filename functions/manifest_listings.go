package functions

// listingFunctions are property listings.
var listingFunctions = []Function{}
