// Package logging builds PropertyPro's JSON slog logger: request, user and brokerage ids on
// every line, and secrets and personal data redacted before anything is written.
package logging

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

type ctxKey struct{}

// Fields identify who and what a log line is about.
type Fields struct {
	RequestID   string
	UserID      string
	BrokerageID string
}

// WithFields returns a context whose log lines carry f (empty values keep the outer ones).
func WithFields(ctx context.Context, f Fields) context.Context {
	old := FieldsFrom(ctx)
	if f.RequestID == "" {
		f.RequestID = old.RequestID
	}
	if f.UserID == "" {
		f.UserID = old.UserID
	}
	if f.BrokerageID == "" {
		f.BrokerageID = old.BrokerageID
	}
	return context.WithValue(ctx, ctxKey{}, f)
}

// FieldsFrom returns the fields set on ctx, if any.
func FieldsFrom(ctx context.Context) Fields {
	f, _ := ctx.Value(ctxKey{}).(Fields)
	return f
}

// New returns a JSON logger writing to w at level, with context fields and redaction.
func New(w io.Writer, level string) *slog.Logger {
	inner := slog.NewJSONHandler(w, &slog.HandlerOptions{Level: ParseLevel(level)})
	return slog.New(&handler{inner: inner})
}

// ForLambda returns the logger for a Lambda function: aws-lambda-go's handler (so the
// platform's log level and format and the request id apply) wrapped with redaction and
// context fields. Outside Lambda it is New(os.Stderr, level).
func ForLambda(level string) *slog.Logger {
	if os.Getenv("AWS_LAMBDA_FUNCTION_NAME") == "" {
		return New(os.Stderr, level)
	}
	return slog.New(&handler{inner: lambdacontext.NewLogHandler()})
}

// ParseLevel maps debug/info/warn/error (any case) to a slog level, defaulting to info.
func ParseLevel(s string) slog.Level {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug
	case "warn", "warning":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

// handler adds context fields and redacts every attribute before the inner handler sees it.
type handler struct{ inner slog.Handler }

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool { return h.inner.Enabled(ctx, l) }

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, RedactString(r.Message), r.PC)
	if f := FieldsFrom(ctx); f != (Fields{}) {
		out.AddAttrs(nonEmpty("request_id", f.RequestID), nonEmpty("user_id", f.UserID),
			nonEmpty("brokerage_id", f.BrokerageID))
	}
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(RedactAttr(a))
		return true
	})
	return h.inner.Handle(ctx, out)
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(as))
	for i, a := range as {
		red[i] = RedactAttr(a)
	}
	return &handler{inner: h.inner.WithAttrs(red)}
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{inner: h.inner.WithGroup(name)}
}

// nonEmpty drops empty fields (an empty Attr is ignored by slog handlers).
func nonEmpty(k, v string) slog.Attr {
	if v == "" {
		return slog.Attr{}
	}
	return slog.String(k, v)
}
