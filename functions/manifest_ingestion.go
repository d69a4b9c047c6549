package functions

import "time"

// ingestionFunctions are data drops: ingestion of CSV, JSON and XLSX files, reports and market data.
var ingestionFunctions = []Function{
	{
		Name:     "task-ingest-file",
		Summary:  "Ingests a CSV, JSON or XLSX file dropped into the data-drops bucket: validates, quarantines bad rows, upserts the rest and stores a report.",
		Queue:    "ingest-file",
		Source:   &S3Source{Bucket: BucketDataDrops, Prefix: ""},
		Timeout:  15 * time.Minute,
		MemoryMB: 1024,
		Access:   Access{Database: true, ReadBuckets: []string{BucketDataDrops}},
	},
	{
		Name:     "api-ingestions-list",
		Summary:  "Lists the brokerage's ingestions, newest first (admins and managers).",
		Route:    "GET /v1/ingestions",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-ingestions-upload",
		Summary:  "Returns a presigned URL to PUT a data drop to, under a key of the caller's brokerage (admins and managers).",
		Route:    "POST /v1/ingestions/uploads",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true, WriteBuckets: []string{BucketDataDrops}},
	},
	{
		Name:     "api-ingestions-get",
		Summary:  "One ingestion's report: counts per table, quirks met and the first rejections.",
		Route:    "GET /v1/ingestions/{id}",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-ingestions-rejections",
		Summary:  "Every rejection and warning of an ingestion as CSV: line, column, value, reason and the row as read.",
		Route:    "GET /v1/ingestions/{id}/rejections.csv",
		Timeout:  30 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-market-communities-list",
		Summary:  "Communities with ingested market data: latest price per sqft, volume and days on market.",
		Route:    "GET /v1/market/communities",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-market-communities-trends",
		Summary:  "A community's price per sqft, volumes and days on market over time, by property type.",
		Route:    "GET /v1/market/communities/{id}/trends",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
}
