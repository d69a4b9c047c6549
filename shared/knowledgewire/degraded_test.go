package knowledgewire_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/ai"
	"github.com/propertypro/propertypro/shared/ai/providers"
	"github.com/propertypro/propertypro/shared/document"
	"github.com/propertypro/propertypro/shared/knowledge"
	"github.com/propertypro/propertypro/shared/postgres/knowledgestore"
	"github.com/propertypro/propertypro/shared/testkit"
	"github.com/propertypro/propertypro/shared/vectormem"
)

// failure is how a fake provider server fails every call.
type failure int

const (
	status500 failure = iota
	status429
	timeout
)

// failingServer speaks neither API successfully: every request fails as f says, in the
// error JSON of the Gemini API (gemini) or of the OpenAI API.
func failingServer(t *testing.T, gemini bool, f failure, calls *atomic.Int32) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		io.Copy(io.Discard, r.Body)
		if f == timeout {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		status := map[failure]int{status500: 500, status429: 429}[f]
		w.Header().Set("Content-Type", "application/json")
		if f == status429 {
			w.Header().Set("Retry-After", "0.01")
		}
		w.WriteHeader(status)
		if gemini {
			fmt.Fprintf(w, `{"error":{"code":%d,"message":"fake outage","status":"UNAVAILABLE"}}`, status)
		} else {
			io.WriteString(w, `{"error":{"message":"fake outage","type":"server_error","param":null,"code":null}}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

type tenant struct {
	db      *pgxpool.Pool
	actor   access.Actor
	docID   string
	service func(ai.ChainSettings, string, string) *knowledge.Service
}

// newTenant is a brokerage with one processed document and a way to build its assistant
// over a provider chain of the real SDK adapters pointed at base URLs.
func newTenant(t *testing.T) tenant {
	ctx := context.Background()
	db := testkit.DB(t)
	var brokerage, agent string
	if err := db.QueryRow(ctx, `INSERT INTO brokerages (name) VALUES ('Fallback Homes') RETURNING id::text`).Scan(&brokerage); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `INSERT INTO users (brokerage_id, email, full_name, password_hash, role)
		VALUES ($1, 'mira@fallback.ae', 'Mira', 'x', 'agent') RETURNING id::text`, brokerage).Scan(&agent); err != nil {
		t.Fatal(err)
	}
	vs, err := vectormem.New(vectormem.Settings{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	build := func(cs ai.ChainSettings, geminiURL, openaiURL string) *knowledge.Service {
		cs.Observe, cs.Logger = knowledge.Observe, slog.New(slog.NewTextHandler(io.Discard, nil))
		s := providers.Settings{GoogleAPIKey: "fake-g", OpenAIAPIKey: "fake-o", GeminiBaseURL: geminiURL,
			OpenAIBaseURL: openaiURL + "/v1", Chain: cs}
		chain, err := providers.NewChain(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		emb, err := providers.NewEmbedder(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		return &knowledge.Service{Repo: knowledgestore.NewKnowledge(db), Vectors: vs, Embedder: emb, Generator: chain,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Limits: document.Limits{MaxFileSize: 1 << 20}}
	}
	data, err := os.ReadFile(filepath.Join("testdata", "documents", "legal_guidelines.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	svc := build(ai.ChainSettings{}, "http://127.0.0.1:1", "http://127.0.0.1:1")
	d, err := svc.NewDocument(ctx, brokerage, agent, "legal_guidelines.pdf", "", 0)
	if err == nil {
		d, err = svc.Process(ctx, d, data)
	}
	if err != nil {
		t.Fatal(err)
	}
	return tenant{db: db, actor: access.Actor{UserID: agent, BrokerageID: brokerage, Role: access.Agent}, docID: d.ID, service: build}
}

// failures counts the governance log's failed calls per provider.
func (ten tenant) failures(t *testing.T) map[string]int {
	rows, err := ten.db.Query(context.Background(), `SELECT provider, count(*)::int FROM ai_calls
		WHERE brokerage_id = $1 AND outcome = 'error' GROUP BY provider`, ten.actor.BrokerageID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var p string
		var n int
		if err := rows.Scan(&p, &n); err != nil {
			t.Fatal(err)
		}
		out[p] = n
	}
	return out
}

// TestEveryProviderFailing runs the assistant over the real Gemini and OpenAI SDKs against
// servers that fail with 500, 429 or not at all: the offline provider answers, the answer
// is marked degraded, cites its source, and every failed call is in the governance log.
func TestEveryProviderFailing(t *testing.T) {
	ten := newTenant(t)
	tests := []struct {
		name           string
		gemini, openai failure
	}{
		{"gemini 500, openai 429", status500, status429},
		{"gemini timeout, openai 500", timeout, status500},
		{"both 429", status429, status429},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := ten.failures(t)
			var g, o atomic.Int32
			svc := ten.service(ai.ChainSettings{AttemptTimeout: 200 * time.Millisecond, BaseBackoff: time.Millisecond},
				failingServer(t, true, tt.gemini, &g), failingServer(t, false, tt.openai, &o))
			ans, err := svc.Chat(context.Background(), ten.actor, "How much notice must a landlord give to evict for personal use?", "")
			if err != nil {
				t.Fatal(err)
			}
			if !ans.Degraded || ans.Provider != "offline" {
				t.Errorf("provider %s degraded %v, want the offline answer marked degraded", ans.Provider, ans.Degraded)
			}
			if !slices.ContainsFunc(ans.Citations, func(c knowledge.Citation) bool { return c.ID == ten.docID }) {
				t.Errorf("citations %+v lack the document", ans.Citations)
			}
			if g.Load() == 0 || o.Load() == 0 {
				t.Errorf("calls gemini=%d openai=%d: both providers must have been tried", g.Load(), o.Load())
			}
			after := ten.failures(t)
			for _, p := range []string{"gemini", "openai"} {
				if after[p] <= before[p] {
					t.Errorf("the %s failures are not in the governance log", p)
				}
			}
		})
	}
}

// TestTokenBudgetSpent gives the brokerage a daily budget it has already spent: the paid
// providers are not called at all and the offline answer is marked degraded.
func TestTokenBudgetSpent(t *testing.T) {
	ten := newTenant(t)
	budget := knowledgestore.NewAIBudget(ten.db, 1_000_000)
	if err := budget.SetLimit(context.Background(), ten.actor.BrokerageID, 10); err != nil {
		t.Fatal(err)
	}
	var g, o atomic.Int32
	svc := ten.service(ai.ChainSettings{Budget: budget}, failingServer(t, true, status500, &g), failingServer(t, false, status500, &o))
	ans, err := svc.Chat(context.Background(), ten.actor, "Where do tenancy disputes go?", "")
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Degraded || ans.Provider != "offline" || g.Load()+o.Load() != 0 {
		t.Fatalf("provider %s degraded %v, calls %d+%d: want offline without calling paid providers",
			ans.Provider, ans.Degraded, g.Load(), o.Load())
	}
	var skipped int
	if err := ten.db.QueryRow(context.Background(), `SELECT count(*) FROM ai_calls WHERE brokerage_id = $1 AND outcome LIKE 'skipped:budget%'`,
		ten.actor.BrokerageID).Scan(&skipped); err != nil {
		t.Fatal(err)
	}
	if skipped == 0 {
		t.Error("the budget skip is not in the governance log")
	}
}
