package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/deal"
	"github.com/propertypro/propertypro/shared/page"
)

// Deals implements deal.Store and deal.Directory.
type Deals struct{ db *pgxpool.Pool }

// NewDeals returns the deals repository.
func NewDeals(db *pgxpool.Pool) *Deals { return &Deals{db: db} }

// Money and rates cross the boundary as integers (fils, basis points) so that numeric
// columns never pass through a float.
const dealColumns = `id::text, brokerage_id::text, coalesce(agent_id::text, ''), coalesce(lead_id::text, ''),
	coalesce(listing_id::text, ''), kind, stage, (coalesce(price_aed, 0) * 100)::bigint, (commission_rate * 10000)::bigint,
	(commission_aed * 100)::bigint, (vat_aed * 100)::bigint, co_broke_brokerage, (co_broke_split * 10000)::bigint,
	(our_commission_aed * 100)::bigint, (dld_fee_aed * 100)::bigint, ejari_number, payments::text, parties::text,
	aml_flag, aml_reasons, closed_at, version, created_at, updated_at`

func scanDeal(row pgx.Row) (deal.Deal, error) {
	var d deal.Deal
	var payments, parties string
	err := row.Scan(&d.ID, &d.BrokerageID, &d.AgentID, &d.LeadID, &d.ListingID, &d.Kind, &d.Stage, &d.PriceAED,
		&d.CommissionRate, &d.CommissionAED, &d.VATAED, &d.CoBrokeBrokerage, &d.CoBrokeSplit, &d.OurCommissionAED,
		&d.DLDFeeAED, &d.EjariNumber, &payments, &parties, &d.AMLFlag, &d.AMLReasons, &d.ClosedAt, &d.Version,
		&d.CreatedAt, &d.UpdatedAt)
	if err != nil {
		return d, err
	}
	if err := json.Unmarshal([]byte(payments), &d.Payments); err != nil {
		return d, fmt.Errorf("deal %s payments: %w", d.ID, err)
	}
	if d.Payments == nil {
		d.Payments = []deal.Payment{}
	}
	if err := json.Unmarshal([]byte(parties), &d.Parties); err != nil {
		return d, fmt.Errorf("deal %s parties: %w", d.ID, err)
	}
	return d, nil
}

// dealValues are the written columns of d, in the order of the INSERT and UPDATE below.
func dealValues(d deal.Deal) ([]any, error) {
	payments, err := json.Marshal(d.Payments)
	if err != nil {
		return nil, err
	}
	parties, err := json.Marshal(d.Parties)
	if err != nil {
		return nil, err
	}
	reasons := d.AMLReasons
	if reasons == nil {
		reasons = []string{}
	}
	return []any{d.AgentID, d.LeadID, d.ListingID, string(d.Kind), string(d.Stage), int64(d.PriceAED),
		int64(d.CommissionRate), int64(d.CommissionAED), int64(d.VATAED), d.CoBrokeBrokerage, int64(d.CoBrokeSplit),
		int64(d.OurCommissionAED), int64(d.DLDFeeAED), d.EjariNumber, string(payments), string(parties), d.AMLFlag,
		reasons, d.ClosedAt}, nil
}

// CreateDeal inserts a deal and its audit entry in one transaction.
func (s *Deals) CreateDeal(ctx context.Context, d deal.Deal, e audit.Entry) (deal.Deal, error) {
	vals, err := dealValues(d)
	if err != nil {
		return deal.Deal{}, err
	}
	var out deal.Deal
	err = InTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		out, err = scanDeal(tx.QueryRow(ctx, `INSERT INTO deals (brokerage_id, agent_id, lead_id, listing_id, kind, stage,
			price_aed, commission_rate, commission_aed, vat_aed, co_broke_brokerage, co_broke_split, our_commission_aed,
			dld_fee_aed, ejari_number, payments, parties, aml_flag, aml_reasons, closed_at)
			VALUES ($1, NULLIF($2, '')::uuid, NULLIF($3, '')::uuid, NULLIF($4, '')::uuid, $5, $6, $7::bigint / 100.0,
			$8::bigint / 10000.0, $9::bigint / 100.0, $10::bigint / 100.0, $11, $12::bigint / 10000.0, $13::bigint / 100.0,
			$14::bigint / 100.0, $15, $16::jsonb, $17::jsonb, $18, $19::text[], $20::timestamptz)
			RETURNING `+dealColumns, append([]any{d.BrokerageID}, vals...)...))
		if err != nil {
			return err
		}
		e.EntityID, e.After = out.ID, out.AuditSnapshot()
		return WriteAudit(ctx, tx, e)
	})
	return out, InvalidInput(err)
}

