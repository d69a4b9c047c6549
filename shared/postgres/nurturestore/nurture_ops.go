package nurturestore

import (
	"context"
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
