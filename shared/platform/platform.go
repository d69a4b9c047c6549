// Package platform builds what a function needs once per cold start (configuration, logger,
// tracing, the clients its manifest entry grants) and runs its handler, in Lambda or in the
// local runner and `propertypro invoke`, through the same Invoke.
package platform

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/lambdahttp"
	"github.com/propertypro/propertypro/shared/lambdasqs"
	"github.com/propertypro/propertypro/shared/metrics"
	"github.com/propertypro/propertypro/shared/objects"
	"github.com/propertypro/propertypro/shared/queue"
	"github.com/propertypro/propertypro/shared/telemetry"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// Boot is everything a handler is built from. Clients are present only when the function's
// manifest entry grants them, so a function that never touches the database pays nothing
// for it at cold start.
type Boot struct {
	Fn     functions.Function
	Config config.Config
	Log    *slog.Logger
	DB     *pgxpool.Pool // nil unless Fn.Access.Database
	Queues queue.Sender  // SQS in AWS, the local durable queue on the local platform
	Depths queue.Stats   // queue depth, for readiness and operations; may be nil
	// Objects is S3 in AWS (attached by awsx.AttachObjects), LOCAL_DIR/drops locally.
	Objects objects.Store
	// Runtime names where the function runs, for readiness reports: "lambda" or "local".
	Runtime string
}

// Handler is a built function: exactly one field is set, matching the function's kind.
type Handler struct {
	HTTP http.Handler      // HTTP functions
	Task lambdasqs.Handler // task functions, one queue message at a time
	Job  Job               // schedule functions
}

// Job is a scheduled function's work. now is the schedule's firing time, so runs are
// reproducible in tests with an injected clock.
type Job func(ctx context.Context, now time.Time) error

// Builder builds a function's handler from its Boot.
type Builder func(b *Boot) (Handler, error)

// Invoke runs a function on a raw Lambda event and returns the raw response: the contract
// of the Lambda runtime, shared by Lambda, `propertypro invoke` and the contract tests.
func (h Handler) Invoke(ctx context.Context, fn functions.Function, log *slog.Logger, payload []byte) (out []byte, err error) {
	ctx, span := telemetry.Tracer().Start(ctx, "invoke "+fn.Name, trace.WithAttributes(
		attribute.String("faas.name", fn.Name), attribute.String("faas.trigger", string(fn.Kind()))))
	start := time.Now()
	defer func() {
		telemetry.End(span, err)
		span.End()
		metrics.Default.Observe(metrics.InvocationDuration, time.Since(start).Seconds(), "function", fn.Name)
	}()
	switch fn.Kind() {
	case functions.KindHTTP:
		var ev events.APIGatewayV2HTTPRequest
		if err := decode(payload, &ev); err != nil {
			return nil, err
		}
		resp, err := lambdahttp.Handler(h.HTTP)(ctx, ev)
		return marshal(resp, err)
	case functions.KindTask:
		var ev events.SQSEvent
		if err := decode(payload, &ev); err != nil {
			return nil, err
		}
		resp, err := lambdasqs.Batch(log, h.Task)(ctx, ev)
		return marshal(resp, err)
	default:
		var ev events.EventBridgeEvent
		if err := decode(payload, &ev); err != nil {
			return nil, err
		}
		if ev.Time.IsZero() {
			ev.Time = time.Now().UTC()
		}
		if err := h.Job(ctx, ev.Time); err != nil {
			return nil, err
		}
		return []byte(`{"status":"ok"}`), nil
	}
}

func decode(payload []byte, v any) error {
	if err := json.Unmarshal(payload, v); err != nil {
		return fmt.Errorf("event is not valid JSON for this function: %w", err)
	}
	return nil
}

func marshal(v any, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}
