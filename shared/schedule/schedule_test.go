package schedule

import (
	"testing"
	"time"
)

func TestNext(t *testing.T) {
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	base := at("2026-11-25T23:47:10Z") // a Wednesday
	tests := []struct {
		expr string
		want string
	}{
		{"rate(5 minutes)", "2026-11-25T23:50:00Z"},
		{"rate(1 hour)", "2026-11-26T00:00:00Z"},
		{"rate(1 day)", "2026-11-26T00:00:00Z"},
		{"cron(30 0 * * ? *)", "2026-11-26T00:30:00Z"},
		{"cron(0/15 * * * ? *)", "2026-11-26T00:00:00Z"},
		{"cron(0 8 ? * MON-FRI *)", "2026-11-26T08:00:00Z"},
		{"cron(0 8 ? * SAT *)", "2026-11-28T08:00:00Z"},
		{"cron(0 9 1 JAN ? *)", "2027-01-01T09:00:00Z"},
		{"cron(0 10 ? * 1 *)", "2026-11-29T10:00:00Z"},         // 1 = Sunday
		{"cron(5,35 14 25 11 ? 2026)", "0001-01-01T00:00:00Z"}, // only in the past: never
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			s, err := Parse(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Next(base); !got.Equal(at(tt.want)) {
				t.Fatalf("Next = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, expr := range []string{"every 5 minutes", "rate(0 minutes)", "rate(5 weeks)", "rate(five minutes)",
		"cron(* * * * *)", "cron(0 8 * * MON *)", "cron(0 8 ? * ? *)", "cron(61 * * * ? *)", "cron(0 8 L * ? *)"} {
		if _, err := Parse(expr); err == nil {
			t.Errorf("Parse(%q) accepted", expr)
		}
	}
}
