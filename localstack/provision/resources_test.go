package main

import (
	"bufio"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/propertypro/propertypro/functions"
)

// initScript is LocalStack's init hook, relative to this package.
const initScript = "../init/ready.d/10-resources.sh"

// TestInitScriptMatchesManifest keeps the Docker path's resource names from drifting away from
// functions/manifest.go, which the Docker-free path (this program) reads directly.
func TestInitScriptMatchesManifest(t *testing.T) {
	vars := scriptVars(t, initScript)
	cases := []struct {
		variable string
		want     string
		source   string
	}{
		{"BUCKETS", strings.Join(functions.Buckets, " "), "functions.Buckets"},
		{"QUEUES", queueLine(queueSpecs(functions.Manifest)), "functions.Queues(functions.Manifest) with 6 x each function's timeout"},
	}
	for _, tc := range cases {
		t.Run(tc.variable, func(t *testing.T) {
			got, ok := vars[tc.variable]
			if !ok {
				t.Fatalf("%s has no %s=\"...\" line", initScript, tc.variable)
			}
			if !slices.Equal(sorted(strings.Fields(got)), sorted(strings.Fields(tc.want))) {
				t.Errorf("%s drifted from %s:\n  have %s=%q\n  want %s=%q", initScript, tc.source, tc.variable, got, tc.variable, tc.want)
			}
		})
	}
}

// queueLine writes specs the way the init script lists queues: name:visibility-seconds.
func queueLine(specs []queueSpec) string {
	parts := make([]string, len(specs))
	for i, s := range specs {
		parts[i] = s.Name + ":" + strconv.Itoa(int(s.Visibility/time.Second))
	}
	return strings.Join(parts, " ")
}

var assignment = regexp.MustCompile(`^([A-Z_]+)="([^"$` + "`" + `]*)"$`)

// scriptVars reads the script's top-level NAME="literal" assignments.
func scriptVars(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	vars := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := assignment.FindStringSubmatch(sc.Text()); m != nil {
			vars[m[1]] = m[2]
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return vars
}

func sorted(s []string) []string {
	slices.Sort(s)
	return s
}

func TestQueueSpecs(t *testing.T) {
	task := func(name, queue string, timeout time.Duration) functions.Function {
		return functions.Function{Name: name, Queue: queue, Timeout: timeout}
	}
	cases := []struct {
		name     string
		manifest []functions.Function
		want     []queueSpec
	}{
		{"no tasks", []functions.Function{{Name: "api-health", Route: "GET /health"}}, nil},
		{"six times the timeout", []functions.Function{task("task-ingest", "ingest-files", 5*time.Minute)},
			[]queueSpec{{"ingest-files", 30 * time.Minute}}},
		{"at least thirty seconds", []functions.Function{task("task-ping", "pings", 2*time.Second)},
			[]queueSpec{{"pings", 30 * time.Second}}},
		{"whole seconds, rounded up", []functions.Function{task("task-x", "x", 5600*time.Millisecond)},
			[]queueSpec{{"x", 34 * time.Second}}},
		{"at most twelve hours", []functions.Function{task("task-slow", "slow", 3*time.Hour)},
			[]queueSpec{{"slow", 12 * time.Hour}}},
		{"a shared queue takes the longest", []functions.Function{
			task("task-a", "shared", 10*time.Second), task("task-b", "other", 10*time.Second), task("task-c", "shared", time.Minute),
		}, []queueSpec{{"shared", 6 * time.Minute}, {"other", time.Minute}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, queueSpecs(tc.manifest)); diff != "" {
				t.Errorf("queueSpecs (-want +got):\n%s", diff)
			}
		})
	}
}
