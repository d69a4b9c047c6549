package nurturestore

import (
	"context"
	"encoding/json"
	"github.com/propertypro/propertypro/shared/postgres"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/nurture"
)

// Nurture implements nurture.Store and nurture.DueStore, and keeps sequences and the outbox.
type Nurture struct{ db *pgxpool.Pool }

// NewNurture returns the nurture repository.
func NewNurture(db *pgxpool.Pool) *Nurture { return &Nurture{db: db} }

const sequenceColumns = `s.id::text, s.brokerage_id::text, s.key, s.name, s.entry::text, s.exit_on, s.steps::text,
	s.active, s.version, s.created_at, s.updated_at`

func scanSequence(row pgx.Row) (nurture.Sequence, error) {
	var s nurture.Sequence
	var entry, steps string
	err := row.Scan(&s.ID, &s.BrokerageID, &s.Key, &s.Name, &entry, &s.ExitOn, &steps, &s.Active, &s.Version,
		&s.CreatedAt, &s.UpdatedAt)
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal([]byte(entry), &s.Entry); err != nil {
		return s, err
	}
	return s, json.Unmarshal([]byte(steps), &s.Steps)
}

// Sequences lists a brokerage's sequences by key.
func (n *Nurture) Sequences(ctx context.Context, brokerageID string) ([]nurture.Sequence, error) {
	rows, err := n.db.Query(ctx, `SELECT `+sequenceColumns+` FROM nurture_sequences s WHERE s.brokerage_id = $1 ORDER BY s.key`, brokerageID)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (nurture.Sequence, error) { return scanSequence(r) })
	if out == nil {
		out = []nurture.Sequence{}
	}
	return out, err
}

// Sequence returns one of a brokerage's sequences.
func (n *Nurture) Sequence(ctx context.Context, brokerageID, id string) (nurture.Sequence, error) {
	s, err := scanSequence(n.db.QueryRow(ctx, `SELECT `+sequenceColumns+` FROM nurture_sequences s
		WHERE s.brokerage_id = $1 AND s.id = $2`, brokerageID, postgres.UUIDArg(id)))
	return s, postgres.NotFound(err, "no sequence %s", id)
}

// SaveSequence creates a sequence, or replaces the one with the same key when replace is set
// (version must match when non-zero); the change is audited.
func (n *Nurture) SaveSequence(ctx context.Context, brokerageID, actorID string, in nurture.NewSequence, replace bool, version int) (nurture.Sequence, error) {
	if err := in.Validate(); err != nil {
		return nurture.Sequence{}, err
	}
	entry, _ := json.Marshal(in.Entry)
	steps, _ := json.Marshal(in.Steps)
	active := in.Active == nil || *in.Active
	var out nurture.Sequence
	err := postgres.InTx(ctx, n.db, func(tx pgx.Tx) error {
		conflict := `DO NOTHING`
		args := []any{brokerageID, in.Key, in.Name, string(entry), in.ExitOn, string(steps), active}
		if replace {
			args = append(args, version)
			conflict = `DO UPDATE SET name = EXCLUDED.name, entry = EXCLUDED.entry, exit_on = EXCLUDED.exit_on,
				steps = EXCLUDED.steps, active = EXCLUDED.active, version = s.version + 1, updated_at = now()
				WHERE $8 = 0 OR s.version = $8`
		}
		var err error
		out, err = scanSequence(tx.QueryRow(ctx, `INSERT INTO nurture_sequences AS s (brokerage_id, key, name, entry, exit_on, steps, active)
			VALUES ($1, $2, $3, $4::jsonb, $5, $6::jsonb, $7) ON CONFLICT (brokerage_id, key) `+conflict+`
			RETURNING `+sequenceColumns, args...))
		if err == pgx.ErrNoRows {
			if replace {
				return apperr.New(apperr.PreconditionFailed, "sequence %s has changed since you read it", in.Key)
			}
			return apperr.New(apperr.Conflict, "a sequence with key %s exists", in.Key)
		}
		if err != nil {
			return postgres.InvalidInput(err)
		}
		return postgres.WriteAudit(ctx, tx, audit.Entry{BrokerageID: brokerageID, ActorID: actorID, Action: "nurture.sequence.save",
			Entity: "nurture_sequence", EntityID: out.ID, After: out})
	})
	return out, err
}

// InstallDefaults adds the default sequences a brokerage does not have yet; it is idempotent.
func (n *Nurture) InstallDefaults(ctx context.Context, brokerageID, actorID string) (int, error) {
	added := 0
	for _, d := range nurture.Defaults() {
		_, err := n.SaveSequence(ctx, brokerageID, actorID, d, false, 0)
		if apperr.CodeOf(err) == apperr.Conflict {
			continue
		}
		if err != nil {
			return added, err
		}
		added++
	}
	return added, nil
}

