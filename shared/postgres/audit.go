package postgres

import (
	"context"
	"encoding/json"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/page"
)

// AuditTrail implements analytics.Trail over audit_log.
type AuditTrail struct{ db *pgxpool.Pool }

// NewAuditTrail returns the audit trail reader.
func NewAuditTrail(db *pgxpool.Pool) *AuditTrail { return &AuditTrail{db: db} }

// ListAudit returns a brokerage's entries, newest (highest id) first.
func (s *AuditTrail) ListAudit(ctx context.Context, brokerageID string, f audit.Filter) ([]audit.Record, error) {
	q := &salesQuery{}
	q.where("brokerage_id = " + q.arg(brokerageID) + "::uuid")
	q.equal("actor_id", f.ActorID, "::uuid")
	q.equal("entity", f.Entity, "")
	q.equal("entity_id", f.EntityID, "")
	q.equal("action", f.Action, "")
	if !f.From.IsZero() {
		q.where("at >= " + q.arg(f.From) + "::timestamptz")
	}
	if !f.To.IsZero() {
		q.where("at < " + q.arg(f.To) + "::timestamptz")
	}
	if f.Limit <= 0 {
		f.Limit = page.DefaultLimit
	}
	if f.BeforeID > 0 {
		q.where("id < " + q.arg(f.BeforeID) + "::bigint")
	}
	rows, err := s.db.Query(ctx, `SELECT id, coalesce(brokerage_id::text, ''), coalesce(actor_id::text, ''), action,
		entity, entity_id, before::text, after::text, request_id, at
		FROM audit_log WHERE `+q.joined()+` ORDER BY id DESC LIMIT `+q.arg(f.Limit), q.args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (audit.Record, error) {
		var r audit.Record
		var before, after *string
		err := row.Scan(&r.ID, &r.BrokerageID, &r.ActorID, &r.Action, &r.Entity, &r.EntityID, &before, &after,
			&r.RequestID, &r.At)
		r.Before, r.After = auditJSON(before), auditJSON(after)
		return r, err
	})
}

func auditJSON(s *string) json.RawMessage {
	if s == nil {
		return nil
	}
	return json.RawMessage(*s)
}
