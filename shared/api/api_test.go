package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/api"
	"github.com/propertypro/propertypro/shared/catalog"
	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/health"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/testkit"
)

func boot(t *testing.T, name string) *platform.Boot {
	fn, err := functions.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := config.FromLookup(func(string) (string, bool) { return "", false })
	cfg.LocalDir = t.TempDir()
	return &platform.Boot{Fn: fn, Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Runtime: "local"}
}

func serve(t *testing.T, b *platform.Boot, method, path string) *httptest.ResponseRecorder {
	h, err := api.Builder(catalog.Routes()[b.Fn.Name])(b)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.HTTP.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

func TestDocumentCoversEveryHTTPFunction(t *testing.T) {
	doc, err := api.Document(functions.Manifest, catalog.Routes())
	if err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi = %s", doc.OpenAPI)
	}
	for _, fn := range functions.Manifest {
		if fn.Kind() != functions.KindHTTP {
			continue
		}
		item := doc.Paths[fn.Path()]
		if item == nil {
			t.Errorf("%s: path %s missing from the document", fn.Name, fn.Path())
			continue
		}
		var op any
		switch fn.Method() {
		case http.MethodGet:
			op = item.Get
		case http.MethodPost:
			op = item.Post
		case http.MethodPatch:
			op = item.Patch
		case http.MethodPut:
			op = item.Put
		case http.MethodDelete:
			op = item.Delete
		}
		if op == nil {
			t.Errorf("%s: %s missing", fn.Name, fn.Route)
		}
	}
}

func TestOpenAPIFunctionServesTheDocument(t *testing.T) {
	rec := serve(t, boot(t, "api-openapi"), "GET", "/openapi.json")
	var doc map[string]any
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &doc) != nil || doc["openapi"] != "3.1.0" {
		t.Fatalf("%d %s", rec.Code, rec.Body.String()[:min(200, rec.Body.Len())])
	}
}

func TestReadyIs503WhenTheDatabaseIsDown(t *testing.T) {
	b := boot(t, "api-health-ready")
	pool, err := postgres.Open(context.Background(), postgres.Settings{URL: "postgres://x:y@127.0.0.1:1/none?connect_timeout=1"})
	if err != nil {
		t.Fatal(err)
	}
	b.DB = pool
	rec := serve(t, b, "GET", "/health/ready")
	var rep health.Readiness
	json.Unmarshal(rec.Body.Bytes(), &rep)
	if rec.Code != 503 || rep.Status != health.Down || rep.Checks[0].Name != "database" || rep.Checks[0].Error == "" {
		t.Fatalf("%d %s", rec.Code, rec.Body.String())
	}
}

func TestReadyIs200WithTheDatabase(t *testing.T) {
	b := boot(t, "api-health-ready")
	b.DB = testkit.DB(t)
	rec := serve(t, b, "GET", "/health/ready")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"status":"ok"`) {
		t.Fatalf("%d %s", rec.Code, rec.Body.String())
	}
}

func TestUnknownRouteIsProblemJSON(t *testing.T) {
	rec := serve(t, boot(t, "api-health"), "GET", "/nowhere")
	if rec.Code != 404 || rec.Header().Get("Content-Type") != "application/problem+json" ||
		rec.Header().Get("X-Request-Id") == "" {
		t.Fatalf("%d %v %s", rec.Code, rec.Header(), rec.Body.String())
	}
}

func TestEmbeddedDocumentIsCurrent(t *testing.T) {
	want, err := api.DocumentJSON(functions.Manifest, catalog.Routes())
	if err != nil {
		t.Fatal(err)
	}
	root, _ := testkit.RepoRoot()
	got, err := os.ReadFile(root + "/shared/api/openapi.json")
	if err != nil || string(got) != string(want) {
		t.Fatal("shared/api/openapi.json is stale: run `make openapi` and commit it")
	}
}
