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
