package postgres

import (
	"context"
	"hash/fnv"

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
// (EventBridge delivers at least once) do the work once.
func WithJobLock(ctx context.Context, db *pgxpool.Pool, name string, fn func(context.Context) error) (ran bool, err error) {
	conn, err := db.Acquire(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Release()
	key := LockKey(name)
	if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&ran); err != nil || !ran {
		return false, err
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key)
	return true, fn(ctx)
}

// Analyze refreshes the planner's statistics for every table of the current schema.
func Analyze(ctx context.Context, db *pgxpool.Pool) error {
	_, err := db.Exec(ctx, "ANALYZE")
	return err
}
