package ingeststore

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/market"
)

// Market reads the market tables the ingestion fills.
type Market struct{ db *pgxpool.Pool }

// NewMarket returns the market repository.
func NewMarket(db *pgxpool.Pool) *Market { return &Market{db: db} }

// communitiesSQL keeps, per community, its latest period's figures across feeds and types.
const communitiesSQL = `WITH o AS (SELECT community, community_id, period, avg_price_per_sqft, transaction_volume, days_on_market
		FROM market_observations),
	latest AS (SELECT community, max(period) AS period, count(*) AS n, (array_agg(community_id::text))[1] AS location_id
		FROM o GROUP BY community)
	SELECT l.community, coalesce(l.location_id, ''), l.period, l.n::int,
		coalesce(avg(o.avg_price_per_sqft), 0)::float8, coalesce(sum(o.transaction_volume), 0)::int,
		coalesce(avg(o.days_on_market), 0)::int
	FROM latest l JOIN o ON o.community = l.community AND o.period = l.period
	GROUP BY l.community, l.location_id, l.period, l.n ORDER BY l.community`

// Communities lists every community with market data.
func (m *Market) Communities(ctx context.Context) ([]market.Community, error) {
	rows, err := m.db.Query(ctx, communitiesSQL)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (market.Community, error) {
		var c market.Community
		err := r.Scan(&c.Name, &c.LocationID, &c.LatestPeriod, &c.Observations, &c.AvgPricePerSqft, &c.TransactionCount, &c.DaysOnMarket)
		c.ID = c.LocationID
		if c.ID == "" {
			c.ID = market.Slug(c.Name)
		}
		return c, err
	})
}

// Trends is a community's figures per period and property type; id is a location id or a slug.
func (m *Market) Trends(ctx context.Context, id, propertyType string) (market.Trends, error) {
	all, err := m.Communities(ctx)
	if err != nil {
		return market.Trends{}, err
	}
	var t market.Trends
	for _, c := range all {
		if c.ID == id || c.LocationID == id || market.Slug(c.Name) == id {
			t.Community = c
		}
	}
	if t.Community.Name == "" {
		return t, apperr.New(apperr.NotFound, "no market data for community %s", id)
	}
	rows, err := m.db.Query(ctx, `SELECT period, property_type, avg(avg_price_per_sqft)::float8,
			coalesce(sum(transaction_volume), 0)::int, coalesce(avg(days_on_market), 0)::int, count(*)::int
		FROM market_observations WHERE community = $1 AND ($2 = '' OR property_type = $2)
		GROUP BY period, property_type ORDER BY period, property_type`, t.Community.Name, propertyType)
	if err != nil {
		return t, err
	}
	t.Points, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (market.Point, error) {
		var p market.Point
		return p, r.Scan(&p.Period, &p.PropertyType, &p.AvgPricePerSqft, &p.TransactionVolume, &p.DaysOnMarket, &p.Sources)
	})
	return t, err
}
