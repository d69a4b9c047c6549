package nurture

import (
	"strings"
	"testing"
	"time"
)

func dubai(day, hour, min int) time.Time { // December 2026: the 7th is a Monday
	return time.Date(2026, 12, day, hour, min, 0, 0, Dubai)
}

func TestQuietHoursAndWeekend(t *testing.T) {
	p := DefaultPolicy()
	for _, tc := range []struct {
		name      string
		at        time.Time
		quiet     bool
		nextAllow time.Time
	}{
		{"Monday morning", dubai(7, 10, 0), false, dubai(7, 10, 0)},
		{"Monday 21:00 starts quiet hours", dubai(7, 21, 0), true, dubai(8, 9, 0)},
		{"Tuesday 08:59 is still quiet", dubai(8, 8, 59), true, dubai(8, 9, 0)},
		{"Friday 20:59 is a working evening", dubai(11, 20, 59), false, dubai(11, 20, 59)},
		{"Friday 22:00 waits for Monday", dubai(11, 22, 0), true, dubai(14, 9, 0)},
		{"Saturday noon waits for Monday", dubai(12, 12, 0), true, dubai(14, 9, 0)},
		{"UTC input is read in Dubai time", time.Date(2026, 12, 7, 17, 30, 0, 0, time.UTC), true, dubai(8, 9, 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := p.Quiet(tc.at); got != tc.quiet {
				t.Errorf("Quiet = %v", got)
			}
			if got := p.NextAllowed(tc.at); !got.Equal(tc.nextAllow) {
				t.Errorf("NextAllowed = %s, want %s", got.In(Dubai), tc.nextAllow)
			}
		})
	}
	custom, err := ParsePolicy("22:30-08:00", "fri,sat", 1)
	if err != nil || !custom.Quiet(dubai(11, 12, 0)) || custom.Quiet(dubai(13, 12, 0)) || custom.Quiet(dubai(7, 22, 0)) {
		t.Errorf("custom policy %+v %v", custom, err)
	}
	if _, err := ParsePolicy("9-5", "sat", 1); err == nil {
		t.Error("bad quiet hours must fail")
	}
}

func TestDecide(t *testing.T) {
	p := DefaultPolicy()
	now := dubai(8, 11, 0)
	ok := Contact{LeadID: "l", Phone: "+971501234567", Email: "a@b.c", ConsentWhatsApp: true, ConsentEmail: true, ConsentSMS: true}
	free, approved := Template{Body: map[string]string{"en": "x"}}, Template{Approved: true, Body: map[string]string{"en": "x"}}
	with := func(f func(*Contact)) Contact { c := ok; f(&c); return c }
	for _, tc := range []struct {
		name    string
		c       Contact
		ch      Channel
		t       Template
		recent  Recent
		at      time.Time
		verdict Verdict
		reason  string
	}{
		{"approved template outside the window", ok, WhatsApp, approved, Recent{}, now, Send, ""},
		{"free text outside the window", ok, WhatsApp, free, Recent{}, now, Block, "outside_whatsapp_window"},
		{"free text inside the window", with(func(c *Contact) { c.LastInboundAt = now.Add(-23 * time.Hour) }), WhatsApp, free, Recent{}, now, Send, ""},
		{"window closed after 24 hours", with(func(c *Contact) { c.LastInboundAt = now.Add(-24 * time.Hour) }), WhatsApp, free, Recent{}, now, Block, "outside_whatsapp_window"},
		{"no WhatsApp opt-in", with(func(c *Contact) { c.ConsentWhatsApp = false }), WhatsApp, approved, Recent{}, now, Block, "no_whatsapp_opt_in"},
		{"email unsubscribed", with(func(c *Contact) { c.EmailUnsubscribed = true }), Email, free, Recent{}, now, Block, "email_unsubscribed"},
		{"no email address", with(func(c *Contact) { c.Email = "" }), Email, free, Recent{}, now, Block, "no_email"},
		{"do not call stops SMS", with(func(c *Contact) { c.DoNotCall = true }), SMS, free, Recent{}, now, Block, "do_not_call"},
		{"erased lead", with(func(c *Contact) { c.Erased = true }), Email, free, Recent{}, now, Block, "lead_erased"},
		{"quiet hours defer", ok, Email, free, Recent{}, dubai(8, 23, 0), Defer, "quiet_hours"},
		{"weekend defers", ok, Email, free, Recent{}, dubai(12, 11, 0), Defer, "weekend"},
		{"frequency cap defers", ok, Email, free, Recent{Count: 2, Oldest: now.Add(-2 * time.Hour)}, now, Defer, "frequency_cap"},
		{"a block beats quiet hours", with(func(c *Contact) { c.ConsentEmail = false }), Email, free, Recent{}, dubai(8, 23, 0), Block, "no_email_consent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := p.Decide(tc.at, tc.c, tc.ch, tc.t, tc.recent)
			if d.Verdict != tc.verdict || d.Reason != tc.reason {
				t.Fatalf("got %+v", d)
			}
			if d.Verdict == Defer && (p.Quiet(d.Until) || !d.Until.After(tc.at)) {
				t.Errorf("deferred to %s", d.Until.In(Dubai))
			}
		})
	}
}

