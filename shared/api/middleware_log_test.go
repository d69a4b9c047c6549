package api

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The access log names every path but a credential's: an unsubscribe link's token would let
// whoever reads the logs unsubscribe the lead.
func TestAccessLogHidesTokensInPaths(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/unsubscribe/{token}", func(w http.ResponseWriter, _ *http.Request) {})
	mux.HandleFunc("GET /v1/leads/{id}", func(w http.ResponseWriter, _ *http.Request) {})
	h := Middleware(log, mux)
	for _, path := range []string{"/v1/unsubscribe/c2VjcmV0LXRva2Vu.c2ln", "/v1/leads/lead-42"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	}
	out := buf.String()
	if strings.Contains(out, "c2VjcmV0LXRva2Vu") || !strings.Contains(out, `"path":"/v1/unsubscribe/{token}"`) {
		t.Errorf("the unsubscribe token reached the log:\n%s", out)
	}
	if !strings.Contains(out, `"path":"/v1/leads/lead-42"`) {
		t.Errorf("an ordinary path is not logged as it was requested:\n%s", out)
	}
}