// Deal returns a live deal of the brokerage.
func (s *Deals) Deal(ctx context.Context, brokerageID, id string) (deal.Deal, error) {
	if !IsUUID(id) {
		return deal.Deal{}, apperr.New(apperr.NotFound, "deal %s not found", id)
	}
	d, err := scanDeal(s.db.QueryRow(ctx, `SELECT `+dealColumns+` FROM deals
		WHERE id = $1 AND brokerage_id = $2 AND deleted_at IS NULL`, id, brokerageID))
	return d, NotFound(err, "deal %s not found", id)
}

// UpdateDeal writes d if its version is still expectVersion (optimistic concurrency).
func (s *Deals) UpdateDeal(ctx context.Context, d deal.Deal, expectVersion int, e audit.Entry) (deal.Deal, error) {
	vals, err := dealValues(d)
	if err != nil {
		return deal.Deal{}, err
	}
	var out deal.Deal
	err = InTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		out, err = scanDeal(tx.QueryRow(ctx, `UPDATE deals SET agent_id = NULLIF($3, '')::uuid,
			lead_id = NULLIF($4, '')::uuid, listing_id = NULLIF($5, '')::uuid, kind = $6, stage = $7,
			price_aed = $8::bigint / 100.0, commission_rate = $9::bigint / 10000.0, commission_aed = $10::bigint / 100.0,
			vat_aed = $11::bigint / 100.0, co_broke_brokerage = $12, co_broke_split = $13::bigint / 10000.0,
			our_commission_aed = $14::bigint / 100.0, dld_fee_aed = $15::bigint / 100.0, ejari_number = $16,
			payments = $17::jsonb, parties = $18::jsonb, aml_flag = $19, aml_reasons = $20::text[],
			closed_at = $21::timestamptz, version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2 AND deleted_at IS NULL RETURNING `+dealColumns,
			append([]any{d.ID, expectVersion}, vals...)...))
		if err != nil {
			return NotFound(err, "deal %s changed since it was read", d.ID)
		}
		e.After = out.AuditSnapshot()
		return WriteAudit(ctx, tx, e)
	})
	if apperr.CodeOf(err) == apperr.NotFound {
		return deal.Deal{}, apperr.New(apperr.PreconditionFailed, "deal %s changed since it was read", d.ID)
	}
	return out, InvalidInput(err)
}

