// Package postgres is PropertyPro's Postgres adapter: a Lambda-sized pgx pool, migrations,
// and the repositories that implement the domain's ports.
package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/telemetry"
)

// Settings size and shape a pool.
type Settings struct {
	URL              string
	MaxConns         int32         // 1-2 in Lambda (RDS Proxy multiplexes), more locally
	StatementTimeout time.Duration // Postgres cancels statements running longer
	AppName          string        // shows in pg_stat_activity
	SearchPath       string        // optional schema list, used by tests for isolation
}

// Open builds a pool. It does not connect until first use, so a cold start pays nothing for
// a function that never touches the database.
func Open(ctx context.Context, s Settings) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(s.URL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if s.MaxConns > 0 {
		cfg.MaxConns = s.MaxConns
	}
	cfg.MinConns = 0
	cfg.MaxConnIdleTime = 5 * time.Minute
	// Unnamed statements only: named prepared statements pin sessions behind RDS Proxy.
	cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeExec
	cfg.ConnConfig.Tracer = telemetry.SQLTracer{}
	rp := cfg.ConnConfig.RuntimeParams
	if s.StatementTimeout > 0 {
		rp["statement_timeout"] = fmt.Sprint(s.StatementTimeout.Milliseconds())
	}
	if s.AppName != "" {
		rp["application_name"] = s.AppName
	}
	if s.SearchPath != "" {
		rp["search_path"] = s.SearchPath
	}
	rp["timezone"] = "UTC"
	return pgxpool.NewWithConfig(ctx, cfg)
}
