package telemetry

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/propertypro/propertypro/shared/ai"
	"github.com/propertypro/propertypro/shared/metrics"
)

// ObserveAI wraps an ai.ChainSettings.Observe hook (next may be nil) so that every provider
// attempt becomes a span (back-dated by its latency: the chain reports attempts after they
// end) and the handbook's AI metrics: calls by provider and outcome, latency and tokens.
func ObserveAI(next func(context.Context, ai.Attempt)) func(context.Context, ai.Attempt) {
	return func(ctx context.Context, a ai.Attempt) {
		recordAI(ctx, a)
		if next != nil {
			next(ctx, a)
		}
	}
}

func recordAI(ctx context.Context, a ai.Attempt) {
	end := time.Now()
	_, span := Tracer().Start(ctx, "ai "+a.Provider, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithTimestamp(end.Add(-a.Latency)), trace.WithAttributes(
			attribute.String("gen_ai.system", a.Provider), attribute.String("gen_ai.request.model", a.Model),
			attribute.String("ai.template", a.Template), attribute.Int("ai.try", a.Try),
			attribute.Int("gen_ai.usage.input_tokens", a.InputTokens),
			attribute.Int("gen_ai.usage.output_tokens", a.OutputTokens),
			attribute.String("ai.skipped", a.Skipped)))
	End(span, a.Err)
	span.End(trace.WithTimestamp(end))
	outcome := "success"
	switch {
	case a.Skipped != "":
		outcome = "skipped_" + a.Skipped
	case a.Err != nil:
		outcome = "error"
	}
	m := metrics.Default
	m.Inc(metrics.AICalls, "provider", a.Provider, "outcome", outcome)
	if a.Skipped == "" {
		m.Observe(metrics.AILatency, a.Latency.Seconds(), "provider", a.Provider)
		m.Add(metrics.AITokens, float64(a.InputTokens), "provider", a.Provider, "direction", "input")
		m.Add(metrics.AITokens, float64(a.OutputTokens), "provider", a.Provider, "direction", "output")
	}
}
