package nurturestore

import (
	"context"
	"fmt"
	"github.com/propertypro/propertypro/shared/postgres"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/nurture"
)

// formatAED renders a price with thousands separators ("1,250,000").
func formatAED(v float64) string {
	s := strconv.FormatInt(int64(v), 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Transition applies one outbox move and its effects (on the enrollment, a task, the lead's
// stage, the activity log) only when the row is still in o.From: of two deliveries of one
// queue message, one wins. It is one statement, so one transaction and one round trip: the
// send path makes two moves per message, and round trips and commits are its cost.
func (n *Nurture) Transition(ctx context.Context, o nurture.Outcome) (bool, error) {
	q := transition(o)
	var moved int
	err := n.db.QueryRow(ctx, q.sql(), q.args...).Scan(&moved)
	return moved > 0, err
}

// cte builds one statement of data-modifying common table expressions: "moved" (the outbox
// row, when it was still in its expected status) and effects that each act only if it moved.
type cte struct {
	parts []string
	args  []any
}

// arg adds a parameter and returns its placeholder.
func (q *cte) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

func (q *cte) with(name, body string) { q.parts = append(q.parts, name+" AS ("+body+")") }

func (q *cte) sql() string {
	return "WITH " + strings.Join(q.parts, ",\n") + "\nSELECT count(*) FROM moved"
}

// ifMoved is the guard of every effect.
const ifMoved = ` AND EXISTS (SELECT FROM moved)`

func transition(o nurture.Outcome) *cte {
	q := &cte{}
	m := o.Message
	if m == nil {
		m = &nurture.Message{}
	}
	kind := o.Kind
	if kind == "" {
		kind = nurture.StepMessage
	}
	var sentAt *time.Time
	if !o.SentAt.IsZero() {
		sentAt = &o.SentAt
	}
	keep := func(col, v string) string { // an empty value keeps what the row holds
		p := q.arg(v)
		return col + " = CASE WHEN " + p + " = '' THEN " + col + " ELSE " + p + " END"
	}
	q.with("moved", `UPDATE nurture_outbox SET status = `+q.arg(o.Status)+`, reason = `+q.arg(o.Reason)+`, kind = `+q.arg(string(kind))+`,
		`+keep("channel", string(m.Channel))+`, `+keep("template", m.Template)+`, `+keep("language", m.Language)+`,
		`+keep("recipient", m.To)+`, `+keep("subject", m.Subject)+`, `+keep("body", m.Body)+`, `+keep("provider_id", o.ProviderID)+`,
		sent_at = coalesce(`+q.arg(sentAt)+`, sent_at), attempts = attempts + `+q.arg(b2i(o.Attempted))+`,
		deferrals = deferrals + `+q.arg(b2i(o.Deferred))+`, updated_at = coalesce(`+q.arg(nullTime(o.At))+`::timestamptz, now())
		WHERE id = `+q.arg(postgres.UUIDArg(o.OutboxID))+` AND status = `+q.arg(o.From)+`
		RETURNING id, brokerage_id, lead_id`)
	enrollmentEffect(q, o)
	if o.Task != nil {
		q.with("task", `INSERT INTO tasks (brokerage_id, assignee_id, lead_id, title, kind, due_at)
			SELECT l.brokerage_id, l.agent_id, l.id, `+q.arg(o.Task.Title)+`, 'follow_up', `+q.arg(o.Task.DueAt)+`
			FROM moved JOIN leads l ON l.id = moved.lead_id`)
	}
	if o.Stage != "" {
		q.with("stage", `UPDATE leads SET stage = `+q.arg(o.Stage)+`, version = version + 1, updated_at = now()
			WHERE id = (SELECT lead_id FROM moved)`)
	}
	if o.Message != nil && o.Status == nurture.StatusSent {
		q.with("activity", `INSERT INTO activities (brokerage_id, entity, entity_id, kind, body, at)
			SELECT brokerage_id, 'lead', lead_id, `+q.arg(string(m.Channel))+`, `+q.arg("Nurture: "+m.Template)+`, `+q.arg(o.SentAt)+`
			FROM moved`)
	}
	return q
}

// enrollmentEffect moves the enrollment: out of its sequence, to its next step, or to a later
// due time, each only from the step this outcome is about. A stage step also records the new
// stage as the one the lead entered with, so the sequence's own stage change never trips its
// stage_changed exit rule.
func enrollmentEffect(q *cte, o nurture.Outcome) {
	var sets []string
	guard := ` AND status = 'active'`
	switch {
	case o.Exit != "":
		sets = append(sets, `status = 'exited'`, `exit_reason = `+q.arg(o.Exit), `due_at = NULL`)
	case o.Advance && o.Complete:
		sets = append(sets, `status = 'completed'`, `step = `+q.arg(o.NextStep), `due_at = NULL`)
		guard += ` AND step = ` + q.arg(o.Step)
	case o.Advance:
		sets = append(sets, `step = `+q.arg(o.NextStep), `due_at = `+q.arg(o.DueAt))
		guard += ` AND step = ` + q.arg(o.Step)
	case o.Deferred:
		sets = append(sets, `due_at = `+q.arg(o.DueAt))
		guard += ` AND step = ` + q.arg(o.Step)
	default:
		guard = ""
	}
	if o.Stage != "" {
		sets = append(sets, `stage_at_entry = `+q.arg(o.Stage))
	}
	if len(sets) == 0 {
		return
	}
	q.with("enrollment", `UPDATE nurture_enrollments SET `+strings.Join(sets, ", ")+`, updated_at = now()
		WHERE id = `+q.arg(postgres.UUIDArg(o.EnrollmentID))+guard+ifMoved)
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// OutboxEntry is one outbox row as the API shows it.
type OutboxEntry struct {
	ID           string     `json:"id"`
	LeadID       string     `json:"lead_id"`
	EnrollmentID string     `json:"enrollment_id,omitempty"`
	Step         int        `json:"step"`
	Kind         string     `json:"kind"`
	Channel      string     `json:"channel,omitempty"`
	Template     string     `json:"template,omitempty"`
	Language     string     `json:"language,omitempty"`
	Subject      string     `json:"subject,omitempty"`
	Body         string     `json:"body,omitempty"`
	Status       string     `json:"status"`
	Reason       string     `json:"reason,omitempty"`
	ProviderID   string     `json:"provider_id,omitempty"`
	Attempts     int        `json:"attempts"`
	SentAt       *time.Time `json:"sent_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// Outbox lists a brokerage's newest outbox rows, optionally of one status or lead.
func (n *Nurture) Outbox(ctx context.Context, brokerageID, status, leadID string, limit int) ([]OutboxEntry, error) {
	rows, err := n.db.Query(ctx, `SELECT id::text, lead_id::text, coalesce(enrollment_id::text, ''), step, kind, channel,
			template, language, subject, body, status, reason, provider_id, attempts, sent_at, created_at, updated_at
		FROM nurture_outbox WHERE brokerage_id = $1 AND ($2 = '' OR status = $2) AND ($3 = '' OR lead_id::text = $3)
		ORDER BY created_at DESC, id LIMIT $4`, brokerageID, status, leadID, limit)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (OutboxEntry, error) {
		var e OutboxEntry
		err := r.Scan(&e.ID, &e.LeadID, &e.EnrollmentID, &e.Step, &e.Kind, &e.Channel, &e.Template, &e.Language,
			&e.Subject, &e.Body, &e.Status, &e.Reason, &e.ProviderID, &e.Attempts, &e.SentAt, &e.CreatedAt, &e.UpdatedAt)
		return e, err
	})
	if out == nil {
		out = []OutboxEntry{}
	}
	return out, postgres.InvalidInput(err)
}

// Requeue moves a brokerage's outbox row from one of from back to queued (a reviewer's
// approval, or an admin re-running a failed job), so the caller can announce it again.
func (n *Nurture) Requeue(ctx context.Context, brokerageID, actorID, id string, from []string, approve bool) error {
	return postgres.InTx(ctx, n.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE nurture_outbox SET status = 'queued', approved = approved OR $4, attempts = 0,
				reason = '', updated_at = now() WHERE brokerage_id = $1 AND id = $2 AND status = ANY($3)`,
			brokerageID, postgres.UUIDArg(id), from, approve)
		if err != nil {
			return postgres.InvalidInput(err)
		}
		if tag.RowsAffected() == 0 {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM nurture_outbox WHERE brokerage_id = $1 AND id = $2)`,
				brokerageID, postgres.UUIDArg(id)).Scan(&exists); err != nil {
				return err
			}
			if !exists { // another brokerage's id, or none at all
				return apperr.New(apperr.NotFound, "outbox message %s not found", id)
			}
			return apperr.New(apperr.Conflict, "outbox message %s is not %s", id, strings.Join(from, " or "))
		}
		return writeAuditRequeue(ctx, tx, brokerageID, actorID, id, approve)
	})
}

func writeAuditRequeue(ctx context.Context, tx pgx.Tx, brokerageID, actorID, id string, approve bool) error {
	action := "nurture.outbox.rerun"
	if approve {
		action = "nurture.outbox.approve"
	}
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (brokerage_id, actor_id, action, entity, entity_id)
		VALUES ($1, NULLIF($2, '')::uuid, $3, 'nurture_outbox', $4)`, brokerageID, actorID, action, id)
	return err
}

// Receipt records a provider's delivery receipt; false when no message moved (unknown id,
// or a receipt arriving twice or out of order).
func (n *Nurture) Receipt(ctx context.Context, providerID, status, reason string) (bool, error) {
	from := nurture.ReceiptFrom(status)
	if from == nil {
		return false, apperr.Validation(apperr.FieldError{Field: "status", Message: "want delivered, failed or bounced", Value: status})
	}
	tag, err := n.db.Exec(ctx, `UPDATE nurture_outbox SET status = $2, reason = CASE WHEN $3 = '' THEN reason ELSE $3 END,
		updated_at = now() WHERE provider_id = $1 AND provider_id <> '' AND status = ANY($4)`, providerID, status, reason, from)
	return err == nil && tag.RowsAffected() > 0, err
}

// Inbound records a contact's reply: it opens WhatsApp's 24-hour window, goes on the lead's
// timeline and ends the sequences that exit on a reply. It returns the leads it matched.
func (n *Nurture) Inbound(ctx context.Context, ch nurture.Channel, from, text string, at time.Time) (int, error) {
	matched := 0
	err := postgres.InTx(ctx, n.db, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `UPDATE leads SET last_inbound_at = greatest(coalesce(last_inbound_at, $3), $3), updated_at = now()
			WHERE deleted_at IS NULL AND merged_into IS NULL AND (($1 = 'email' AND lower(email) = lower($2) AND email <> '')
				OR ($1 <> 'email' AND phone_e164 = $2 AND phone_e164 <> '')) RETURNING id::text, brokerage_id::text`, string(ch), from, at)
		if err != nil {
			return err
		}
		type ref struct{ id, brokerage string }
		refs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ref, error) {
			var x ref
			return x, r.Scan(&x.id, &x.brokerage)
		})
		if err != nil {
			return err
		}
		matched = len(refs)
		for _, r := range refs {
			if _, err := tx.Exec(ctx, `INSERT INTO activities (brokerage_id, entity, entity_id, kind, body, at)
				VALUES ($1::uuid, 'lead', $2::uuid, $3, $4, $5)`, r.brokerage, r.id, activityKind(ch), "Inbound: "+text, at); err != nil {
				return err
			}
			if err := exitEnrollments(ctx, tx, r.id, nurture.ExitReplied); err != nil {
				return err
			}
		}
		return nil
	})
	return matched, err
}

