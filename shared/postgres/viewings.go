package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/deal"
)

// Viewings implements deal.ViewingStore.
type Viewings struct{ db *pgxpool.Pool }

// NewViewings returns the viewings repository.
func NewViewings(db *pgxpool.Pool) *Viewings { return &Viewings{db: db} }

const viewingColumns = `id::text, brokerage_id::text, coalesce(agent_id::text, ''), lead_id::text, listing_id::text,
	scheduled_at, status, feedback, version, created_at, updated_at`

func scanViewing(row pgx.Row) (deal.Viewing, error) {
	var v deal.Viewing
	err := row.Scan(&v.ID, &v.BrokerageID, &v.AgentID, &v.LeadID, &v.ListingID, &v.ScheduledAt, &v.Status,
		&v.Feedback, &v.Version, &v.CreatedAt, &v.UpdatedAt)
	return v, err
}

// CreateViewing inserts a viewing and its audit entry in one transaction.
func (s *Viewings) CreateViewing(ctx context.Context, v deal.Viewing, e audit.Entry) (deal.Viewing, error) {
	var out deal.Viewing
	err := InTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		out, err = scanViewing(tx.QueryRow(ctx, `INSERT INTO viewings (brokerage_id, agent_id, lead_id, listing_id,
			scheduled_at, status, feedback) VALUES ($1, NULLIF($2, '')::uuid, $3, $4, $5, $6, $7) RETURNING `+viewingColumns,
			v.BrokerageID, v.AgentID, v.LeadID, v.ListingID, v.ScheduledAt, string(v.Status), v.Feedback))
		if err != nil {
			return err
		}
		e.EntityID, e.After = out.ID, out
		return WriteAudit(ctx, tx, e)
	})
	return out, InvalidInput(err)
}

// Viewing returns a live viewing of the brokerage.
func (s *Viewings) Viewing(ctx context.Context, brokerageID, id string) (deal.Viewing, error) {
	if !IsUUID(id) {
		return deal.Viewing{}, apperr.New(apperr.NotFound, "viewing %s not found", id)
	}
	v, err := scanViewing(s.db.QueryRow(ctx, `SELECT `+viewingColumns+` FROM viewings
		WHERE id = $1 AND brokerage_id = $2 AND deleted_at IS NULL`, id, brokerageID))
	return v, NotFound(err, "viewing %s not found", id)
}

// ListViewings returns one page (plus one row, to tell whether another page follows).
func (s *Viewings) ListViewings(ctx context.Context, brokerageID string, f deal.ViewingFilter) ([]deal.Viewing, error) {
	q := &salesQuery{}
	q.where("brokerage_id = " + q.arg(brokerageID) + "::uuid")
	q.where("deleted_at IS NULL")
	q.scope("agent_id", f.Scope)
	q.equal("lead_id", f.LeadID, "::uuid")
	q.equal("listing_id", f.ListingID, "::uuid")
	q.equal("agent_id", f.AgentID, "::uuid")
	q.equal("status", string(f.Status), "")
	if !f.From.IsZero() {
		q.where("scheduled_at >= " + q.arg(f.From) + "::timestamptz")
	}
	if !f.To.IsZero() {
		q.where("scheduled_at < " + q.arg(f.To) + "::timestamptz")
	}
	expr := "scheduled_at"
	if f.Page.Sort.Field == "created_at" {
		expr = "created_at"
	}
	rows, err := s.db.Query(ctx, `SELECT `+viewingColumns+` FROM viewings WHERE `+
		q.keyset(expr, "timestamptz", f.Page, f.After), q.args...)
	if err != nil {
		return nil, InvalidInput(err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (deal.Viewing, error) { return scanViewing(r) })
}

// UpdateViewing writes v if its version is still expectVersion (optimistic concurrency).
func (s *Viewings) UpdateViewing(ctx context.Context, v deal.Viewing, expectVersion int, e audit.Entry) (deal.Viewing, error) {
	var out deal.Viewing
	err := InTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		out, err = scanViewing(tx.QueryRow(ctx, `UPDATE viewings SET agent_id = NULLIF($3, '')::uuid, scheduled_at = $4,
			status = $5, feedback = $6, version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2 AND deleted_at IS NULL RETURNING `+viewingColumns,
			v.ID, expectVersion, v.AgentID, v.ScheduledAt, string(v.Status), v.Feedback))
		if err != nil {
			return NotFound(err, "viewing %s changed since it was read", v.ID)
		}
		e.After = out
		return WriteAudit(ctx, tx, e)
	})
	if apperr.CodeOf(err) == apperr.NotFound {
		return deal.Viewing{}, apperr.New(apperr.PreconditionFailed, "viewing %s changed since it was read", v.ID)
	}
	return out, InvalidInput(err)
}

// DeleteViewing soft-deletes v, unless it changed since it was read.
func (s *Viewings) DeleteViewing(ctx context.Context, v deal.Viewing, e audit.Entry) error {
	return InTx(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE viewings SET deleted_at = now(), updated_at = now(), version = version + 1
			WHERE id = $1 AND version = $2 AND deleted_at IS NULL`, v.ID, v.Version)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return apperr.New(apperr.PreconditionFailed, "viewing %s changed since it was read", v.ID)
		}
		return WriteAudit(ctx, tx, e)
	})
}
