package delivery_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/delivery"
	"github.com/propertypro/propertypro/shared/nurture"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/postgres/nurturestore"
	"github.com/propertypro/propertypro/shared/queue"
	"github.com/propertypro/propertypro/shared/testkit"
)

// world is a brokerage with an agent on a fresh schema, and the boot of its functions.
type world struct {
	t        *testing.T
	ctx      context.Context
	db       *pgxpool.Pool
	b, agent string
}

func newWorld(t *testing.T) world {
	w := world{t: t, ctx: context.Background(), db: testkit.DB(t)}
	w.must(w.db.QueryRow(w.ctx, `INSERT INTO brokerages (name) VALUES ('Palm Homes') RETURNING id::text`).Scan(&w.b))
	w.must(w.db.QueryRow(w.ctx, `INSERT INTO users (brokerage_id, email, full_name, password_hash, role)
		VALUES ($1, 'sara@palm.example', 'Sara Khan', 'x', 'agent') RETURNING id::text`, w.b).Scan(&w.agent))
	return w
}

func (w world) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

// boot builds the Boot of function name with the default configuration, env overriding it.
func (w world) boot(name string, env map[string]string) *platform.Boot {
	w.t.Helper()
	cfg, err := config.FromLookup(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	w.must(err)
	fn, err := functions.Lookup(name)
	w.must(err)
	return &platform.Boot{Fn: fn, Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), DB: w.db,
		Queues: queue.NewLocal(w.db), Runtime: "local"}
}

func (w world) job(name string, env map[string]string, build platform.Builder) platform.Job {
	w.t.Helper()
	h, err := build(w.boot(name, env))
	w.must(err)
	return h.Job
}

func (w world) count(sql string, args ...any) int {
	w.t.Helper()
	var n int
	w.must(w.db.QueryRow(w.ctx, sql, args...).Scan(&n))
	return n
}

// holdLock holds job name's advisory lock, as a run in progress elsewhere would, until the
// returned function is called.
func (w world) holdLock(name string) (release func()) {
	held, done, stop := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		postgres.WithJobLock(w.ctx, w.db, name, func(context.Context) error {
			close(held)
			<-stop
			return nil
		})
	}()
	<-held
	return func() { close(stop); <-done }
}

// twice runs job twice at once, as an overlapping second firing of the schedule.
func (w world) twice(job platform.Job, now time.Time) {
	w.t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = job(w.ctx, now) }()
	}
	wg.Wait()
	for _, err := range errs {
		w.must(err)
	}
}

var tuesday = time.Date(2026, 12, 8, 10, 0, 0, 0, nurture.Dubai)

// cron-nurture-due: while another run holds its lock a firing does nothing; two firings at
// once announce each due step exactly once.
func TestNurtureDueOverlappingRuns(t *testing.T) {
	w := newWorld(t)
	_, err := nurturestore.NewNurture(w.db).InstallDefaults(w.ctx, w.b, w.agent)
	w.must(err)
	_, err = w.db.Exec(w.ctx, `INSERT INTO leads (brokerage_id, agent_id, full_name, phone_e164, source, consent_whatsapp, created_at)
		SELECT $1, $2, 'Lead ' || i, '+97150' || lpad(i::text, 7, '0'), 'bayut', true, $3 FROM generate_series(1, 40) i`,
		w.b, w.agent, tuesday.Add(-time.Hour))
	w.must(err)
	job := w.job("cron-nurture-due", nil, delivery.NurtureDue)

	release := w.holdLock("cron-nurture-due")
	w.must(job(w.ctx, tuesday))
	if n := w.count(`SELECT count(*) FROM nurture_outbox`); n != 0 {
		t.Fatalf("a firing overlapping a run in progress claimed %d steps", n)
	}
	release()

	w.twice(job, tuesday)
	outbox := w.count(`SELECT count(*) FROM nurture_outbox`)
	announced := w.count(`SELECT count(*) FROM queue_messages WHERE queue = $1`, delivery.SendQueue)
	distinct := w.count(`SELECT count(DISTINCT body) FROM queue_messages WHERE queue = $1`, delivery.SendQueue)
	if outbox != 40 || announced != 40 || distinct != 40 {
		t.Fatalf("outbox %d, announced %d (%d distinct): want each of the 40 welcomes once", outbox, announced, distinct)
	}
}

