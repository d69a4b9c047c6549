package platform

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/lambdasqs"
	"github.com/propertypro/propertypro/shared/metrics"
	"github.com/propertypro/propertypro/shared/telemetry"
)

// Instrument wraps a built handler with what every function gets, in Lambda and in the local
// runner alike: a consumer span per queue message continuing the producer's trace (its
// context travels in the message attributes), task and schedule metrics, and a runtime
// feature flag check for schedules. HTTP functions are instrumented by api.Middleware, which
// knows the matched route; senders by telemetry.Sender before the builder runs.
func Instrument(b *Boot, h Handler) Handler {
	if h.Task != nil {
		h.Task = instrumentTask(b.Fn, h.Task)
	}
	if h.Job != nil {
		h.Job = instrumentJob(b, h.Job)
	}
	return h
}

func instrumentTask(fn functions.Function, next lambdasqs.Handler) lambdasqs.Handler {
	return func(ctx context.Context, m lambdasqs.Message) error {
		ctx = telemetry.Extract(ctx, propagation.MapCarrier(m.Attributes))
		ctx, span := telemetry.Tracer().Start(ctx, "process "+fn.Queue, trace.WithSpanKind(trace.SpanKindConsumer),
			trace.WithAttributes(attribute.String("faas.name", fn.Name),
				attribute.String("messaging.destination.name", fn.Queue),
				attribute.String("messaging.message.id", m.ID),
				attribute.Int("messaging.receive_count", m.ReceiveCount)))
		defer span.End()
		start := time.Now()
		err := lambdasqs.Safe(ctx, next, m)
		telemetry.End(span, err)
		metrics.Default.Observe(metrics.TaskDuration, time.Since(start).Seconds(), "function", fn.Name)
		metrics.Default.Inc(metrics.TaskRuns, "function", fn.Name, "outcome", outcome(err))
		return err
	}
}

func instrumentJob(b *Boot, next Job) Job {
	fn := b.Fn
	return func(ctx context.Context, now time.Time) error {
		ctx, span := telemetry.Tracer().Start(ctx, "schedule "+fn.Name,
			trace.WithAttributes(attribute.String("faas.name", fn.Name), attribute.String("faas.cron", fn.Schedule)))
		defer span.End()
		if fn.Flag != "" {
			on, err := FlagOn(ctx, b.DB, b.Config, fn.Flag)
			if err == nil && !on {
				span.SetAttributes(attribute.Bool("skipped", true))
				metrics.Default.Inc(metrics.ScheduleRuns, "function", fn.Name, "outcome", "skipped")
				b.Log.InfoContext(ctx, "schedule skipped: flag off", "function", fn.Name, "flag", fn.Flag)
				return nil
			}
		}
		err := next(ctx, now)
		telemetry.End(span, err)
		metrics.Default.Inc(metrics.ScheduleRuns, "function", fn.Name, "outcome", outcome(err))
		return err
	}
}

func outcome(err error) string {
	if err != nil {
		return "failure"
	}
	return "success"
}
