package functions

// insightFunctions are analytics and the audit trail.
var insightFunctions = []Function{}
