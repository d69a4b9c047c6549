package chroma_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/chroma"
)

// These tests cover what a healthy real server never shows: tokens, failures, timeouts.

func TestTokenHeader(t *testing.T) {
	tests := []struct {
		name   string
		header chroma.TokenHeader
		want   string
		value  string
	}{
		{"default", "", "X-Chroma-Token", "s3cret"},
		{"chroma token", chroma.HeaderChromaToken, "X-Chroma-Token", "s3cret"},
		{"bearer", chroma.HeaderAuthorization, "Authorization", "Bearer s3cret"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = r.Header.Get(tc.want)
				w.Write([]byte(`{"nanosecond heartbeat": 1}`))
			}))
			defer srv.Close()
			c, err := chroma.New(chroma.Settings{URL: srv.URL, Token: "s3cret", TokenHeader: tc.header})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Heartbeat(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got != tc.value {
				t.Fatalf("%s = %q, want %q", tc.want, got, tc.value)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name     string
		statuses []int // answers in turn; the last repeats
		want     apperr.Code
		calls    int32
	}{
		{"ok", []int{200}, "", 1},
		{"retried 503 then ok", []int{503, 200}, "", 2},
		{"500 is not retried", []int{500}, apperr.Unavailable, 1},
		{"503 exhausts retries", []int{503}, apperr.Unavailable, 3},
		{"bad token", []int{401}, apperr.Unavailable, 1},
		{"bad request", []int{400}, apperr.Invalid, 1},
		{"not found", []int{404}, apperr.NotFound, 1},
		{"rate limited", []int{429}, apperr.RateLimited, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := int(calls.Add(1)) - 1
				status := tc.statuses[min(n, len(tc.statuses)-1)]
				w.WriteHeader(status)
				if status >= 300 {
					w.Write([]byte(`{"error":"SomeError","message":"details"}`))
					return
				}
				w.Write([]byte(`{"nanosecond heartbeat": 1}`))
			}))
			defer srv.Close()
			c, _ := chroma.New(chroma.Settings{URL: srv.URL})
			err := c.Heartbeat(context.Background())
			if got := apperr.CodeOf(err); got != tc.want {
				t.Fatalf("code %q (%v), want %q", got, err, tc.want)
			}
			if calls.Load() != tc.calls {
				t.Fatalf("%d calls, want %d", calls.Load(), tc.calls)
			}
		})
	}
}

func TestServerDown(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	c, _ := chroma.New(chroma.Settings{URL: url, Retries: -1})
	if got := apperr.CodeOf(c.Heartbeat(context.Background())); got != apperr.Unavailable {
		t.Fatalf("code %q, want unavailable", got)
	}
	if got := apperr.CodeOf(c.EnsureCollection(context.Background(), "docs", 8)); got != apperr.Unavailable {
		t.Fatalf("EnsureCollection code %q, want unavailable", got)
	}
}

func TestTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}))
	defer srv.Close()
	c, _ := chroma.New(chroma.Settings{URL: srv.URL, Timeout: 50 * time.Millisecond, Retries: -1})
	start := time.Now()
	err := c.Heartbeat(context.Background())
	if apperr.CodeOf(err) != apperr.Unavailable || time.Since(start) > time.Second {
		t.Fatalf("after %v: %v; want a quick unavailable", time.Since(start), err)
	}
}

func TestNewRejectsBadSettings(t *testing.T) {
	tests := []chroma.Settings{
		{URL: ""},
		{URL: "localhost:8000"},
		{URL: "http://127.0.0.1:8000", TokenHeader: "X-Api-Key"},
	}
	for _, s := range tests {
		if _, err := chroma.New(s); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("New(%+v) = %v, want invalid", s, err)
		}
	}
}
