// Command propertypro is the one CLI of PropertyPro: run the local platform, migrate the
// database, invoke a function on an event, and the operator's other tools.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/alecthomas/kong"
	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/logging"
	"github.com/propertypro/propertypro/shared/runner"
	"github.com/propertypro/propertypro/shared/telemetry"
)

type cli struct {
	Run       runCmd       `cmd:"" help:"Start the whole platform locally (HTTP API, queues, schedules, drops)."`
	Migrate   migrateCmd   `cmd:"" help:"Apply, roll back or list database migrations."`
	Invoke    invokeCmd    `cmd:"" help:"Run one function on a Lambda event (JSON file, or - for stdin) and print its result."`
	Users     usersCmd     `cmd:"" help:"Manage users from the command line."`
	DB        dbCmd        `cmd:"" name:"db" help:"Start, stop or locate the private Postgres under LOCAL_DIR."`
	OpenAPI   openapiCmd   `cmd:"" name:"openapi" help:"Print the OpenAPI 3.1 document generated from the code of every HTTP function."`
	Ops       opsCmd       `cmd:"" help:"Operator's actions: queue depths, dead letters, failures, re-runs, feature flags."`
	Functions functionsCmd `cmd:"" help:"List the functions of the manifest."`
	Config    configGroup  `cmd:"" help:"List, check and compare configuration keys (see: config check, config drift)."`
	Ingest    ingestCmd    `cmd:"" help:"Load a CSV, JSON or XLSX data file through the ingestion pipeline and print its report."`
	Simulate  simulateCmd  `cmd:"" help:"Write realistic simulated Dubai datasets (CSV, JSON) for samples, load tests and benchmarks."`
	IngestDoc ingestDocCmd `cmd:"" name:"ingest-doc" help:"Extract, chunk and embed a document into the knowledge base, as an upload would."`
	Reindex   reindexCmd   `cmd:"" help:"Rebuild the vector store from the knowledge chunks in Postgres (all brokerages, or --brokerage)."`
}

// env is what every command gets: validated configuration, a logger and a context that ends
// on Ctrl-C or SIGTERM.
type env struct {
	ctx context.Context
	cfg config.Config
	log *slog.Logger
}

func main() {
	var c cli
	k := kong.Parse(&c, kong.Name("propertypro"),
		kong.Description("PropertyPro: the backend of an AI-assisted CRM for Dubai real-estate brokerages."),
		kong.UsageOnError())
	cfg, err := config.Load()
	if err != nil {
		fmt.Fprintf(os.Stderr, "propertypro: configuration is invalid:\n%v\n", err)
		os.Exit(2)
	}
	if err := runner.LocalSecrets(&cfg); err != nil {
		fmt.Fprintf(os.Stderr, "propertypro: local secrets under %s: %v\n", cfg.LocalDir, err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	stopTracing, err := tracing(ctx, cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "propertypro: tracing: %v\n", err)
		os.Exit(2)
	}
	e := &env{ctx: ctx, cfg: cfg, log: logging.New(os.Stderr, cfg.LogLevel)}
	err = k.Run(e)
	stopTracing()
	if err != nil {
		fmt.Fprintf(os.Stderr, "propertypro %s: %v\n", k.Command(), err)
		os.Exit(1)
	}
}

// tracing installs the tracer provider of OTEL_TRACES_EXPORTER for every command, as
// platform.BootLambda does for a function: `propertypro run` is the local platform, so
// OTEL_TRACES_EXPORTER=stdout prints its spans (API, queue, worker, SQL) on stderr. The
// returned function flushes what is left.
func tracing(ctx context.Context, cfg config.Config) (func(), error) {
	shutdown, err := telemetry.Setup(ctx, telemetry.Settings{Service: "propertypro", Exporter: cfg.OTelExporter,
		Endpoint: cfg.OTelEndpoint})
	if err != nil {
		return nil, err
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		shutdown(ctx)
	}, nil
}

// progress prints a human step on stderr, where it never mixes with a command's output.
func progress(format string, args ...any) { fmt.Fprintf(os.Stderr, "• "+format+"\n", args...) }

// database opens the database every command shares, migrating it first when asked.
func (e *env) database(migrate bool) (*runner.Database, error) {
	db, err := runner.OpenDatabase(e.ctx, e.cfg, int32(max(e.cfg.DBMaxConns, 8)), progress)
	if err != nil {
		return nil, err
	}
	if migrate {
		n, err := db.Migrate(e.ctx)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("migrating: %w", err)
		}
		if n > 0 {
			progress("applied %d migration(s)", n)
		}
	}
	return db, nil
}
