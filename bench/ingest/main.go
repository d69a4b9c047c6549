// Command ingest is `make bench-ingest`: the ingestion pipeline end to end against `psql \copy`
// of the same CSV on the same Postgres server, in the same run.
//
// It simulates BENCH_INGEST_ROWS (default 1,000,000) transaction rows and the properties they
// reference, creates a database of its own (on DATABASE_URL or TEST_DATABASE_URL when set,
// otherwise on the project's private Postgres), loads the agents and properties, then times:
//   - psql \copy of transactions.csv into an unconstrained table of text columns: the floor,
//     what the server costs to take the bytes;
//   - `propertypro ingest --json transactions.csv` as a child process: parsing, validation,
//     COPY into staging and the upsert into deals, committed; its peak RSS comes from the
//     kernel's rusage of the child.
//
// It prints rows/s of both, their ratio (target >= 0.5) and the peak memory (target <= 256 MB);
// then the insert step alone, into deals and into a bare copy of it: the ceilings of that ratio
// for a staging-and-upsert loader; then the same file once more (a delta load: every row unchanged). The database is dropped at
// the end. Set BENCH_INGEST_CPUPROFILE=FILE to write a CPU profile of the timed ingestion.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/ingest"
	"github.com/propertypro/propertypro/shared/runner"
	"github.com/propertypro/propertypro/shared/simulate"
)

// Targets from the issue.
const (
	targetRatio  = 0.5
	targetPeakMB = 256
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "bench-ingest: %v\n", err)
		os.Exit(1)
	}
}

func step(format string, args ...any) { fmt.Fprintf(os.Stderr, "• "+format+"\n", args...) }

func envInt(name string, def int) (int, error) {
	v := os.Getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s must be a positive whole number, not %q", name, v)
	}
	return n, nil
}

func run(ctx context.Context) error {
	rows, err := envInt("BENCH_INGEST_ROWS", 1_000_000)
	if err != nil {
		return err
	}
	props, err := envInt("BENCH_INGEST_PROPERTIES", 20_000)
	if err != nil {
		return err
	}
	psql, err := findPsql()
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "bench-ingest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	bin := filepath.Join(work, "propertypro")
	step("building propertypro")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/propertypro").CombinedOutput(); err != nil {
		return fmt.Errorf("building propertypro: %v\n%s", err, out)
	}
	o := simulate.Defaults()
	o.Seed, o.Properties, o.Transactions, o.Agents = 20260101, props, rows, 50
	o.Only = []string{"agents", "properties", "transactions"}
	start := time.Now()
	files, err := simulate.Write(work, o)
	if err != nil {
		return err
	}
	csvPath := filepath.Join(work, "transactions.csv")
	st, err := os.Stat(csvPath)
	if err != nil {
		return err
	}
	step("simulated %d transactions (%.0f MB) and %d properties in %s", rows, float64(st.Size())/(1<<20), props,
		time.Since(start).Round(time.Millisecond))

	dbURL, drop, err := benchDatabase(ctx)
	if err != nil {
		return err
	}
	defer drop()
	for _, f := range files[:2] { // agents, then the properties the transactions reference
		if _, _, err := ingestFile(ctx, bin, dbURL, filepath.Join(work, f.Name), ""); err != nil {
			return err
		}
	}

	copyTime, err := psqlCopy(ctx, psql, dbURL, csvPath)
	if err != nil {
		return err
	}
	step("psql \\copy: %s", copyTime.Round(time.Millisecond))
	rep, first, err := ingestFile(ctx, bin, dbURL, csvPath, os.Getenv("BENCH_INGEST_CPUPROFILE"))
	if err != nil {
		return err
	}
	if rep.Totals.Read != rows || rep.Totals.Inserted != rows || rep.Totals.Rejected != 0 {
		return fmt.Errorf("the ingestion did not load the file cleanly: %+v", rep.Totals)
	}
	dealsFloor, bareFloor, err := ceilings(ctx, dbURL)
	if err != nil {
		return err
	}
	again, second, err := ingestFile(ctx, bin, dbURL, csvPath, "", "--force")
	if err != nil {
		return err
	}
	if again.Totals.Unchanged != rows {
		return fmt.Errorf("re-ingesting the same file changed rows: %+v", again.Totals)
	}
	report(rows, copyTime, [2]time.Duration{dealsFloor, bareFloor}, first, second)
	return nil
}

