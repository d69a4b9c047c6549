// Command secretscan scans the repository's files (tracked and new, not ignored) for
// committed credentials and exits 1 when it finds any: the secret gate of `make security`.
package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/propertypro/propertypro/shared/secretscan"
)

// skipped are files no person writes: lock files and generated bundles.
var skipped = []string{"go.sum", "package-lock.json", ".svg", ".png", ".jpg", ".pdf", ".xlsx", ".docx", ".zip"}

func main() {
	files := os.Args[1:]
	if len(files) == 0 {
		out, err := exec.Command("git", "ls-files", "-co", "--exclude-standard").Output()
		if err != nil {
			fmt.Fprintln(os.Stderr, "secretscan: git ls-files:", err)
			os.Exit(2)
		}
		files = strings.Fields(string(out))
	}
	found := 0
	for _, f := range files {
		if skip(f) {
			continue
		}
		data, err := os.ReadFile(f) // #nosec G304 G703 -- the operator names the files (or git lists them): reading them is the point
		if err != nil || bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0 {
			continue // deleted in the work tree, or binary
		}
		fs, err := secretscan.Scan(f, bytes.NewReader(data))
		if err != nil {
			fmt.Fprintf(os.Stderr, "secretscan: %s: %v\n", f, err)
			os.Exit(2)
		}
		for _, x := range fs {
			fmt.Printf("%s:%d: %s: %s\n", x.File, x.Line, x.Rule, x.Excerpt)
		}
		found += len(fs)
	}
	if found > 0 {
		fmt.Fprintf(os.Stderr, "secretscan: %d suspected secret(s): rotate them, then remove them (or mark a fake with %q)\n",
			found, secretscan.AllowMarker)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "secretscan: %d files clean\n", len(files))
}

func skip(f string) bool {
	for _, s := range skipped {
		if strings.HasSuffix(f, s) {
			return true
		}
	}
	return strings.HasPrefix(filepath.ToSlash(f), "cdk.out/")
}
