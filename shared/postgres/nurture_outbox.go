package postgres

import (
	"context"
	"fmt"
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

// Transition applies one outbox move and its effects on the enrollment in one transaction,
// only when the row is still in o.From: of two deliveries of one queue message, one wins.
func (n *Nurture) Transition(ctx context.Context, o nurture.Outcome) (bool, error) {
	won := false
	err := InTx(ctx, n.db, func(tx pgx.Tx) error {
		m := o.Message
		if m == nil {
			m = &nurture.Message{}
		}
		kind := o.Kind
		if kind == "" {
			kind = nurture.StepMessage
		}
		if o.Status == nurture.StatusSending {
			// The claim before delivery needs its row lock, not its flush to disk: if a crash
			// loses it, the row is queued again and the sweeper re-announces it, exactly as
			// for a claim that survived the crash with the delivery unknown. Only the outcome
			// (sent, failed) must be durable, so the claim skips the WAL flush's wait.
			if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = off"); err != nil {
				return err
			}
		}
		var sentAt *time.Time
		if !o.SentAt.IsZero() {
			sentAt = &o.SentAt
		}
		tag, err := tx.Exec(ctx, `UPDATE nurture_outbox SET status = $3, reason = $4, kind = $5,
				channel = CASE WHEN $6 = '' THEN channel ELSE $6 END, template = CASE WHEN $7 = '' THEN template ELSE $7 END,
				language = CASE WHEN $8 = '' THEN language ELSE $8 END, recipient = CASE WHEN $9 = '' THEN recipient ELSE $9 END,
				subject = CASE WHEN $10 = '' THEN subject ELSE $10 END, body = CASE WHEN $11 = '' THEN body ELSE $11 END,
				provider_id = CASE WHEN $12 = '' THEN provider_id ELSE $12 END, sent_at = coalesce($13, sent_at),
				attempts = attempts + $14, deferrals = deferrals + $15, updated_at = coalesce($16, now())
			WHERE id = $1 AND status = $2`,
			uuidArg(o.OutboxID), o.From, o.Status, o.Reason, string(kind), string(m.Channel), m.Template, m.Language, m.To,
			m.Subject, m.Body, o.ProviderID, sentAt, b2i(o.Attempted), b2i(o.Deferred), nullTime(o.At))
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		won = true
		return n.effects(ctx, tx, o)
	})
	return won, err
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

// effects moves the enrollment and carries out a task or stage step.
func (n *Nurture) effects(ctx context.Context, tx pgx.Tx, o nurture.Outcome) error {
	var err error
	switch {
	case o.Exit != "":
		_, err = tx.Exec(ctx, `UPDATE nurture_enrollments SET status = 'exited', exit_reason = $2, due_at = NULL,
			updated_at = now() WHERE id = $1 AND status = 'active'`, uuidArg(o.EnrollmentID), o.Exit)
	case o.Advance && o.Complete:
		_, err = tx.Exec(ctx, `UPDATE nurture_enrollments SET status = 'completed', step = $3, due_at = NULL, updated_at = now()
			WHERE id = $1 AND step = $2 AND status = 'active'`, uuidArg(o.EnrollmentID), o.Step, o.NextStep)
	case o.Advance:
		_, err = tx.Exec(ctx, `UPDATE nurture_enrollments SET step = $3, due_at = $4, updated_at = now()
			WHERE id = $1 AND step = $2 AND status = 'active'`, uuidArg(o.EnrollmentID), o.Step, o.NextStep, o.DueAt)
	case o.Deferred:
		_, err = tx.Exec(ctx, `UPDATE nurture_enrollments SET due_at = $3, updated_at = now()
			WHERE id = $1 AND step = $2 AND status = 'active'`, uuidArg(o.EnrollmentID), o.Step, o.DueAt)
	}
	if err != nil {
		return err
	}
	if o.Task != nil {
		_, err = tx.Exec(ctx, `INSERT INTO tasks (brokerage_id, assignee_id, lead_id, title, kind, due_at)
			SELECT l.brokerage_id, l.agent_id, l.id, $2, 'follow_up', $3 FROM nurture_outbox o JOIN leads l ON l.id = o.lead_id
			WHERE o.id = $1`, uuidArg(o.OutboxID), o.Task.Title, o.Task.DueAt)
	}
	if err == nil && o.Stage != "" {
		// The sequence's own stage change must not trip its stage_changed exit rule.
		_, err = tx.Exec(ctx, `WITH l AS (UPDATE leads SET stage = $2, version = version + 1, updated_at = now()
				WHERE id = (SELECT lead_id FROM nurture_outbox WHERE id = $1) RETURNING id)
			UPDATE nurture_enrollments SET stage_at_entry = $2 WHERE id = $3`, uuidArg(o.OutboxID), o.Stage, uuidArg(o.EnrollmentID))
	}
	if err == nil && o.Message != nil && o.Status == nurture.StatusSent {
		_, err = tx.Exec(ctx, `INSERT INTO activities (brokerage_id, entity, entity_id, kind, body, at)
			SELECT brokerage_id, 'lead', lead_id, $2, $3, $4 FROM nurture_outbox WHERE id = $1`,
			uuidArg(o.OutboxID), string(o.Message.Channel), "Nurture: "+o.Message.Template, o.SentAt)
	}
	return err
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
	return out, invalidInput(err)
}

// Requeue moves a brokerage's outbox row from one of from back to queued (a reviewer's
// approval, or an admin re-running a failed job), so the caller can announce it again.
func (n *Nurture) Requeue(ctx context.Context, brokerageID, actorID, id string, from []string, approve bool) error {
	return InTx(ctx, n.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE nurture_outbox SET status = 'queued', approved = approved OR $4, attempts = 0,
				reason = '', updated_at = now() WHERE brokerage_id = $1 AND id = $2 AND status = ANY($3)`,
			brokerageID, uuidArg(id), from, approve)
		if err != nil {
			return invalidInput(err)
		}
		if tag.RowsAffected() == 0 {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM nurture_outbox WHERE brokerage_id = $1 AND id = $2)`,
				brokerageID, uuidArg(id)).Scan(&exists); err != nil {
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
	err := InTx(ctx, n.db, func(tx pgx.Tx) error {
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
	return InTx(ctx, n.db, func(tx pgx.Tx) error {
		var reachable bool
		err := tx.QueryRow(ctx, `UPDATE leads SET `+set+`, version = version + 1, updated_at = now() WHERE id = $1
			RETURNING (consent_whatsapp AND phone_e164 <> '') OR (consent_email AND email_unsubscribed_at IS NULL AND email <> '')
				OR (consent_sms AND NOT do_not_call AND phone_e164 <> '')`, uuidArg(leadID), at).Scan(&reachable)
		if err != nil {
			return notFound(invalidInput(err), "this unsubscribe link is not valid")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO audit_log (brokerage_id, action, entity, entity_id, after)
			SELECT brokerage_id, 'lead.unsubscribe', 'lead', id::text, $2::jsonb FROM leads WHERE id = $1`,
			uuidArg(leadID), fmt.Sprintf(`{"channel": %q}`, ch)); err != nil {
			return err
		}
		if reachable {
			return nil
		}
		return exitEnrollments(ctx, tx, leadID, nurture.ExitOptedOut)
	})
}
