package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/api"
	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/listing"
	"github.com/propertypro/propertypro/shared/page"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/runner"
)

const warmup = 200

// queries makes n searches with three filters: a community (weighted like the listings),
// a bedroom count and a price range around what such homes cost there.
func queries(g *generator, n int) []string {
	out := make([]string, 0, n)
	for range n {
		c := g.community()
		ptype, beds := g.typeAndBeds(c)
		typical := g.size(ptype, beds) * (c.band.minPSF + c.band.maxPSF) / 2
		lo := math.Round(typical*g.between(0.55, 0.95)/50_000) * 50_000
		hi := math.Round(lo*g.between(1.3, 2.0)/50_000) * 50_000
		out = append(out, url.Values{"community_id": {c.id}, "beds": {strconv.Itoa(beds)},
			"price_min": {strconv.FormatFloat(lo, 'f', 0, 64)}, "price_max": {strconv.FormatFloat(hi, 'f', 0, 64)}}.Encode())
	}
	return out
}

// searchTracer keeps the SQL and arguments of the last listing search, to explain it.
type searchTracer struct {
	mu   sync.Mutex
	sql  string
	args []any
}

// TraceQueryStart records a listing search as it is sent.
func (t *searchTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if strings.Contains(d.SQL, "FROM listings l WHERE") && !strings.HasPrefix(d.SQL, "EXPLAIN") {
		t.mu.Lock()
		t.sql, t.args = d.SQL, d.Args
		t.mu.Unlock()
	}
	return ctx
}