func activityKind(ch nurture.Channel) string {
	if ch == nurture.Email || ch == nurture.SMS {
		return string(ch)
	}
	return "whatsapp"
}

// exitEnrollments ends a lead's active enrollments whose sequence exits for reason, and
// cancels what they still had waiting in the outbox.
func exitEnrollments(ctx context.Context, tx pgx.Tx, leadID, reason string) error {
	_, err := tx.Exec(ctx, `WITH ended AS (UPDATE nurture_enrollments e SET status = 'exited', exit_reason = $2,
			due_at = NULL, updated_at = now() FROM nurture_sequences s
			WHERE e.lead_id = $1::uuid AND e.status = 'active' AND s.id = e.sequence_id AND $2 = ANY(s.exit_on) RETURNING e.id)
		UPDATE nurture_outbox SET status = 'cancelled', reason = 'exit_' || $2, updated_at = now()
		WHERE enrollment_id IN (SELECT id FROM ended) AND status IN ('queued', 'deferred', 'review')`, leadID, reason)
	return err
}

// Unsubscribe honours an opt-out from a signed link: the channel's consent is withdrawn, and
// when no channel is left the lead's sequences end.
func (n *Nurture) Unsubscribe(ctx context.Context, leadID string, ch nurture.Channel, at time.Time) error {
	set := map[nurture.Channel]string{
		nurture.Email:    `consent_email = false, email_unsubscribed_at = coalesce(email_unsubscribed_at, $2)`,
		nurture.WhatsApp: `consent_whatsapp = false`,
		nurture.SMS:      `consent_sms = false`,
	}[ch]
	if set == "" {
		return apperr.New(apperr.NotFound, "this unsubscribe link is not valid")
	}
	return postgres.InTx(ctx, n.db, func(tx pgx.Tx) error {
		var reachable bool
		err := tx.QueryRow(ctx, `UPDATE leads SET `+set+`, version = version + 1, updated_at = now() WHERE id = $1
			RETURNING (consent_whatsapp AND phone_e164 <> '') OR (consent_email AND email_unsubscribed_at IS NULL AND email <> '')
				OR (consent_sms AND NOT do_not_call AND phone_e164 <> '')`, postgres.UUIDArg(leadID), at).Scan(&reachable)
		if err != nil {
			return postgres.NotFound(postgres.InvalidInput(err), "this unsubscribe link is not valid")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO audit_log (brokerage_id, action, entity, entity_id, after)
			SELECT brokerage_id, 'lead.unsubscribe', 'lead', id::text, $2::jsonb FROM leads WHERE id = $1`,
			postgres.UUIDArg(leadID), fmt.Sprintf(`{"channel": %q}`, ch)); err != nil {
			return err
		}
		if reachable {
			return nil
		}
		return exitEnrollments(ctx, tx, leadID, nurture.ExitOptedOut)
	})
}
