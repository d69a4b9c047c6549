package nurturestore_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/nurture"
)

// insertLead adds a new lead of agent created at at and returns its id.
func insertLead(t *testing.T, w nurtureWorld, agent, name string, at time.Time) string {
	t.Helper()
	var id string
	must(t, w.db.QueryRow(w.ctx, `INSERT INTO leads (brokerage_id, agent_id, full_name, phone_e164, created_at, updated_at)
		VALUES ($1, NULLIF($2, '')::uuid, $3, '', $4, $4) RETURNING id::text`, w.b, agent, name, at).Scan(&id))
	return id
}

// A new lead nobody contacted within the SLA is escalated once, to its agent's manager (or,
// for an agent without one, to the brokerage's manager) as a high-priority first-contact
// task; leads inside the SLA, contacted ones and ones already escalated are left alone.
func TestEscalateSLA(t *testing.T) {
	w := newNurtureWorld(t)
	now := time.Date(2026, 12, 8, 10, 0, 0, 0, nurture.Dubai)
	var manager, teamAgent string
	must(t, w.db.QueryRow(w.ctx, `INSERT INTO users (brokerage_id, email, full_name, password_hash, role)
		VALUES ($1, 'omar@palm.example', 'Omar Manager', 'x', 'manager') RETURNING id::text`, w.b).Scan(&manager))
	must(t, w.db.QueryRow(w.ctx, `INSERT INTO users (brokerage_id, email, full_name, password_hash, role, manager_id)
		VALUES ($1, 'lina@palm.example', 'Lina Agent', 'x', 'agent', $2) RETURNING id::text`, w.b, manager).Scan(&teamAgent))

	missed := insertLead(t, w, teamAgent, "Missed SLA", now.Add(-20*time.Minute))
	noManager := insertLead(t, w, w.agent, "Agent Without Manager", now.Add(-time.Hour))
	unassigned := insertLead(t, w, "", "Nobody's Lead", now.Add(-time.Hour))
	insertLead(t, w, teamAgent, "Within SLA", now.Add(-5*time.Minute))
	called := insertLead(t, w, teamAgent, "Called In Time", now.Add(-time.Hour))
	_, err := w.db.Exec(w.ctx, `INSERT INTO activities (brokerage_id, actor_id, entity, entity_id, kind, at)
		VALUES ($1, $2, 'lead', $3, 'call', $4)`, w.b, teamAgent, called, now.Add(-50*time.Minute))
	must(t, err)
	contacted := insertLead(t, w, teamAgent, "Contacted", now.Add(-time.Hour))
	_, err = w.db.Exec(w.ctx, `UPDATE leads SET first_contacted_at = $2, stage = 'contacted' WHERE id = $1`, contacted, now.Add(-55*time.Minute))
	must(t, err)

	for run, want := range []int{3, 0} { // the schedule fires again: nothing new
		n, err := w.store.EscalateSLA(w.ctx, now, 15*time.Minute)
		if err != nil || n != want {
			t.Fatalf("run %d: escalated %d (want %d): %v", run, n, want, err)
		}
	}
	rows, err := w.db.Query(w.ctx, `SELECT e.lead_id::text, e.manager_id::text, t.assignee_id::text, t.kind, t.priority, t.due_at
		FROM lead_sla_escalations e JOIN tasks t ON t.id = e.task_id ORDER BY e.lead_id`)
	must(t, err)
	got := map[string]string{}
	for rows.Next() {
		var lead, mgr, assignee, kind, priority string
		var due time.Time
		must(t, rows.Scan(&lead, &mgr, &assignee, &kind, &priority, &due))
		if assignee != mgr || kind != "first_contact" || priority != "high" || !due.Equal(now) {
			t.Errorf("lead %s: task for %s (manager %s), %s %s due %s", lead, assignee, mgr, kind, priority, due)
		}
		got[lead] = mgr
	}
	must(t, rows.Err())
	want := map[string]string{missed: manager, noManager: manager, unassigned: manager}
	if len(got) != len(want) {
		t.Fatalf("escalated %v, want %v", got, want)
	}
	for lead, mgr := range want {
		if got[lead] != mgr {
			t.Errorf("lead %s escalated to %q, want the manager %s", lead, got[lead], mgr)
		}
	}
	var tasks int
	must(t, w.db.QueryRow(w.ctx, `SELECT count(*) FROM tasks WHERE kind = 'first_contact'`).Scan(&tasks))
	if tasks != 3 {
		t.Errorf("%d first-contact tasks, want one per escalation (3)", tasks)
	}
}

// outboxRow adds an outbox row in status with attempts, last touched at updated.
func outboxRow(t *testing.T, w nurtureWorld, lead, status string, attempts int, updated time.Time) string {
	t.Helper()
	var id string
	must(t, w.db.QueryRow(w.ctx, `INSERT INTO nurture_outbox (brokerage_id, lead_id, status, attempts, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5) RETURNING id::text`, w.b, lead, status, attempts, updated).Scan(&id))
	return id
}

// The stuck-job sweeper re-queues messages stuck queued or sending (a lost queue message, a
// crash mid-send) while they have attempts left and dead-letters the rest, where an admin can
// re-run them; fresh and finished messages are not touched, and a second sweep finds nothing.
func TestSweepStuckJobs(t *testing.T) {
	w := newNurtureWorld(t)
	now := time.Date(2026, 12, 8, 10, 0, 0, 0, nurture.Dubai)
	lead := insertLead(t, w, w.agent, "Stuck Lead", now.AddDate(0, 0, -1))
	old := now.Add(-time.Hour)
	lostQueued := outboxRow(t, w, lead, nurture.StatusQueued, 0, old)
	crashed := outboxRow(t, w, lead, nurture.StatusSending, 1, old)
	exhausted := outboxRow(t, w, lead, nurture.StatusSending, 3, old)
	fresh := outboxRow(t, w, lead, nurture.StatusQueued, 0, now.Add(-time.Minute))
	sent := outboxRow(t, w, lead, nurture.StatusSent, 1, old)

	requeue, dead, err := w.store.Sweep(w.ctx, now, 15*time.Minute, 3)
	must(t, err)
	slices.Sort(requeue)
	want := []string{lostQueued, crashed}
	slices.Sort(want)
	if !slices.Equal(requeue, want) || dead != 1 {
		t.Fatalf("requeued %v (want %v), dead-lettered %d (want 1)", requeue, want, dead)
	}
	status := func(id string) (s, reason string, attempts int) {
		must(t, w.db.QueryRow(w.ctx, `SELECT status, reason, attempts FROM nurture_outbox WHERE id = $1`, id).Scan(&s, &reason, &attempts))
		return s, reason, attempts
	}
	for id, wantStatus := range map[string]string{lostQueued: "queued 1", crashed: "queued 2", fresh: "queued 0", sent: "sent 1"} {
		s, _, n := status(id)
		if got := fmt.Sprintf("%s %d", s, n); got != wantStatus {
			t.Errorf("%s: %s, want %s", id, got, wantStatus)
		}
	}
	if s, reason, _ := status(exhausted); s != nurture.StatusFailed || reason != "dead_lettered: stuck sending" {
		t.Errorf("exhausted message: %s %q, want failed and dead-lettered", s, reason)
	}
	again, dead, err := w.store.Sweep(w.ctx, now, 15*time.Minute, 3)
	if err != nil || len(again) != 0 || dead != 0 {
		t.Fatalf("second sweep: requeued %v, dead %d, %v", again, dead, err)
	}
}
