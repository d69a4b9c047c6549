package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/propertypro/propertypro/shared/testkit"
)

// The README's configuration table is what `propertypro config --markdown` prints.
func TestReadmeConfigurationTable(t *testing.T) {
	root, err := testkit.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Configuration\n")
	if !ok {
		t.Fatal("README has no Configuration section")
	}
	var table []string
	for _, line := range strings.Split(section, "\n") {
		if strings.HasPrefix(line, "## ") {
			break
		}
		if strings.HasPrefix(line, "|") {
			table = append(table, line)
		}
	}
	var want bytes.Buffer
	configMarkdown(&want)
	if got := strings.Join(table, "\n") + "\n"; got != want.String() {
		t.Errorf("README's configuration table differs from `propertypro config --markdown`; paste its output:\n%s", want.String())
	}
}
