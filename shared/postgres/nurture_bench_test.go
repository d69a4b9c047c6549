package postgres_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/propertypro/propertypro/shared/nurture"
	"github.com/propertypro/propertypro/shared/postgres"
)

// TestNurtureFigures measures the figures (make bench-nurture sets NURTURE_BENCH=1):
// the due finder over 1,000,000 enrollments with 10,000 due, and the send path's throughput
// with a fake provider.
func TestNurtureFigures(t *testing.T) {
	if os.Getenv("NURTURE_BENCH") == "" {
		t.Skip("set NURTURE_BENCH=1 (make bench-nurture)")
	}
	w := newNurtureWorld(t)
	now := time.Date(2026, 12, 8, 10, 0, 0, 0, nurture.Dubai) // a Tuesday morning
	// 100 sequences × 10,000 leads = 1,000,000 enrollments; 10,000 of them due.
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
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var ids []string
	start := time.Now()
	_, queued, err := nurture.RunDue(w.ctx, claimOnly{w.store}, func(_ context.Context, id string) error {
		ids = append(ids, id)
		return nil
	}, now, 1000)
	finder := time.Since(start)
	runtime.ReadMemStats(&after)
	if err != nil || queued != 10000 {
		t.Fatalf("queued %d: %v", queued, err)
	}
	fake := &fakeProvider{sent: map[string]nurture.Message{}}
	p := nurture.DefaultPolicy()
	p.MaxPerDay = 0 // one lead is in many of the copied sequences; the cap is not what is measured
	s := &nurture.Sender{Store: w.store, Deliverer: fake, Policy: p, Key: []byte("k"), MaxAttempts: 3}
	start = time.Now()
	var wg sync.WaitGroup
	work := make(chan string)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				if err := s.Process(w.ctx, id, now); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	for _, id := range ids {
		work <- id
	}
	close(work)
	wg.Wait()
	rate := float64(len(ids)) / time.Since(start).Seconds()
	if len(fake.sent) != 10000 {
		t.Errorf("sent %d, want 10000", len(fake.sent))
	}
	mark := func(ok bool) string {
		if ok {
			return "PASS"
		}
		return "MISS"
	}
	fmt.Printf("due finder, 10,000 due of 1,000,000 enrollments: %.3f s (target ≤ 1 s) %s\n", finder.Seconds(), mark(finder <= time.Second))
	fmt.Printf("due finder heap growth: %.1f MB (batches of 1,000: bounded)\n", float64(after.HeapAlloc-min(before.HeapAlloc, after.HeapAlloc))/1e6)
	fmt.Printf("send path, fake provider, 8 workers: %.0f messages/s (target ≥ 500) %s\n", rate, mark(rate >= 500))
}

// claimOnly measures the due finder's claim alone: enrollment by entry rules is a separate
// pass whose cost follows the number of new leads, not the enrollments.
type claimOnly struct{ *postgres.Nurture }

func (claimOnly) Enroll(context.Context, time.Time) (int, error) { return 0, nil }
