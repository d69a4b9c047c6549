// Package localpg runs the local platform's private Postgres: a cluster under LOCAL_DIR/pg,
// created with the system's PostgreSQL binaries on first use, listening on loopback only,
// with a generated password. Several processes (make run, a CLI command in a second terminal,
// test binaries) can ask for it at once: a file lock makes one of them start it.
package localpg

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cluster is a private Postgres cluster in Dir.
type Cluster struct {
	Dir string // LOCAL_DIR/pg
	// Log receives progress lines ("initialising ...", "started on port ..."); may be nil.
	Log func(format string, args ...any)
}

// Server is a running cluster: how to reach it and whether this process started it.
type Server struct {
	Port     int
	Password string
	Started  bool // true when this call started the server (and so should stop it)
	cluster  Cluster
}

const dbUser = "propertypro"

// New returns the cluster under localDir/pg.
func New(localDir string) Cluster {
	abs, err := filepath.Abs(filepath.Join(localDir, "pg"))
	if err != nil {
		abs = filepath.Join(localDir, "pg")
	}
	return Cluster{Dir: abs}
}

// URL is the connection URL of database name on this server.
func (s Server) URL(name string) string {
	return fmt.Sprintf("postgres://%s:%s@127.0.0.1:%d/%s?sslmode=disable", dbUser, s.Password, s.Port, name)
}

// Stop stops the server (fast shutdown: open sessions are ended, data is safe).
func (s Server) Stop() error {
	return s.cluster.pgctl("stop", "-m", "fast", "-w")
}

// Ensure initialises the cluster if needed, starts it if it is not running, and creates the
// databases named. It is safe to call from several processes at once.
func (c Cluster) Ensure(ctx context.Context, databases ...string) (Server, error) {
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return Server{}, err
	}
	if err := reachable(c.Dir); err != nil {
		return Server{}, err
	}
	unlock, err := lockFile(filepath.Join(c.Dir, "lock"))
	if err != nil {
		return Server{}, err
	}
	defer unlock()
	if _, err := os.Stat(filepath.Join(c.dataDir(), "PG_VERSION")); err != nil {
		if err := c.initdb(); err != nil {
			return Server{}, err
		}
	}
	pw, err := os.ReadFile(filepath.Join(c.Dir, "password"))
	if err != nil {
		return Server{}, fmt.Errorf("private Postgres: reading password: %w", err)
	}
	srv := Server{Password: strings.TrimSpace(string(pw)), cluster: c}
	if srv.Port, err = c.runningPort(); err != nil {
		if srv.Port, err = c.start(); err != nil {
			return Server{}, err
		}
		srv.Started = true
	}
	return srv, srv.createDatabases(ctx, databases)
}

func (c Cluster) dataDir() string { return filepath.Join(c.Dir, "data") }
func (c Cluster) runDir() string  { return filepath.Join(c.Dir, "run") }

func (c Cluster) logf(format string, args ...any) {
	if c.Log != nil {
		c.Log(format, args...)
	}
}

// initdb creates the cluster with a random password for the propertypro superuser.
func (c Cluster) initdb() error {
	c.logf("initialising a private Postgres cluster in %s (first run only)", c.dataDir())
	pw := randomHex(24)
	pwFile := filepath.Join(c.Dir, "initpw")
	if err := os.WriteFile(pwFile, []byte(pw+"\n"), 0o644); err != nil {
		return err
	}
	defer os.Remove(pwFile)
	for _, d := range []string{c.dataDir(), c.runDir()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
		if err := c.chown(d); err != nil {
			return err
		}
	}
	out, err := c.command("initdb", "-D", c.dataDir(), "-U", dbUser, "--pwfile", pwFile,
		"--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8").CombinedOutput()
	if err != nil {
		os.RemoveAll(c.dataDir())
		return fmt.Errorf("initdb failed: %v\n%s", err, out)
	}
	return os.WriteFile(filepath.Join(c.Dir, "password"), []byte(pw+"\n"), 0o600)
}

