package functions

import "time"

// platformFunctions are health, the API document and maintenance.
var platformFunctions = []Function{
	{
		Name:     "api-health",
		Summary:  "Liveness: answers 200 while the process can serve.",
		Route:    "GET /health",
		Public:   true,
		Timeout:  3 * time.Second,
		MemoryMB: 128,
	},
	{
		Name:     "api-health-ready",
		Summary:  "Readiness: checks every dependency and reports status and latency; 503 when a required one is down.",
		Route:    "GET /health/ready",
		Public:   true,
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true, VectorStore: true, AI: true},
	},
	{
		Name:     "api-openapi",
		Summary:  "The OpenAPI 3.1 document of every HTTP function, generated from code.",
		Route:    "GET /openapi.json",
		Public:   true,
		Timeout:  5 * time.Second,
		MemoryMB: 256,
	},
	{
		Name:     "cron-db-maintenance",
		Summary:  "Creates monthly partitions ahead for time-partitioned tables, then refreshes planner statistics (ANALYZE), under an advisory lock so overlapping runs are harmless.",
		Schedule: "cron(30 0 * * ? *)",
		Timeout:  5 * time.Minute,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
}
