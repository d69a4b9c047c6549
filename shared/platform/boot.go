package platform

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/logging"
	"github.com/propertypro/propertypro/shared/metrics"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/telemetry"
)

// Start is a Lambda function's whole main: boot once, build the handler, serve invocations.
// A boot failure exits with the reason on stderr, which Lambda records as an init error.
//
// extras attach clients that only some functions need (SQS, S3), so that the others do not
// carry the AWS SDK in their binaries.
func Start(name string, build Builder, extras ...func(context.Context, *Boot) error) {
	ctx := context.Background()
	b, err := BootLambda(ctx, name)
	for _, attach := range extras {
		if err == nil {
			err = attach(ctx, b)
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: cannot start: %v\n", name, err)
		os.Exit(1)
	}
	b.Queues = telemetry.Sender(b.Queues) // before build: builders keep the sender they are given
	h, err := build(b)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: cannot build handler: %v\n", name, err)
		os.Exit(1)
	}
	h = Instrument(b, h)
	lambda.Start(lambdaHandler{h: h, b: b})
}

type lambdaHandler struct {
	h Handler
	b *Boot
}

func (l lambdaHandler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	// EMF lines go to stdout, where CloudWatch Logs turns them into metrics after the fact.
	defer metrics.Default.FlushEMF(os.Stdout, l.b.Fn.Name, time.Now())
	return l.h.Invoke(ctx, l.b.Fn, l.b.Log, payload)
}

// BootLambda reads the configuration and builds the clients the manifest grants the function.
func BootLambda(ctx context.Context, name string) (*Boot, error) {
	fn, err := functions.Lookup(name)
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load()
	if err != nil {
		return nil, err
	}
	if err := loadSecrets(ctx, &cfg); err != nil {
		return nil, err
	}
	if cfg.JWTSecret == "" && !cfg.Deployed() {
		// Outside deployed environments (aws-lambda-rie, tests) a per-process key keeps
		// tokens unforgeable; config.Load refuses a deployed environment without one.
		cfg.JWTSecret = randomKey()
	}
	b := &Boot{Fn: fn, Config: cfg, Log: logging.ForLambda(cfg.LogLevel), Runtime: "lambda"}
	if _, err := telemetry.Setup(ctx, telemetry.Settings{Service: name, Exporter: cfg.OTelExporter,
		Endpoint: cfg.OTelEndpoint}); err != nil {
		return nil, err
	}
	if fn.Access.Database {
		if b.DB, err = openDB(ctx, cfg, name); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func openDB(ctx context.Context, cfg config.Config, name string) (*pgxpool.Pool, error) {
	url := cfg.DatabaseURL
	if url == "" {
		return nil, fmt.Errorf("DATABASE_URL: not set (function %s needs the database)", name)
	}
	return postgres.Open(ctx, postgres.Settings{URL: url, MaxConns: int32(cfg.DBMaxConns),
		StatementTimeout: cfg.DBStatementTimout, AppName: name})
}

func randomKey() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}
