package runner_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/api"
	"github.com/propertypro/propertypro/shared/catalog"
	"github.com/propertypro/propertypro/shared/lambdasqs"
	"github.com/propertypro/propertypro/shared/metrics"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/queue"
	"github.com/propertypro/propertypro/shared/runner"
	"github.com/propertypro/propertypro/shared/telemetry"
	"github.com/propertypro/propertypro/shared/testkit"
)

// syncBuffer collects printed spans written from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// An HTTP request that enqueues work and the task that consumes it are one trace: the printed
// spans (OTEL_TRACES_EXPORTER=stdout) of the request, the send and the consumer share a trace id,
// and /metrics shows the request and the task run.
func TestTraceCrossesAPIQueueWorker(t *testing.T) {
	pool := testkit.DB(t)
	printed := &syncBuffer{}
	shutdown, err := telemetry.Setup(context.Background(), telemetry.Settings{Service: "test",
		Exporter: "stdout", Writer: printed})
	if err != nil {
		t.Fatal(err)
	}
	defer shutdown(context.Background())

	consumed := make(chan trace.SpanContext, 1)
	var sender queue.Sender
	task := functions.Function{Name: "task-trace-probe", Summary: "test", Queue: "trace-probe",
		Timeout: 2 * time.Second, MemoryMB: 128}
	builders := catalog.Builders()
	builders[task.Name] = func(b *platform.Boot) (platform.Handler, error) {
		sender = b.Queues
		return platform.Handler{Task: func(ctx context.Context, m lambdasqs.Message) error {
			consumed <- trace.SpanContextFromContext(ctx)
			return nil
		}}, nil
	}
	p, err := runner.NewWith(context.Background(), testConfig(t), quiet(), &runner.Database{Pool: pool},
		append([]functions.Function{task}, functions.Manifest...), builders)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	stopped := make(chan error, 1)
	go func() { stopped <- p.Run(ctx, func(a string) { addr <- a }) }()
	base := "http://" + <-addr

	// The API side: a route that enqueues, behind the same middleware as every HTTP function.
	mux := http.NewServeMux()
	var apiTrace trace.SpanContext
	mux.HandleFunc("POST /v1/probe", func(w http.ResponseWriter, r *http.Request) {
		apiTrace = trace.SpanContextFromContext(r.Context())
		if _, err := sender.Send(r.Context(), task.Queue, `{"probe":true}`, nil); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
	srv := httptest.NewServer(api.Middleware(quiet(), mux))
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/v1/probe", "application/json", strings.NewReader("{}"))
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("probe: %v %v", resp, err)
	}
	var worker trace.SpanContext
	select {
	case worker = <-consumed:
	case <-time.After(20 * time.Second):
		t.Fatal("message never consumed")
	}
	if !apiTrace.IsValid() || worker.TraceID() != apiTrace.TraceID() {
		t.Fatalf("worker trace %s, API trace %s: not one trace", worker.TraceID(), apiTrace.TraceID())
	}
	scrape := get(t, base+"/metrics")
	cancel()
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}

	names := spansOfTrace(t, printed.String(), apiTrace.TraceID().String())
	for _, want := range []string{"POST /v1/probe", "send trace-probe", "process trace-probe"} {
		if !names[want] {
			t.Errorf("printed spans of trace %s lack %q (have %v)", apiTrace.TraceID(), want, names)
		}
	}
	for _, want := range []string{
		`api_requests_total{route="POST /v1/probe",status="202"} `,
		`task_runs_total{function="task-trace-probe",outcome="success"} `,
		`queue_messages_visible{queue="trace-probe"} 0`,
		`api_request_duration_seconds_count{route="POST /v1/probe"} `,
	} {
		if !strings.Contains(scrape, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if metrics.Default.Value(metrics.TaskRuns, "function", task.Name, "outcome", "success") < 1 {
		t.Error("task run not counted")
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

// spansOfTrace reads the stdout exporter's JSON objects and returns the names of the spans of
// one trace.
func spansOfTrace(t *testing.T, printed, traceID string) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	dec := json.NewDecoder(bufio.NewReader(strings.NewReader(printed)))
	for dec.More() {
		var s struct {
			Name        string
			SpanContext struct{ TraceID string }
		}
		if err := dec.Decode(&s); err != nil {
			t.Fatalf("printed span: %v", err)
		}
		if s.SpanContext.TraceID == traceID {
			names[s.Name] = true
		}
	}
	return names
}
