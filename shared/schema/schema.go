// Package schema applies PropertyPro's database migrations (goose, embedded SQL). It is kept
// apart from the postgres adapter so that Lambda functions, which never migrate, do not carry
// goose in their binaries.
package schema

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"io"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/propertypro/propertypro/migrations"
)

// Migrator applies the embedded migrations. A Postgres advisory lock makes concurrent
// callers (many Lambda cold starts, two terminals) wait for each other instead of racing.
type Migrator struct {
	db       *sql.DB
	provider *goose.Provider
}

// Option adjusts a migrator.
type Option func(*[]lock.SessionLockerOption)

// LockName derives the advisory lock from a name instead of goose's one database-wide lock:
// tests migrating many private schemas at once must not queue behind each other.
func LockName(name string) Option {
	return func(o *[]lock.SessionLockerOption) {
		h := fnv.New64a()
		h.Write([]byte(name))
		*o = append(*o, lock.WithLockID(int64(h.Sum64()>>1)))
	}
}

// NewMigrator prepares migrations over pool.
func NewMigrator(pool *pgxpool.Pool, opts ...Option) (*Migrator, error) {
	var lockOpts []lock.SessionLockerOption
	for _, o := range opts {
		o(&lockOpts)
	}
	locker, err := lock.NewPostgresSessionLocker(lockOpts...)
	if err != nil {
		return nil, err
	}
	db := stdlib.OpenDBFromPool(pool)
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, goose.WithSessionLocker(locker))
	if err != nil {
		db.Close()
		return nil, err
	}
	return &Migrator{db: db, provider: p}, nil
}

// Close releases the migrator's database handle (not the pool).
func (m *Migrator) Close() error { return m.db.Close() }

// Up applies every pending migration and returns how many ran.
func (m *Migrator) Up(ctx context.Context) (int, error) {
	res, err := m.provider.Up(ctx)
	return len(res), err
}

// Down rolls back the newest applied migration.
func (m *Migrator) Down(ctx context.Context) error {
	_, err := m.provider.Down(ctx)
	return err
}

// Status writes one line per migration: version, state and when it was applied.
func (m *Migrator) Status(ctx context.Context, w io.Writer) error {
	sts, err := m.provider.Status(ctx)
	if err != nil {
		return err
	}
	for _, s := range sts {
		applied := "pending"
		if s.State == goose.StateApplied {
			applied = "applied " + s.AppliedAt.Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(w, "%05d  %-40s %s\n", s.Source.Version, strings.TrimSuffix(baseName(s.Source.Path), ".sql"), applied)
	}
	return nil
}

// Pending reports how many migrations are not yet applied.
func (m *Migrator) Pending(ctx context.Context) (int, error) {
	sts, err := m.provider.Status(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range sts {
		if s.State != goose.StateApplied {
			n++
		}
	}
	return n, nil
}

func baseName(p string) string {
	if i := strings.LastIndex(p, "/"); i >= 0 {
		return p[i+1:]
	}
	return p
}
