package knowledgestore_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/ai"
	"github.com/propertypro/propertypro/shared/ai/offline"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/document"
	"github.com/propertypro/propertypro/shared/knowledge"
	"github.com/propertypro/propertypro/shared/postgres/knowledgestore"
	"github.com/propertypro/propertypro/shared/testkit"
	"github.com/propertypro/propertypro/shared/vector"
	"github.com/propertypro/propertypro/shared/vectormem"
)

// downStore is a vector store whose server is gone; it counts the queries it refused.
type downStore struct {
	vector.Store
	queries *int
}

func (d downStore) Query(context.Context, string, vector.Query) ([]vector.Match, error) {
	*d.queries++
	return nil, apperr.New(apperr.Unavailable, "chroma is down")
}

func failing(context.Context, ai.Request) (ai.Response, error) {
	return ai.Response{}, apperr.New(apperr.Unavailable, "provider down")
}

func TestKnowledgeEndToEnd(t *testing.T) {
	ctx := context.Background()
	db := testkit.DB(t)
	var brokerage, agent string
	kmust(t, db.QueryRow(ctx, `INSERT INTO brokerages (name) VALUES ('Marina Crest') RETURNING id::text`).Scan(&brokerage))
	kmust(t, db.QueryRow(ctx, `INSERT INTO users (brokerage_id, email, full_name, password_hash, role)
		VALUES ($1, 'sara@crest.ae', 'Sara', 'x', 'agent') RETURNING id::text`, brokerage).Scan(&agent))
	a := access.Actor{UserID: agent, BrokerageID: brokerage, Role: access.Agent}
	vs, err := vectormem.New(vectormem.Settings{Dir: t.TempDir()})
	kmust(t, err)
	emb := offline.NewEmbedder(768)
	chain := ai.NewChain(ai.ChainSettings{Observe: knowledge.Observe},
		ai.Provider{Name: "gemini", Generator: ai.GeneratorFunc(failing)},
		ai.Provider{Name: "offline", Generator: offline.NewGenerator(offline.GeneratorSettings{Embedder: emb}), Degraded: true})
	svc := &knowledge.Service{Repo: knowledgestore.NewKnowledge(db), Vectors: vs, Embedder: emb, Generator: chain,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Limits: document.Limits{MaxFileSize: 50 << 20}}

	dir := filepath.Join(seedRoot(t), "documents")
	questions := map[string]string{
		"company_policies.txt":  "How long do we have to submit offers after a viewing?",
		"company_policies.docx": "What do closing costs include?",
		"legal_guidelines.pdf":  "Who licenses agents and where are disputes resolved?",
		"market_report.docx":    "What is the average price per sq ft in Dubai Healthcare City?",
		"property_brochure.pdf": "Tell me about the penthouse in Al Mankhool building 927",
	}
	docs := map[string]string{}
	for name := range questions {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Skipf("seed documents not available: %v", err)
		}
		d, err := svc.NewDocument(ctx, brokerage, agent, name, "", 0)
		kmust(t, err)
		d, err = svc.Process(ctx, d, data)
		kmust(t, err)
		again, err := svc.Process(ctx, d, data)
		kmust(t, err)
		if again.Chunks != d.Chunks {
			t.Errorf("%s: processing twice changed the chunks", name)
		}
		docs[name] = d.ID
		if d.Status != knowledge.StatusReady && d.Status != knowledge.StatusDuplicate {
			t.Fatalf("%s: status %s (%s)", name, d.Status, d.Error)
		}
	}
	for name, q := range questions {
		t.Run("cites "+name, func(t *testing.T) {
			ans, err := svc.Chat(ctx, a, q, "")
			kmust(t, err)
			if !ans.Degraded || ans.Provider != "offline" {
				t.Errorf("provider %s degraded %v, want the offline fallback", ans.Provider, ans.Degraded)
			}
			found := false
			for _, c := range ans.Citations {
				found = found || c.ID == docs[name] || strings.HasPrefix(name, c.Title+".")
			}
			if !found {
				t.Errorf("%q: citations %+v do not include %s\n%s", q, ans.Citations, name, ans.Answer)
			}
		})
	}

	t.Run("vector store down: full text answers, and the store rests", func(t *testing.T) {
		queries := 0
		now := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
		down := &knowledge.Service{Repo: svc.Repo, Vectors: downStore{vs, &queries}, Embedder: emb, Generator: chain,
			Log: svc.Log, Now: func() time.Time { return now }}
		for range 2 {
			r, err := down.Retrieve(ctx, knowledge.ScopeOf(a), "escrow accounts for off-plan sales", 5)
			kmust(t, err)
			if r.Mode != "fulltext" || len(r.Hits) == 0 || r.Hits[0].SourceID != docs["legal_guidelines.pdf"] {
				t.Fatalf("mode %s hits %+v", r.Mode, r.Hits)
			}
		}
		if queries != 1 {
			t.Errorf("the failed store was asked %d times in its cool-down, want once", queries)
		}
		now = now.Add(time.Minute)
		_, err := down.Retrieve(ctx, knowledge.ScopeOf(a), "escrow", 5)
		kmust(t, err)
		if queries != 2 {
			t.Errorf("the store was not asked again after its cool-down")
		}
	})

	t.Run("other brokerages see nothing", func(t *testing.T) {
		r, err := svc.Retrieve(ctx, knowledge.Scope{BrokerageID: "00000000-0000-4000-8000-000000000009"}, "escrow", 5)
		kmust(t, err)
		if len(r.Hits) != 0 {
			t.Fatalf("hits %+v", r.Hits)
		}
	})

	t.Run("discriminatory request refused and queued for review", func(t *testing.T) {
		ans, err := svc.Chat(ctx, a, "Find me tenants for my flat but no Indians please", "")
		kmust(t, err)
		if ans.Answer != knowledge.Refusal || ans.ReviewID == "" {
			t.Fatalf("answer %q review %q", ans.Answer, ans.ReviewID)
		}
		rs, err := knowledgestore.NewKnowledge(db).Reviews(ctx, brokerage, "pending", 10)
		kmust(t, err)
		if len(rs) == 0 {
			t.Fatal("no review queued")
		}
		r, err := knowledgestore.NewKnowledge(db).DecideReview(ctx, access.Actor{UserID: agent, BrokerageID: brokerage, Role: access.Reviewer},
			ans.ReviewID, knowledge.Decision{Action: "approve"})
		kmust(t, err)
		if r.Status != knowledge.ReviewApproved {
			t.Fatalf("status %s", r.Status)
		}
	})

	t.Run("property search from SQL", func(t *testing.T) {
		_, err := db.Exec(ctx, `INSERT INTO listings (brokerage_id, agent_id, reference, title, purpose, property_type,
			community_id, price_aed, bedrooms, status, permit_number, permit_expiry)
			SELECT $1, $2, 'MC-1', '3BR marina view', 'sale', 'apartment', l.id, 2400000, 3, 'active', '123456', now() + interval '1 year'
			FROM locations l WHERE l.slug LIKE '%marina%' AND l.kind = 'community' LIMIT 1`, brokerage, agent)
		kmust(t, err)
		ans, err := svc.Chat(ctx, a, "3-bed in Dubai Marina under 2.5M", "")
		kmust(t, err)
		if ans.Intent != knowledge.IntentPropertySearch || len(ans.Citations) != 1 || ans.Citations[0].Kind != "listing" {
			t.Fatalf("%+v", ans)
		}
		none, err := svc.Chat(ctx, a, "3-bed in Dubai Marina under 2M", ans.ConversationID)
		kmust(t, err)
		if none.Retrieval == "sql" && len(none.Citations) != 0 {
			t.Fatalf("a listing over budget was found: %+v", none)
		}
		c, err := knowledgestore.NewKnowledge(db).Conversation(ctx, a, ans.ConversationID)
		kmust(t, err)
		if len(c.Messages) != 4 {
			t.Fatalf("conversation has %d messages", len(c.Messages))
		}
		var calls int
		kmust(t, db.QueryRow(ctx, `SELECT count(*) FROM ai_calls WHERE brokerage_id = $1 AND provider = 'gemini' AND outcome = 'error'`, brokerage).Scan(&calls))
		if calls == 0 {
			t.Error("failed provider calls are not in the governance log")
		}
		if _, err := svc.Sync(ctx, 100); err != nil {
			t.Fatal(err)
		}
		var chunk int
		kmust(t, db.QueryRow(ctx, `SELECT count(*) FROM knowledge_chunks WHERE kind = 'listing' AND body LIKE '%MC-1%'`).Scan(&chunk))
		if chunk != 1 {
			t.Error("the listing is not in the knowledge base")
		}
	})
}

func seedRoot(t *testing.T) string {
	root, err := testkit.RepoRoot()
	kmust(t, err)
	return filepath.Join(root, "..", "shared", "seed-data")
}

func kmust(t *testing.T, err error) {
	t.Helper()
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(strings.TrimSpace(err.Error()))
	}
}
