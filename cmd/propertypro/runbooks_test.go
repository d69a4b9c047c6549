package main

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
)

// assignment is an environment prefix such as OTEL_TRACES_EXPORTER=stdout.
var assignment = regexp.MustCompile(`^[A-Z_]+=\S*$`)

// Every `propertypro …` command in a runbook parses with the CLI's own parser, so a renamed
// command or flag cannot leave a runbook that fails in the middle of an incident.
func TestRunbookCommandsParse(t *testing.T) {
	pages, _ := filepath.Glob("../../docs/runbooks/*.md")
	if len(pages) < 15 {
		t.Fatalf("runbooks: %d pages, want one per alarm kind and Appendix C item", len(pages))
	}
	checked := 0
	for _, page := range pages {
		for _, args := range runbookCommands(t, page) {
			checked++
			t.Run(filepath.Base(page)+"/"+strings.Join(args, " "), func(t *testing.T) {
				var c cli
				k, err := kong.New(&c, kong.Name("propertypro"), kong.Exit(func(int) {}))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := k.Parse(args); err != nil {
					t.Fatalf("propertypro %s: %v", strings.Join(args, " "), err)
				}
			})
		}
		if body, _ := os.ReadFile(page); filepath.Base(page) != "README.md" {
			for _, section := range []string{"## Detection", "## Diagnosis", "## Mitigation", "## Communication"} {
				if !strings.Contains(string(body), section) {
					t.Errorf("%s lacks %q", page, section)
				}
			}
		}
	}
	if checked < 30 {
		t.Fatalf("only %d commands found in the runbooks", checked)
	}
}

// runbookCommands returns the arguments of every propertypro command line in a page's code
// blocks, without environment prefixes, pipes and comments.
func runbookCommands(t *testing.T, page string) [][]string {
	f, err := os.Open(page)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		line, _, _ = strings.Cut(line, "#")
		line, _, _ = strings.Cut(line, "|")
		for _, cmd := range strings.Split(line, "`") {
			fields := strings.Fields(cmd)
			for len(fields) > 0 && assignment.MatchString(fields[0]) {
				fields = fields[1:]
			}
			if len(fields) < 2 || fields[0] != "propertypro" || strings.Contains(cmd, "--help") ||
				strings.ContainsAny(cmd, "<…") {
				continue
			}
			out = append(out, fields[1:])
		}
	}
	return out
}
