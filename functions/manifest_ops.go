package functions

// opsFunctions are operations: metrics, maintenance and the operator's jobs.
var opsFunctions = []Function{}
