package telemetry

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/propertypro/propertypro/shared/queue"
)

// Tracer is the tracer every PropertyPro span comes from.
func Tracer() trace.Tracer { return otel.Tracer("github.com/propertypro/propertypro") }

// Inject writes ctx's trace context (traceparent, tracestate, baggage) into message
// attributes, so the consumer of a queue message continues the producer's trace.
func Inject(ctx context.Context, attrs map[string]string) map[string]string {
	if attrs == nil {
		attrs = map[string]string{}
	}
	otel.GetTextMapPropagator().Inject(ctx, propagation.MapCarrier(attrs))
	return attrs
}

// Extract returns ctx carrying the remote trace context found in message attributes or
// headers, if any.
func Extract(ctx context.Context, carrier propagation.TextMapCarrier) context.Context {
	return otel.GetTextMapPropagator().Extract(ctx, carrier)
}

// Sender wraps a queue sender so every message carries the sender's trace context and the
// send itself is a producer span. A nil sender stays nil.
func Sender(s queue.Sender) queue.Sender {
	if s == nil {
		return nil
	}
	if _, ok := s.(tracedSender); ok {
		return s
	}
	return tracedSender{s}
}

type tracedSender struct{ next queue.Sender }

func (t tracedSender) Send(ctx context.Context, q, body string, attrs map[string]string) (string, error) {
	ctx, span := Tracer().Start(ctx, "send "+q, trace.WithSpanKind(trace.SpanKindProducer),
		trace.WithAttributes(attribute.String("messaging.destination.name", q)))
	defer span.End()
	copied := make(map[string]string, len(attrs)+2)
	for k, v := range attrs {
		copied[k] = v
	}
	id, err := t.next.Send(ctx, q, body, Inject(ctx, copied))
	End(span, err)
	span.SetAttributes(attribute.String("messaging.message.id", id))
	return id, err
}

// SendMany sends a batch under one producer span, every message carrying its context; the
// batch stays a batch when the wrapped sender can send one.
func (t tracedSender) SendMany(ctx context.Context, q string, msgs []queue.Outgoing) error {
	ctx, span := Tracer().Start(ctx, "send "+q, trace.WithSpanKind(trace.SpanKindProducer),
		trace.WithAttributes(attribute.String("messaging.destination.name", q),
			attribute.Int("messaging.batch.message_count", len(msgs))))
	defer span.End()
	traced := make([]queue.Outgoing, len(msgs))
	for i, m := range msgs {
		attrs := make(map[string]string, len(m.Attributes)+2)
		for k, v := range m.Attributes {
			attrs[k] = v
		}
		traced[i] = queue.Outgoing{Body: m.Body, Attributes: Inject(ctx, attrs)}
	}
	err := queue.SendAll(ctx, t.next, q, traced)
	End(span, err)
	return err
}

// End records err on span (if any) without ending it; callers defer span.End().
func End(span trace.Span, err error) {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codesError, err.Error())
	}
}
