package nurturestore_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/delivery"
	"github.com/propertypro/propertypro/shared/nurture"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/postgres/nurturestore"
	"github.com/propertypro/propertypro/shared/queue"
	"github.com/propertypro/propertypro/shared/runner"
	"github.com/propertypro/propertypro/shared/telemetry"
)

// TestNurtureFigures measures the figures (make bench-nurture sets NURTURE_BENCH=1):
// the due finder over 1,000,000 enrollments with 10,000 due, as cron-nurture-due runs it
// (claim into the outbox, announce on the local durable queue), and the send path's
// throughput on the local platform (durable queue, concurrent consumers, task-nurture-send's
// handler) with a fake provider.
func TestNurtureFigures(t *testing.T) {
	if os.Getenv("NURTURE_BENCH") == "" {
		t.Skip("set NURTURE_BENCH=1 (make bench-nurture)")
	}
	w := newNurtureWorld(t)
	now := time.Date(2026, 12, 8, 10, 0, 0, 0, nurture.Dubai) // a Tuesday morning
	seedMillion(t, w, now)
	cfg := benchConfig(t)
	fn, err := functions.Lookup("task-nurture-send")
	must(t, err)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	boot := &platform.Boot{Fn: fn, Config: cfg, Log: log, DB: w.db, Queues: telemetry.Sender(queue.NewLocal(w.db))}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, queued, err := nurture.RunDue(w.ctx, claimOnly{w.store}, delivery.Announce(boot), now, nurture.DueBatch)
	finder := time.Since(start)
	runtime.ReadMemStats(&after)
	if err != nil || queued != 10000 {
		t.Fatalf("queued %d: %v", queued, err)
	}
	rate, sent := sendOnLocalPlatform(t, w, cfg, queued, now)
	if sent != 10000 {
		t.Errorf("sent %d, want 10000", sent)
	}
	figure("due finder, 10,000 due of 1,000,000 enrollments (claimed and announced)", finder.Seconds(), "s", 1, false)
	fmt.Printf("due finder heap growth: %.1f MB (batches of %d: bounded)\n", float64(after.HeapAlloc-min(before.HeapAlloc, after.HeapAlloc))/1e6, nurture.DueBatch)
	figure(fmt.Sprintf("send path on the local platform (%d consumers), fake provider", cfg.LocalConsumers), rate, "messages/s", 500, true)
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("machine load after measuring: %s (1, 5 and 15-minute averages; %d cores)\n",
			strings.Join(strings.Fields(string(load))[:3], " "), runtime.NumCPU())
	}
}

