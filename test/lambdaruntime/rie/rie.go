//go:build unix

// Package rie runs PropertyPro's Lambda binaries under the AWS Lambda Runtime Interface
// Emulator (aws-lambda-rie) on loopback, built exactly as they are deployed. The runtime
// contract test and `make bench-coldstart` share it, so both exercise the same process model.
//
// aws-lambda-rie crashes when invoked in parallel, so an Emulator must be invoked by one
// goroutine at a time; callers also run one Emulator at a time to keep timings honest.
package rie

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Module is the Go package aws-lambda-rie installs from.
const Module = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"

// BuildFlags are the flags every Lambda binary is built with (DESIGN.md §6), so that what
// is tested and measured is what is deployed.
var BuildFlags = []string{"-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w"}

// Build compiles the main packages pkgs (patterns relative to root, e.g. ./functions/x)
// into dir, one binary per package named after its folder. Empty goos and goarch build for
// this machine, which is what aws-lambda-rie can run.
func Build(ctx context.Context, root, dir, goos, goarch string, pkgs ...string) error {
	args := append([]string{"build"}, BuildFlags...)
	args = append(append(args, "-o", dir+string(filepath.Separator)), pkgs...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if goos != "" {
		cmd.Env = append(cmd.Env, "GOOS="+goos, "GOARCH="+goarch)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

// Find returns the path of aws-lambda-rie: on PATH, else where `go install` puts it.
func Find() (string, error) {
	if p, err := exec.LookPath("aws-lambda-rie"); err == nil {
		return p, nil
	}
	out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output()
	if err != nil {
		return "", fmt.Errorf("aws-lambda-rie is not on PATH and `go env` failed: %w", err)
	}
	// One line per variable, GOBIN's empty when unset: trimming the whole output would
	// shift GOPATH into its place.
	lines := strings.Split(string(out), "\n")
	var candidates []string
	if gobin := strings.TrimSpace(lines[0]); gobin != "" {
		candidates = append(candidates, filepath.Join(gobin, "aws-lambda-rie"))
	}
	if len(lines) > 1 {
		for _, gp := range filepath.SplitList(strings.TrimSpace(lines[1])) {
			candidates = append(candidates, filepath.Join(gp, "bin", "aws-lambda-rie"))
		}
	}
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && !st.IsDir() {
			return c, nil
		}
	}
	return "", fmt.Errorf("aws-lambda-rie is neither on PATH nor in %s (install: go install %s@latest)",
		strings.Join(candidates, ", "), Module)
}

// Install installs aws-lambda-rie with `go install` and returns its path.
func Install(ctx context.Context, log io.Writer) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "install", Module+"@latest")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go install %s@latest: %w", Module, err)
	}
	return Find()
}

// Function is what the emulator needs to know about the function it runs.
type Function struct {
	Name     string        // AWS_LAMBDA_FUNCTION_NAME, as Lambda sets it
	Binary   string        // path of the bootstrap binary
	Timeout  time.Duration // the manifest's timeout; rie enforces it
	MemoryMB int           // reported to the function, not enforced
	// Env is the function's own environment (DATABASE_URL=..., APP_ENV=...). rie hands its
	// environment to the function, so the emulator is started with a clean one: a variable
	// on the developer's shell never leaks into a run.
	Env []string
}

// Emulator is one running aws-lambda-rie process hosting one function.
type Emulator struct {
	// Started is when the process was started: the origin of cold-start timings.
	Started time.Time

	cmd    *exec.Cmd
	addr   string // where rie accepts invocations
	rtAddr string // rie's runtime API, which the function polls
	url    string
	out    *syncBuffer
	done   chan struct{}
	client *http.Client
}

// Start launches aws-lambda-rie for fn on free loopback ports. It returns as soon as the
// process runs, without waiting for it to listen, so that callers can time the whole
// start; Ready and InvokeUntilReady wait. Both of rie's ports are chosen here: its runtime
// API otherwise binds 127.0.0.1:9001, which a second emulator on the machine would hold.
func Start(riePath string, fn Function) (*Emulator, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0]))
	rtAddr := net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[1]))
	cmd := exec.Command(riePath, "--runtime-interface-emulator-address", addr,
		"--runtime-api-address", rtAddr, fn.Binary)
	cmd.Dir = filepath.Dir(fn.Binary)
	cmd.Env = environment(fn)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// A function process that outlives rie would hold the output pipe open forever.
	cmd.WaitDelay = 2 * time.Second
	e := &Emulator{cmd: cmd, addr: addr, rtAddr: rtAddr, out: out, done: make(chan struct{}),
		url:    "http://" + addr + "/2015-03-31/functions/function/invocations",
		client: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}}
	e.Started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting aws-lambda-rie: %w", err)
	}
	go func() { cmd.Wait(); close(e.done) }()
	return e, nil
}

func environment(fn Function) []string {
	timeout := max(1, int((fn.Timeout+time.Second-1)/time.Second))
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"AWS_LAMBDA_FUNCTION_NAME=" + fn.Name,
		"AWS_LAMBDA_FUNCTION_TIMEOUT=" + strconv.Itoa(timeout)}
	if fn.MemoryMB > 0 {
		env = append(env, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE="+strconv.Itoa(fn.MemoryMB))
	}
	return append(env, fn.Env...)
}

