// Package telemetry sets up OpenTelemetry tracing. Nothing is exported unless configured:
// locally spans can be printed, in AWS they go to an OTLP collector (the ADOT layer).
package telemetry

import (
	"context"
	"fmt"
	"io"
	"os"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
)

// Settings choose the exporter: "none", "stdout" (printed to Writer, default stderr) or "otlp".
type Settings struct {
	Service  string
	Exporter string
	Endpoint string
	Writer   io.Writer
}

// Setup installs the global tracer provider and W3C propagator and returns a function that
// flushes and stops it. With Exporter "none" spans are still created (so trace ids flow
// through queues) but never exported.
func Setup(ctx context.Context, s Settings) (shutdown func(context.Context) error, err error) {
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(
		propagation.TraceContext{}, propagation.Baggage{}))
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(resource.NewSchemaless(
		semconv.ServiceName(s.Service)))}
	switch s.Exporter {
	case "", "none":
	case "stdout":
		w := s.Writer
		if w == nil {
			w = os.Stderr
		}
		exp, err := stdouttrace.New(stdouttrace.WithWriter(w))
		if err != nil {
			return nil, err
		}
		opts = append(opts, sdktrace.WithSyncer(exp))
	case "otlp":
		exp, err := newOTLPJSON(s.Endpoint)
		if err != nil {
			return nil, err
		}
		opts = append(opts, sdktrace.WithBatcher(exp))
	default:
		return nil, fmt.Errorf("OTEL_TRACES_EXPORTER: unknown exporter %q", s.Exporter)
	}
	tp := sdktrace.NewTracerProvider(opts...)
	otel.SetTracerProvider(tp)
	return tp.Shutdown, nil
}
