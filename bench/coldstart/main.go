//go:build unix

// Command coldstart is `make bench-coldstart`: the cold start of api-health-ready under
// aws-lambda-rie, as a ratio to a hello-world Go Lambda (bench/hello) built the same way,
// plus both binaries' deployed size.
//
// A run starts a fresh aws-lambda-rie with the binary, invokes until the first successful
// answer and records the time since the process started. Runs alternate between the two
// binaries (A, B, A, B ...) so that a busy machine slows both alike; absolute times depend
// on the machine, the ratio of medians much less. The command exits non-zero only when it
// cannot measure: a missed target is printed as MISS, not treated as a failure.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/testkit"
	"github.com/propertypro/propertypro/test/lambdaruntime/rie"
)

const (
	target      = "api-health-ready"
	baseline    = "hello"
	ratioTarget = 1.5
	sizeBudget  = 12 << 20 // bytes, stripped linux/arm64 (ADR 0001)
)

func main() {
	runs := flag.Int("runs", 15, "measured runs of each binary (at least 10)")
	flag.Parse()
	if err := run(*runs); err != nil {
		fmt.Fprintf(os.Stderr, "bench-coldstart: %v\n", err)
		os.Exit(1)
	}
}

// subject is one binary under measurement.
type subject struct {
	name    string
	fn      rie.Function
	samples []time.Duration
	inits   []time.Duration // rie's INIT REPORT: the function's own init, without rie's start
	size    int64           // stripped linux/arm64
}

func run(runs int) error {
	if runs < 10 {
		return errors.New("-runs must be at least 10: a median of fewer runs is noise")
	}
	ctx := context.Background()
	root, err := testkit.RepoRoot()
	if err != nil {
		return err
	}
	riePath, err := ensureRIE(ctx)
	if err != nil {
		return err
	}
	dbURL, err := database(ctx, root)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "bench-coldstart-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	subjects, err := build(ctx, root, tmp, dbURL)
	if err != nil {
		return err
	}
	event, err := os.ReadFile(filepath.Join(root, "events", target, "get.json"))
	if err != nil {
		return err
	}
	if err := measure(ctx, riePath, subjects, event, runs); err != nil {
		return err
	}
	report(os.Stdout, subjects, runs)
	return nil
}

// ensureRIE finds aws-lambda-rie, installing it when missing: the bench should work on a
// fresh machine with only Go.
func ensureRIE(ctx context.Context) (string, error) {
	if p, err := rie.Find(); err == nil {
		return p, nil
	}
	fmt.Fprintf(os.Stderr, "aws-lambda-rie not found: installing it (go install %s@latest)\n", rie.Module)
	return rie.Install(ctx, os.Stderr)
}

// database returns DATABASE_URL, else the project's private Postgres, started and migrated
// through the CLI exactly as a developer would, so the bench needs no setup of its own.
func database(ctx context.Context, root string) (string, error) {
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return u, nil
	}
	fmt.Fprintln(os.Stderr, "DATABASE_URL is unset: using the project's private Postgres")
	out, err := cli(ctx, root, nil, "db", "url")
	if err != nil {
		return "", err
	}
	lines := strings.Fields(out)
	if len(lines) == 0 {
		return "", errors.New("propertypro db url printed no URL")
	}
	url := lines[len(lines)-1]
	if _, err := cli(ctx, root, []string{"DATABASE_URL=" + url}, "migrate", "up"); err != nil {
		return "", err
	}
	return url, nil
}

// cli runs `go run ./cmd/propertypro args...` and returns its standard output.
func cli(ctx context.Context, root string, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", append([]string{"run", "./cmd/propertypro"}, args...)...)
	cmd.Dir, cmd.Stderr = root, os.Stderr
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("propertypro %s: %w", strings.Join(args, " "), err)
	}
	return string(out), nil
}

// build compiles both binaries for this machine (to run) and for linux/arm64 (to weigh).
// hello gets api-health-ready's timeout and memory so the emulator treats both alike.
func build(ctx context.Context, root, tmp, dbURL string) ([]*subject, error) {
	fn, err := functions.Lookup(target)
	if err != nil {
		return nil, err
	}
	host, arm := filepath.Join(tmp, "host"), filepath.Join(tmp, "linux-arm64")
	pkgs := []string{"./functions/" + target, "./bench/" + baseline}
	fmt.Fprintln(os.Stderr, "building", target, "and", baseline, "(this machine, linux/arm64)")
	if err := rie.Build(ctx, root, host, "", "", pkgs...); err != nil {
		return nil, err
	}
	if err := rie.Build(ctx, root, arm, "linux", "arm64", pkgs...); err != nil {
		return nil, err
	}
	base := rie.Function{Timeout: fn.Timeout, MemoryMB: fn.MemoryMB}
	subjects := []*subject{{name: target, fn: base}, {name: baseline, fn: base}}
	subjects[0].fn.Env = []string{"APP_ENV=test", "LOCAL_DIR=" + tmp, "DATABASE_URL=" + dbURL}
	for _, s := range subjects {
		s.fn.Name, s.fn.Binary = s.name, filepath.Join(host, s.name)
		st, err := os.Stat(filepath.Join(arm, s.name))
		if err != nil {
			return nil, err
		}
		s.size = st.Size()
	}
	return subjects, nil
}

