package nurture

import (
	"fmt"
	"time"
)

// Dubai is Asia/Dubai: UTC+4 all year, no daylight saving. A fixed zone, so the rules never
// depend on the host's tz database.
var Dubai = time.FixedZone("Asia/Dubai", 4*60*60)

// Policy is the brokerage-wide sending policy (NURTURE_* configuration).
type Policy struct {
	Location   *time.Location
	QuietStart int // minutes after local midnight when quiet hours begin (21:00 = 1260)
	QuietEnd   int // minutes after local midnight when they end (09:00 = 540)
	Weekend    map[time.Weekday]bool
	MaxPerDay  int // messages to one lead in any 24 hours
}

// DefaultPolicy is 21:00–09:00 quiet hours, a Saturday–Sunday weekend (the UAE's since 2022)
// and at most two messages a lead a day.
func DefaultPolicy() Policy {
	return Policy{Location: Dubai, QuietStart: 21 * 60, QuietEnd: 9 * 60,
		Weekend: map[time.Weekday]bool{time.Saturday: true, time.Sunday: true}, MaxPerDay: 2}
}

// ParsePolicy reads quiet hours ("21:00-09:00"), weekend days ("sat,sun") and the daily cap.
func ParsePolicy(quiet, weekend string, maxPerDay int) (Policy, error) {
	p := DefaultPolicy()
	var h1, m1, h2, m2 int
	if _, err := fmt.Sscanf(quiet, "%d:%d-%d:%d", &h1, &m1, &h2, &m2); err != nil {
		return p, fmt.Errorf("quiet hours %q: want HH:MM-HH:MM", quiet)
	}
	p.QuietStart, p.QuietEnd = h1*60+m1, h2*60+m2
	p.Weekend = map[time.Weekday]bool{}
	days := map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday,
		"wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}
	for _, d := range splitList(weekend) {
		wd, ok := days[d]
		if !ok {
			return p, fmt.Errorf("weekend day %q: want sun..sat", d)
		}
		p.Weekend[wd] = true
	}
	p.MaxPerDay = maxPerDay
	return p, nil
}

// Quiet reports whether t falls in quiet hours or on the weekend, local time.
func (p Policy) Quiet(t time.Time) bool {
	l := t.In(p.Location)
	if p.Weekend[l.Weekday()] {
		return true
	}
	m := l.Hour()*60 + l.Minute()
	if p.QuietStart == p.QuietEnd {
		return false
	}
	if p.QuietStart > p.QuietEnd {
		return m >= p.QuietStart || m < p.QuietEnd
	}
	return m >= p.QuietStart && m < p.QuietEnd
}

// NextAllowed is the first moment at or after t outside quiet hours and the weekend.
func (p Policy) NextAllowed(t time.Time) time.Time {
	for range 16 {
		if !p.Quiet(t) {
			return t
		}
		l := t.In(p.Location)
		end := time.Date(l.Year(), l.Month(), l.Day(), 0, p.QuietEnd, 0, 0, p.Location)
		if !end.After(l) {
			end = end.AddDate(0, 0, 1)
		}
		if p.Weekend[l.Weekday()] {
			end = time.Date(l.Year(), l.Month(), l.Day()+1, 0, p.QuietEnd, 0, 0, p.Location)
		}
		t = end
	}
	return t
}

// Contact is what the rules need to know about a lead.
type Contact struct {
	LeadID            string
	BrokerageID       string
	Name              string
	Phone             string
	Email             string
	Language          string
	Stage             string
	AgentID           string
	AgentName         string
	ConsentWhatsApp   bool
	ConsentEmail      bool
	EmailUnsubscribed bool
	ConsentSMS        bool
	DoNotCall         bool
	Erased            bool
	LastInboundAt     time.Time
}

// Reachable reports whether any channel is still open: when none is, the lead has opted out.
func (c Contact) Reachable() bool {
	return (c.ConsentWhatsApp && c.Phone != "") || (c.ConsentEmail && !c.EmailUnsubscribed && c.Email != "") ||
		(c.ConsentSMS && !c.DoNotCall && c.Phone != "")
}

// Recipient is the address of the lead on ch.
func (c Contact) Recipient(ch Channel) string {
	if ch == Email {
		return c.Email
	}
	return c.Phone
}

// Verdict is what the rules decided about one message.
type Verdict int

// The verdicts.
const (
	Send  Verdict = iota
	Block         // must never go out: recorded with its reason, the sequence moves on
	Defer         // may go out later: recorded with its reason, retried at Until
)

// Decision is a verdict with its reason and, for deferrals, when to try again.
type Decision struct {
	Verdict Verdict
	Reason  string
	Until   time.Time
}

// Recent is the lead's messages sent in the last 24 hours, for the frequency cap.
type Recent struct {
	Count  int
	Oldest time.Time
}

// Window is how long after a contact's last message a business may write freely on WhatsApp.
const Window = 24 * time.Hour

// Decide applies, in order, the rules that forbid a message (consent, address, WhatsApp's
// window) and those that only postpone it (quiet hours, weekend, frequency cap).
func (p Policy) Decide(now time.Time, c Contact, ch Channel, t Template, recent Recent) Decision {
	if reason := blocked(now, c, ch, t); reason != "" {
		return Decision{Verdict: Block, Reason: reason}
	}
	if p.Quiet(now) {
		reason := "quiet_hours"
		if p.Weekend[now.In(p.Location).Weekday()] {
			reason = "weekend"
		}
		return Decision{Verdict: Defer, Reason: reason, Until: p.NextAllowed(now)}
	}
	if p.MaxPerDay > 0 && recent.Count >= p.MaxPerDay {
		return Decision{Verdict: Defer, Reason: "frequency_cap", Until: p.NextAllowed(recent.Oldest.Add(24 * time.Hour))}
	}
	return Decision{Verdict: Send}
}

func blocked(now time.Time, c Contact, ch Channel, t Template) string {
	switch {
	case c.Erased:
		return "lead_erased"
	case c.Recipient(ch) == "":
		return "no_" + map[Channel]string{Email: "email", WhatsApp: "phone", SMS: "phone"}[ch]
	}
	switch ch {
	case WhatsApp:
		if !c.ConsentWhatsApp {
			return "no_whatsapp_opt_in"
		}
		if !InWindow(now, c) && !t.Approved {
			return "outside_whatsapp_window"
		}
	case Email:
		if c.EmailUnsubscribed {
			return "email_unsubscribed"
		}
		if !c.ConsentEmail {
			return "no_email_consent"
		}
	case SMS:
		if c.DoNotCall {
			return "do_not_call"
		}
		if !c.ConsentSMS {
			return "no_sms_consent"
		}
	}
	return ""
}

// InWindow reports whether the contact wrote in the last 24 hours, so any WhatsApp message
// (not only an approved template) may go out.
func InWindow(now time.Time, c Contact) bool {
	return !c.LastInboundAt.IsZero() && now.Sub(c.LastInboundAt) < Window
}

// ExitReason tells whether an enrollment must end before its next step, and why.
func ExitReason(exitOn []string, c Contact, enrolledAt time.Time, stageAtEntry string) string {
	for _, rule := range exitOn {
		switch {
		case rule == ExitReplied && c.LastInboundAt.After(enrolledAt):
			return ExitReplied
		case rule == ExitStageChanged && stageAtEntry != "" && c.Stage != stageAtEntry:
			return ExitStageChanged
		case rule == ExitOptedOut && !c.Reachable():
			return ExitOptedOut
		}
	}
	return ""
}