// runningPort returns the port of a server already running on this data directory.
func (c Cluster) runningPort() (int, error) {
	if err := c.pgctl("status"); err != nil {
		return 0, err
	}
	pid, err := os.ReadFile(filepath.Join(c.dataDir(), "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	lines := strings.Split(string(pid), "\n")
	if len(lines) < 4 {
		return 0, errors.New("postmaster.pid is incomplete")
	}
	return strconv.Atoi(strings.TrimSpace(lines[3]))
}

// start launches the server on the remembered port, or on a free one when that is taken.
func (c Cluster) start() (int, error) {
	port := c.rememberedPort()
	if port == 0 || !portFree(port) {
		p, err := freePort()
		if err != nil {
			return 0, err
		}
		port = p
	}
	c.logf("starting private Postgres on 127.0.0.1:%d", port)
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=200", port, c.runDir())
	logFile := filepath.Join(c.Dir, "postgres.log")
	if err := touchOwned(c, logFile); err != nil {
		return 0, err
	}
	if err := c.pgctl("start", "-w", "-t", "60", "-l", logFile, "-o", opts); err != nil {
		tail, _ := os.ReadFile(logFile)
		return 0, fmt.Errorf("starting Postgres: %v\n%s", err, lastLines(string(tail), 15))
	}
	return port, os.WriteFile(filepath.Join(c.Dir, "port"), []byte(strconv.Itoa(port)), 0o644)
}

func (c Cluster) rememberedPort() int {
	b, err := os.ReadFile(filepath.Join(c.Dir, "port"))
	if err != nil {
		return 0
	}
	p, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return p
}

func (c Cluster) pgctl(args ...string) error {
	args = append([]string{"-D", c.dataDir()}, args...)
	cmd := c.command("pg_ctl", args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl %s: %v: %s", args[2], err, strings.TrimSpace(string(out)))
	}
	return nil
}

// command runs a PostgreSQL binary, as an unprivileged user when we are root: initdb and
// postgres refuse to run as root.
func (c Cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(binary(name), args...)
	cmd.Dir = c.Dir
	if uid, gid, ok := serviceUser(); ok {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: gid}}
		cmd.Env = append(os.Environ(), "HOME="+c.Dir)
	}
	// Detach from our process group so Ctrl-C in a terminal reaches us, not the server; we
	// stop it ourselves, cleanly.
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	return cmd
}

func (c Cluster) chown(path string) error {
	if uid, gid, ok := serviceUser(); ok {
		return os.Chown(path, int(uid), int(gid))
	}
	return nil
}

func touchOwned(c Cluster, path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	f.Close()
	return c.chown(path)
}

// serviceUser is the unprivileged account Postgres runs as when we are root.
func serviceUser() (uid, gid uint32, ok bool) {
	if os.Geteuid() != 0 {
		return 0, 0, false
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return uint32(uid), uint32(gid), true
	}
	return 65534, 65534, true
}

// reachable checks, when Postgres must run as another user, that it can traverse every
// folder down to dir: a home folder with mode 700 would make initdb fail obscurely.
func reachable(dir string) error {
	uid, _, ok := serviceUser()
	if !ok {
		return nil
	}
	for d := dir; ; d = filepath.Dir(d) {
		info, err := os.Stat(d)
		if err != nil {
			return err
		}
		st, _ := info.Sys().(*syscall.Stat_t)
		if info.Mode().Perm()&0o001 == 0 && (st == nil || st.Uid != uid) {
			return fmt.Errorf("Postgres runs as an unprivileged user that cannot enter %s: run `chmod o+x %s` "+
				"or set LOCAL_DIR to a folder it can reach (e.g. /var/tmp/propertypro)", d, d)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// binary finds a PostgreSQL program on PATH, else in the newest /usr/lib/postgresql/*/bin.
func binary(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, name)); err == nil {
			return filepath.Join(d, name)
		}
	}
	return name
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// createDatabases creates each missing database; concurrent creators are tolerated.
func (s Server) createDatabases(ctx context.Context, names []string) error {
	if len(names) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		return fmt.Errorf("connecting to private Postgres: %w", err)
	}
	defer conn.Close(ctx)
	for _, name := range names {
		var exists bool
		if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
			return err
		}
		if exists {
			continue
		}
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil &&
			!strings.Contains(err.Error(), "already exists") {
			return fmt.Errorf("creating database %s: %w", name, err)
		}
	}
	return nil
}

func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func portFree(p int) bool {
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
