package health

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestRun(t *testing.T) {
	ok := func(context.Context) (string, error) { return "fine", nil }
	bad := func(context.Context) (string, error) { return "", errors.New("refused") }
	slow := func(ctx context.Context) (string, error) { <-ctx.Done(); return "", ctx.Err() }
	tests := []struct {
		name   string
		checks []Check
		want   Status
	}{
		{"all ok", []Check{{"db", true, ok}, {"ai", false, ok}}, OK},
		{"optional down", []Check{{"db", true, ok}, {"vector", false, bad}}, Degraded},
		{"required down", []Check{{"db", true, bad}, {"vector", false, ok}}, Down},
		{"required hangs", []Check{{"db", true, slow}}, Down},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			rep := Run(context.Background(), tt.checks, 50*time.Millisecond)
			if rep.Status != tt.want || rep.Ready() != (tt.want != Down) {
				t.Fatalf("status = %s, want %s: %+v", rep.Status, tt.want, rep)
			}
			if time.Since(start) > 2*time.Second {
				t.Fatal("a hanging check was not cut off")
			}
			if rep.Checks[0].Name != tt.checks[0].Name {
				t.Fatal("order lost")
			}
		})
	}
}
