// Package runner is the local platform behind `make run`: the private Postgres (unless
// DATABASE_URL is set), every HTTP function on one port with the manifest's routes, task
// functions consuming durable queues with SQS semantics, schedules, and LOCAL_DIR/drops as
// the stand-in S3 bucket. What it runs is exactly what runs in Lambda: the same builders,
// the same Invoke.
package runner

import (
	"context"
	"fmt"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/localpg"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/schema"
)

// Database is the database a local command uses.
type Database struct {
	URL  string
	Pool *pgxpool.Pool
	// stop stops the private server when this process started it.
	stop func() error
}

// OpenDatabase connects to DATABASE_URL, or else to the private Postgres under LOCAL_DIR,
// starting it (and creating it on first use) when it is not running. progress receives
// human-readable steps; it may be nil.
func OpenDatabase(ctx context.Context, cfg config.Config, maxConns int32, progress func(string, ...any)) (*Database, error) {
	db := &Database{URL: cfg.DatabaseURL, stop: func() error { return nil }}
	if db.URL == "" {
		c := localpg.New(cfg.LocalDir)
		c.Log = progress
		srv, err := c.Ensure(ctx, "propertypro")
		if err != nil {
			return nil, fmt.Errorf("private Postgres (set DATABASE_URL to use your own): %w", err)
		}
		db.URL = srv.URL("propertypro")
		if srv.Started {
			db.stop = srv.Stop
		}
	}
	pool, err := postgres.Open(ctx, postgres.Settings{URL: db.URL, MaxConns: maxConns,
		StatementTimeout: cfg.DBStatementTimout, AppName: "propertypro-local"})
	if err != nil {
		db.stop()
		return nil, err
	}
	db.Pool = pool
	return db, nil
}

// Migrate applies pending migrations and returns how many ran.
func (d *Database) Migrate(ctx context.Context) (int, error) {
	m, err := schema.NewMigrator(d.Pool)
	if err != nil {
		return 0, err
	}
	defer m.Close()
	return m.Up(ctx)
}

// Close closes the pool and stops the private server if this process started it, so a
// command run in a second terminal never stops the server `make run` is using.
func (d *Database) Close() error {
	d.Pool.Close()
	if err := d.stop(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping private Postgres:", err)
		return err
	}
	return nil
}
