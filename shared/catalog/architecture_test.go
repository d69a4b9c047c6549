package catalog_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// edge lists the packages allowed to talk to AWS, SQL, HTTP and SDKs. Every other package
// under shared/ is domain code and must stay free of them: a new package is domain by default.
var edge = map[string]bool{
	"api": true, "ingestapi": true, "knowledgeapi": true, "nurtureapi": true, "apitest": true, "awsx": true, "ingestwire": true, "chroma": true, "catalog": true, "delivery": true, "jobs": true, "lambdahttp": true, "lambdasqs": true,
	"localpg": true, "metrics": true, "knowledgewire": true, "logging": true, "objects": true, "platform": true, "postgres": true, "queue": true, "runner": true,
	"schema": true, "telemetry": true, "testkit": true,
}

var forbidden = []string{"github.com/aws/", "github.com/jackc/", "database/sql", "net/http",
	"github.com/danielgtaylor/huma", "google.golang.org/genai", "github.com/sashabaranov/", "github.com/openai/",
	"github.com/pressly/goose", "go.opentelemetry.io/"}

func TestDomainImportsNoAdapters(t *testing.T) {
	r := root(t)
	dirs, err := os.ReadDir(filepath.Join(r, "shared"))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, d := range dirs {
		if !d.IsDir() || edge[d.Name()] {
			continue
		}
		checked++
		t.Run(d.Name(), func(t *testing.T) {
			cmd := exec.Command("go", "list", "-deps", "./shared/"+d.Name())
			cmd.Dir = r
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("go list: %v\n%s", err, out)
			}
			for _, dep := range strings.Fields(string(out)) {
				for _, f := range forbidden {
					if strings.HasPrefix(dep, f) {
						t.Errorf("domain package shared/%s depends on %s", d.Name(), dep)
					}
				}
			}
		})
	}
	if checked == 0 {
		t.Fatal("no domain package found under shared/")
	}
}
