package testkit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/localpg"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/schema"
)

var (
	baseOnce sync.Once
	baseURL  string
	baseErr  error
)

// DatabaseURL is the server tests use: TEST_DATABASE_URL, else the project's private
// Postgres under LOCAL_DIR or .local/ (started if needed, as `make run` does) with a propertypro_test
// database.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	baseOnce.Do(func() {
		if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
			baseURL = u
			return
		}
		dir := os.Getenv("LOCAL_DIR")
		if dir == "" {
			root, err := RepoRoot()
			if err != nil {
				baseErr = err
				return
			}
			dir = filepath.Join(root, ".local")
		}
		srv, err := localpg.New(dir).Ensure(context.Background(), "propertypro_test")
		baseURL, baseErr = srv.URL("propertypro_test"), err
	})
	if baseErr != nil {
		Unavailable(t, "Postgres", baseErr)
	}
	return baseURL
}

// DB returns a pool on a fresh, fully migrated schema of its own, dropped when the test ends,
// so tests never see each other's rows and can run in parallel.
func DB(t testing.TB) *pgxpool.Pool {
	t.Helper()
	url := DatabaseURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	name := "t_" + randomHex(6)
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		Unavailable(t, "Postgres", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		t.Fatalf("creating test schema: %v", err)
	}
	// Extensions belong to the database, not a schema: test packages migrating their own
	// schemas in parallel on a fresh database race to create them (a duplicate-key error on
	// pg_extension), so they are created first, one process at a time.
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock(7270001); CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
		SELECT pg_advisory_unlock(7270001)`); err != nil {
		t.Fatalf("creating extensions: %v", err)
	}
	pool, err := postgres.Open(ctx, postgres.Settings{URL: url, MaxConns: 8, SearchPath: name + ",public",
		StatementTimeout: 30 * time.Second, AppName: "propertypro-test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pool.Close()
		if c, err := pgx.Connect(context.Background(), url); err == nil {
			c.Exec(context.Background(), "DROP SCHEMA "+name+" CASCADE")
			c.Close(context.Background())
		}
	})
	m, err := schema.NewMigrator(pool, schema.LockName(name))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("migrating test schema: %v", err)
	}
	return pool
}

// RepoRoot finds the repository root (the folder holding go.mod) above the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "functions")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("repository root (go.mod beside functions/) not found")
		}
		dir = parent
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
