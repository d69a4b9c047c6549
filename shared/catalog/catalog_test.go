package catalog_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/catalog"
	"github.com/propertypro/propertypro/shared/schedule"
	"github.com/propertypro/propertypro/shared/testkit"
)

func root(t *testing.T) string {
	t.Helper()
	r, err := testkit.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// The manifest, the function folders, the sample events and the builders must never drift.
func TestManifestFoldersEventsAndBuildersAgree(t *testing.T) {
	r := root(t)
	builders := catalog.Builders()
	inManifest := map[string]bool{}
	for _, fn := range functions.Manifest {
		inManifest[fn.Name] = true
		t.Run(fn.Name, func(t *testing.T) {
			main, err := os.ReadFile(filepath.Join(r, "functions", fn.Name, "main.go"))
			if err != nil {
				t.Fatalf("functions/%s/main.go is missing", fn.Name)
			}
			if !strings.Contains(string(main), `platform.Start("`+fn.Name+`"`) {
				t.Errorf("functions/%s/main.go does not start %q", fn.Name, fn.Name)
			}
			evs, _ := filepath.Glob(filepath.Join(r, "events", fn.Name, "*.json"))
			if len(evs) == 0 {
				t.Errorf("events/%s/ has no sample event", fn.Name)
			}
			for _, ev := range evs {
				if b, err := os.ReadFile(ev); err != nil || !json.Valid(b) {
					t.Errorf("%s is not valid JSON", ev)
				}
			}
			if builders[fn.Name] == nil {
				t.Errorf("shared/catalog has no builder for %s", fn.Name)
			}
		})
	}
	dirs, _ := os.ReadDir(filepath.Join(r, "functions"))
	for _, d := range dirs {
		if d.IsDir() && !inManifest[d.Name()] {
			t.Errorf("functions/%s has no manifest entry", d.Name())
		}
	}
	evDirs, _ := os.ReadDir(filepath.Join(r, "events"))
	for _, d := range evDirs {
		if d.IsDir() && !inManifest[d.Name()] {
			t.Errorf("events/%s has no manifest entry", d.Name())
		}
	}
	for name := range builders {
		if !inManifest[name] {
			t.Errorf("builder %s has no manifest entry", name)
		}
	}
}

func TestManifestEntriesAreWellFormed(t *testing.T) {
	names, routes, queues := map[string]bool{}, map[string]bool{}, map[string]bool{}
	route := regexp.MustCompile(`^(GET|POST|PUT|PATCH|DELETE) /[a-z0-9/{}._-]*$`)
	prefix := map[functions.Kind]string{functions.KindHTTP: "api-", functions.KindTask: "task-", functions.KindSchedule: "cron-"}
	for _, fn := range functions.Manifest {
		t.Run(fn.Name, func(t *testing.T) {
			if names[fn.Name] {
				t.Error("duplicate name")
			}
			names[fn.Name] = true
			if !strings.HasPrefix(fn.Name, prefix[fn.Kind()]) {
				t.Errorf("a %s function's name must start with %q", fn.Kind(), prefix[fn.Kind()])
			}
			if fn.Summary == "" || fn.Timeout <= 0 || fn.MemoryMB < 128 {
				t.Error("summary, timeout and memory (≥ 128 MB) are required")
			}
			switch fn.Kind() {
			case functions.KindHTTP:
				if !route.MatchString(fn.Route) || routes[fn.Route] {
					t.Errorf("route %q is malformed or taken", fn.Route)
				}
				routes[fn.Route] = true
				if _, ok := catalog.Routes()[fn.Name]; !ok {
					t.Error("no operation in shared/api")
				}
			case functions.KindTask:
				if queues[fn.Queue] {
					t.Errorf("queue %s consumed twice", fn.Queue)
				}
				queues[fn.Queue] = true
				if fn.Source != nil && !slices.Contains(functions.Buckets, fn.Source.Bucket) {
					t.Errorf("source bucket %s is not in functions.Buckets", fn.Source.Bucket)
				}
			case functions.KindSchedule:
				if _, err := schedule.Parse(fn.Schedule); err != nil {
					t.Error(err)
				}
			}
		})
	}
}
