package telemetry

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

const codesError = codes.Error

// SQLTracer is a pgx.QueryTracer making one client span per SQL statement. Arguments are
// never recorded: they hold personal data. (otelpgx does the same job; ours avoids a module.)
type SQLTracer struct{}

var _ pgx.QueryTracer = SQLTracer{}

type spanKey struct{}

// TraceQueryStart opens the statement's span, named by its first SQL keyword.
func (SQLTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if !trace.SpanFromContext(ctx).SpanContext().IsValid() {
		return ctx // a statement outside any request or task (pool health, runner polls) is noise
	}
	ctx, span := Tracer().Start(ctx, "sql "+verb(d.SQL), trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("db.system", "postgresql"),
			attribute.String("db.query.text", truncate(d.SQL, 500))))
	return context.WithValue(ctx, spanKey{}, span)
}

// TraceQueryEnd closes the span with the statement's outcome.
func (SQLTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryEndData) {
	span, ok := ctx.Value(spanKey{}).(trace.Span)
	if !ok {
		return
	}
	End(span, d.Err)
	span.SetAttributes(attribute.Int64("db.rows_affected", d.CommandTag.RowsAffected()))
	span.End()
}

func verb(sql string) string {
	f := strings.Fields(sql)
	if len(f) == 0 {
		return "statement"
	}
	return strings.ToUpper(f[0])
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
