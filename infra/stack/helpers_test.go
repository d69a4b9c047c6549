package stack

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/propertypro/propertypro/functions"
)

// TestMain stops the jsii kernel (a Node process) once all tests are done.
func TestMain(m *testing.M) {
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

// testManifest extends the real manifest with the trigger kinds it may not have yet, so
// that queue, notification and schedule code paths are exercised. Names, routes and queues
// say "test" so they never clash with entries the real manifest gains later.
func testManifest() []functions.Function {
	extra := []functions.Function{
		{
			Name: "api-test-item-get", Summary: "One item.", Route: "GET /test/items/{id}",
			Timeout: 5 * time.Second, MemoryMB: 256, Access: functions.Access{Database: true},
		},
		{
			Name: "api-test-upload", Summary: "Accepts a data drop.", Route: "POST /test/uploads",
			Timeout: 10 * time.Second, MemoryMB: 256,
			Access: functions.Access{WriteBuckets: []string{functions.BucketDataDrops}},
		},
		{
			Name: "task-test-ingest", Summary: "Loads a dropped file.", Queue: "test-ingest",
			Source:  &functions.S3Source{Bucket: functions.BucketDataDrops, Prefix: "test-incoming/"},
			Timeout: 5 * time.Minute, MemoryMB: 1024,
			Access: functions.Access{
				Database: true, ReadBuckets: []string{functions.BucketDataDrops},
				SendQueues: []string{"test-index"},
			},
		},
		{
			Name: "task-test-index", Summary: "Indexes a document.", Queue: "test-index",
			Source:  &functions.S3Source{Bucket: functions.BucketDocuments},
			Timeout: 2 * time.Minute, MemoryMB: 512,
			Access: functions.Access{AI: true, VectorStore: true, ReadBuckets: []string{functions.BucketDocuments}},
		},
		{
			Name: "cron-test-nurture", Summary: "Finds leads due for nurturing.", Schedule: "rate(15 minutes)",
			Timeout: time.Minute, MemoryMB: 256,
			Access: functions.Access{Database: true, SendQueues: []string{"test-ingest"}},
		},
	}
	return append(append([]functions.Function{}, functions.Manifest...), extra...)
}

// synthCase is one stack to check: a manifest synthesized for an environment.
type synthCase struct {
	name     string
	env      Env
	manifest []functions.Function
}

var synthCases = []synthCase{
	{"real manifest dev", Dev, functions.Manifest},
	{"test manifest dev", Dev, testManifest()},
	{"test manifest staging", Staging, testManifest()},
	{"test manifest prod", Prod, testManifest()},
}

var synthesized = map[string]*synthesis{}

// template is the case's flattened template (see synthesis): every stack's resources in one,
// so that checks of functions, routes, grants and alarms need not know which stack holds them.
func (c synthCase) template(t *testing.T) assertions.Template {
	t.Helper()
	return c.synth(t).all
}

// synth synthesizes each case once per test binary: synthesis through jsii takes seconds.
func (c synthCase) synth(t *testing.T) *synthesis {
	t.Helper()
	if s, ok := synthesized[c.name]; ok {
		return s
	}
	st := New(newTestApp(t, nil), StackName(c.env), testProps(t, c.env, c.manifest))
	s := synthesize(t, st)
	synthesized[c.name] = s
	return s
}

// newTestApp turns bundling off as the CDK CLI does for stacks it does not deploy.
func newTestApp(t *testing.T, extra map[string]any) awscdk.App {
	t.Helper()
	ctx := Context()
	ctx["aws:cdk:bundling-stacks"] = []any{}
	for k, v := range extra {
		ctx[k] = v
	}
	return awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(t.TempDir())})
}

// testProps points every function at one dummy bootstrap so tests never need `make build`.
func testProps(t *testing.T, env Env, manifest []functions.Function) Props {
	t.Helper()
	return Props{Env: env, Functions: manifest, Buckets: functions.Buckets, CodeDir: dummyCodeDir(t)}
}

var codeDirCache string

func dummyCodeDir(t *testing.T) func(string) string {
	t.Helper()
	if codeDirCache == "" {
		dir, err := os.MkdirTemp("", "propertypro-infra-code-")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "bootstrap"), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		codeDirCache = dir
	}
	return func(string) string { return codeDirCache }
}

// resources returns the template's resources of one type, keyed by logical ID.
func resources(t *testing.T, tpl assertions.Template, typ string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for id, r := range *tpl.FindResources(jsii.String(typ), nil) {
		out[id] = *r
	}
	return out
}

func props(r map[string]any) map[string]any {
	p, _ := r["Properties"].(map[string]any)
	return p
}

// ourFunctions returns the Lambdas built from the manifest, keyed by function name, leaving
// out the helpers CDK adds for S3 notifications and custom resources.
func ourFunctions(t *testing.T, tpl assertions.Template, env Env) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for id, r := range resources(t, tpl, "AWS::Lambda::Function") {
		p := props(r)
		if p["Handler"] != "bootstrap" {
			continue
		}
		name, _ := p["FunctionName"].(string)
		short := name[len(physicalName(env, "")):]
		if _, dup := out[short]; dup {
			t.Fatalf("two Lambdas named %s (%s)", name, id)
		}
		r["LogicalID"] = id
		out[short] = r
	}
	return out
}

func count(m []functions.Function, k functions.Kind) int {
	n := 0
	for _, f := range m {
		if f.Kind() == k {
			n++
		}
	}
	return n
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}
