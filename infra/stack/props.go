package stack

import (
	"errors"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/propertypro/propertypro/functions"
)

// Props is everything the stack is derived from; nothing about a function is decided here
// that the manifest does not say.
type Props struct {
	// Env selects sizing, log retention and removal policies.
	Env Env
	// Functions is the manifest to deploy, normally functions.Manifest.
	Functions []functions.Function
	// Buckets are the S3 buckets the platform owns, normally functions.Buckets.
	Buckets []string
	// CodeDir returns the directory holding a function's `bootstrap` binary; nil means
	// DefaultCodeDir, which is where `make build` puts it.
	CodeDir func(name string) string
	// AWS pins the account and region; nil synthesizes an environment-agnostic template.
	AWS *awscdk.Environment
	// AlarmEmail, when set, subscribes that address to the alarm topic (CDK context
	// "alarmEmail"); AWS mails a confirmation link first.
	AlarmEmail string
	// RunbookBaseURL is put before "docs/runbooks/<file>.md" in every alarm's description so
	// that the on-call engineer gets a clickable link (CDK context "runbookBaseUrl", e.g.
	// "https://github.com/acme/propertypro/blob/main/"); empty leaves the repository path.
	RunbookBaseURL string
	// Tracing chooses where spans go: TracingNone (default), TracingOTLP or TracingXRay (CDK
	// context "tracing"); OTLPEndpoint ("otlpEndpoint") is the collector for TracingOTLP and
	// ADOTLayerARN ("adotLayerArn") overrides the collector layer for TracingXRay.
	Tracing      string
	OTLPEndpoint string
	ADOTLayerARN string
}

// DefaultBuildDir is where `make build` leaves one folder per function, relative to infra/.
const DefaultBuildDir = "../build"

// DefaultCodeDir is the build output folder of a function when run from infra/.
func DefaultCodeDir(name string) string { return filepath.Join(DefaultBuildDir, name) }

// Lambda limits that CloudFormation would otherwise reject only at deploy time.
const (
	maxTimeout      = 15 * time.Minute
	minMemoryMB     = 128
	maxMemoryMB     = 10240
	maxFunctionName = 64
	maxDescription  = 256
	// SQS caps the visibility timeout at 12 hours.
	maxVisibility = 12 * time.Hour
)

var httpMethods = map[string]bool{
	"GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "HEAD": true, "OPTIONS": true, "ANY": true,
}

func (p Props) codeDir(name string) string {
	if p.CodeDir != nil {
		return p.CodeDir(name)
	}
	return DefaultCodeDir(name)
}

// Validate reports every problem in the props at once, each naming the function, so that a
// broken manifest fails in seconds at synth instead of minutes into a CloudFormation deploy.
func (p Props) Validate() error {
	var errs []error
	if _, err := ParseEnv(string(p.Env)); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, p.validateBuckets()...)
	errs = append(errs, p.validateAlarmOptions()...)
	errs = append(errs, p.validateTracing()...)
	queues, qerrs := p.queueOwners()
	errs = append(errs, qerrs...)
	seen := map[string]bool{}
	routes := map[string]string{}
	for _, f := range p.Functions {
		if seen[f.Name] {
			errs = append(errs, fmt.Errorf("function %q: listed twice in the manifest", f.Name))
		}
		seen[f.Name] = true
		if prev, ok := routes[f.Route]; ok && f.Route != "" {
			errs = append(errs, fmt.Errorf("function %q: route %q already served by %q", f.Name, f.Route, prev))
		}
		routes[f.Route] = f.Name
		for _, err := range p.validateFunction(f, queues) {
			errs = append(errs, fmt.Errorf("function %q: %w", f.Name, err))
		}
	}
	return errors.Join(errs...)
}

func (p Props) validateAlarmOptions() []error {
	var errs []error
	if p.AlarmEmail != "" {
		if a, err := mail.ParseAddress(p.AlarmEmail); err != nil || a.Address != p.AlarmEmail {
			errs = append(errs, fmt.Errorf("alarm e-mail %q: want a plain address such as oncall@example.com", p.AlarmEmail))
		}
	}
	if u := p.RunbookBaseURL; u != "" && (!strings.HasPrefix(u, "https://") || !strings.HasSuffix(u, "/")) {
		errs = append(errs, fmt.Errorf("runbook base URL %q: want https://…/ ending in a slash, e.g. https://github.com/acme/propertypro/blob/main/", u))
	}
	return errs
}

func (p Props) validateBuckets() []error {
	var errs []error
	seen := map[string]bool{}
	for _, b := range p.Buckets {
		if seen[b] {
			errs = append(errs, fmt.Errorf("bucket %q: listed twice", b))
		}
		seen[b] = true
		if !validName(b) {
			errs = append(errs, fmt.Errorf("bucket %q: use lower-case letters, digits and '-'", b))
		}
	}
	return errs
}

