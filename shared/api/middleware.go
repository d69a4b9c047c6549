package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"runtime/debug"
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
		ctx := logging.WithFields(r.Context(), logging.Fields{RequestID: id})
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
			log.InfoContext(ctx, "request", "method", r.Method, "path", r.URL.Path,
				"status", rec.status, "duration_ms", float64(time.Since(start).Microseconds())/1000)
		}()
		if _, pattern := mux.Handler(r); pattern == "" {
			lambdahttp.WriteProblem(rec, r, log, apperr.New(apperr.NotFound, "no route %s %s", r.Method, r.URL.Path))
			return
		}
		mux.ServeHTTP(rec, r)
	})
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
