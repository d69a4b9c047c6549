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

func TestMain(m *testing.M) {
	// The machines ship Node 20, which jsii flags as end-of-life in a banner that would bury
	// test failures; jsii silences it only for the majors listed.
	os.Setenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

// testManifest extends the real manifest with the trigger kinds it may not have yet, so
// that queue, notification and schedule code paths are exercised.
func testManifest() []functions.Function {
	extra := []functions.Function{
		{
			Name: "api-listings-get", Summary: "One listing.", Route: "GET /v1/listings/{id}",
			Timeout: 5 * time.Second, MemoryMB: 256, Access: functions.Access{Database: true},
		},
		{
			Name: "api-drops-upload", Summary: "Accepts a data drop.", Route: "POST /v1/drops",
			Timeout: 10 * time.Second, MemoryMB: 256,
			Access: functions.Access{WriteBuckets: []string{functions.BucketDataDrops}},
		},
		{
			Name: "task-ingest-file", Summary: "Loads a dropped file.", Queue: "ingest-file",
			Source:  &functions.S3Source{Bucket: functions.BucketDataDrops, Prefix: "incoming/"},
			Timeout: 5 * time.Minute, MemoryMB: 1024,
			Access: functions.Access{
				Database: true, ReadBuckets: []string{functions.BucketDataDrops},
				SendQueues: []string{"index-document"},
			},
		},
		{
			Name: "task-index-document", Summary: "Indexes a document.", Queue: "index-document",
			Source:  &functions.S3Source{Bucket: functions.BucketDocuments},
			Timeout: 2 * time.Minute, MemoryMB: 512,
			Access: functions.Access{AI: true, VectorStore: true, ReadBuckets: []string{functions.BucketDocuments}},
		},
		{
			Name: "cron-nurture-due", Summary: "Finds leads due for nurturing.", Schedule: "rate(15 minutes)",
			Timeout: time.Minute, MemoryMB: 256,
			Access: functions.Access{Database: true, SendQueues: []string{"ingest-file"}},
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

var synthesized = map[string]assertions.Template{}

// template synthesizes each case once per test binary: synthesis through jsii takes seconds.
func (c synthCase) template(t *testing.T) assertions.Template {
	t.Helper()
	if tpl, ok := synthesized[c.name]; ok {
		return tpl
	}
	st := New(newTestApp(t, nil), StackName(c.env), testProps(t, c.env, c.manifest))
	tpl := assertions.Template_FromStack(st, nil)
	synthesized[c.name] = tpl
	return tpl
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
