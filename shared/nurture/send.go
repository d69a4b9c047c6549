package nurture

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Outbox statuses: queued → sending → sent → delivered | failed | bounced; a message the rules
// stop is blocked (never sent) or deferred (retried later); review waits for a person.
const (
	StatusQueued    = "queued"
	StatusDeferred  = "deferred"
	StatusReview    = "review"
	StatusSending   = "sending"
	StatusSent      = "sent"
	StatusDelivered = "delivered"
	StatusFailed    = "failed"
	StatusBounced   = "bounced"
	StatusBlocked   = "blocked"
	StatusCancelled = "cancelled"
	StatusDone      = "done" // a task or stage step carried out
)

// receiptMoves lists the outbox moves a provider's receipt may make.
var receiptMoves = map[string][]string{
	StatusDelivered: {StatusSent},
	StatusFailed:    {StatusSent, StatusSending},
	StatusBounced:   {StatusSent, StatusDelivered},
}

// ReceiptFrom lists the statuses a receipt of status may move a message from; nil when the
// receipt is not one the outbox understands.
func ReceiptFrom(status string) []string { return receiptMoves[status] }

// Work is one outbox row and everything the send path needs to decide about it.
type Work struct {
	OutboxID     string
	Status       string
	Approved     bool
	Attempts     int
	EnrollmentID string
	Step         int
	EnrollStatus string
	EnrolledAt   time.Time
	StageAtEntry string
	Brokerage    string
	Sequence     Sequence
	Contact      Contact
	Listing      map[string]string // listing_title, listing_price, listing_community, listing_url
	Recent       Recent
	// Subject and Body are the text stored with the row when it went to review: once a
	// reviewer approves it, that text is what goes out, never a fresh draft nobody read.
	Subject string
	Body    string
}

// Outcome is one compare-and-set move of an outbox row (from From) and its effects on the
// enrollment, applied in one transaction by the store.
type Outcome struct {
	OutboxID   string
	From       string
	Status     string
	Reason     string
	Kind       StepKind
	Message    *Message // the rendered message, when there is one
	ProviderID string
	SentAt     time.Time
	Attempted  bool
	Deferred   bool
	At         time.Time // the clock of the move (the injected one in simulations)

	EnrollmentID string
	Step         int
	Advance      bool      // move the enrollment past Step
	NextStep     int       // with Advance: the next actionable step
	DueAt        time.Time // with Advance or a deferral: when the enrollment is due again
	Complete     bool      // with Advance: no step left
	Exit         string    // end the enrollment with this reason
	Task         *AgentTask
	Stage        string
}

// AgentTask is a task a sequence gives the lead's agent.
type AgentTask struct {
	Title string
	DueAt time.Time
}

// Message is a rendered message ready for a delivery adapter.
type Message struct {
	ID        string // the outbox id, also the provider's idempotency key
	LeadID    string
	Channel   Channel
	To        string
	Template  string
	Language  string
	Subject   string
	Body      string
	Approved  bool     // a WhatsApp template message (outside the window) rather than free text
	Params    []string // the template's variable values in order, for WhatsApp templates
	Variables map[string]string
}

// Store is the send path's port to the database.
type Store interface {
	// Claim moves a queued outbox row to sending and returns its work; claimed is false when
	// the row is not queued (a duplicate delivery: another consumer has it or had it).
	Claim(ctx context.Context, outboxID string, now time.Time) (w Work, claimed bool, err error)
	// Transition applies o when the row is still in o.From; false when another delivery won.
	Transition(ctx context.Context, o Outcome) (bool, error)
}

// Deliverer hands a message to a provider (SES, WhatsApp Cloud API, an SMS gateway, or the
// local log), returning the provider's message id.
type Deliverer interface {
	Deliver(ctx context.Context, m Message) (providerID string, err error)
}

// Drafter writes a personalised draft from a prompt (the assistant's providers).
type Drafter interface {
	Draft(ctx context.Context, prompt string) (string, error)
}

// Sender is the send path: rules, rendering, the outbox and delivery for one message.
type Sender struct {
	Store       Store
	Deliverer   Deliverer
	Policy      Policy
	Key         []byte // SECRET_KEY, for unsubscribe links
	BaseURL     string
	MaxAttempts int
	Drafter     Drafter // nil unless DOCUMENT_GENERATION_ENABLED
}