// queueOwners maps each queue to the task that consumes it; a queue has exactly one consumer
// because the stack creates it alongside that consumer.
func (p Props) queueOwners() (map[string]string, []error) {
	owners := map[string]string{}
	var errs []error
	for _, f := range p.Functions {
		if f.Kind() != functions.KindTask {
			continue
		}
		if prev, ok := owners[f.Queue]; ok {
			errs = append(errs, fmt.Errorf("function %q: queue %q is already consumed by %q", f.Name, f.Queue, prev))
		}
		if !validName(f.Queue) {
			errs = append(errs, fmt.Errorf("function %q: queue %q: use lower-case letters, digits and '-'", f.Name, f.Queue))
		}
		owners[f.Queue] = f.Name
	}
	return owners, errs
}

func (p Props) validateFunction(f functions.Function, queues map[string]string) []error {
	var errs []error
	if !validName(f.Name) {
		errs = append(errs, errors.New("name: use lower-case letters, digits and '-'"))
	}
	if n := len(physicalName(Staging, f.Name)); n > maxFunctionName {
		errs = append(errs, fmt.Errorf("name: Lambda function names are at most %d characters with the stack prefix, this one is %d", maxFunctionName, n))
	}
	if len(f.Summary) > maxDescription {
		errs = append(errs, fmt.Errorf("Summary: Lambda descriptions are at most %d characters, this one is %d", maxDescription, len(f.Summary)))
	}
	errs = append(errs, validateSize(f)...)
	errs = append(errs, validateTrigger(f)...)
	errs = append(errs, p.validateAccess(f, queues)...)
	if err := checkBootstrap(p.codeDir(f.Name)); err != nil {
		errs = append(errs, err)
	}
	return errs
}

func validateSize(f functions.Function) []error {
	var errs []error
	if f.Timeout <= 0 || f.Timeout > maxTimeout || f.Timeout%time.Second != 0 {
		errs = append(errs, fmt.Errorf("Timeout %v: must be whole seconds between 1s and %v", f.Timeout, maxTimeout))
	}
	if f.MemoryMB < minMemoryMB || f.MemoryMB > maxMemoryMB {
		errs = append(errs, fmt.Errorf("MemoryMB %d: must be between %d and %d", f.MemoryMB, minMemoryMB, maxMemoryMB))
	}
	return errs
}

func validateTrigger(f functions.Function) []error {
	switch f.Kind() {
	case functions.KindHTTP:
		if !httpMethods[f.Method()] || !strings.HasPrefix(f.Path(), "/") {
			return []error{fmt.Errorf("Route %q: want \"METHOD /path\" with METHOD one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY", f.Route)}
		}
	case functions.KindTask:
		if 6*f.Timeout > maxVisibility {
			return []error{fmt.Errorf("Timeout %v: the queue's visibility timeout (6 × timeout) would exceed SQS's %v", f.Timeout, maxVisibility)}
		}
	case functions.KindSchedule:
		if !validSchedule(f.Schedule) {
			return []error{fmt.Errorf("Schedule %q: want an EventBridge expression \"rate(...)\" or \"cron(...)\" (or set Route or Queue)", f.Schedule)}
		}
	}
	return nil
}

func validSchedule(s string) bool {
	return (strings.HasPrefix(s, "rate(") || strings.HasPrefix(s, "cron(")) && strings.HasSuffix(s, ")")
}

func (p Props) validateAccess(f functions.Function, queues map[string]string) []error {
	var errs []error
	known := map[string]bool{}
	for _, b := range p.Buckets {
		known[b] = true
	}
	for _, q := range f.Access.SendQueues {
		if _, ok := queues[q]; !ok {
			errs = append(errs, fmt.Errorf("Access.SendQueues: no task consumes queue %q", q))
		}
	}
	for _, b := range slices.Concat(f.Access.ReadBuckets, f.Access.WriteBuckets) {
		if !known[b] {
			errs = append(errs, fmt.Errorf("Access: unknown bucket %q (known: %v)", b, p.Buckets))
		}
	}
	if s := f.Source; s != nil {
		if f.Kind() != functions.KindTask {
			errs = append(errs, errors.New("Source: only a task (with a Queue) can be fed by S3 notifications"))
		}
		if !known[s.Bucket] {
			errs = append(errs, fmt.Errorf("Source: unknown bucket %q (known: %v)", s.Bucket, p.Buckets))
		}
		// The notification only names the object; without read access the task cannot fetch it.
		if !slices.Contains(f.Access.ReadBuckets, s.Bucket) {
			errs = append(errs, fmt.Errorf("Source: bucket %q must also be in Access.ReadBuckets", s.Bucket))
		}
	}
	return errs
}

// checkBootstrap catches the common mistake of synthesizing before building, which would
// otherwise upload an empty asset and fail only when the Lambda is first invoked.
func checkBootstrap(dir string) error {
	st, err := os.Stat(filepath.Join(dir, "bootstrap"))
	if err != nil || st.IsDir() {
		return fmt.Errorf("no %s: run `make build` first (it writes build/<name>/bootstrap)", filepath.Join(dir, "bootstrap"))
	}
	return nil
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}
