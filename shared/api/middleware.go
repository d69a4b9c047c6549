package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/lambdahttp"
	"github.com/propertypro/propertypro/shared/logging"
)

// Middleware wraps every HTTP function: a request id (X-Request-Id, kept or made), log
// fields, panic recovery into a logged 500, problem+json for unknown routes and an access
// log line.
func Middleware(log *slog.Logger, mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 128 {
			id = newID()
		}
		w.Header().Set("X-Request-Id", id)
		_, route := mux.Handler(r)
		ctx, span := startSpan(r, route)
		defer span.End()
		ctx = logging.WithFields(ctx, logging.Fields{RequestID: id})
		ctx = context.WithValue(ctx, remoteAddrKey{}, r.RemoteAddr)
		r = r.WithContext(ctx)
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				log.ErrorContext(ctx, "panic", "panic", p, "stack", string(debug.Stack()))
				if rec.status == 0 {
					lambdahttp.WriteProblem(rec, r, log, apperr.New(apperr.Internal, "panic"))
				}
			}
			observe(span, route, rec.status, time.Since(start))
			log.InfoContext(ctx, "request", "method", r.Method, "path", logPath(route, r),
				"status", rec.status, "duration_ms", float64(time.Since(start).Microseconds())/1000)
		}()
		if err := rejectNUL(r); err != nil {
			lambdahttp.WriteProblem(rec, r, log, err)
			return
		}
		if route == "" {
			lambdahttp.WriteProblem(rec, r, log, apperr.New(apperr.NotFound, "no route %s %s", r.Method, r.URL.Path))
			return
		}
		mux.ServeHTTP(rec, r)
	})
}

// logPath is the path the access log records: the request's, except that a route whose path
// carries a credential (the {token} of an unsubscribe link) is logged by its pattern, so that
// reading the logs is not enough to act as the link's holder.
func logPath(route string, r *http.Request) string {
	if strings.Contains(route, "{token}") {
		_, pattern, _ := strings.Cut(route, " ")
		return pattern
	}
	return r.URL.Path
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func newID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// maxBody bounds what the guard reads; huma enforces each operation's own limit after it.
const maxBody = 1 << 20

// rejectNUL refuses NUL characters in the query or a JSON body: Postgres cannot store them in
// text, and no field of this API needs them. Checking once at the edge keeps that mistake
// from surfacing as a 500 deep in a repository.
func rejectNUL(r *http.Request) error {
	if strings.Contains(r.URL.RawQuery, "%00") || strings.Contains(r.URL.Path, "\x00") {
		return apperr.Validation(apperr.FieldError{Field: "query", Message: "must not contain NUL characters"})
	}
	if r.Body == nil || r.ContentLength == 0 {
		return nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return apperr.Wrap(err, apperr.Invalid, "the request body could not be read")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if bytes.IndexByte(body, 0) >= 0 || bytes.Contains(body, []byte(`\u0000`)) {
		return apperr.Validation(apperr.FieldError{Field: "body", Message: "must not contain NUL characters"})
	}
	return nil
}
