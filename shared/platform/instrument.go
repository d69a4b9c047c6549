package platform

import (
	"context"
	"encoding/json"
	"net/url"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/propertypro/propertypro/shared/lambdasqs"
	"github.com/propertypro/propertypro/shared/metrics"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/telemetry"
)

// Instrument wraps a built handler with what every function gets, in Lambda and in the local
// runner alike: a consumer span per queue message continuing the producer's trace (its
// context travels in the message attributes), task and schedule metrics, and a runtime
// feature flag check for schedules. HTTP functions are instrumented by api.Middleware, which
// knows the matched route; senders by telemetry.Sender before the builder runs.
func Instrument(b *Boot, h Handler) Handler {
	if h.Task != nil {
		h.Task = instrumentTask(b, h.Task)
	}
	if h.Job != nil {
		h.Job = instrumentJob(b, h.Job)
	}
	return h
}

func instrumentTask(b *Boot, next lambdasqs.Handler) lambdasqs.Handler {
	fn := b.Fn
	return func(ctx context.Context, m lambdasqs.Message) error {
		ctx = telemetry.Extract(ctx, carrierOf(ctx, b, m))
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

// carrierOf is the trace context a message continues: the one in its attributes, or, for an
// object-created notification S3 sent straight to the queue (S3 events carry no trace), the
// one recorded when the upload was issued (postgres.RecordObjectTrace), so "uploaded →
// processed" stays one trace in AWS as it is locally.
func carrierOf(ctx context.Context, b *Boot, m lambdasqs.Message) propagation.MapCarrier {
	if m.Attributes[traceparent] != "" || b.Fn.Source == nil || b.DB == nil {
		return m.Attributes
	}
	var ev events.S3Event
	if json.Unmarshal([]byte(m.Body), &ev) != nil || len(ev.Records) == 0 {
		return m.Attributes
	}
	obj := ev.Records[0].S3
	key, err := url.QueryUnescape(obj.Object.Key)
	if err != nil {
		key = obj.Object.Key
	}
	// Traces are recorded under the manifest's bucket name, and S3 names the deployed bucket
	// (pp-prod-documents); a task reads one bucket, the one its source names.
	carrier, err := postgres.ObjectTrace(ctx, b.DB, b.Fn.Source.Bucket, key)
	if err != nil || carrier == nil {
		return m.Attributes // tracing never fails the work: the span starts a new trace
	}
	return carrier
}

// traceparent is the W3C Trace Context key that telemetry.Inject writes.
const traceparent = "traceparent"
