package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/jobs"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/testkit"
)

func boot(t *testing.T, name string, db *pgxpool.Pool) *platform.Boot {
	t.Helper()
	fn, err := functions.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return &platform.Boot{Fn: fn, DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Runtime: "local"}
}

func partitions(t *testing.T, db *pgxpool.Pool, parent string) []string {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = to_regclass($1) ORDER BY c.relname`, parent)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		out = append(out, n)
	}
	return out
}

// cron-db-maintenance keeps monthly partitions ready ahead of time for every time-partitioned
// table (leaving months another partition covers alone), refreshes the planner's statistics,
// does nothing new when run again, and skips while another run holds its lock.
func TestDBMaintenance(t *testing.T) {
	db := testkit.DB(t)
	ctx := context.Background()
	for _, q := range []string{
		`CREATE TABLE page_views (at timestamptz NOT NULL, path text) PARTITION BY RANGE (at)`,
		`CREATE TABLE page_views_current PARTITION OF page_views FOR VALUES FROM ('2027-03-01 00:00+00') TO ('2027-04-01 00:00+00')`,
		`CREATE TABLE regions (code text NOT NULL) PARTITION BY LIST (code)`, // not by time: left alone
		`CREATE TABLE analyze_probe AS SELECT g AS n FROM generate_series(1, 500) g`,
	} {
		if _, err := db.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	h, err := jobs.DBMaintenance(boot(t, "cron-db-maintenance", db))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2027, 3, 15, 0, 30, 0, 0, time.UTC)

	// Another run holds the lock (an overlapping firing): this one does nothing.
	release, held, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		postgres.WithJobLock(ctx, db, "cron-db-maintenance", func(context.Context) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	if err := h.Job(ctx, now); err != nil {
		t.Fatal(err)
	}
	if got := partitions(t, db, "page_views"); len(got) != 1 {
		t.Fatalf("a run overlapping another created partitions: %v", got)
	}
	close(release)
	<-done

	want := []string{"page_views_current", "page_views_p202704", "page_views_p202705", "page_views_p202706"}
	for range 2 { // the second run finds everything in place
		if err := h.Job(ctx, now); err != nil {
			t.Fatal(err)
		}
		if got := partitions(t, db, "page_views"); !slices.Equal(got, want) {
			t.Fatalf("partitions %v, want %v", got, want)
		}
	}
	if got := partitions(t, db, "regions"); len(got) != 0 {
		t.Errorf("a list-partitioned table got partitions %v", got)
	}
	if _, err := db.Exec(ctx, `INSERT INTO page_views (at, path) VALUES ('2027-06-30 23:59+00', '/v1/listings')`); err != nil {
		t.Errorf("an insert three months ahead found no partition: %v", err)
	}
	var tuples float64
	if err := db.QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE oid = to_regclass('analyze_probe')`).Scan(&tuples); err != nil {
		t.Fatal(err)
	}
	if tuples != 500 {
		t.Errorf("analyze_probe has reltuples %v: ANALYZE did not run", tuples)
	}
}

// cron-retention applies the classification's retention with RETENTION_POLICY's days in
// place of a table's default: finished rows past it go, unfinished and recent ones stay; a
// policy it cannot read or for a table without retention stops the function at start.
func TestRetentionWithPolicy(t *testing.T) {
	db := testkit.DB(t)
	ctx := context.Background()
	now := time.Date(2027, 3, 2, 1, 0, 0, 0, time.UTC)
	var brokerage, lead string
	must(t, db.QueryRow(ctx, `INSERT INTO brokerages (name) VALUES ('Creek Homes') RETURNING id::text`).Scan(&brokerage))
	must(t, db.QueryRow(ctx, `INSERT INTO leads (brokerage_id, full_name) VALUES ($1, 'Old') RETURNING id::text`, brokerage).Scan(&lead))
	_, err := db.Exec(ctx, `INSERT INTO nurture_outbox (brokerage_id, lead_id, step, status, created_at, updated_at) VALUES
		($1, $2, 1, 'sent', $3, $3), ($1, $2, 2, 'sent', $4, $4), ($1, $2, 3, 'queued', $3, $3)`,
		brokerage, lead, now.AddDate(0, 0, -40), now.AddDate(0, 0, -10))
	must(t, err)
	b := boot(t, "cron-retention", db)
	b.Config.RetentionPolicy = "nurture_outbox=30"
	h, err := jobs.Retention(b)
	must(t, err)
	for range 2 {
		must(t, h.Job(ctx, now))
	}
	var left []int
	rows, err := db.Query(ctx, `SELECT step FROM nurture_outbox ORDER BY step`)
	must(t, err)
	for rows.Next() {
		var s int
		must(t, rows.Scan(&s))
		left = append(left, s)
	}
	if !slices.Equal(left, []int{2, 3}) {
		t.Fatalf("outbox steps left %v, want the recent sent one and the unfinished one", left)
	}
	for _, bad := range []string{"nurture_outbox=zero", "nurture_outbox", "leads=30"} {
		b.Config.RetentionPolicy = bad
		if _, err := jobs.Retention(b); err == nil {
			t.Errorf("RETENTION_POLICY=%q accepted", bad)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