// TraceQueryEnd completes pgx.QueryTracer.
func (t *searchTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (t *searchTracer) last() (string, []any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.sql, t.args
}

func measure(ctx context.Context, cfg config.Config, pool *pgxpool.Pool, tracer *searchTracer, fx *fixture, o options) error {
	p, err := runner.New(ctx, cfg, quiet(), &runner.Database{Pool: pool})
	if err != nil {
		return fmt.Errorf("building the platform: %w", err)
	}
	h := p.Handler()
	lat, results, empty, err := latency(h, fx)
	if err != nil {
		return err
	}
	if err := explain(ctx, pool, tracer); err != nil {
		return err
	}
	p50, p90, p99 := percentile(lat, 50), percentile(lat, 90), percentile(lat, 99)
	fmt.Printf("  latency  %d searches one at a time, in process, through the handler `propertypro run` serves (same mux,\n"+
		"           middleware, bearer-token authentication and rate limit); filters community + beds + price range,\n"+
		"           newest first, 50 per page; %.1f results per page on average, %.0f%% of searches empty\n",
		len(lat), results, empty*100)
	fmt.Printf("           p50 %-9s target ≤ %-6s %s\n", ms(p50), ms(targetP50), verdict(p50, targetP50))
	fmt.Printf("           p99 %-9s target ≤ %-6s %s\n", ms(p99), ms(targetP99), verdict(p99, targetP99))
	fmt.Printf("           (p90 %s, max %s)\n", ms(p90), ms(slices.Max(lat)))
	search, auth, err := parts(ctx, cfg, pool, fx)
	if err != nil {
		return err
	}
	fmt.Printf("           of which the search alone (listing service + Postgres):      p50 %s, p99 %s\n", ms(percentile(search, 50)), ms(percentile(search, 99)))
	fmt.Printf("           of which authentication (token, user, rate-limit write):     p50 %s, p99 %s\n", ms(percentile(auth, 50)), ms(percentile(auth, 99)))

	fmt.Printf("  throughput  the same searches over loopback HTTP from %d client goroutines in this process, %s per run,\n"+
		"              on %d CPUs (clients and server share them)\n", o.workers, o.duration, runtime.NumCPU())
	addr, stopServer, err := serve(h)
	if err != nil {
		return err
	}
	r := loadTest(ctx, "http://"+addr, fx, o)
	stopServer()
	fmt.Printf("              %-40s %s\n", "in-process server on "+addr, r)
	if !o.process {
		return nil
	}
	child, err := startProcess(ctx, cfg)
	if err != nil {
		fmt.Printf("              %-40s not measured: %v\n", "`propertypro run` process", err)
		return nil
	}
	r = loadTest(ctx, child.base, fx, o)
	child.stop()
	fmt.Printf("              %-40s %s\n\n", fmt.Sprintf("`propertypro run` process (pid %d)", child.pid), r)
	return nil
}

// latency runs every query once through h, the first ones as warm-up, and returns the
// measured durations, the mean number of results and the share of empty pages.
func latency(h http.Handler, fx *fixture) ([]time.Duration, float64, float64, error) {
	var lat []time.Duration
	var items, empties int
	for i, q := range fx.queries {
		req := httptest.NewRequest("GET", "/v1/listings?"+q, nil)
		req.RemoteAddr = "127.0.0.1:50000"
		req.Header.Set("Authorization", "Bearer "+fx.searchers[0])
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		d := time.Since(start)
		if rec.Code != http.StatusOK {
			return nil, 0, 0, fmt.Errorf("search answered %d: %s", rec.Code, rec.Body)
		}
		if i < warmup {
			continue
		}
		lat = append(lat, d)
		var page struct {
			Items []json.RawMessage `json:"items"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
			return nil, 0, 0, err
		}
		items += len(page.Items)
		if len(page.Items) == 0 {
			empties++
		}
	}
	return lat, float64(items) / float64(len(lat)), float64(empties) / float64(len(lat)), nil
}

// parts times the two halves of a request on their own: the listing search through the
// domain service, and the authentication every route pays (token check, user lookup and the
// rate-limit bucket, a committed write).
func parts(ctx context.Context, cfg config.Config, pool *pgxpool.Pool, fx *fixture) (search, auth []time.Duration, err error) {
	ids := api.IdentityService(&platform.Boot{Config: cfg, Log: quiet(), DB: pool})
	a, err := ids.Authenticate(ctx, fx.searchers[0])
	if err != nil {
		return nil, nil, err
	}
	store := postgres.NewListings(pool)
	svc := listing.New(store, postgres.NewLocations(pool), store)
	for i, q := range fx.queries {
		v, _ := url.ParseQuery(q)
		beds, _ := strconv.Atoi(v.Get("beds"))
		lo, _ := strconv.ParseFloat(v.Get("price_min"), 64)
		hi, _ := strconv.ParseFloat(v.Get("price_max"), 64)
		f := listing.Filter{CommunityID: v.Get("community_id"), BedsMin: &beds, BedsMax: &beds, PriceMin: &lo, PriceMax: &hi}
		start := time.Now()
		if _, err := svc.Search(ctx, a, f, page.Request{Sort: listing.DefaultSort}); err != nil {
			return nil, nil, err
		}
		d := time.Since(start)
		start = time.Now()
		if _, err := ids.Authenticate(ctx, fx.searchers[0]); err != nil {
			return nil, nil, err
		}
		if i >= warmup {
			search, auth = append(search, d), append(auth, time.Since(start))
		}
	}
	return search, auth, nil
}

// explain prints the plan of the last search the handler ran, with its real arguments.
func explain(ctx context.Context, pool *pgxpool.Pool, t *searchTracer) error {
	sql, args := t.last()
	if sql == "" {
		return errors.New("no listing search reached the database")
	}
	rows, err := pool.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+sql, args...)
	if err != nil {
		return fmt.Errorf("explaining the search: %w", err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	fmt.Println("  plan     of the last search, with its arguments (EXPLAIN ANALYZE):")
	for _, l := range lines {
		fmt.Println("           " + l)
	}
	return nil
}

// result is one throughput run.
type result struct {
	ok, failed int
	elapsed    time.Duration
	lat        []time.Duration
	firstErr   string
}

// String is the run's line of the report.
func (r result) String() string {
	if r.ok == 0 {
		return "no successful request: " + r.firstErr
	}
	s := fmt.Sprintf("%6.0f req/s  (p50 %s, p99 %s, %d requests", float64(r.ok)/r.elapsed.Seconds(),
		ms(percentile(r.lat, 50)), ms(percentile(r.lat, 99)), r.ok)
	if r.failed > 0 {
		s += fmt.Sprintf(", %d failed: %s", r.failed, r.firstErr)
	}
	return s + ")"
}

// loadTest sends the queries to base from o.workers goroutines for o.duration, each client as its
// own user so that the per-user rate limit never throttles the run.
func loadTest(ctx context.Context, base string, fx *fixture, o options) result {
	tr := &http.Transport{MaxIdleConnsPerHost: o.workers, MaxConnsPerHost: o.workers}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var mu sync.Mutex
	var total result
	deadline := time.Now().Add(o.duration)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range o.workers {
		wg.Go(func() {
			var r result
			for i := w; time.Now().Before(deadline) && ctx.Err() == nil; i += o.workers {
				req, _ := http.NewRequestWithContext(ctx, "GET", base+"/v1/listings?"+fx.queries[i%len(fx.queries)], nil)
				req.Header.Set("Authorization", "Bearer "+fx.searchers[w%len(fx.searchers)])
				t0 := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					r.failed++
					if r.firstErr == "" {
						r.firstErr = err.Error()
					}
					continue
				}
				r.ok++
				r.lat = append(r.lat, time.Since(t0))
			}
			mu.Lock()
			total.ok, total.failed = total.ok+r.ok, total.failed+r.failed
			total.lat = append(total.lat, r.lat...)
			if total.firstErr == "" {
				total.firstErr = r.firstErr
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	total.elapsed = time.Since(start)
	return total
}

// serve starts h on a loopback port of this process.
func serve(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return ln.Addr().String(), func() { srv.Close() }, nil
}

// process is a `propertypro run` started by the benchmark.
type process struct {
	base string
	pid  int
	stop func()
}

// startProcess builds the CLI and runs `propertypro run` on the bench database, on a free
// loopback port, with the bench's JWT key so that its tokens are valid there.
func startProcess(ctx context.Context, cfg config.Config) (*process, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "bench-listings-")
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "propertypro")
	build := exec.CommandContext(ctx, goTool(), "build", "-o", bin, "./cmd/propertypro")
	build.Dir, build.Stderr = root, os.Stderr
	if err := build.Run(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("building cmd/propertypro: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logFile, err := os.Create(filepath.Join(dir, "run.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "run")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Env = append(os.Environ(), "DATABASE_URL="+cfg.DatabaseURL, "HOST=127.0.0.1", "PORT="+strconv.Itoa(port),
		"LOCAL_DIR="+filepath.Join(dir, "local"), "JWT_SECRET="+cfg.JWTSecret, "SECRET_KEY="+cfg.SecretKey,
		"RATE_LIMIT_REQUESTS_PER_MINUTE=100000", "LOG_LEVEL=warn", "APP_ENV=local", "DB_MAX_CONNS=8")
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	p := &process{base: fmt.Sprintf("http://127.0.0.1:%d", port), pid: cmd.Process.Pid}
	p.stop = func() {
		cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		logFile.Close()
		os.RemoveAll(dir)
	}
	if err := waitHealthy(ctx, p.base, exited); err != nil {
		tail, _ := os.ReadFile(logFile.Name())
		p.stop()
		return nil, fmt.Errorf("%w\n%s", err, lastLines(string(tail), 15))
	}
	return p, nil
}

func waitHealthy(ctx context.Context, base string, exited <-chan error) error {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("propertypro run exited: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if resp, err := http.Get(base + "/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return errors.New("propertypro run did not answer /health within 2 minutes")
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// goTool is the go command: the Makefile's, else the toolchain this program was built with.
func goTool() string {
	if g := os.Getenv("GO"); g != "" {
		return g
	}
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func verdict(got, target time.Duration) string {
	if got <= target {
		return "PASS"
	}
	return "MISS"
}