// measure takes one unrecorded run of each binary first (it pays for the page cache and the
// first database connection of the server), then the runs, interleaved.
func measure(ctx context.Context, riePath string, subjects []*subject, event []byte, runs int) error {
	for _, s := range subjects {
		if _, _, err := coldStart(ctx, riePath, s, event); err != nil {
			return err
		}
	}
	for i := range runs {
		var line []string
		for _, s := range subjects {
			d, initDur, err := coldStart(ctx, riePath, s, event)
			if err != nil {
				return err
			}
			s.samples = append(s.samples, d)
			if initDur > 0 {
				s.inits = append(s.inits, initDur)
			}
			line = append(line, fmt.Sprintf("%s %s", s.name, ms(d)))
		}
		fmt.Fprintf(os.Stderr, "run %2d/%d: %s\n", i+1, runs, strings.Join(line, ", "))
	}
	return nil
}

var initReport = regexp.MustCompile(`INIT REPORT\(durationMs: ([0-9.]+)\)`)

// coldStart is one run: a fresh emulator, polled until its first successful answer.
func coldStart(ctx context.Context, riePath string, s *subject, event []byte) (time.Duration, time.Duration, error) {
	em, err := rie.Start(riePath, s.fn)
	if err != nil {
		return 0, 0, err
	}
	defer em.Stop()
	ctx, cancel := context.WithTimeout(ctx, s.fn.Timeout+30*time.Second)
	defer cancel()
	_, d, err := em.InvokeUntilReady(ctx, event, answers200)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w\n--- aws-lambda-rie output ---\n%s", s.name, err, em.Output())
	}
	var initDur time.Duration
	if m := initReport.FindStringSubmatch(em.Output()); m != nil {
		v, _ := strconv.ParseFloat(m[1], 64)
		initDur = time.Duration(v * float64(time.Millisecond))
	}
	return d, initDur, nil
}

// answers200 accepts only a 200 response: a readiness check answering 503 (database down)
// is not the cold start being measured.
func answers200(r rie.Result) error {
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(r.Payload, &resp); err != nil || resp.StatusCode != 200 {
		return fmt.Errorf("answer is not an HTTP 200 response: %s", bytes.TrimSpace(r.Payload))
	}
	return nil
}

func report(w io.Writer, subjects []*subject, runs int) {
	a, b := subjects[0], subjects[1]
	fmt.Fprintf(w, "\nCold start under aws-lambda-rie: process start → first response\n")
	fmt.Fprintf(w, "(%d runs each, interleaved, after one unrecorded warm-up run each; host %s/%s, %d CPUs)\n\n",
		runs, runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	row := "  %-18s %10s %10s %10s %14s\n"
	fmt.Fprintf(w, row, "", "median", "p10", "p90", "init median*")
	for _, s := range subjects {
		fmt.Fprintf(w, row, s.name, ms(percentile(s.samples, 50)), ms(percentile(s.samples, 10)),
			ms(percentile(s.samples, 90)), ms(percentile(s.inits, 50)))
	}
	fmt.Fprintln(w, "  * the function's own init as rie reports it (INIT REPORT), without rie's start-up")
	ratio := float64(percentile(a.samples, 50)) / float64(percentile(b.samples, 50))
	fmt.Fprintf(w, "\n  ratio %s / %s (medians): %.2f×   target ≤ %.1f×   %s\n", a.name, b.name, ratio,
		ratioTarget, verdict(ratio <= ratioTarget))
	fmt.Fprintf(w, "\nStripped linux/arm64 binary (CGO_ENABLED=0 %s)\n", strings.Join(rie.BuildFlags, " "))
	fmt.Fprintf(w, "  %-18s %s   target ≤ %s   %s\n", a.name, mib(a.size), mib(sizeBudget), verdict(a.size <= sizeBudget))
	fmt.Fprintf(w, "  %-18s %s\n", b.name, mib(b.size))
}

// percentile interpolates linearly between the two nearest ranks.
func percentile(samples []time.Duration, p float64) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	pos := p / 100 * float64(len(s)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(s)-1)
	frac := pos - float64(lo)
	return s[lo] + time.Duration(frac*float64(s[hi]-s[lo]))
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "MISS"
}

func ms(d time.Duration) string {
	if d == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func mib(n int64) string { return fmt.Sprintf("%.2f MiB (%d bytes)", float64(n)/(1<<20), n) }
