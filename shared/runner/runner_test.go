package runner_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/catalog"
	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/lambdasqs"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/runner"
	"github.com/propertypro/propertypro/shared/testkit"
)

func testConfig(t *testing.T) config.Config {
	cfg, err := config.FromLookup(func(k string) (string, bool) {
		switch k {
		case "LOCAL_DIR":
			return t.TempDir(), true
		case "PORT":
			return "0", true
		case "LOCAL_SCHEDULE_TICK":
			return "1s", true
		}
		return "", false
	})
	if err != nil && cfg.Port != 0 {
		t.Fatal(err)
	}
	cfg.Port = 0
	if err := runner.LocalSecrets(&cfg); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// Every sample event of every function runs through the same Invoke as `propertypro invoke`.
func TestEverySampleEventInvokes(t *testing.T) {
	pool := testkit.DB(t)
	p, err := runner.New(context.Background(), testConfig(t), quiet(), &runner.Database{Pool: pool})
	if err != nil {
		t.Fatal(err)
	}
	root, _ := testkit.RepoRoot()
	for _, fn := range functions.Manifest {
		evs, _ := filepath.Glob(filepath.Join(root, "events", fn.Name, "*.json"))
		for _, ev := range evs {
			t.Run(fn.Name+"/"+filepath.Base(ev), func(t *testing.T) {
				raw, _ := os.ReadFile(ev)
				out, err := p.Invoke(context.Background(), fn.Name, raw)
				if err != nil {
					t.Fatal(err)
				}
				if fn.Kind() == functions.KindHTTP {
					var resp events.APIGatewayV2HTTPResponse
					if err := json.Unmarshal(out, &resp); err != nil || resp.StatusCode >= 500 {
						t.Fatalf("status %d: %s", resp.StatusCode, out)
					}
					if resp.StatusCode >= 400 && resp.Headers["Content-Type"] != "application/problem+json" {
						t.Fatalf("error without problem+json: %s", out)
					}
					// Sample ids are placeholders: only parameterless public GETs must succeed.
					if fn.Public && fn.Method() == "GET" && !strings.Contains(fn.Path(), "{") && resp.StatusCode != 200 {
						t.Fatalf("public GET answered %d: %s", resp.StatusCode, out)
					}
				}
			})
		}
	}
}

// A file dropped into LOCAL_DIR/drops reaches its task function as an S3 event through the
// durable queue; a failure is retried and a success is not delivered again.
func TestDropReachesTaskWithRetry(t *testing.T) {
	pool := testkit.DB(t)
	cfg := testConfig(t)
	var mu sync.Mutex
	var deliveries []lambdasqs.Message
	done := make(chan struct{})
	task := functions.Function{Name: "task-echo", Summary: "test", Queue: "echo", Timeout: 2 * time.Second,
		MemoryMB: 128, Source: &functions.S3Source{Bucket: functions.BucketDataDrops, Prefix: "incoming/"}}
	builders := catalog.Builders()
	builders[task.Name] = func(*platform.Boot) (platform.Handler, error) {
		return platform.Handler{Task: func(ctx context.Context, m lambdasqs.Message) error {
			mu.Lock()
			defer mu.Unlock()
			deliveries = append(deliveries, m)
			if len(deliveries) == 1 {
				return errors.New("transient failure")
			}
			close(done)
			return nil
		}}, nil
	}
	manifest := append([]functions.Function{task}, functions.Manifest...)
	p, err := runner.NewWith(context.Background(), cfg, quiet(), &runner.Database{Pool: pool}, manifest, builders)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	stopped := make(chan error, 1)
	go func() { stopped <- p.Run(ctx, func(a string) { addr <- a }) }()
	base := "http://" + <-addr
	resp, err := http.Get(base + "/health/ready")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("ready: %v %v", resp, err)
	}
	dir := filepath.Join(runner.DropsDir(cfg.LocalDir), functions.BucketDataDrops, "incoming")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "deals 2026.csv"), []byte("id,price\n1,100\n"), 0o644)
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("drop never reached the task")
	}
	time.Sleep(1500 * time.Millisecond) // a few more polls: nothing new must arrive
	cancel()
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(deliveries) != 2 || deliveries[1].ReceiveCount != 2 {
		t.Fatalf("deliveries = %d (want 2: a failure, then a retry)", len(deliveries))
	}
	var ev events.S3Event
	if err := json.Unmarshal([]byte(deliveries[1].Body), &ev); err != nil || len(ev.Records) != 1 ||
		ev.Records[0].S3.Object.Key != "incoming/deals+2026.csv" || ev.Records[0].S3.Object.Size != 15 {
		t.Fatalf("event = %s", deliveries[1].Body)
	}
}
