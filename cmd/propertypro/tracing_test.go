package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/propertypro/propertypro/shared/testkit"
)

// TestMain lets a test run the CLI itself: the test binary re-executed with
// PROPERTYPRO_TEST_MAIN=1 is `propertypro` with the arguments after "--".
func TestMain(m *testing.M) {
	if os.Getenv("PROPERTYPRO_TEST_MAIN") == "1" {
		for i, a := range os.Args {
			if a == "--" {
				os.Args = append([]string{"propertypro"}, os.Args[i+1:]...)
				break
			}
		}
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// OTEL_TRACES_EXPORTER=stdout prints the spans of what a command runs on stderr, as the
// README's `OTEL_TRACES_EXPORTER=stdout make run` promises: the CLI installs the exporter
// the configuration names (it used to be left to Lambda's boot, so the local platform
// printed nothing).
func TestCommandsExportSpans(t *testing.T) {
	pool := testkit.DB(t)
	var schema string
	if err := pool.QueryRow(t.Context(), `SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	e := cliEnv(t, schema, t.TempDir())
	root, _ := testkit.RepoRoot()
	cmd := exec.Command(os.Args[0], "-test.run=^$", "--", "invoke", "api-health-ready",
		filepath.Join(root, "events", "api-health-ready", "get.json"))
	cmd.Env = append(os.Environ(), "PROPERTYPRO_TEST_MAIN=1", "OTEL_TRACES_EXPORTER=stdout", "APP_ENV=local",
		"DATABASE_URL="+e.cfg.DatabaseURL, "LOCAL_DIR="+e.cfg.LocalDir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("propertypro invoke: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), `"statusCode": 200`) {
		t.Fatalf("invoke printed no 200 response:\n%s", stdout.String())
	}
	for _, want := range []string{`"Name":"GET /health/ready"`, `"Name":"sql SELECT"`} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("no span %s on stderr with OTEL_TRACES_EXPORTER=stdout:\n%s", want, stderr.String())
		}
	}
}
