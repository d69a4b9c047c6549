package nurturestore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/nurture"
	"github.com/propertypro/propertypro/shared/postgres/nurturestore"
	"github.com/propertypro/propertypro/shared/testkit"
)

// fakeProvider records every delivery, keyed by outbox id, to catch double sends.
type fakeProvider struct {
	mu    sync.Mutex
	sent  map[string]nurture.Message
	dups  int
	calls int
}

func (f *fakeProvider) Deliver(_ context.Context, m nurture.Message) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if _, ok := f.sent[m.ID]; ok {
		f.dups++
	}
	f.sent[m.ID] = m
	return "fake-" + m.ID, nil
}

// nurtureWorld is a brokerage with an agent and the default sequences on a fresh schema.
type nurtureWorld struct {
	ctx      context.Context
	db       *pgxpool.Pool
	store    *nurturestore.Nurture
	b, agent string
}

func newNurtureWorld(t *testing.T) nurtureWorld {
	t.Helper()
	w := nurtureWorld{ctx: context.Background(), db: testkit.DB(t)}
	w.store = nurturestore.NewNurture(w.db)
	must(t, w.db.QueryRow(w.ctx, `INSERT INTO brokerages (name) VALUES ('Palm Homes') RETURNING id::text`).Scan(&w.b))
	must(t, w.db.QueryRow(w.ctx, `INSERT INTO users (brokerage_id, email, full_name, password_hash, role)
		VALUES ($1, 'sara@palm.example', 'Sara Khan', 'x', 'agent') RETURNING id::text`, w.b).Scan(&w.agent))
	if _, err := w.store.InstallDefaults(w.ctx, w.b, w.agent); err != nil {
		t.Fatal(err)
	}
	return w
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// cohort i%5 of the simulated leads.
const (
	cFull         = iota // WhatsApp and email consent: welcome, shortlist, then the agent's task
	cNoWhatsApp          // email only: the WhatsApp welcome is blocked
	cNoConsent           // no channel at all: the sequence ends (opted out) with nothing sent
	cReplies             // replies to the welcome: the sequence ends before the email
	cUnsubscribed        // Arabic speaker, email unsubscribed: Arabic WhatsApp only
)

// deliverThrice delivers one queue message as SQS may: to two consumers at once, then once
// more after both finished.
func deliverThrice(t *testing.T, s *nurture.Sender, id string, now time.Time) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = s.Process(context.Background(), id, now) }()
	}
	wg.Wait()
	errs[2] = s.Process(context.Background(), id, now)
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestSimulatedWeek runs a week of five-minute schedule ticks on an injected clock for 1,000
// new leads, firing the due finder twice per tick and delivering every queue message three
// times (twice at once, then again).
func TestSimulatedWeek(t *testing.T) {
	w := newNurtureWorld(t)
	// Thursday 3 December 2026, 18:00 in Dubai. Half the leads arrive then, half at 22:00
	// (quiet hours), so Friday-evening and Saturday steps meet quiet hours and the weekend.
	start := time.Date(2026, 12, 3, 18, 0, 0, 0, nurture.Dubai)
	_, err := w.db.Exec(w.ctx, `INSERT INTO leads (brokerage_id, agent_id, full_name, phone_e164, email, language, source,
			consent_whatsapp, consent_email, email_unsubscribed_at, created_at)
		SELECT $1, $2, 'Lead ' || i, '+9715000' || lpad(i::text, 5, '0'), 'lead' || i || '@example.com',
			CASE WHEN i % 5 = 4 THEN 'ar' ELSE 'en' END, 'bayut',
			i % 5 IN (0, 3, 4), i % 5 IN (0, 1, 3, 4), CASE WHEN i % 5 = 4 THEN $3::timestamptz END,
			CASE WHEN i % 2 = 0 THEN $3::timestamptz ELSE $3::timestamptz + interval '4 hours' END
		FROM generate_series(0, 999) i`, w.b, w.agent, start)
	must(t, err)
	fake := &fakeProvider{sent: map[string]nurture.Message{}}
	sender := &nurture.Sender{Store: w.store, Deliverer: fake, Policy: nurture.DefaultPolicy(), Key: []byte("k"),
		BaseURL: "https://crm.example", MaxAttempts: 3}
	var queue []string
	enqueue := func(_ context.Context, ids ...string) error { queue = append(queue, ids...); return nil }
	policy := nurture.DefaultPolicy()
	for now := start; now.Before(start.AddDate(0, 0, 7)); now = now.Add(5 * time.Minute) {
		if now.Equal(start.Add(20 * time.Hour)) { // Friday 14:00: cohort 3 replies on WhatsApp
			for i := cReplies; i < 1000; i += 5 {
				if _, err := w.store.Inbound(w.ctx, nurture.WhatsApp, fmt.Sprintf("+9715000%05d", i), "Yes, call me", now); err != nil {
					t.Fatal(err)
				}
			}
		}
		for range 2 { // EventBridge may fire twice
			if _, _, err := nurture.RunDue(w.ctx, w.store, enqueue, now, 500); err != nil {
				t.Fatal(err)
			}
		}
		for _, id := range queue {
			deliverThrice(t, sender, id, now)
		}
		queue = queue[:0]
	}
	if fake.dups != 0 {
		t.Fatalf("%d messages went to the provider twice", fake.dups)
	}
	if fake.calls < 1000 {
		t.Fatalf("the provider was called %d times: the simulation sent too little to prove anything", fake.calls)
	}
	type row struct {
		lead, channel, status, reason, lang string
		i                                   int
		sentAt                              *time.Time
	}
	rows, err := w.db.Query(w.ctx, `SELECT o.lead_id::text, o.channel, o.status, o.reason, o.language,
			substr(l.full_name, 6)::int, o.sent_at FROM nurture_outbox o JOIN leads l ON l.id = o.lead_id WHERE o.kind = 'message'`)
	must(t, err)
	got := map[int]map[string]string{} // lead → channel → status/reason
	sent := 0
	for rows.Next() {
		var r row
		must(t, rows.Scan(&r.lead, &r.channel, &r.status, &r.reason, &r.lang, &r.i, &r.sentAt))
		if got[r.i] == nil {
			got[r.i] = map[string]string{}
		}
		got[r.i][r.channel] = r.status + ":" + r.reason
		if r.status == nurture.StatusSent {
			sent++
			if policy.Quiet(*r.sentAt) {
				t.Errorf("lead %d: %s sent in quiet hours or the weekend at %s", r.i, r.channel, r.sentAt.In(nurture.Dubai))
			}
			if r.i%5 == cUnsubscribed && r.lang != "ar" {
				t.Errorf("lead %d speaks Arabic, got %s", r.i, r.lang)
			}
		}
		if (r.status == nurture.StatusBlocked || r.status == nurture.StatusCancelled) && r.reason == "" {
			t.Errorf("lead %d: %s %s without a reason", r.i, r.channel, r.status)
		}
	}
	must(t, rows.Err())
	if sent != len(fake.sent) {
		t.Errorf("outbox says %d sent, the provider got %d", sent, len(fake.sent))
	}
	want := map[int]map[string]string{
		cFull:         {"whatsapp": "sent:", "email": "sent:"},
		cNoWhatsApp:   {"whatsapp": "blocked:no_whatsapp_opt_in", "email": "sent:"},
		cNoConsent:    {"": "cancelled:exit_opted_out"},
		cReplies:      {"whatsapp": "sent:"},
		cUnsubscribed: {"whatsapp": "sent:", "email": "blocked:email_unsubscribed"},
	}
	for i := range 1000 {
		if fmt.Sprint(got[i]) != fmt.Sprint(want[i%5]) {
			t.Fatalf("lead %d (cohort %d): outbox %v, want %v", i, i%5, got[i], want[i%5])
		}
	}
	var tasks, exited, replied int
	must(t, w.db.QueryRow(w.ctx, `SELECT count(*) FROM tasks WHERE kind = 'follow_up'`).Scan(&tasks))
	must(t, w.db.QueryRow(w.ctx, `SELECT count(*) FILTER (WHERE status = 'exited'), count(*) FILTER (WHERE exit_reason = 'replied')
		FROM nurture_enrollments`).Scan(&exited, &replied))
	// The agent's call task comes after the 48-hour wait for cohorts 0, 1 and 4.
	if tasks != 600 || replied != 200 || exited != 400 {
		t.Errorf("tasks %d (want 600), exited %d (want 400), replied %d (want 200)", tasks, exited, replied)
	}
	var deferred int
	must(t, w.db.QueryRow(w.ctx, `SELECT count(*) FROM nurture_outbox WHERE deferrals > 0 AND status = 'sent'`).Scan(&deferred))
	if deferred == 0 {
		t.Error("no message met quiet hours or the weekend: the simulation does not test them")
	}
}
