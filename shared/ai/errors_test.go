package ai_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/ai"
	"github.com/propertypro/propertypro/shared/apperr"
)

func TestHTTPError(t *testing.T) {
	tests := []struct {
		status     int
		retryAfter time.Duration
		wantCode   apperr.Code
		wantRetry  bool
	}{
		{429, 3 * time.Second, apperr.RateLimited, true},
		{408, 0, apperr.Unavailable, true},
		{500, 0, apperr.Unavailable, true},
		{503, time.Second, apperr.Unavailable, true},
		{400, 0, apperr.Invalid, false},
		{404, 0, apperr.Invalid, false},
		{401, 0, apperr.Unavailable, false},
		{403, 0, apperr.Unavailable, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			err := ai.HTTPError("gemini", tt.status, tt.retryAfter, errors.New("cause"))
			if err.Code != tt.wantCode {
				t.Errorf("code = %q, want %q", err.Code, tt.wantCode)
			}
			retry, after := ai.Retryable(fmt.Errorf("wrapped: %w", err))
			if retry != tt.wantRetry || (retry && after != tt.retryAfter) {
				t.Errorf("Retryable = %v %v, want %v %v", retry, after, tt.wantRetry, tt.retryAfter)
			}
			var pe *ai.ProviderError
			if !errors.As(err, &pe) || pe.Provider != "gemini" || pe.Status != tt.status {
				t.Errorf("ProviderError = %+v", pe)
			}
		})
	}
}

func TestTransportError(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		wantRetry bool
	}{
		{"deadline", fmt.Errorf("doRequest: %w", context.DeadlineExceeded), true},
		{"network", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, true},
		{"cancelled", context.Canceled, false},
		{"unreadable answer", errors.New("invalid character '<'"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ai.TransportError("openai", tt.err)
			if err.Code != apperr.Unavailable {
				t.Errorf("code = %q", err.Code)
			}
			if retry, _ := ai.Retryable(err); retry != tt.wantRetry {
				t.Errorf("Retryable = %v, want %v", retry, tt.wantRetry)
			}
			if !errors.Is(err, tt.err) {
				t.Error("the cause is lost")
			}
		})
	}
}

func TestRetryableOtherErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"bare deadline", context.DeadlineExceeded, true},
		{"plain error", errors.New("x"), false},
		{"unusable answer", ai.InvalidResponse("gemini", "no text"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := ai.Retryable(tt.err); got != tt.want {
				t.Errorf("Retryable = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"7", 7 * time.Second},
		{"0.5", 500 * time.Millisecond},
		{"-1", 0},
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := ai.ParseRetryAfter(tt.in, now); got != tt.want {
				t.Errorf("ParseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
