// Package functions is the one list of PropertyPro's Lambda functions and their triggers.
//
// The CDK stack, the local runner, the OpenAPI document, `propertypro invoke` and the tests
// all range over Manifest, so a function is never declared in two places. Adding a function
// means adding one entry here, one folder functions/<name>/main.go and one sample event under
// events/<name>/.
package functions

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Kind says what triggers a function; it is derived from the entry's trigger fields.
type Kind string

// The kinds of function, each with its own name prefix.
const (
	KindHTTP     Kind = "http"     // API Gateway HTTP API route; name starts with "api-"
	KindTask     Kind = "task"     // SQS queue consumer; name starts with "task-"
	KindSchedule Kind = "schedule" // EventBridge schedule; name starts with "cron-"
)

// Function is one Lambda function: its trigger, its size and what it may touch.
type Function struct {
	// Name is the folder under functions/ and the Lambda's logical name.
	Name string
	// Summary is one sentence for the OpenAPI document, the console and the README.
	Summary string

	// Route is the HTTP method and path pattern, e.g. "GET /v1/listings/{id}" (HTTP functions).
	Route string
	// Public marks an HTTP route that needs no bearer token (health checks, login).
	Public bool
	// Queue is the SQS queue a task function consumes.
	Queue string
	// Source, when set, is the S3 bucket and key prefix whose object-created events are
	// delivered to Queue.
	Source *S3Source
	// Schedule is an EventBridge schedule expression, e.g. "rate(5 minutes)" (cron functions).
	Schedule string
	// Flag names a boolean config key that switches a scheduled function on or off.
	Flag string

	// Timeout and MemoryMB size the Lambda.
	Timeout  time.Duration
	MemoryMB int

	// Access is everything the function may reach; IAM policies are built from it.
	Access Access
}

// S3Source is a bucket prefix whose object-created notifications feed a task's queue.
type S3Source struct {
	Bucket string
	Prefix string
}

// Access lists the resources a function may use. Nothing outside it is granted.
type Access struct {
	Database     bool     // the Postgres database, through RDS Proxy
	VectorStore  bool     // the vector store (Chroma)
	AI           bool     // the AI providers' API keys
	SendQueues   []string // queues it may send messages to
	ReadBuckets  []string // buckets it may read objects from
	WriteBuckets []string // buckets it may write objects to
}

// Kind derives the function's kind from its trigger.
func (f Function) Kind() Kind {
	switch {
	case f.Route != "":
		return KindHTTP
	case f.Queue != "":
		return KindTask
	default:
		return KindSchedule
	}
}

// Method and Path split Route ("GET /v1/x" → "GET", "/v1/x").
func (f Function) Method() string { m, _, _ := strings.Cut(f.Route, " "); return m }

// Path is the route's path pattern with {param} placeholders.
func (f Function) Path() string { _, p, _ := strings.Cut(f.Route, " "); return p }

// Bucket names used by triggers and access lists.
const (
	BucketDataDrops = "data-drops"
	BucketDocuments = "documents"
)

// Buckets are the S3 buckets the platform owns.
var Buckets = []string{BucketDataDrops, BucketDocuments}

// Manifest is every function of the platform: one list, assembled from the areas below so
// that each area's functions sit beside each other.
var Manifest = slices.Concat(platformFunctions, identityFunctions, locationFunctions, listingFunctions,
	leadFunctions, dealFunctions, insightFunctions, ingestionFunctions, knowledgeFunctions, nurtureFunctions,
	opsFunctions)

// Lookup returns the manifest entry with the given name.
func Lookup(name string) (Function, error) {
	for _, f := range Manifest {
		if f.Name == name {
			return f, nil
		}
	}
	return Function{}, fmt.Errorf("no function %q in the manifest (see functions/manifest.go)", name)
}

// Queues returns the name of every queue consumed by a task function, in manifest order.
func Queues(m []Function) []string {
	var qs []string
	for _, f := range m {
		if f.Queue != "" {
			qs = append(qs, f.Queue)
		}
	}
	return qs
}
