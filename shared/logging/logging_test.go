package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestRedaction(t *testing.T) {
	secrets := []string{"hunter2", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig", "omar@example.ae",
		"+971 50 123 4567", "050-123-4567", "(555) 010-9999 x123", "s3cr3tpw", "784-1990-1234567-1", "AIzaFakeKey"}
	var buf bytes.Buffer
	log := New(&buf, "debug")
	ctx := WithFields(context.Background(), Fields{RequestID: "req-1", UserID: "u-1", BrokerageID: "b-1"})
	log.InfoContext(ctx, "login from omar@example.ae failed",
		"password", "hunter2",
		"authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig",
		"note", "call +971 50 123 4567 or 050-123-4567 or (555) 010-9999 x123",
		"err", errors.New("connect postgres://app:s3cr3tpw@db/x failed"),
		slog.Group("client", "user_email", "omar@example.ae", "emirates", "784-1990-1234567-1"),
		"url", "https://x/?api_key=AIzaFakeKey&page=2",
	)
	log.With("phone", "+971501234567").Warn("with attrs")
	out := buf.String()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("log leaks %q:\n%s", s, out)
		}
	}
	var line map[string]any
	if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &line); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	for k, want := range map[string]string{"request_id": "req-1", "user_id": "u-1", "brokerage_id": "b-1"} {
		if line[k] != want {
			t.Errorf("%s = %v, want %s", k, line[k], want)
		}
	}
	if !strings.Contains(out, "page=2") {
		t.Errorf("redaction removed harmless text: %s", out)
	}
}

// Ids are what logs are searched by: a uuid whose groups are digits is not a phone number,
// while a phone number next to one is still redacted.
func TestRedactionKeepsUUIDs(t *testing.T) {
	for in, want := range map[string]string{
		"key 4a7ad508-9d7e-4012-8456-9d49ad27786e/uploads/x.csv":                         "key 4a7ad508-9d7e-4012-8456-9d49ad27786e/uploads/x.csv",
		"ids 12345678-1234-1234-1234-123456789012, 4A7AD508-9D7E-4012-8456-9D49AD27786E": "ids 12345678-1234-1234-1234-123456789012, 4A7AD508-9D7E-4012-8456-9D49AD27786E",
		"lead 4a7ad508-9d7e-4012-8456-9d49ad27786e +971 50 123 4567":                     "lead 4a7ad508-9d7e-4012-8456-9d49ad27786e " + Redacted,
		"call 050-123-4567": "call " + Redacted,
	} {
		if got := RedactString(in); got != want {
			t.Errorf("RedactString(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]slog.Level{"DEBUG": slog.LevelDebug, "warn": slog.LevelWarn,
		"error": slog.LevelError, "": slog.LevelInfo, "bogus": slog.LevelInfo} {
		if got := ParseLevel(in); got != want {
			t.Errorf("ParseLevel(%q) = %v, want %v", in, got, want)
		}
	}
}
