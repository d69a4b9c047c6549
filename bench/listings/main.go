// Command listings is `make bench-listings`: the listing search (GET /v1/listings) over
// 100,000 generated listings, through the real HTTP handler with a real bearer token.
//
// It creates a database of its own on DATABASE_URL's server (or on the project's private
// Postgres), migrates it, loads deterministic listings with COPY, runs ANALYZE and prints the
// plan of a typical search. Then it measures:
//   - latency: searches with three filters (community, bedrooms, price range), one at a time,
//     through the handler the local runner serves (same mux, middleware and authentication),
//     called in process; p50 and p99 against their targets;
//   - throughput: the same searches over loopback HTTP from a pool of client goroutines,
//     against a server started in this process, and against a separate `propertypro run`
//     process on the bench database.
//
// The database is dropped at the end. The command exits non-zero only when it cannot
// measure; a missed target is printed as MISS.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/api"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/identity"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/runner"
	"github.com/propertypro/propertypro/shared/schema"
)

// The targets of one search, measured in process.
const (
	targetP50 = 5 * time.Millisecond
	targetP99 = 20 * time.Millisecond
)

type options struct {
	listings, requests, workers int
	duration                    time.Duration
	seed                        uint64
	process, keep               bool
}

func main() {
	var o options
	flag.IntVar(&o.listings, "listings", 100_000, "listings to generate")
	flag.IntVar(&o.requests, "requests", 3_000, "measured searches for the latency figures (at least 2,000)")
	flag.IntVar(&o.workers, "workers", 4*runtime.GOMAXPROCS(0), "client goroutines of the throughput runs")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "length of each throughput run")
	flag.Uint64Var(&o.seed, "seed", 20260101, "seed of the generated data and queries")
	flag.BoolVar(&o.process, "process", true, "also load a separate `propertypro run` process")
	flag.BoolVar(&o.keep, "keep", false, "keep the bench database instead of dropping it")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintf(os.Stderr, "bench-listings: %v\n", err)
		os.Exit(1)
	}
}

func step(format string, args ...any) { fmt.Fprintf(os.Stderr, "• "+format+"\n", args...) }

func run(ctx context.Context, o options) error {
	if o.requests < 2000 {
		return errors.New("-requests must be at least 2,000: a p99 of fewer is noise")
	}
	cfg, err := benchConfig()
	if err != nil {
		return err
	}
	base, err := runner.OpenDatabase(ctx, cfg, 2, step)
	if err != nil {
		return err
	}
	defer base.Close()
	name := "propertypro_bench_" + randomHex(4)
	benchURL, drop, err := createDatabase(ctx, base.URL, name)
	if err != nil {
		return err
	}
	if !o.keep {
		defer drop()
	} else {
		defer step("kept database %s", name)
	}
	cfg.DatabaseURL = benchURL
	pool, tracer, err := openPool(ctx, benchURL, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	fx, err := prepare(ctx, cfg, pool, o)
	if err != nil {
		return err
	}
	return measure(ctx, cfg, pool, tracer, fx, o)
}

// benchConfig is the platform's configuration with what a benchmark needs: a fixed JWT key
// shared with the separate process, and a per-user rate limit no benchmark client reaches.
func benchConfig() (config.Config, error) {
	cfg, err := config.Load()
	if err != nil {
		return cfg, err
	}
	if os.Getenv("LOCAL_DIR") == "" {
		if root, err := repoRoot(); err == nil {
			cfg.LocalDir = filepath.Join(root, ".local")
		}
	}
	cfg.JWTSecret, cfg.SecretKey = randomHex(32), randomHex(16)
	cfg.RateLimitPerMin = 100_000
	cfg.LogLevel = "warn"
	return cfg, nil
}

// createDatabase creates a database on the server of adminURL and returns its URL and a
// function that drops it.
func createDatabase(ctx context.Context, adminURL, name string) (string, func(), error) {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", nil, err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("creating the bench database (the DATABASE_URL user needs CREATEDB): %w", err)
	}
	step("created database %s", name)
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", nil, err
	}
	u.Path = "/" + name
	drop := func() {
		c, err := pgx.Connect(context.Background(), adminURL)
		if err == nil {
			_, err = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(context.Background())
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench-listings: dropping %s: %v\n", name, err)
			return
		}
		step("dropped database %s", name)
	}
	return u.String(), drop, nil
}