// measurement is one child ingestion: wall time and peak resident memory.
type measurement struct {
	elapsed time.Duration
	peakMB  float64
}

func report(rows int, copyTime time.Duration, floors [2]time.Duration, first, second measurement) {
	rate := func(d time.Duration) float64 { return float64(rows) / d.Seconds() }
	ratio := rate(first.elapsed) / rate(copyTime)
	mark := func(ok bool) string {
		if ok {
			return "PASS"
		}
		return "MISS"
	}
	fmt.Printf("\ningestion benchmark: %d simulated transaction rows\n", rows)
	fmt.Printf("  psql \\copy (unconstrained table)   %10.0f rows/s  (%s)\n", rate(copyTime), copyTime.Round(time.Millisecond))
	fmt.Printf("  propertypro ingest (end to end)    %10.0f rows/s  (%s)\n", rate(first.elapsed), first.elapsed.Round(time.Millisecond))
	fmt.Printf("  ratio ingest / copy                %10.2f        target >= %.1f  %s\n", ratio, targetRatio, mark(ratio >= targetRatio))
	for i, what := range []string{"deals", "a bare copy of deals"} {
		fmt.Printf("  %-34s %10.0f rows/s  (%s)  ceiling of the ratio: %.2f\n", "insert alone into "+what, rate(floors[i]),
			floors[i].Round(time.Millisecond), rate(floors[i])/rate(copyTime))
	}
	fmt.Printf("  peak memory of the ingest          %10.0f MB     target <= %d  %s\n", first.peakMB, targetPeakMB, mark(first.peakMB <= targetPeakMB))
	fmt.Printf("  re-ingest, all unchanged (delta)   %10.0f rows/s  (%s, peak %.0f MB)\n", rate(second.elapsed),
		second.elapsed.Round(time.Millisecond), second.peakMB)
}

// ingestFile runs `propertypro ingest --json` on the bench database as a child process and
// reads its report and its peak RSS.
func ingestFile(ctx context.Context, bin, dbURL, path, cpuprofile string, extra ...string) (ingest.Report, measurement, error) {
	args := append([]string{"ingest", "--json", path}, extra...)
	if cpuprofile != "" {
		args = append(args, "--cpuprofile", cpuprofile)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "LOG_LEVEL=warn")
	var stderr tail // the progress bar is noise; the end of it explains a failure
	cmd.Stderr = &stderr
	start := time.Now()
	out, err := cmd.Output()
	m := measurement{elapsed: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.peakMB = float64(ru.Maxrss) / 1024 // Linux reports kilobytes
	}
	var rep ingest.Report
	if jerr := json.Unmarshal(out, &rep); jerr != nil {
		return rep, m, fmt.Errorf("ingesting %s: %v (%v): %s", filepath.Base(path), err, jerr, stderr.b)
	}
	if err != nil {
		return rep, m, fmt.Errorf("ingesting %s: %v: %s", filepath.Base(path), err, rep.Error)
	}
	step("ingested %s: %+v in %s, peak %.0f MB", filepath.Base(path), rep.Totals, m.elapsed.Round(time.Millisecond), m.peakMB)
	return rep, m, nil
}

// tail keeps the last 4 KiB written to it.
type tail struct{ b []byte }

func (t *tail) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 4096 {
		t.b = append(t.b[:0], t.b[len(t.b)-4096:]...)
	}
	return len(p), nil
}

// psqlCopy times \copy of the CSV into a table without keys, indexes or types.
func psqlCopy(ctx context.Context, psql, dbURL, csvPath string) (time.Duration, error) {
	cols := "id text, property_id text, transaction_type text, amount_aed text, transaction_date text, buyer_name text, " +
		"seller_name text, agent_name text, agency text, commission_rate text, commission_amount text, status text, " +
		"payment_method text, notes text"
	if out, err := exec.CommandContext(ctx, psql, dbURL, "-v", "ON_ERROR_STOP=1", "-qc",
		"CREATE TABLE bench_copy ("+cols+")").CombinedOutput(); err != nil {
		return 0, fmt.Errorf("psql: %v: %s", err, out)
	}
	start := time.Now()
	out, err := exec.CommandContext(ctx, psql, dbURL, "-v", "ON_ERROR_STOP=1", "-qc",
		fmt.Sprintf(`\copy bench_copy FROM '%s' WITH (FORMAT csv, HEADER true)`, csvPath)).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("psql \\copy: %v: %s", err, out)
	}
	return time.Since(start), nil
}