// freePorts asks the kernel for n distinct free loopback ports. They are released before
// rie binds them; Ready notices the rare case where another process took one meanwhile.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("finding a free port: %w", err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// Ready waits until the emulator listens. It fails, with rie's output, when the process
// exits first, which is how a port lost to another process shows up.
func (e *Emulator) Ready(ctx context.Context) error {
	if err := e.listening(ctx, 5*time.Millisecond); err != nil {
		return err
	}
	// A listener may be someone else's: give our process a moment to fail on its port.
	select {
	case <-e.done:
		return fmt.Errorf("aws-lambda-rie exited: %s or %s is held by another process", e.addr, e.rtAddr)
	case <-time.After(20 * time.Millisecond):
		return nil
	}
}

// listening polls until both of rie's ports accept connections. rie accepts invocations
// before its runtime API listens: a function started in between cannot reach the API and
// exits, and rie answers 502. Waiting for both closes that race.
func (e *Emulator) listening(ctx context.Context, every time.Duration) error {
	for _, addr := range []string{e.addr, e.rtAddr} {
		for {
			if e.Exited() {
				return fmt.Errorf("aws-lambda-rie exited before listening on %s", addr)
			}
			c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
			if err == nil {
				c.Close()
				break
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("aws-lambda-rie did not listen on %s: %w", addr, ctx.Err())
			case <-time.After(every):
			}
		}
	}
	return nil
}

// Exited reports whether the rie process has ended.
func (e *Emulator) Exited() bool {
	select {
	case <-e.done:
		return true
	default:
		return false
	}
}

// Result is rie's answer to one invocation.
type Result struct {
	// Status is rie's HTTP status: 200 for a completed invocation (even one whose function
	// returned an error), 502 when the runtime failed to start or crashed.
	Status int
	// Payload is the function's response, or its error document.
	Payload []byte
	// FunctionError is set when the function failed: the X-Amz-Function-Error header real
	// Lambda sends, else the error document or timeout text rie returns instead.
	FunctionError string
}

// Err describes why the invocation did not succeed, or is nil.
func (r Result) Err() error {
	switch {
	case r.Status != http.StatusOK:
		return fmt.Errorf("aws-lambda-rie answered HTTP %d (runtime failed to start or crashed): %s", r.Status, r.Payload)
	case r.FunctionError != "":
		return fmt.Errorf("function error: %s", r.FunctionError)
	}
	return nil
}

// Invoke sends one event and waits for the function's answer. Connection errors are
// returned as errors (the emulator may not listen yet); function failures are in Result.
func (e *Emulator) Invoke(ctx context.Context, event []byte) (Result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(event))
	if err != nil {
		return Result{}, err
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return Result{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return Result{}, err
	}
	return Result{Status: resp.StatusCode, Payload: body,
		FunctionError: functionError(resp.Header.Get("X-Amz-Function-Error"), body)}, nil
}

// functionError recognises a failed invocation: rie returns 200 for those too, with the
// runtime's error document ({"errorMessage", "errorType"}) or a timeout notice as body.
func functionError(header string, body []byte) string {
	if header != "" {
		return header + ": " + string(body)
	}
	if bytes.HasPrefix(body, []byte("Task timed out")) {
		return string(body)
	}
	var doc struct {
		ErrorMessage *string `json:"errorMessage"`
		ErrorType    *string `json:"errorType"`
	}
	if json.Unmarshal(body, &doc) == nil && (doc.ErrorType != nil || doc.ErrorMessage != nil) {
		return string(body)
	}
	return ""
}

// Output is everything rie and the function have printed so far.
func (e *Emulator) Output() string { return e.out.String() }

// Stop kills rie and the function it started, and waits for them. rie puts the function in
// a process group of its own, so killing rie's group alone would leave the function running:
// rie's children and their groups are killed too.
func (e *Emulator) Stop() {
	if e.cmd.Process != nil && !e.Exited() {
		pid := e.cmd.Process.Pid
		for _, child := range children(pid) {
			syscall.Kill(-child, syscall.SIGKILL)
			syscall.Kill(child, syscall.SIGKILL)
		}
		syscall.Kill(-pid, syscall.SIGKILL)
	}
	select {
	case <-e.done:
	case <-time.After(10 * time.Second):
	}
	e.client.CloseIdleConnections()
}

// InvokeUntilReady waits for the emulator to listen and invokes it, the way a caller waits
// on a cold start, and returns the first answer with the time since the process started.
// The answer must be a success accepted by accept (nil: any). It gives up when the emulator
// exits or ctx ends.
func (e *Emulator) InvokeUntilReady(ctx context.Context, event []byte, accept func(Result) error) (Result, time.Duration, error) {
	if err := e.listening(ctx, 500*time.Microsecond); err != nil {
		return Result{}, 0, err
	}
	for {
		r, err := e.Invoke(ctx, event)
		if err == nil {
			elapsed := time.Since(e.Started)
			if e.Exited() {
				return r, 0, fmt.Errorf("aws-lambda-rie exited: the answer came from another process on %s", e.addr)
			}
			if err = r.Err(); err == nil && accept != nil {
				err = accept(r)
			}
			return r, elapsed, err
		}
		if e.Exited() {
			return Result{}, 0, errors.New("aws-lambda-rie exited before answering")
		}
		select {
		case <-ctx.Done():
			return Result{}, 0, fmt.Errorf("no answer: %w (last error: %v)", ctx.Err(), err)
		case <-time.After(500 * time.Microsecond):
		}
	}
}

// children lists the direct children of pid (Linux /proc; empty elsewhere).
func children(pid int) []int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	var pids []int
	for _, t := range tasks {
		raw, _ := os.ReadFile(t)
		for _, f := range strings.Fields(string(raw)) {
			if n, err := strconv.Atoi(f); err == nil {
				pids = append(pids, n)
			}
		}
	}
	return pids
}

// syncBuffer collects rie's output, written by two pipes' goroutines at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
