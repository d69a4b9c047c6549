package nurturestore

import (
	"context"
	"fmt"
	"github.com/propertypro/propertypro/shared/postgres"
	"time"

	"github.com/jackc/pgx/v5"
)

// EscalateSLA escalates, once each, the new leads nobody contacted within sla: the agent's
// manager (or the brokerage's first manager or admin) gets a high-priority first-contact task.
func (n *Nurture) EscalateSLA(ctx context.Context, now time.Time, sla time.Duration) (int, error) {
	escalated := 0
	err := postgres.InTx(ctx, n.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO lead_sla_escalations (lead_id, brokerage_id, manager_id, escalated_at)
			SELECT l.id, l.brokerage_id, coalesce(a.manager_id, (SELECT u.id FROM users u WHERE u.brokerage_id = l.brokerage_id
				AND u.active AND u.role IN ('manager', 'admin') ORDER BY u.role = 'manager' DESC, u.created_at LIMIT 1)), $1
			FROM leads l LEFT JOIN users a ON a.id = l.agent_id
			WHERE l.stage = 'new' AND l.first_contacted_at IS NULL AND l.deleted_at IS NULL AND l.merged_into IS NULL
			AND l.created_at <= $1::timestamptz - $2::interval AND l.created_at > $1::timestamptz - interval '30 days'
			AND NOT EXISTS (SELECT 1 FROM activities x WHERE x.brokerage_id = l.brokerage_id AND x.entity = 'lead'
				AND x.entity_id = l.id AND x.actor_id IS NOT NULL AND x.kind IN ('call', 'whatsapp', 'email', 'sms', 'meeting'))
			ON CONFLICT (lead_id) DO NOTHING`, now, sla.String())
		if err != nil {
			return err
		}
		escalated = int(tag.RowsAffected())
		_, err = tx.Exec(ctx, `WITH t AS (INSERT INTO tasks (brokerage_id, assignee_id, lead_id, title, kind, due_at, priority)
				SELECT e.brokerage_id, e.manager_id, e.lead_id, 'Speed-to-lead SLA missed: make sure this lead is contacted now',
					'first_contact', $1, 'high' FROM lead_sla_escalations e WHERE e.task_id IS NULL
				RETURNING id, lead_id)
			UPDATE lead_sla_escalations e SET task_id = t.id FROM t WHERE e.lead_id = t.lead_id`, now)
		return err
	})
	return escalated, err
}

// Sweep finds outbox messages stuck queued or sending for longer than after (a lost queue
// message, a crash mid-send): below maxAttempts they are re-queued and returned for
// announcing again, the rest are dead-lettered as failed, where an admin can re-run them.
func (n *Nurture) Sweep(ctx context.Context, now time.Time, after time.Duration, maxAttempts int) (requeue []string, dead int, err error) {
	tag, err := n.db.Exec(ctx, `UPDATE nurture_outbox SET status = 'failed', reason = 'dead_lettered: stuck ' || status,
		updated_at = $1 WHERE status IN ('queued', 'sending') AND updated_at < $1::timestamptz - $2::interval AND attempts >= $3`,
		now, after.String(), maxAttempts)
	if err != nil {
		return nil, 0, err
	}
	rows, err := n.db.Query(ctx, `UPDATE nurture_outbox SET status = 'queued', attempts = attempts + 1, updated_at = $1
		WHERE status IN ('queued', 'sending') AND updated_at < $1::timestamptz - $2::interval AND attempts < $3
		RETURNING id::text`, now, after.String(), maxAttempts)
	if err != nil {
		return nil, 0, err
	}
	requeue, err = pgx.CollectRows(rows, pgx.RowTo[string])
	return requeue, int(tag.RowsAffected()), err
}

// purgeRules names, per table the retention purge may touch, the age column and which rows
// are finished enough to go.
var purgeRules = map[string]struct{ column, where string }{
	"queue_messages":      {"sent_at", "dead"},
	"nurture_outbox":      {"created_at", "status IN ('sent', 'delivered', 'failed', 'bounced', 'blocked', 'cancelled', 'done')"},
	"nurture_enrollments": {"updated_at", "status <> 'active'"},
	"login_attempts":      {"updated_at", "true"},
	"refresh_tokens":      {"expires_at", "true"},
	"rate_buckets":        {"updated_at", "true"},
	"audit_log":           {"at", "true"},
	"activities":          {"at", "true"},
}

// PurgeTables lists the tables the retention purge accepts.
func PurgeTables() []string {
	out := make([]string, 0, len(purgeRules))
	for t := range purgeRules {
		out = append(out, t)
	}
	return out
}

// Purge deletes rows older than days per table, in batches so no statement runs long; it is
// idempotent and safe to overlap (each batch deletes what is still there).
func (n *Nurture) Purge(ctx context.Context, now time.Time, days map[string]int) (map[string]int64, error) {
	out := map[string]int64{}
	for table, d := range days {
		r, ok := purgeRules[table]
		if !ok {
			return out, fmt.Errorf("retention purge: table %s is not purgeable", table)
		}
		for {
			tag, err := n.db.Exec(ctx, fmt.Sprintf(`DELETE FROM %s WHERE ctid = ANY(ARRAY(SELECT ctid FROM %s
				WHERE %s < $1::timestamptz - make_interval(days => $2) AND %s LIMIT 5000))`,
				pgx.Identifier{table}.Sanitize(), pgx.Identifier{table}.Sanitize(),
				pgx.Identifier{r.column}.Sanitize(), r.where), now, d)
			if err != nil {
				return out, err
			}
			out[table] += tag.RowsAffected()
			if tag.RowsAffected() < 5000 {
				break
			}
		}
	}
	return out, nil
}