// Process carries out one outbox row at now. It is idempotent: only the delivery that claims
// the queued row (queued → sending) goes on, and every later move is a compare-and-set from
// sending, so a duplicate delivery, concurrent or late, leaves the row alone.
func (s *Sender) Process(ctx context.Context, outboxID string, now time.Time) error {
	w, claimed, err := s.Store.Claim(ctx, outboxID, now)
	if err != nil || !claimed {
		return err
	}
	o := Outcome{OutboxID: w.OutboxID, From: StatusSending, EnrollmentID: w.EnrollmentID, Step: w.Step, At: now}
	if w.EnrollStatus != "active" {
		o.Status, o.Reason = StatusCancelled, "enrollment_"+w.EnrollStatus
		return s.apply(ctx, o)
	}
	if reason := ExitReason(w.Sequence.ExitOn, w.Contact, w.EnrolledAt, w.StageAtEntry); reason != "" {
		o.Status, o.Reason, o.Exit = StatusCancelled, "exit_"+reason, reason
		return s.apply(ctx, o)
	}
	if w.Step >= len(w.Sequence.Steps) {
		o.Status, o.Reason, o.Advance, o.Complete = StatusCancelled, "step_removed", true, true
		return s.apply(ctx, o)
	}
	step := w.Sequence.Steps[w.Step]
	o.Kind = step.Kind
	switch step.Kind {
	case StepTask:
		o.Status, o.Task = StatusDone, &AgentTask{Title: step.TaskTitle, DueAt: now.Add(time.Duration(step.TaskDueHrs) * time.Hour)}
	case StepStage:
		o.Status, o.Stage = StatusDone, step.Stage
	default:
		return s.message(ctx, w, step, o, now)
	}
	s.advance(&o, w, now)
	return s.apply(ctx, o)
}

func (s *Sender) message(ctx context.Context, w Work, step Step, o Outcome, now time.Time) error {
	m := s.render(ctx, w, step, now)
	o.Message = &m
	d := s.Policy.Decide(now, w.Contact, step.Channel, *step.Template, w.Recent)
	switch {
	case d.Verdict == Block:
		o.Status, o.Reason = StatusBlocked, d.Reason
		s.advance(&o, w, now)
		return s.apply(ctx, o)
	case d.Verdict == Defer:
		o.Status, o.Reason, o.Deferred, o.DueAt = StatusDeferred, d.Reason, true, d.Until
		return s.apply(ctx, o)
	case !w.Approved && (!step.Template.Reviewed || (step.AIDraft && Risky(m.Body))):
		o.Status, o.Reason = StatusReview, reviewReason(step)
		return s.apply(ctx, o)
	}
	return s.deliver(ctx, w, o, now)
}

func reviewReason(step Step) string {
	if !step.Template.Reviewed {
		return "new_template"
	}
	return "risky_draft"
}

// deliver hands a claimed (sending) message to the provider and records the result.
func (s *Sender) deliver(ctx context.Context, w Work, o Outcome, now time.Time) error {
	id, err := s.Deliverer.Deliver(ctx, *o.Message)
	if err == nil {
		o.Status, o.ProviderID, o.SentAt = StatusSent, id, now
		s.advance(&o, w, now)
		return s.apply(ctx, o)
	}
	o.Attempted, o.Reason = true, truncate(err.Error(), 500)
	if w.Attempts+1 >= max(s.MaxAttempts, 1) {
		o.Status = StatusFailed
		s.advance(&o, w, now)
		return s.apply(ctx, o)
	}
	o.Status = StatusQueued
	if aerr := s.apply(ctx, o); aerr != nil {
		return aerr
	}
	return fmt.Errorf("delivering %s: %w", w.OutboxID, err)
}

// advance moves the enrollment to its next actionable step, after any waits.
func (s *Sender) advance(o *Outcome, w Work, now time.Time) {
	next, due, ok := Next(w.Sequence.Steps, w.Step+1, now)
	o.Advance, o.NextStep, o.DueAt, o.Complete = true, next, due, !ok
}

func (s *Sender) apply(ctx context.Context, o Outcome) error {
	_, err := s.Store.Transition(ctx, o)
	return err
}

// render fills the step's template (or an AI draft of it) for the lead.
func (s *Sender) render(ctx context.Context, w Work, step Step, now time.Time) Message {
	c := w.Contact
	vars := map[string]string{"name": c.Name, "first_name": FirstName(c.Name), "agent_name": c.AgentName,
		"brokerage":       w.Brokerage,
		"unsubscribe_url": strings.TrimSuffix(s.BaseURL, "/") + "/v1/unsubscribe/" + UnsubscribeToken(s.Key, c.LeadID, step.Channel)}
	for k, v := range w.Listing {
		vars[k] = v
	}
	lang := step.Template.Language(c.Language)
	subject, body := step.Template.Render(lang, vars)
	if w.Approved && w.Body != "" {
		subject, body = w.Subject, w.Body
	} else if step.AIDraft && s.Drafter != nil {
		if draft, err := s.Drafter.Draft(ctx, draftPrompt(lang, body, vars)); err == nil && strings.TrimSpace(draft) != "" {
			body = strings.TrimSpace(draft)
		}
	}
	return Message{ID: w.OutboxID, LeadID: c.LeadID, Channel: step.Channel, To: c.Recipient(step.Channel),
		Template: step.Template.Name, Language: lang, Subject: subject, Body: body,
		Approved: step.Template.Approved && !InWindow(now, c), Params: step.Template.Params(lang, vars), Variables: vars}
}

func draftPrompt(lang, body string, vars map[string]string) string {
	return fmt.Sprintf("Rewrite this real-estate follow-up message for %s in language %q, warmly and briefly, "+
		"mentioning %s in %s (AED %s). Make no promises about returns or prices.\n\n%s",
		vars["first_name"], lang, vars["listing_title"], vars["listing_community"], vars["listing_price"], body)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