// DeleteDeal soft-deletes d, unless it changed since it was read.
func (s *Deals) DeleteDeal(ctx context.Context, d deal.Deal, e audit.Entry) error {
	return InTx(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE deals SET deleted_at = now(), updated_at = now(), version = version + 1
			WHERE id = $1 AND version = $2 AND deleted_at IS NULL`, d.ID, d.Version)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return apperr.New(apperr.PreconditionFailed, "deal %s changed since it was read", d.ID)
		}
		return WriteAudit(ctx, tx, e)
	})
}

// dealSortExpr is the SQL of each deal sort. Open deals have no closed_at: they sort last
// in both directions, through an infinity of the matching sign.
func dealSortExpr(s page.Sort) (expr, cast string) {
	switch s.Field {
	case "price_aed":
		return "price_aed", "numeric"
	case "closed_at":
		if s.Desc {
			return "coalesce(closed_at, '-infinity'::timestamptz)", "timestamptz"
		}
		return "coalesce(closed_at, 'infinity'::timestamptz)", "timestamptz"
	}
	return "created_at", "timestamptz"
}

// ListDeals returns one page (plus one row, to tell whether another page follows).
func (s *Deals) ListDeals(ctx context.Context, brokerageID string, f deal.Filter) ([]deal.Deal, error) {
	q := &salesQuery{}
	q.where("brokerage_id = " + q.arg(brokerageID) + "::uuid")
	q.where("deleted_at IS NULL")
	q.scope("agent_id", f.Scope)
	q.equal("stage", string(f.Stage), "")
	q.equal("kind", string(f.Kind), "")
	q.equal("agent_id", f.AgentID, "::uuid")
	q.equal("lead_id", f.LeadID, "::uuid")
	if !f.ClosedFrom.IsZero() {
		q.where("closed_at >= " + q.arg(f.ClosedFrom) + "::timestamptz")
	}
	if !f.ClosedTo.IsZero() {
		q.where("closed_at < " + q.arg(f.ClosedTo) + "::timestamptz")
	}
	if f.AMLFlag != nil {
		q.where("aml_flag = " + q.arg(*f.AMLFlag) + "::boolean")
	}
	expr, cast := dealSortExpr(f.Page.Sort)
	sql := `SELECT ` + dealColumns + ` FROM deals WHERE ` + q.keyset(expr, cast, f.Page, f.After)
	rows, err := s.db.Query(ctx, sql, q.args...)
	if err != nil {
		return nil, InvalidInput(err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (deal.Deal, error) { return scanDeal(r) })
}

// LeadOwner returns the agent of a live lead of the brokerage.
func (s *Deals) LeadOwner(ctx context.Context, brokerageID, leadID string) (string, error) {
	return s.owner(ctx, `SELECT coalesce(agent_id::text, '') FROM leads
		WHERE id = $1 AND brokerage_id = $2 AND deleted_at IS NULL AND merged_into IS NULL`, brokerageID, leadID, "lead")
}

// ListingOwner returns the agent of a live listing of the brokerage.
func (s *Deals) ListingOwner(ctx context.Context, brokerageID, listingID string) (string, error) {
	return s.owner(ctx, `SELECT coalesce(agent_id::text, '') FROM listings
		WHERE id = $1 AND brokerage_id = $2 AND deleted_at IS NULL`, brokerageID, listingID, "listing")
}

func (s *Deals) owner(ctx context.Context, sql, brokerageID, id, what string) (string, error) {
	if !IsUUID(id) {
		return "", apperr.New(apperr.NotFound, "%s %s not found", what, id)
	}
	var owner string
	err := s.db.QueryRow(ctx, sql, id, brokerageID).Scan(&owner)
	return owner, NotFound(err, "%s %s not found", what, id)
}

// Assignable reports whether id is an active agent, manager or admin of the brokerage.
func (s *Deals) Assignable(ctx context.Context, brokerageID, id string) (bool, error) {
	if !IsUUID(id) {
		return false, nil
	}
	var ok bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND brokerage_id = $2 AND active
		AND role IN ('agent', 'manager', 'admin'))`, id, brokerageID).Scan(&ok)
	return ok, err
}

// salesQuery builds the WHERE clause and arguments of a filtered, keyset-paginated listing.
type salesQuery struct {
	conds []string
	args  []any
}

func (q *salesQuery) arg(v any) string {
	q.args = append(q.args, v)
	return fmt.Sprintf("$%d", len(q.args))
}

func (q *salesQuery) where(cond string) { q.conds = append(q.conds, cond) }

// joined is the conditions as one WHERE clause body.
func (q *salesQuery) joined() string { return strings.Join(q.conds, " AND ") }

// equal adds col = value when value is set. A value that is not a uuid where one is
// expected matches nothing rather than failing.
func (q *salesQuery) equal(col, value, cast string) {
	switch {
	case value == "":
	case cast == "::uuid" && !IsUUID(value):
		q.where("false")
	default:
		q.where(col + " = " + q.arg(value) + cast)
	}
}

// scope limits rows to the owners a caller sees (nil: the whole brokerage).
func (q *salesQuery) scope(col string, s deal.Scope) {
	if s.Owners == nil {
		return
	}
	cond := col + " = ANY(" + q.arg(s.Owners) + "::uuid[])"
	if s.Unassigned {
		cond = "(" + cond + " OR " + col + " IS NULL)"
	}
	q.where(cond)
}

// keyset finishes the query: conditions, the position after the previous page, the order
// and the limit (one row more than the page, see page.Trim).
func (q *salesQuery) keyset(expr, cast string, r page.Request, after *page.Position) string {
	op, dir := ">", "ASC"
	if r.Sort.Desc {
		op, dir = "<", "DESC"
	}
	if after != nil {
		if !IsUUID(after.ID) {
			q.where("false")
		} else {
			q.where("(" + expr + ", id) " + op + " (" + q.arg(after.Value) + "::" + cast + ", " + q.arg(after.ID) + "::uuid)")
		}
	}
	return q.joined() + " ORDER BY " + expr + " " + dir + ", id " + dir +
		" LIMIT " + q.arg(r.Size()+1)
}