// openPool opens the pool the in-process platform uses, set up as postgres.Open does, with a
// tracer that keeps the last listing search so that its plan can be shown.
func openPool(ctx context.Context, dbURL string, cfg config.Config) (*pgxpool.Pool, *searchTracer, error) {
	pc, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, nil, err
	}
	pc.MaxConns = 8
	pc.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeExec
	pc.ConnConfig.RuntimeParams["statement_timeout"] = fmt.Sprint(cfg.DBStatementTimout.Milliseconds())
	pc.ConnConfig.RuntimeParams["application_name"] = "propertypro-bench"
	pc.ConnConfig.RuntimeParams["timezone"] = "UTC"
	t := &searchTracer{}
	pc.ConnConfig.Tracer = t
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	return pool, t, err
}

// fixture is the loaded database: its brokerages, search users and queries.
type fixture struct {
	brokerages []brokerage
	searchers  []string // access tokens of admins of the largest brokerage, one per client
	queries    []string // query strings of searches with three filters
}

func prepare(ctx context.Context, cfg config.Config, pool *pgxpool.Pool, o options) (*fixture, error) {
	m, err := schema.NewMigrator(pool)
	if err != nil {
		return nil, err
	}
	n, err := m.Up(ctx)
	m.Close()
	if err != nil {
		return nil, fmt.Errorf("migrating: %w", err)
	}
	step("applied %d migrations", n)
	fx := &fixture{}
	users := postgres.NewUsers(pool)
	ids := api.IdentityService(&platform.Boot{Config: cfg, Log: quiet(), DB: pool})
	for i, b := range []struct {
		name, prefix string
		share        float64
		agents       int
	}{{"Marina Crest Realty", "MC", 0.7, 60}, {"Palm Horizon Properties", "PH", 0.2, 20}, {"Creekside Homes", "CH", 0.1, 10}} {
		br, err := users.EnsureBrokerage(ctx, b.name)
		if err != nil {
			return nil, err
		}
		bk := brokerage{id: br.ID, name: b.name, prefix: b.prefix, share: b.share}
		for j := range b.agents {
			u, err := users.CreateUser(ctx, identity.User{BrokerageID: br.ID, Email: fmt.Sprintf("agent%d@%s.bench", j, strings.ToLower(b.prefix)),
				FullName: fmt.Sprintf("Agent %d", j), Role: access.Agent, Active: true}, "!", audit.Entry{Action: "create", Entity: "user"})
			if err != nil {
				return nil, err
			}
			bk.agents = append(bk.agents, u.ID)
		}
		fx.brokerages = append(fx.brokerages, bk)
		if i == 0 {
			for j := range max(o.workers, 1) {
				email := fmt.Sprintf("admin%d@mc.bench", j)
				if _, err := users.CreateUser(ctx, identity.User{BrokerageID: br.ID, Email: email, Role: access.Admin, Active: true},
					"!", audit.Entry{Action: "create", Entity: "user"}); err != nil {
					return nil, err
				}
				token, err := ids.AccessTokenFor(ctx, email)
				if err != nil {
					return nil, err
				}
				fx.searchers = append(fx.searchers, token)
			}
		}
	}
	cs, err := communities(ctx, pool)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, errors.New("no communities: migration 00005 did not seed the place tree")
	}
	now := time.Now().UTC()
	start := time.Now()
	if err := copyListings(ctx, pool, newGenerator(o.seed, cs, now), fx.brokerages, o.listings); err != nil {
		return nil, err
	}
	loaded := time.Since(start)
	start = time.Now()
	if err := vacuum(ctx, pool); err != nil {
		return nil, err
	}
	var count int
	pool.QueryRow(ctx, "SELECT count(*) FROM listings").Scan(&count)
	fmt.Printf("\nlisting search benchmark\n  data     %d listings in %d communities, 3 brokerages (70/20/10%%), loaded by COPY in %s, VACUUM ANALYZE %s\n",
		count, len(cs), loaded.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
	fx.queries = queries(newGenerator(o.seed+1, cs, now), o.requests+200)
	return fx, nil
}

// vacuum does what autovacuum does after a bulk load: statistics for the planner, and the
// visibility map that lets index-only scans skip the table.
func vacuum(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SET statement_timeout = 0"); err != nil {
		return err
	}
	defer conn.Exec(ctx, "RESET statement_timeout")
	_, err = conn.Exec(ctx, "VACUUM ANALYZE listings")
	return err
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// repoRoot is the folder holding go.mod above the working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	for err == nil {
		if _, serr := os.Stat(filepath.Join(dir, "go.mod")); serr == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", errors.New("go.mod not found above the working directory")
}
