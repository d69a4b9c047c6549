package functions

import "time"

// insightFunctions are analytics and the audit trail.
var insightFunctions = []Function{
	{
		Name:     "api-analytics-kpis",
		Summary:  "Lead conversion, speed to first contact, time to close, pipeline and leaderboard, scoped by role.",
		Route:    "GET /v1/analytics/kpis",
		Timeout:  30 * time.Second,
		MemoryMB: 512,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-audit-list",
		Summary:  "The brokerage's audit trail, newest first (admins).",
		Route:    "GET /v1/audit",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
}