// benchConfig is the local platform's configuration with eight consumers per queue, standing
// for the concurrent batches Lambda runs of one queue.
func benchConfig(t *testing.T) config.Config {
	cfg, err := config.FromLookup(func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	cfg.LocalDir, cfg.Port, cfg.LocalConsumers = t.TempDir(), 0, 8
	must(t, runner.LocalSecrets(&cfg))
	return cfg
}

// figure prints a measured value with its target and their ratio; higher says whether more
// is better.
func figure(name string, v float64, unit string, target float64, higher bool) {
	ratio := target / v
	if higher {
		ratio = v / target
	}
	verdict := "MISS"
	if ratio >= 1 {
		verdict = "PASS"
	}
	op := "≤"
	if higher {
		op = "≥"
	}
	fmt.Printf("%s: %.3g %s (target %s %g %s, %.2f× the target) %s\n", name, v, unit, op, target, unit, ratio, verdict)
}

// countingProvider is the fake provider of the benchmark: it records deliveries and closes
// done when want of them arrived.
type countingProvider struct {
	fakeProvider
	want int
	done chan struct{}
}

func (c *countingProvider) Deliver(ctx context.Context, m nurture.Message) (string, error) {
	id, err := c.fakeProvider.Deliver(ctx, m)
	c.mu.Lock()
	if len(c.sent) == c.want {
		close(c.done)
	}
	c.mu.Unlock()
	return id, err
}

// sendOnLocalPlatform runs the local platform with task-nurture-send (its handler, a fake
// provider, the bench's clock) over the n messages waiting on its queue until every one
// reached the provider; it returns the send rate and the number sent.
func sendOnLocalPlatform(t *testing.T, w nurtureWorld, cfg config.Config, n int, now time.Time) (float64, int) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	fn, err := functions.Lookup("task-nurture-send")
	must(t, err)
	fake := &countingProvider{fakeProvider: fakeProvider{sent: map[string]nurture.Message{}}, want: n, done: make(chan struct{})}
	builders := map[string]platform.Builder{fn.Name: func(b *platform.Boot) (platform.Handler, error) {
		s, err := delivery.NewSender(w.ctx, b)
		if err != nil {
			return platform.Handler{}, err
		}
		s.Deliverer = fake
		s.Policy.MaxPerDay = 0 // one lead is in many of the copied sequences; the cap is not what is measured
		return delivery.SendHandler(b, s, func() time.Time { return now }), nil
	}}
	p, err := runner.NewWith(w.ctx, cfg, log, &runner.Database{Pool: w.db}, []functions.Function{fn}, builders)
	must(t, err)
	ctx, cancel := context.WithCancel(w.ctx)
	stopped := make(chan error, 1)
	start := time.Now()
	go func() { stopped <- p.Run(ctx, nil) }()
	select {
	case <-fake.done:
	case err := <-stopped:
		t.Fatalf("the local platform stopped: %v", err)
	}
	rate := float64(n) / time.Since(start).Seconds()
	cancel()
	must(t, <-stopped)
	if fake.dups != 0 {
		t.Errorf("%d messages reached the provider twice", fake.dups)
	}
	return rate, len(fake.sent)
}

// claimOnly measures the due finder's claim alone: enrollment by entry rules is a separate
// pass whose cost follows the number of new leads, not the enrollments.
type claimOnly struct{ *nurturestore.Nurture }

func (claimOnly) Enroll(context.Context, time.Time) (int, error) { return 0, nil }

// seedMillion adds 99 copies of the welcome sequence and 10,000 leads enrolled in all 100:
// 1,000,000 enrollments, of which the 10,000 of the original sequence are due at now.
func seedMillion(t *testing.T, w nurtureWorld, now time.Time) {
	t.Helper()
	for _, q := range []string{
		`INSERT INTO nurture_sequences (brokerage_id, key, name, entry, steps)
			SELECT brokerage_id, 'copy-' || i, name, entry, steps FROM nurture_sequences, generate_series(1, 99) i
			WHERE key = 'new-lead-welcome'`,
		`INSERT INTO leads (brokerage_id, agent_id, full_name, phone_e164, email, consent_whatsapp, consent_email)
			SELECT $1, $2, 'Lead ' || i, '+97150' || lpad(i::text, 7, '0'), 'l' || i || '@example.com', true, true
			FROM generate_series(1, 10000) i WHERE $3::timestamptz IS NOT NULL`,
		`INSERT INTO nurture_enrollments (brokerage_id, sequence_id, lead_id, due_at, stage_at_entry, created_at)
			SELECT s.brokerage_id, s.id, l.id,
				CASE WHEN s.key = 'new-lead-welcome' THEN $3::timestamptz - interval '1 minute'
				ELSE $3::timestamptz + (random() * 30 + 1) * interval '1 day' END, 'new', $3
			FROM nurture_sequences s JOIN leads l ON l.brokerage_id = s.brokerage_id WHERE s.key <> 'x' AND $1::uuid IS NOT NULL AND $2::uuid IS NOT NULL`,
		`ANALYZE`,
	} {
		args := []any{}
		if q != `ANALYZE` && q[:30] != `INSERT INTO nurture_sequences ` {
			args = []any{w.b, w.agent, now}
		}
		err := postgres.InTx(w.ctx, w.db, func(tx pgx.Tx) error {
			if _, err := tx.Exec(w.ctx, `SET LOCAL statement_timeout = 0`); err != nil {
				return err
			}
			_, err := tx.Exec(w.ctx, q, args...)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
