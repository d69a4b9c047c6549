package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// rangePartitioned lists the tables of the current schema partitioned by range on one date or
// timestamp column: the time-partitioned tables whose future partitions maintenance creates.
const rangePartitioned = `SELECT c.relname FROM pg_partitioned_table p
	JOIN pg_class c ON c.oid = p.partrelid
	JOIN pg_namespace n ON n.oid = c.relnamespace
	JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = p.partattrs[0]
	WHERE n.nspname = current_schema() AND p.partstrat = 'r' AND p.partnatts = 1
	AND a.atttypid IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype)
	ORDER BY c.relname`

// EnsurePartitions makes sure every time-partitioned table has monthly partitions (named
// <table>_pYYYYMM, in UTC) from now's month to months ahead, so inserts never fail for lack of
// a partition. It returns the partitions it created; a month another partition already
// covers is left alone, so running it again, or over a hand-made layout, is harmless.
func EnsurePartitions(ctx context.Context, db *pgxpool.Pool, now time.Time, months int) ([]string, error) {
	rows, err := db.Query(ctx, rangePartitioned)
	if err != nil {
		return nil, err
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	var created []string
	first := time.Date(now.UTC().Year(), now.UTC().Month(), 1, 0, 0, 0, 0, time.UTC)
	for _, table := range tables {
		for i := 0; i <= months; i++ {
			from := first.AddDate(0, i, 0)
			name, ok, err := createMonth(ctx, db, table, from)
			if err != nil {
				return created, err
			}
			if ok {
				created = append(created, name)
			}
		}
	}
	return created, nil
}

// boundLayout writes partition bounds in UTC whatever the session's time zone.
const boundLayout = "2006-01-02 15:04:05+00"

// createMonth creates table's partition for the month starting at from, unless it exists or
// another partition covers (part of) that month.
func createMonth(ctx context.Context, db *pgxpool.Pool, table string, from time.Time) (string, bool, error) {
	name := fmt.Sprintf("%s_p%s", table, from.Format("200601"))
	var exists bool
	if err := db.QueryRow(ctx, `SELECT to_regclass(quote_ident($1)) IS NOT NULL`, name).Scan(&exists); err != nil || exists {
		return name, false, err
	}
	_, err := db.Exec(ctx, fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s PARTITION OF %s FOR VALUES FROM ('%s') TO ('%s')`,
		pgx.Identifier{name}.Sanitize(), pgx.Identifier{table}.Sanitize(),
		from.Format(boundLayout), from.AddDate(0, 1, 0).Format(boundLayout)))
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P17" { // would overlap an existing partition
		return name, false, nil
	}
	if err != nil {
		return name, false, fmt.Errorf("creating partition %s of %s: %w", name, table, err)
	}
	return name, true, nil
}