// ceilings times the last step of a loader on its own: the rows just loaded, inserted again
// by INSERT ... SELECT from a table already on the server, once into an emptied deals (its
// keys, foreign keys, indexes and checks) and once into a bare copy of it (defaults only, no
// constraint or index), then rolled back. Neither has parsing, validation, network or staging
// in it, so each time, over the \copy time, bounds the ratio a staging-and-upsert loader into
// that table can reach on this server.
func ceilings(ctx context.Context, dbURL string) (deals, bare time.Duration, err error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	list := columnList(ingest.Transactions.ColumnNames())
	timed := func(sql string) (time.Duration, error) {
		start := time.Now()
		_, err := tx.Exec(ctx, sql)
		return time.Since(start), err
	}
	for _, sql := range []string{"CREATE TEMP TABLE floor_rows AS SELECT " + list + " FROM deals WHERE external_ref IS NOT NULL",
		"TRUNCATE deals CASCADE", "CREATE TABLE floor_bare (LIKE deals INCLUDING DEFAULTS)"} {
		if _, err := tx.Exec(ctx, sql); err != nil {
			return 0, 0, fmt.Errorf("preparing the insert ceilings: %w", err)
		}
	}
	if deals, err = timed("INSERT INTO deals (" + list + ") SELECT " + list + " FROM floor_rows"); err != nil {
		return 0, 0, fmt.Errorf("inserting into deals: %w", err)
	}
	if bare, err = timed("INSERT INTO floor_bare (" + list + ") SELECT " + list + " FROM floor_rows"); err != nil {
		return 0, 0, fmt.Errorf("inserting into a bare copy of deals: %w", err)
	}
	step("insert alone: into deals %s, into a bare copy of deals %s", deals.Round(time.Millisecond), bare.Round(time.Millisecond))
	return deals, bare, nil
}

func columnList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = pgx.Identifier{n}.Sanitize()
	}
	return strings.Join(quoted, ", ")
}

// findPsql looks on PATH, then where Debian installs the PostgreSQL 15 client.
func findPsql() (string, error) {
	if p, err := exec.LookPath("psql"); err == nil {
		return p, nil
	}
	p := "/usr/lib/postgresql/15/bin/psql"
	if _, err := os.Stat(p); err != nil {
		return "", errors.New("psql not found on PATH nor in /usr/lib/postgresql/15/bin")
	}
	return p, nil
}

// benchDatabase creates a database of its own on the server and returns its URL and a
// function that drops it.
func benchDatabase(ctx context.Context) (string, func(), error) {
	cfg, err := config.Load()
	if err != nil {
		return "", nil, err
	}
	if cfg.DatabaseURL == "" {
		cfg.DatabaseURL = os.Getenv("TEST_DATABASE_URL")
	}
	if cfg.DatabaseURL == "" && os.Getenv("LOCAL_DIR") == "" {
		if wd, err := os.Getwd(); err == nil {
			cfg.LocalDir = filepath.Join(wd, ".local")
		}
	}
	base, err := runner.OpenDatabase(ctx, cfg, 2, step)
	if err != nil {
		return "", nil, err
	}
	base.Pool.Close()
	name := "propertypro_bench_ingest_" + randomHex(4)
	conn, err := pgx.Connect(ctx, base.URL)
	if err != nil {
		return "", nil, err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("creating the bench database (the user needs CREATEDB): %w", err)
	}
	step("created database %s", name)
	u, err := url.Parse(base.URL)
	if err != nil {
		return "", nil, err
	}
	u.Path = "/" + name
	drop := func() {
		c, err := pgx.Connect(context.Background(), base.URL)
		if err == nil {
			_, err = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(context.Background())
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench-ingest: dropping %s: %v\n", name, err)
		}
		base.Close()
	}
	return u.String(), drop, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
