package nurturestore_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/nurture"
)

// scriptedDrafter stands in for the assistant's providers: it drafts a claim RERA forbids
// for the lead named in risky, a plain note for everyone else, and counts its calls.
type scriptedDrafter struct {
	mu    sync.Mutex
	risky string
	calls int
}

func (d *scriptedDrafter) Draft(_ context.Context, prompt string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls++
	if strings.Contains(prompt, d.risky) {
		return "Dear " + d.risky + ", this flat comes with a guaranteed 12% return. Call me today.", nil
	}
	return "Dear client, a new two-bedroom just came up near you. Shall I send the floor plan?", nil
}

// With DOCUMENT_GENERATION_ENABLED the send path personalises AI-draft steps: a safe draft
// goes out, a risky draft and any message from a template nobody reviewed wait in the
// review queue with their reason, and an approved draft goes out exactly as reviewed.
func TestAIDraftsGoToReview(t *testing.T) {
	w := newNurtureWorld(t)
	now := time.Date(2026, 12, 8, 10, 0, 0, 0, nurture.Dubai) // a Tuesday morning, outside quiet hours
	_, err := w.db.Exec(w.ctx, `UPDATE nurture_sequences SET active = false`)
	must(t, err)
	reviewed := &nurture.Template{Name: "ai_intro", Reviewed: true, Subject: map[string]string{"en": "Homes for you"},
		Body: map[string]string{"en": "Dear {{first_name}}, here are homes near {{listing_community}}."}}
	unreviewed := &nurture.Template{Name: "brand_new", Subject: map[string]string{"en": "News"},
		Body: map[string]string{"en": "Dear {{first_name}}, we have news."}}
	for _, s := range []nurture.NewSequence{
		{Key: "ai-intro", Name: "AI intro", Entry: nurture.Entry{Rule: nurture.EntryNewLead, Sources: []string{"bayut"}},
			Steps: []nurture.Step{{Kind: nurture.StepMessage, Channel: nurture.Email, Template: reviewed, AIDraft: true}}},
		{Key: "brand-new", Name: "Brand new", Entry: nurture.Entry{Rule: nurture.EntryNewLead, Sources: []string{"website"}},
			Steps: []nurture.Step{{Kind: nurture.StepMessage, Channel: nurture.Email, Template: unreviewed}}},
	} {
		if _, err := w.store.SaveSequence(w.ctx, w.b, w.agent, s, false, 0); err != nil {
			t.Fatal(err)
		}
	}
	_, err = w.db.Exec(w.ctx, `INSERT INTO leads (brokerage_id, agent_id, full_name, email, source, consent_email, created_at)
		VALUES ($1, $2, 'Rana Risky', 'rana@example.com', 'bayut', true, $3),
			($1, $2, 'Sami Safe', 'sami@example.com', 'bayut', true, $3),
			($1, $2, 'Nadia New', 'nadia@example.com', 'website', true, $3)`, w.b, w.agent, now.Add(-time.Hour))
	must(t, err)

	drafter := &scriptedDrafter{risky: "Rana"}
	fake := &fakeProvider{sent: map[string]nurture.Message{}}
	s := &nurture.Sender{Store: w.store, Deliverer: fake, Policy: nurture.DefaultPolicy(), Key: []byte("k"),
		MaxAttempts: 3, Drafter: drafter}
	var ids []string
	if _, _, err := nurture.RunDue(w.ctx, w.store, func(_ context.Context, more ...string) error { ids = append(ids, more...); return nil }, now, 100); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		must(t, s.Process(w.ctx, id, now))
	}
	type row struct{ id, status, reason, body string }
	outbox := func() map[string]row {
		rows, err := w.db.Query(w.ctx, `SELECT l.full_name, o.id::text, o.status, o.reason, o.body
			FROM nurture_outbox o JOIN leads l ON l.id = o.lead_id`)
		must(t, err)
		out := map[string]row{}
		for rows.Next() {
			var name string
			var r row
			must(t, rows.Scan(&name, &r.id, &r.status, &r.reason, &r.body))
			out[name] = r
		}
		must(t, rows.Err())
		return out
	}
	got := outbox()
	for name, want := range map[string]string{
		"Rana Risky": "review:risky_draft", "Sami Safe": "sent:", "Nadia New": "review:new_template",
	} {
		if r := got[name]; r.status+":"+r.reason != want {
			t.Errorf("%s: %s:%s, want %s", name, r.status, r.reason, want)
		}
	}
	if !strings.Contains(got["Sami Safe"].body, "floor plan") || !strings.Contains(got["Rana Risky"].body, "guaranteed") {
		t.Fatalf("the drafts were not used: %+v", got)
	}
	if strings.Contains(got["Nadia New"].body, "Dear client") {
		t.Error("a step without ai_draft was drafted by AI")
	}
	if len(fake.sent) != 1 {
		t.Fatalf("%d messages reached the provider before review, want only the safe draft", len(fake.sent))
	}

	// The reviewer approves Rana's draft: what goes out is the text they read, not a new draft.
	risky := got["Rana Risky"]
	must(t, w.store.Requeue(w.ctx, w.b, w.agent, risky.id, []string{nurture.StatusReview}, true))
	calls := drafter.calls
	must(t, s.Process(w.ctx, risky.id, now.Add(time.Minute)))
	if r := outbox()["Rana Risky"]; r.status != nurture.StatusSent {
		t.Fatalf("approved draft: %s %s", r.status, r.reason)
	}
	if m := fake.sent[risky.id]; m.Body != risky.body {
		t.Errorf("sent %q, the reviewer approved %q", m.Body, risky.body)
	}
	if drafter.calls != calls {
		t.Error("an approved draft was drafted again")
	}
}