func TestTemplatesAndSequences(t *testing.T) {
	tpl := Template{Name: "w", Body: map[string]string{"en": "Hi {{first_name}}, {{listing_title}}", "ar": "مرحباً {{ first_name }}"}}
	vars := map[string]string{"first_name": "Sara", "listing_title": "Marina Gate 2BR"}
	if _, body := tpl.Render(tpl.Language("ar"), vars); body != "مرحباً Sara" {
		t.Errorf("arabic body %q", body)
	}
	if _, body := tpl.Render(tpl.Language("ru"), vars); body != "Hi Sara, Marina Gate 2BR" {
		t.Errorf("fallback body %q", body)
	}
	if p := tpl.Params("en", vars); strings.Join(p, "|") != "Sara|Marina Gate 2BR" {
		t.Errorf("params %v", p)
	}
	if err := (Template{Body: map[string]string{"en": "{{nope}}"}}).Check(); err == nil {
		t.Error("unknown variables must be refused")
	}
	for _, d := range Defaults() {
		if err := d.Validate(); err != nil {
			t.Errorf("default %s: %v", d.Key, err)
		}
	}
	bad := NewSequence{Key: "x", Name: "x", Steps: []Step{{Kind: StepWait, WaitHours: 3}}}
	if err := bad.Validate(); err == nil {
		t.Error("a sequence of waits must be refused")
	}
	base := dubai(7, 10, 0)
	steps := Defaults()[0].Steps
	if i, due, ok := Next(steps, 1, base); !ok || i != 2 || !due.Equal(base.Add(24*time.Hour)) {
		t.Errorf("Next = %d %s %v", i, due, ok)
	}
	if _, _, ok := Next(steps, len(steps), base); ok {
		t.Error("past the last step the sequence is complete")
	}
	if !Risky("Guaranteed 10% returns!") || Risky("A lovely view of the Marina") {
		t.Error("risk check")
	}
}

func TestTokensAndSignatures(t *testing.T) {
	key := []byte("secret")
	tok := UnsubscribeToken(key, "lead-1", Email)
	lead, ch, err := ParseUnsubscribeToken(key, tok)
	if err != nil || lead != "lead-1" || ch != Email {
		t.Fatalf("%s %s %v", lead, ch, err)
	}
	for _, bad := range []string{tok + "x", "x." + strings.Split(tok, ".")[1], "", UnsubscribeToken([]byte("other"), "lead-1", Email)} {
		if _, _, err := ParseUnsubscribeToken(key, bad); err == nil {
			t.Errorf("token %q accepted", bad)
		}
	}
	body := []byte(`{"a":1}`)
	if !Verify(key, body, Sign(key, body)) || Verify(key, []byte(`{"a":2}`), Sign(key, body)) || Verify(nil, body, Sign(nil, body)) {
		t.Error("signature check")
	}
}

func TestExitReason(t *testing.T) {
	enrolled := dubai(7, 10, 0)
	c := Contact{Phone: "+9715", ConsentWhatsApp: true, Stage: "new"}
	all := []string{ExitReplied, ExitStageChanged, ExitOptedOut}
	if r := ExitReason(all, c, enrolled, "new"); r != "" {
		t.Errorf("exit %q", r)
	}
	replied := c
	replied.LastInboundAt = enrolled.Add(time.Hour)
	moved := c
	moved.Stage = "qualified"
	gone := c
	gone.ConsentWhatsApp = false
	if ExitReason(all, replied, enrolled, "new") != ExitReplied || ExitReason(all, moved, enrolled, "new") != ExitStageChanged ||
		ExitReason(all, gone, enrolled, "new") != ExitOptedOut || ExitReason([]string{ExitReplied}, moved, enrolled, "new") != "" {
		t.Error("exit rules")
	}
}
