package knowledgestore_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/propertypro/propertypro/shared/ai/offline"
	"github.com/propertypro/propertypro/shared/document"
	"github.com/propertypro/propertypro/shared/knowledge"
	"github.com/propertypro/propertypro/shared/postgres/knowledgestore"
	"github.com/propertypro/propertypro/shared/testkit"
	"github.com/propertypro/propertypro/shared/vector"
	"github.com/propertypro/propertypro/shared/vectormem"
)

// vectorHits returns the ids of the chunks of source that the vector side of retrieval found.
func vectorHits(t *testing.T, svc *knowledge.Service, scope knowledge.Scope, question, source string) []string {
	t.Helper()
	r, err := svc.Retrieve(context.Background(), scope, question, 5)
	kmust(t, err)
	var out []string
	for _, h := range r.Hits {
		if h.SourceID == source && h.VectorScore > 0 {
			out = append(out, h.ID)
		}
	}
	return out
}

// The vector store can be rebuilt from the chunks in Postgres: after the embedded store is
// wiped, vector search finds nothing until a reindex, then finds the document again; a second
// reindex changes nothing, one brokerage can be rebuilt alone, and a clean rebuild drops
// vectors whose chunks are gone.
func TestReindexRebuildsTheVectorStore(t *testing.T) {
	ctx := context.Background()
	db := testkit.DB(t)
	var palm, dune string
	kmust(t, db.QueryRow(ctx, `INSERT INTO brokerages (name) VALUES ('Palm Homes') RETURNING id::text`).Scan(&palm))
	kmust(t, db.QueryRow(ctx, `INSERT INTO brokerages (name) VALUES ('Dune Realty') RETURNING id::text`).Scan(&dune))
	dir := t.TempDir()
	vs, err := vectormem.New(vectormem.Settings{Dir: dir})
	kmust(t, err)
	repo := knowledgestore.NewKnowledge(db)
	svc := &knowledge.Service{Repo: repo, Vectors: vs, Embedder: offline.NewEmbedder(256),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Limits: document.Limits{MaxFileSize: 1 << 20}}
	ingest := func(brokerage, name, text string) knowledge.Document {
		d, err := svc.NewDocument(ctx, brokerage, "", name, "", knowledge.VisibleToAll)
		kmust(t, err)
		d, err = svc.Process(ctx, d, []byte(text))
		kmust(t, err)
		if d.Status != knowledge.StatusReady || d.Chunks == 0 {
			t.Fatalf("%s: %s %s", name, d.Status, d.Error)
		}
		return d
	}
	question := "What is the service charge per square foot at Marina Gate?"
	doc := ingest(palm, "marina-gate.txt", "Marina Gate service charges are AED 18 per square foot per year, "+
		"billed quarterly by the owners association. Chiller fees are separate.")
	ingest(dune, "dune-policy.txt", "Dune Realty accepts offers by e-mail within two working days of a viewing.")
	palmScope := knowledge.Scope{BrokerageID: palm, Visibility: knowledge.VisibleToAll}
	if len(vectorHits(t, svc, palmScope, question, doc.ID)) == 0 {
		t.Fatal("the ingested document is not found by vector search")
	}
	var chunks, palmChunks int
	kmust(t, db.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE brokerage_id = $1) FROM knowledge_chunks`, palm).Scan(&chunks, &palmChunks))

	// The embedded store is lost.
	kmust(t, vs.Close())
	kmust(t, os.RemoveAll(dir))
	vs, err = vectormem.New(vectormem.Settings{Dir: dir})
	kmust(t, err)
	svc.Vectors = vs
	if len(vectorHits(t, svc, palmScope, question, doc.ID)) != 0 {
		t.Fatal("a wiped store still finds the document")
	}

	var seen []int
	n, err := svc.Reindex(ctx, repo, knowledge.ReindexOptions{BrokerageID: palm, Batch: 1,
		Progress: func(done, total int) { seen = append(seen, done) }})
	kmust(t, err)
	if n != palmChunks || len(seen) != palmChunks || seen[len(seen)-1] != palmChunks {
		t.Fatalf("one brokerage: reindexed %d of %d chunks, progress %v", n, palmChunks, seen)
	}
	if got, _ := vs.Count(ctx, knowledge.Collection); got != palmChunks {
		t.Fatalf("store holds %d vectors after reindexing one brokerage, want %d", got, palmChunks)
	}
	if len(vectorHits(t, svc, palmScope, question, doc.ID)) == 0 {
		t.Fatal("after the reindex vector search still does not find the document")
	}
	for range 2 { // every brokerage, twice: the same store
		n, err := svc.Reindex(ctx, repo, knowledge.ReindexOptions{})
		kmust(t, err)
		if got, _ := vs.Count(ctx, knowledge.Collection); n != chunks || got != chunks {
			t.Fatalf("reindexed %d, store holds %d, want %d", n, got, chunks)
		}
	}

	// A vector whose chunk is gone from Postgres survives a plain reindex, not a clean one.
	orphan := vector.Item{ID: "gone#0", Vector: make([]float32, 256), Document: "deleted",
		Metadata: map[string]any{"brokerage_id": palm, "visibility": 0, "kind": "document", "source_id": "gone", "title": "", "model": "x"}}
	orphan.Vector[0] = 1
	shared := vector.Item{ID: "gone-report#0", Vector: orphan.Vector, Document: "deleted report",
		Metadata: map[string]any{"brokerage_id": knowledge.Shared, "visibility": 0, "kind": "market_report", "source_id": "gone-report",
			"title": "", "model": "x", "owner": knowledge.NoOwner}}
	kmust(t, vs.Upsert(ctx, knowledge.Collection, []vector.Item{orphan, shared}))
	_, err = svc.Reindex(ctx, repo, knowledge.ReindexOptions{Clean: true})
	kmust(t, err)
	if got, _ := vs.Get(ctx, knowledge.Collection, []string{"gone#0", "gone-report#0"}); len(got) != 0 {
		t.Errorf("a clean reindex kept the vectors of deleted chunks: %v", got)
	}
	if got, _ := vs.Count(ctx, knowledge.Collection); got != chunks {
		t.Errorf("after a clean reindex the store holds %d vectors, want %d", got, chunks)
	}
	if _, err := svc.Reindex(ctx, repo, knowledge.ReindexOptions{BrokerageID: "not-a-uuid"}); err == nil {
		t.Error("a malformed brokerage id was accepted")
	}
}