// entrySQL selects, per entry rule, the leads of sequence $1 to enroll at $2 ($3: days).
var entrySQL = map[nurture.EntryRule]string{
	nurture.EntryNewLead: `l.stage = 'new' AND l.created_at > $2::timestamptz - interval '7 days'
		AND (cardinality($4::text[]) = 0 OR l.source = ANY($4::text[]))`,
	nurture.EntryNoContact: `l.stage IN ('contacted', 'qualified', 'nurture')
		AND l.updated_at < $2::timestamptz - make_interval(days => $3)
		AND coalesce(l.last_inbound_at, '-infinity') < $2::timestamptz - make_interval(days => $3)
		AND NOT EXISTS (SELECT 1 FROM activities a WHERE a.brokerage_id = l.brokerage_id AND a.entity = 'lead'
			AND a.entity_id = l.id AND a.at > $2::timestamptz - make_interval(days => $3))`,
	nurture.EntryViewingDone: `EXISTS (SELECT 1 FROM viewings v WHERE v.lead_id = l.id AND v.status = 'done'
		AND v.deleted_at IS NULL AND v.scheduled_at BETWEEN $2::timestamptz - interval '3 days' AND $2::timestamptz)`,
	nurture.EntryLost: `l.stage = 'lost' AND l.updated_at <= $2::timestamptz - make_interval(days => $3)`,
}

// Enroll enters the leads matching each active sequence's entry rule, once per sequence.
func (n *Nurture) Enroll(ctx context.Context, now time.Time) (int, error) {
	rows, err := n.db.Query(ctx, `SELECT `+sequenceColumns+` FROM nurture_sequences s WHERE s.active`)
	if err != nil {
		return 0, err
	}
	seqs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (nurture.Sequence, error) { return scanSequence(r) })
	if err != nil {
		return 0, err
	}
	total := 0
	for _, s := range seqs {
		cond, ok := entrySQL[s.Entry.Rule]
		step, due, any := nurture.Next(s.Steps, 0, now)
		if !ok || !any {
			continue
		}
		days := s.Entry.Days
		if days == 0 && s.Entry.Rule == nurture.EntryLost {
			days = 90
		}
		tag, err := n.db.Exec(ctx, `INSERT INTO nurture_enrollments (brokerage_id, sequence_id, lead_id, step, due_at, stage_at_entry, created_at, updated_at)
			SELECT l.brokerage_id, $1, l.id, $5, $6, l.stage, $2, $2 FROM leads l
			WHERE l.brokerage_id = $7 AND l.deleted_at IS NULL AND l.merged_into IS NULL AND l.erased_at IS NULL
			AND $3::int >= 0 AND cardinality($4::text[]) >= 0 -- every rule binds every parameter
			AND l.created_at <= $2
			AND NOT EXISTS (SELECT 1 FROM nurture_enrollments x WHERE x.sequence_id = $1 AND x.lead_id = l.id)
			AND `+cond+` ON CONFLICT (sequence_id, lead_id) DO NOTHING`,
			s.ID, now, days, s.Entry.Sources, step, due, s.BrokerageID)
		if err != nil {
			return total, err
		}
		total += int(tag.RowsAffected())
	}
	return total, nil
}

