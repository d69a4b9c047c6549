package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel"

	"github.com/propertypro/propertypro/shared/queue"
)

func TestStdoutExporterPrintsSpans(t *testing.T) {
	var buf bytes.Buffer
	shutdown, err := Setup(context.Background(), Settings{Service: "test", Exporter: "stdout", Writer: &buf})
	if err != nil {
		t.Fatal(err)
	}
	_, span := otel.Tracer("t").Start(context.Background(), "unit-of-work")
	span.End()
	if err := shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "unit-of-work") {
		t.Fatalf("span not printed: %s", buf.String())
	}
}

func TestUnknownExporter(t *testing.T) {
	if _, err := Setup(context.Background(), Settings{Exporter: "carrier-pigeon"}); err == nil ||
		!strings.Contains(err.Error(), "OTEL_TRACES_EXPORTER") {
		t.Fatalf("want an error naming the variable, got %v", err)
	}
}

func TestOTLPJSONExport(t *testing.T) {
	got := make(chan map[string]any, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("unexpected request %s %s", r.URL.Path, r.Header.Get("Content-Type"))
		}
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		got <- body
	}))
	defer srv.Close()
	shutdown, err := Setup(context.Background(), Settings{Service: "svc", Exporter: "otlp", Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	ctx, parent := otel.Tracer("t").Start(context.Background(), "parent")
	_, child := otel.Tracer("t").Start(ctx, "child")
	child.End()
	parent.End()
	if err := shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	body := <-got
	b, _ := json.Marshal(body)
	for _, want := range []string{`"name":"child"`, `"parentSpanId"`, `"stringValue":"svc"`, parent.SpanContext().TraceID().String()} {
		if !strings.Contains(string(b), want) {
			t.Errorf("export lacks %s: %s", want, b)
		}
	}
}

// recordingSender keeps what it was asked to send, by batch.
type recordingSender struct{ batches [][]queue.Outgoing }

func (r *recordingSender) Send(ctx context.Context, q, body string, attrs map[string]string) (string, error) {
	r.batches = append(r.batches, []queue.Outgoing{{Body: body, Attributes: attrs}})
	return "1", nil
}

func (r *recordingSender) SendMany(ctx context.Context, q string, msgs []queue.Outgoing) error {
	r.batches = append(r.batches, msgs)
	return nil
}

// A batch sent through the traced sender stays one batch, and every message carries the
// sender's trace (the producer span of the batch, a child of the caller's span).
func TestTracedSendManyCarriesTheTrace(t *testing.T) {
	shutdown, err := Setup(context.Background(), Settings{Service: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer shutdown(context.Background())
	next := &recordingSender{}
	ctx, span := Tracer().Start(context.Background(), "cron")
	defer span.End()
	err = queue.SendAll(ctx, Sender(next), "q", []queue.Outgoing{{Body: "a"}, {Body: "b", Attributes: map[string]string{"k": "v"}}})
	if err != nil || len(next.batches) != 1 || len(next.batches[0]) != 2 {
		t.Fatalf("batches %v, %v", next.batches, err)
	}
	trace := span.SpanContext().TraceID().String()
	for _, m := range next.batches[0] {
		if !strings.Contains(m.Attributes["traceparent"], trace) {
			t.Errorf("message %s carries %q, not trace %s", m.Body, m.Attributes["traceparent"], trace)
		}
	}
	if next.batches[0][1].Attributes["k"] != "v" {
		t.Error("the message's own attributes were lost")
	}
}
