package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/propertypro/propertypro/shared/metrics"
	"github.com/propertypro/propertypro/shared/telemetry"
)

// loginRoute is the route whose 401s count as failed logins (a handbook security metric).
const loginRoute = "POST /v1/auth/login"

// startSpan opens the request's server span, continuing a caller's traceparent header. The
// span is named by the route pattern, never the raw path, so ids do not explode cardinality.
func startSpan(r *http.Request, route string) (context.Context, trace.Span) {
	ctx := telemetry.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
	name := route
	if name == "" {
		name = r.Method + " unmatched"
	}
	return telemetry.Tracer().Start(ctx, name, trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("http.request.method", r.Method),
			attribute.String("http.route", route)))
}

// observe records the request's metrics and closes its span's status.
func observe(span trace.Span, route string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	if status == 0 {
		status = http.StatusOK
	}
	span.SetAttributes(attribute.Int("http.response.status_code", status))
	if status >= 500 {
		span.SetStatus(codes.Error, http.StatusText(status))
	}
	m := metrics.Default
	m.Inc(metrics.APIRequests, "route", route, "status", strconv.Itoa(status))
	m.Observe(metrics.APILatency, d.Seconds(), "route", route)
	if status >= 400 {
		m.Inc(metrics.APIErrors, "route", route, "class", strconv.Itoa(status/100)+"xx")
	}
	if status == http.StatusUnauthorized && strings.EqualFold(route, loginRoute) {
		m.Inc(metrics.LoginFailures)
	}
}
