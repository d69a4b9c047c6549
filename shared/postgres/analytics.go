package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/analytics"
	"github.com/propertypro/propertypro/shared/deal"
)

// Analytics implements analytics.Store: every number is computed by Postgres over the
// scope's rows, so nothing but totals leaves the database.
type Analytics struct{ db *pgxpool.Pool }

// NewAnalytics returns the analytics repository.
func NewAnalytics(db *pgxpool.Pool) *Analytics { return &Analytics{db: db} }

// kpiQuery starts a query over one table's rows of a brokerage and scope; $1 is the
// brokerage, $2 and $3 the window.
func kpiQuery(brokerageID string, r analytics.Range) *salesQuery {
	q := &salesQuery{}
	q.arg(brokerageID)
	q.arg(r.From)
	q.arg(r.To)
	return q
}

// liveLeads are the leads that count: not deleted, not folded into another.
const liveLeads = `l.brokerage_id = $1::uuid AND l.deleted_at IS NULL AND l.merged_into IS NULL
	AND l.created_at >= $2::timestamptz AND l.created_at < $3::timestamptz`

// Conversion counts leads created in the window and those won (stage won, or a won deal).
func (s *Analytics) Conversion(ctx context.Context, brokerageID string, sc analytics.Scope, r analytics.Range) ([]analytics.SourceConversion, error) {
	q := kpiQuery(brokerageID, r)
	q.where(liveLeads)
	q.scope("l.agent_id", deal.Scope(sc))
	rows, err := s.db.Query(ctx, `SELECT l.source, count(*)::int,
		(count(*) FILTER (WHERE l.stage = 'won' OR EXISTS (SELECT 1 FROM deals d WHERE d.lead_id = l.id
			AND d.stage = 'closed_won' AND d.deleted_at IS NULL)))::int
		FROM leads l WHERE `+q.joined()+` GROUP BY l.source`, q.args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (analytics.SourceConversion, error) {
		var c analytics.SourceConversion
		err := row.Scan(&c.Source, &c.Leads, &c.Won)
		return c, err
	})
}

// FirstContact measures minutes from a lead's creation to its first contact: the recorded
// first_contacted_at or the first call, WhatsApp or email activity, whichever came first.
func (s *Analytics) FirstContact(ctx context.Context, brokerageID string, sc analytics.Scope, r analytics.Range, norm time.Duration) (analytics.FirstContact, error) {
	q := kpiQuery(brokerageID, r)
	q.where(liveLeads)
	q.scope("l.agent_id", deal.Scope(sc))
	normArg := q.arg(norm.Minutes())
	var fc analytics.FirstContact
	err := s.db.QueryRow(ctx, `WITH scoped AS (
			SELECT l.created_at, least(l.first_contacted_at, (SELECT min(a.at) FROM activities a
				WHERE a.brokerage_id = l.brokerage_id AND a.entity = 'lead' AND a.entity_id = l.id
				AND a.kind IN ('call', 'whatsapp', 'email'))) AS first_at
			FROM leads l WHERE `+q.joined()+`),
		contacted AS (SELECT greatest(extract(epoch FROM first_at - created_at)::float8 / 60, 0) AS minutes
			FROM scoped WHERE first_at IS NOT NULL)
		SELECT (SELECT count(*) FROM scoped)::int, (SELECT count(*) FROM contacted)::int,
			(SELECT count(*) FROM contacted WHERE minutes <= `+normArg+`::float8)::int,
			(SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes) FROM contacted),
			(SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY minutes) FROM contacted)`, q.args...).
		Scan(&fc.Leads, &fc.Contacted, &fc.WithinNorm, &fc.MedianMinutes, &fc.P90Minutes)
	fc.NotContacted = fc.Leads - fc.Contacted
	return fc, err
}

// TimeToClose measures days from the lead's creation to the close of deals won in the window.
func (s *Analytics) TimeToClose(ctx context.Context, brokerageID string, sc analytics.Scope, r analytics.Range) (analytics.TimeToClose, error) {
	q := kpiQuery(brokerageID, r)
	q.where(`d.brokerage_id = $1::uuid AND d.deleted_at IS NULL AND d.stage = 'closed_won'
		AND d.closed_at >= $2::timestamptz AND d.closed_at < $3::timestamptz`)
	q.scope("d.agent_id", deal.Scope(sc))
	var t analytics.TimeToClose
	err := s.db.QueryRow(ctx, `SELECT count(*)::int, percentile_cont(0.5) WITHIN GROUP
			(ORDER BY greatest(extract(epoch FROM d.closed_at - l.created_at)::float8 / 86400, 0))
		FROM deals d JOIN leads l ON l.id = d.lead_id WHERE `+q.joined(), q.args...).Scan(&t.Deals, &t.MedianDays)
	return t, err
}

// Pipeline sums the open deals of the scope by stage, as they stand now.
func (s *Analytics) Pipeline(ctx context.Context, brokerageID string, sc analytics.Scope) ([]analytics.StageValue, error) {
	q := &salesQuery{}
	q.where("brokerage_id = " + q.arg(brokerageID) + "::uuid AND deleted_at IS NULL AND stage IN ('offer', 'negotiation', 'mou_signed', 'transfer')")
	q.scope("agent_id", deal.Scope(sc))
	rows, err := s.db.Query(ctx, `SELECT stage, count(*)::int, (coalesce(sum(price_aed), 0) * 100)::bigint,
		(coalesce(sum(our_commission_aed), 0) * 100)::bigint FROM deals WHERE `+q.joined()+` GROUP BY stage`, q.args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (analytics.StageValue, error) {
		var v analytics.StageValue
		err := row.Scan(&v.Stage, &v.Deals, &v.ValueAED, &v.ExpectedCommissionAED)
		return v, err
	})
}

// Leaderboard scores the scope's agents and managers (and anyone else with numbers) over
// the window.
func (s *Analytics) Leaderboard(ctx context.Context, brokerageID string, sc analytics.Scope, r analytics.Range) ([]analytics.AgentScore, error) {
	q := kpiQuery(brokerageID, r)
	q.where("u.brokerage_id = $1::uuid")
	q.where("((u.active AND u.role IN ('agent', 'manager')) OR w.agent_id IS NOT NULL OR h.agent_id IS NOT NULL)")
	q.scope("u.id", deal.Scope{Owners: sc.Owners})
	rows, err := s.db.Query(ctx, `WITH won AS (
			SELECT agent_id, count(*) AS deals, sum(our_commission_aed) AS commission FROM deals
			WHERE brokerage_id = $1::uuid AND deleted_at IS NULL AND stage = 'closed_won' AND agent_id IS NOT NULL
				AND closed_at >= $2::timestamptz AND closed_at < $3::timestamptz GROUP BY agent_id),
		handled AS (
			SELECT l.agent_id, count(*) AS leads FROM leads l WHERE `+liveLeads+` AND l.agent_id IS NOT NULL
			GROUP BY l.agent_id)
		SELECT u.id::text, u.full_name, coalesce(w.deals, 0)::int, (coalesce(w.commission, 0) * 100)::bigint,
			coalesce(h.leads, 0)::int
		FROM users u LEFT JOIN won w ON w.agent_id = u.id LEFT JOIN handled h ON h.agent_id = u.id
		WHERE `+q.joined(), q.args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (analytics.AgentScore, error) {
		var a analytics.AgentScore
		err := row.Scan(&a.AgentID, &a.FullName, &a.DealsWon, &a.CommissionAED, &a.LeadsHandled)
		return a, err
	})
}
