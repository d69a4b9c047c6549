package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/knowledge"
	"github.com/propertypro/propertypro/shared/knowledgewire"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/testkit"
)

// cliEnv is the environment of a command run against a fresh test schema, with LOCAL_DIR dir
// (so the embedded vector store under dir/vectors).
func cliEnv(t *testing.T, schema, dir string) *env {
	t.Helper()
	cfg, err := config.FromLookup(func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	url := testkit.DatabaseURL(t)
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	cfg.DatabaseURL, cfg.LocalDir = url+sep+"search_path="+schema+",public", dir
	return &env{ctx: context.Background(), cfg: cfg, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// foundByMeaning reports whether vector search over the store of e's LOCAL_DIR finds the
// document with source id doc.
func foundByMeaning(t *testing.T, e *env, brokerage, question, doc string) bool {
	t.Helper()
	db, err := e.database(false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fn, _ := functions.Lookup("task-reembed")
	svc, err := knowledgewire.Service(&platform.Boot{Fn: fn, Config: e.cfg, Log: e.log, DB: db.Pool, Runtime: "local"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := svc.Retrieve(e.ctx, knowledge.Scope{BrokerageID: brokerage, Visibility: knowledge.VisibleToAll}, question, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range r.Hits {
		if h.SourceID == doc && h.VectorScore > 0 {
			return true
		}
	}
	return false
}

// `propertypro reindex` rebuilds a lost embedded vector store from the chunks in Postgres: a
// document ingested with `propertypro ingest-doc` is not found by meaning once the store is
// gone, and is again after a reindex, run twice.
func TestReindexCommand(t *testing.T) {
	pool := testkit.DB(t)
	ctx := context.Background()
	var schema, brokerage string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `INSERT INTO brokerages (name) VALUES ('Marina Crest') RETURNING id::text`).Scan(&brokerage); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "marina-gate.txt")
	os.WriteFile(file, []byte("Marina Gate service charges are AED 18 per square foot per year, billed quarterly "+
		"by the owners association. Chiller fees are separate and metered."), 0o644)
	first := cliEnv(t, schema, t.TempDir())
	if err := (ingestDocCmd{File: file, Brokerage: "Marina Crest"}).Run(first); err != nil {
		t.Fatal(err)
	}
	var doc string
	if err := pool.QueryRow(ctx, `SELECT id::text FROM documents`).Scan(&doc); err != nil {
		t.Fatal(err)
	}
	question := "What are the service charges at Marina Gate?"
	if !foundByMeaning(t, first, brokerage, question, doc) {
		t.Fatal("the ingested document is not found by vector search")
	}

	// The store is lost: a fresh LOCAL_DIR stands for a wiped .local/vectors (within one test
	// process the first store stays cached in memory; a new command is a new process).
	wiped := cliEnv(t, schema, t.TempDir())
	if foundByMeaning(t, wiped, brokerage, question, doc) {
		t.Fatal("an empty store finds the document")
	}
	for range 2 {
		if err := (reindexCmd{Brokerage: brokerage, Batch: 500}).Run(wiped); err != nil {
			t.Fatal(err)
		}
	}
	if !foundByMeaning(t, wiped, brokerage, question, doc) {
		t.Fatal("after `propertypro reindex` vector search still does not find the document")
	}
	if err := (reindexCmd{Brokerage: "No Such Realty"}).Run(wiped); err == nil {
		t.Error("an unknown brokerage was accepted")
	}
}

// With several brokerages and none named, the commands refuse to guess and list the choices.
func TestAmbiguousBrokerageListsTheChoices(t *testing.T) {
	pool := testkit.DB(t)
	ctx := context.Background()
	var schema string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO brokerages (name) VALUES ('Dune Realty'), ('Palm Realty')`); err != nil {
		t.Fatal(err)
	}
	e := cliEnv(t, schema, t.TempDir())
	db, err := e.database(false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = findBrokerage(e, db, "")
	if err == nil || !strings.Contains(err.Error(), "Dune Realty (") || !strings.Contains(err.Error(), "Palm Realty (") ||
		!strings.Contains(err.Error(), "--brokerage ID or NAME") {
		t.Fatalf("ambiguous brokerage: %v", err)
	}
	if id, err := findBrokerage(e, db, "Palm Realty"); err != nil || id == "" {
		t.Fatalf("by name: %q %v", id, err)
	}
}
