package postgres

import (
	"context"
	"hash/fnv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// LockKey derives a stable advisory-lock key from a job's name.
func LockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return int64(h.Sum64())
}

// WithJobLock runs fn while holding a session advisory lock named name, on one connection.
// When another run holds it, fn is skipped and ran is false: overlapping schedule firings
// (EventBridge delivers at least once) do the work once. Advisory locks are database-wide, so
// the key also names the schema: two schemas of one database (test schemas, a staging copy)
// never hold each other's jobs back.
func WithJobLock(ctx context.Context, db *pgxpool.Pool, name string, fn func(context.Context) error) (ran bool, err error) {
	conn, err := db.Acquire(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Release()
	var schema string
	if err := conn.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return false, err
	}
	key := LockKey(schema + "." + name)
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&ran); err != nil || !ran {
		return false, err
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key)
	return true, fn(ctx)
}

// Analyze refreshes the planner's statistics for every table of the current schema. A bare
// ANALYZE would visit every schema of the database, other tenants' and test schemas included.
func Analyze(ctx context.Context, db *pgxpool.Pool) error {
	rows, err := db.Query(ctx, `SELECT quote_ident(c.relname) FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'm') AND NOT c.relispartition
		ORDER BY c.relname`)
	if err != nil {
		return err
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(tables) == 0 {
		return err
	}
	_, err = db.Exec(ctx, "ANALYZE "+strings.Join(tables, ", "))
	return err
}
