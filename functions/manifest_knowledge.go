package functions

import "time"

// knowledgeFunctions are documents, retrieval and the AI assistant.
var knowledgeFunctions = []Function{
	{
		Name:     "api-documents-create",
		Summary:  "Registers a document and returns its id and a presigned URL to PUT its bytes to.",
		Route:    "POST /v1/documents",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true, WriteBuckets: []string{BucketDocuments}},
	},
	{
		Name:     "api-documents-get",
		Summary:  "A document and where its processing stands.",
		Route:    "GET /v1/documents/{id}",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "task-process-document",
		Summary:  "Extracts, scrubs, chunks and embeds an uploaded document; idempotent by content hash.",
		Queue:    "process-document",
		Source:   &S3Source{Bucket: BucketDocuments, Prefix: ""},
		Timeout:  5 * time.Minute,
		MemoryMB: 1024,
		Access:   Access{Database: true, VectorStore: true, AI: true, ReadBuckets: []string{BucketDocuments}},
	},
	{
		Name:     "task-reembed",
		Summary:  "Syncs structured knowledge with its rows and embeds what lacks a current vector, on demand.",
		Queue:    "reembed",
		Timeout:  10 * time.Minute,
		MemoryMB: 1024,
		Access:   Access{Database: true, VectorStore: true, AI: true},
	},
	{
		Name:     "cron-reembed",
		Summary:  "Syncs changed listings, market reports, community profiles and market data into the knowledge base and embeds them.",
		Schedule: "rate(5 minutes)",
		Timeout:  10 * time.Minute,
		MemoryMB: 1024,
		Access:   Access{Database: true, VectorStore: true, AI: true},
	},
	{
		Name:     "api-assistant-chat",
		Summary:  "Answers a question with sources: property searches from listings, knowledge by hybrid retrieval.",
		Route:    "POST /v1/assistant/chat",
		Timeout:  30 * time.Second,
		MemoryMB: 1024,
		Access:   Access{Database: true, VectorStore: true, AI: true},
	},
	{
		Name:     "api-assistant-conversations-list",
		Summary:  "The caller's assistant conversations, newest first.",
		Route:    "GET /v1/assistant/conversations",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-assistant-conversations-get",
		Summary:  "One of the caller's conversations with its messages and citations.",
		Route:    "GET /v1/assistant/conversations/{id}",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-reviews-list",
		Summary:  "Assistant answers flagged by a guardrail or low retrieval confidence, for reviewers.",
		Route:    "GET /v1/reviews",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
	{
		Name:     "api-reviews-decide",
		Summary:  "Approves, edits or rejects a flagged answer.",
		Route:    "POST /v1/reviews/{id}/decision",
		Timeout:  10 * time.Second,
		MemoryMB: 256,
		Access:   Access{Database: true},
	},
}