// ClaimDue moves up to limit due enrollments' steps into the outbox, in one statement: the
// enrollment stops being due (due_at NULL) and its (enrollment, step) row is created, or a
// deferred one re-queued. A concurrent run skips the rows this one holds.
func (n *Nurture) ClaimDue(ctx context.Context, now time.Time, limit int) ([]string, error) {
	rows, err := n.db.Query(ctx, `WITH due AS (
			SELECT e.id, e.brokerage_id, e.lead_id, e.step FROM nurture_enrollments e
			WHERE e.status = 'active' AND e.due_at IS NOT NULL AND e.due_at <= $1
			ORDER BY e.due_at LIMIT $2 FOR UPDATE SKIP LOCKED),
		claimed AS (UPDATE nurture_enrollments e SET due_at = NULL, updated_at = $1 FROM due WHERE e.id = due.id)
		INSERT INTO nurture_outbox AS o (brokerage_id, lead_id, enrollment_id, step, created_at, updated_at)
		SELECT brokerage_id, lead_id, id, step, $1, $1 FROM due
		ON CONFLICT (enrollment_id, step) DO UPDATE SET status = 'queued', updated_at = $1
			WHERE o.status = 'deferred'
		RETURNING o.id::text`, now, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// Claim moves a queued outbox row to sending and loads it with its enrollment, sequence, lead,
// agent and best listing, in one statement; claimed is false when the row is not queued (a
// duplicate delivery, or one another consumer holds). The claim needs its row lock, not its
// flush to disk: if a crash loses it, the row is queued again and the sweeper re-announces it,
// exactly as for a claim that survived the crash with the delivery unknown. Only outcomes
// (sent, failed) must be durable, so the claim commits without waiting for the WAL flush
// (set_config(..., true) lasts until this statement's commit).
func (n *Nurture) Claim(ctx context.Context, outboxID string, now time.Time) (w nurture.Work, claimed bool, err error) {
	w, err = n.claim(ctx, outboxID, now)
	if err != pgx.ErrNoRows {
		return w, err == nil, err
	}
	var exists bool
	err = n.db.QueryRow(ctx, `SELECT EXISTS (SELECT FROM nurture_outbox WHERE id = $1 AND enrollment_id IS NOT NULL)`,
		postgres.UUIDArg(outboxID)).Scan(&exists)
	if err != nil || exists {
		return w, false, err
	}
	return w, false, apperr.New(apperr.NotFound, "no outbox message %s of a sequence", outboxID)
}

func (n *Nurture) claim(ctx context.Context, outboxID string, now time.Time) (nurture.Work, error) {
	var w nurture.Work
	var entry, steps string
	var title, community string
	var price *float64
	var inbound *time.Time
	c := &w.Contact
	err := n.db.QueryRow(ctx, `WITH async AS (SELECT set_config('synchronous_commit', 'off', true)),
		o AS (UPDATE nurture_outbox SET status = 'sending', updated_at = $2
			WHERE id = $1 AND status = 'queued' AND enrollment_id IS NOT NULL AND EXISTS (SELECT FROM async) RETURNING *)
		SELECT o.id::text, o.status, o.approved, o.subject, o.body, o.attempts, e.id::text, o.step, e.status,
			e.created_at, e.stage_at_entry, b.name, s.id::text, s.entry::text, s.exit_on, s.steps::text,
			l.id::text, l.brokerage_id::text, l.full_name, l.phone_e164, l.email, l.language, l.stage,
			coalesce(l.agent_id::text, ''), coalesce(u.full_name, ''), l.consent_whatsapp, l.consent_email,
			l.email_unsubscribed_at IS NOT NULL, l.consent_sms, l.do_not_call, l.erased_at IS NOT NULL, l.last_inbound_at,
			coalesce(li.title, ''), li.price_aed::float8, coalesce(loc.name_en, ''),
			(SELECT count(*) FROM nurture_outbox r WHERE r.lead_id = l.id AND r.sent_at > $2::timestamptz - interval '24 hours'),
			coalesce((SELECT min(r.sent_at) FROM nurture_outbox r WHERE r.lead_id = l.id AND r.sent_at > $2::timestamptz - interval '24 hours'), $2)
		FROM o
		JOIN nurture_enrollments e ON e.id = o.enrollment_id
		JOIN nurture_sequences s ON s.id = e.sequence_id
		JOIN leads l ON l.id = o.lead_id
		JOIN brokerages b ON b.id = l.brokerage_id
		LEFT JOIN users u ON u.id = l.agent_id
		LEFT JOIN LATERAL (SELECT x.title, x.price_aed, x.community_id FROM listings x
			WHERE x.brokerage_id = l.brokerage_id AND x.deleted_at IS NULL AND (
				x.id IN (SELECT v.listing_id FROM viewings v WHERE v.lead_id = l.id)
				OR (x.status = 'active' AND (l.budget_max_aed IS NULL OR x.price_aed <= l.budget_max_aed)))
			ORDER BY x.id IN (SELECT v.listing_id FROM viewings v WHERE v.lead_id = l.id) DESC, x.created_at DESC
			LIMIT 1) li ON true
		LEFT JOIN locations loc ON loc.id = li.community_id
		`, postgres.UUIDArg(outboxID), now).Scan(
		&w.OutboxID, &w.Status, &w.Approved, &w.Subject, &w.Body, &w.Attempts, &w.EnrollmentID, &w.Step, &w.EnrollStatus,
		&w.EnrolledAt, &w.StageAtEntry, &w.Brokerage, &w.Sequence.ID, &entry, &w.Sequence.ExitOn, &steps,
		&c.LeadID, &c.BrokerageID, &c.Name, &c.Phone, &c.Email, &c.Language, &c.Stage,
		&c.AgentID, &c.AgentName, &c.ConsentWhatsApp, &c.ConsentEmail,
		&c.EmailUnsubscribed, &c.ConsentSMS, &c.DoNotCall, &c.Erased, &inbound,
		&title, &price, &community, &w.Recent.Count, &w.Recent.Oldest)
	if err != nil {
		return w, err
	}
	if inbound != nil {
		c.LastInboundAt = *inbound
	}
	w.Listing = map[string]string{"listing_title": title, "listing_community": community}
	if price != nil {
		w.Listing["listing_price"] = formatAED(*price)
	}
	if err := json.Unmarshal([]byte(entry), &w.Sequence.Entry); err != nil {
		return w, err
	}
	return w, json.Unmarshal([]byte(steps), &w.Sequence.Steps)
}
