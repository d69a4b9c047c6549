package telemetry

import (
	"bytes"
	"context"
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
