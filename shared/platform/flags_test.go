package platform_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/testkit"
)

// An operator's override wins over the configuration, and a switched-off schedule does not run.
func TestFlagOverrideStopsSchedule(t *testing.T) {
	db := testkit.DB(t)
	ctx := context.Background()
	cfg := config.Config{NurturingEnabled: true}
	ran := 0
	b := &platform.Boot{Fn: functions.Function{Name: "cron-probe", Schedule: "rate(1 minute)",
		Flag: "NURTURING_SCHEDULER_ENABLED"}, Config: cfg, DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	h := platform.Instrument(b, platform.Handler{Job: func(context.Context, time.Time) error { ran++; return nil }})

	steps := []struct {
		state   string
		wantOn  bool
		wantRan int
	}{{"", true, 1}, {"off", false, 1}, {"on", true, 2}, {"clear", true, 3}}
	for _, s := range steps {
		switch s.state {
		case "on", "off":
			if err := platform.SetFlag(ctx, db, cfg, b.Fn.Flag, s.state == "on", "test"); err != nil {
				t.Fatal(err)
			}
		case "clear":
			platform.ClearFlag(ctx, db, b.Fn.Flag)
		}
		on, err := platform.FlagOn(ctx, db, cfg, b.Fn.Flag)
		if err != nil || on != s.wantOn {
			t.Fatalf("after %q: on = %v, %v", s.state, on, err)
		}
		if err := h.Job(ctx, time.Now()); err != nil || ran != s.wantRan {
			t.Fatalf("after %q: ran %d times, want %d (%v)", s.state, ran, s.wantRan, err)
		}
	}
	if err := platform.SetFlag(ctx, db, cfg, "LOG_LEVEL", true, "test"); err == nil {
		t.Fatal("a non-boolean key was accepted as a flag")
	}
}
