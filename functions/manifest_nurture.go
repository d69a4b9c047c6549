package functions

// nurtureFunctions are lead nurturing: sequences, schedules, the outbox and delivery.
var nurtureFunctions = []Function{}
