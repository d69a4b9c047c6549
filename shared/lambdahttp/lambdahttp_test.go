package lambdahttp

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/propertypro/propertypro/shared/apperr"
)

func TestRoundTrip(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/things/{id}", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Set-Cookie", "a=1")
		WriteJSON(w, 201, "application/json", map[string]string{
			"id": r.PathValue("id"), "q": r.URL.Query().Get("q"), "body": string(b),
			"auth": r.Header.Get("Authorization"), "rid": r.Header.Get("X-Request-Id"),
		})
	})
	mux.HandleFunc("GET /bin", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte{0xff, 0xfe}) })
	h := Handler(mux)

	ev := events.APIGatewayV2HTTPRequest{
		RawPath: "/v1/things/a%20b", RawQueryString: "q=x%26y",
		Headers: map[string]string{"authorization": "Bearer t"},
		Body:    base64.StdEncoding.EncodeToString([]byte(`{"n":1}`)), IsBase64Encoded: true,
	}
	ev.RequestContext.HTTP.Method = "POST"
	ev.RequestContext.RequestID = "rid-1"
	resp, err := h(context.Background(), ev)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("status %d err %v body %s", resp.StatusCode, err, resp.Body)
	}
	var got map[string]string
	json.Unmarshal([]byte(resp.Body), &got)
	want := map[string]string{"id": "a b", "q": "x&y", "body": `{"n":1}`, "auth": "Bearer t", "rid": "rid-1"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(resp.Cookies) != 1 {
		t.Errorf("cookies = %v", resp.Cookies)
	}

	ev2 := events.APIGatewayV2HTTPRequest{RawPath: "/bin"}
	ev2.RequestContext.HTTP.Method = "GET"
	resp, _ = h(context.Background(), ev2)
	if !resp.IsBase64Encoded {
		t.Error("binary body must be base64 encoded")
	}
}

func TestProblems(t *testing.T) {
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	tests := []struct {
		err        error
		status     int
		detailHide bool
	}{
		{apperr.Validation(apperr.FieldError{Field: "price", Message: "must be positive"}), 422, false},
		{apperr.New(apperr.NotFound, "listing not found"), 404, false},
		{apperr.New(apperr.PreconditionFailed, "stale"), 412, false},
		{&apperr.Error{Code: apperr.RateLimited, Message: "slow down", RetryAfter: 1500 * time.Millisecond}, 429, false},
		{errors.New("pq: password=hunter2 relation missing"), 500, true},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			p := ProblemFor(context.Background(), log, tt.err, "/x")
			if p.Status != tt.status || p.Code == "" || p.Type == "" {
				t.Fatalf("problem %+v", p)
			}
			if tt.detailHide && p.Detail != "an unexpected error occurred; it has been logged" {
				t.Errorf("internal detail leaked: %q", p.Detail)
			}
		})
	}
	if CodeForStatus(405) != apperr.NotFound || CodeForStatus(400) != apperr.Invalid || CodeForStatus(502) != apperr.Internal {
		t.Error("CodeForStatus mapping wrong")
	}
}