// cron-stuck-jobs: a stuck message is re-announced once however the firings overlap, and a
// firing that finds the lock taken leaves it for the run that holds it.
func TestStuckJobsOverlappingRuns(t *testing.T) {
	w := newWorld(t)
	var lead, stuck string
	w.must(w.db.QueryRow(w.ctx, `INSERT INTO leads (brokerage_id, agent_id, full_name) VALUES ($1, $2, 'Stuck') RETURNING id::text`,
		w.b, w.agent).Scan(&lead))
	w.must(w.db.QueryRow(w.ctx, `INSERT INTO nurture_outbox (brokerage_id, lead_id, status, created_at, updated_at)
		VALUES ($1, $2, 'sending', $3, $3) RETURNING id::text`, w.b, lead, tuesday.Add(-time.Hour)).Scan(&stuck))
	job := w.job("cron-stuck-jobs", map[string]string{"STUCK_JOB_AFTER": "15m"}, delivery.StuckJobs)

	release := w.holdLock("cron-stuck-jobs")
	w.must(job(w.ctx, tuesday))
	if n := w.count(`SELECT count(*) FROM queue_messages`); n != 0 {
		t.Fatalf("a firing overlapping a run in progress announced %d messages", n)
	}
	release()

	w.twice(job, tuesday)
	w.twice(job, tuesday.Add(time.Minute)) // no longer stuck: nothing more
	if n := w.count(`SELECT count(*) FROM queue_messages WHERE body LIKE '%' || $1 || '%'`, stuck); n != 1 {
		t.Fatalf("the stuck message was announced %d times, want once", n)
	}
	if n := w.count(`SELECT attempts FROM nurture_outbox WHERE id = $1 AND status = 'queued'`, stuck); n != 1 {
		t.Fatalf("attempts %d, want 1", n)
	}
}

// cron-lead-sla escalates by LEAD_FIRST_CONTACT_SLA, once, however the firings overlap.
func TestLeadSLAJob(t *testing.T) {
	w := newWorld(t)
	var manager string
	w.must(w.db.QueryRow(w.ctx, `INSERT INTO users (brokerage_id, email, full_name, password_hash, role)
		VALUES ($1, 'omar@palm.example', 'Omar', 'x', 'manager') RETURNING id::text`, w.b).Scan(&manager))
	_, err := w.db.Exec(w.ctx, `INSERT INTO leads (brokerage_id, agent_id, full_name, created_at) VALUES ($1, $2, 'New', $3)`,
		w.b, w.agent, tuesday)
	w.must(err)
	job := w.job("cron-lead-sla", map[string]string{"LEAD_FIRST_CONTACT_SLA": "30m"}, delivery.LeadSLA)
	w.twice(job, tuesday.Add(20*time.Minute))
	if n := w.count(`SELECT count(*) FROM tasks`); n != 0 {
		t.Fatalf("escalated within the SLA: %d tasks", n)
	}
	w.twice(job, tuesday.Add(40*time.Minute))
	w.twice(job, tuesday.Add(45*time.Minute))
	if n := w.count(`SELECT count(*) FROM tasks WHERE assignee_id = $1 AND kind = 'first_contact'`, manager); n != 1 {
		t.Fatalf("%d escalation tasks for the manager, want 1", n)
	}
}

// AI drafts are on only with DOCUMENT_GENERATION_ENABLED.
func TestDraftsFollowDocumentGeneration(t *testing.T) {
	w := newWorld(t)
	for env, want := range map[string]bool{"true": true, "false": false} {
		s, err := delivery.NewSender(w.ctx, w.boot("task-nurture-send", map[string]string{"DOCUMENT_GENERATION_ENABLED": env}))
		w.must(err)
		if (s.Drafter != nil) != want {
			t.Errorf("DOCUMENT_GENERATION_ENABLED=%s: drafter %v", env, s.Drafter)
		}
	}
}
