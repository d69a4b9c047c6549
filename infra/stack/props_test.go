package stack

import (
	"strings"
	"testing"
	"time"

	"github.com/propertypro/propertypro/functions"
)

func TestEnvFromContext(t *testing.T) {
	tests := []struct {
		name    string
		context map[string]any
		want    Env
		wantErr string
	}{
		{"default is dev", nil, Dev, ""},
		{"dev", map[string]any{ContextKey: "dev"}, Dev, ""},
		{"staging", map[string]any{ContextKey: "staging"}, Staging, ""},
		{"prod", map[string]any{ContextKey: "prod"}, Prod, ""},
		{"unknown name rejected", map[string]any{ContextKey: "qa"}, "", `unknown environment "qa"`},
		{"case matters", map[string]any{ContextKey: "Prod"}, "", `unknown environment "Prod"`},
		{"empty rejected", map[string]any{ContextKey: ""}, "", `unknown environment ""`},
		{"non-string rejected", map[string]any{ContextKey: 42}, "", "must be a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EnvFromContext(newTestApp(t, tt.context))
			if !errorMatches(err, tt.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("env %q, want %q", got, tt.want)
			}
		})
	}
}

func errorMatches(err error, want string) bool {
	if want == "" {
		return err == nil
	}
	return err != nil && strings.Contains(err.Error(), want)
}

func TestValidate(t *testing.T) {
	task := functions.Function{
		Name: "task-ingest-file", Summary: "s", Queue: "ingest-file", Timeout: time.Minute, MemoryMB: 512,
		Source: &functions.S3Source{Bucket: functions.BucketDataDrops, Prefix: "in/"},
		Access: functions.Access{ReadBuckets: []string{functions.BucketDataDrops}},
	}
	with := func(mutate func(*functions.Function)) []functions.Function {
		f := task
		mutate(&f)
		return []functions.Function{f}
	}
	tests := []struct {
		name     string
		env      Env
		manifest []functions.Function
		codeDir  func(string) string
		wantErr  string
	}{
		{"real manifest", Dev, functions.Manifest, nil, ""},
		{"test manifest", Prod, testManifest(), nil, ""},
		{"unknown env", "qa", functions.Manifest, nil, `unknown environment "qa"`},
		{"missing bootstrap", Dev, functions.Manifest, func(string) string { return t.TempDir() }, "run `make build` first"},
		{"duplicate name", Dev, append(with(func(*functions.Function) {}), functions.Function{
			Name: task.Name, Summary: "s", Schedule: "rate(1 hour)", Timeout: time.Second, MemoryMB: 128,
		}), nil, "listed twice"},
		{"queue consumed twice", Dev, append(with(func(*functions.Function) {}), functions.Function{
			Name: "task-other", Summary: "s", Queue: task.Queue, Timeout: time.Second, MemoryMB: 128,
		}), nil, "already consumed by"},
		{"unknown send queue", Dev, with(func(f *functions.Function) { f.Access.SendQueues = []string{"nowhere"} }), nil, `no task consumes queue "nowhere"`},
		{"unknown bucket", Dev, with(func(f *functions.Function) { f.Access.WriteBuckets = []string{"photos"} }), nil, `unknown bucket "photos"`},
		{"source without read access", Dev, with(func(f *functions.Function) { f.Access.ReadBuckets = nil }), nil, "must also be in Access.ReadBuckets"},
		{"source on a schedule", Dev, with(func(f *functions.Function) { f.Queue, f.Schedule = "", "rate(1 hour)" }), nil, "only a task"},
		{"bad schedule", Dev, with(func(f *functions.Function) { f.Queue, f.Source, f.Schedule = "", nil, "every hour" }), nil, "EventBridge expression"},
		{"bad route", Dev, with(func(f *functions.Function) { f.Queue, f.Source, f.Route = "", nil, "FETCH /x" }), nil, "METHOD /path"},
		{"duplicate route", Dev, []functions.Function{functions.Manifest[0], func() functions.Function {
			f := functions.Manifest[0]
			f.Name = "api-health-copy"
			return f
		}()}, nil, "already served by"},
		{"timeout too long", Dev, with(func(f *functions.Function) { f.Timeout = 20 * time.Minute }), nil, "Timeout 20m0s"},
		{"fractional timeout", Dev, with(func(f *functions.Function) { f.Timeout = 1500 * time.Millisecond }), nil, "whole seconds"},
		{"memory too small", Dev, with(func(f *functions.Function) { f.MemoryMB = 64 }), nil, "MemoryMB 64"},
		{"name too long", Dev, with(func(f *functions.Function) { f.Name = "task-" + strings.Repeat("x", 50) }), nil, "at most 64 characters"},
		{"upper-case name", Dev, with(func(f *functions.Function) { f.Name = "Task-Ingest" }), nil, "lower-case"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testProps(t, tt.env, tt.manifest)
			if tt.codeDir != nil {
				p.CodeDir = tt.codeDir
			}
			err := p.Validate()
			if !errorMatches(err, tt.wantErr) {
				t.Fatalf("Validate() = %v, want error containing %q", err, tt.wantErr)
			}
			if err != nil && tt.name != "unknown env" && !strings.Contains(err.Error(), "function ") {
				t.Errorf("error %q does not name the function", err)
			}
		})
	}
}

func TestNewRejectsInvalidProps(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "no task consumes queue") {
			t.Errorf("New panicked with %v, want the validation error", r)
		}
	}()
	p := testProps(t, Dev, []functions.Function{{
		Name: "cron-x", Summary: "s", Schedule: "rate(1 hour)", Timeout: time.Second, MemoryMB: 128,
		Access: functions.Access{SendQueues: []string{"missing"}},
	}})
	New(newTestApp(t, nil), StackName(Dev), p)
}

func TestEnvVarName(t *testing.T) {
	tests := []struct{ prefix, name, want string }{
		{EnvQueueURLPrefix, "ingest-file", "QUEUE_URL_INGEST_FILE"},
		{EnvBucketPrefix, "data-drops", "BUCKET_DATA_DROPS"},
		{EnvBucketPrefix, "documents", "BUCKET_DOCUMENTS"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := envVarName(tt.prefix, tt.name); got != tt.want {
				t.Errorf("envVarName(%q, %q) = %q, want %q", tt.prefix, tt.name, got, tt.want)
			}
		})
	}
}
