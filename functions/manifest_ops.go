package functions

import "time"

// opsFunctions are operations: metrics, maintenance and the operator's jobs.
var opsFunctions = []Function{
	{
		Name:     "cron-retention",
		Summary:  "Deletes rows older than their table's retention policy (shared/privacy), in batches, under an advisory lock.",
		Schedule: "cron(0 1 * * ? *)",
		Timeout:  5 * time.Minute,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
}
