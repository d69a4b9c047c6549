package knowledgestore_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/ai"
	"github.com/propertypro/propertypro/shared/ai/offline"
	"github.com/propertypro/propertypro/shared/knowledge"
	"github.com/propertypro/propertypro/shared/postgres/knowledgestore"
	"github.com/propertypro/propertypro/shared/testkit"
	"github.com/propertypro/propertypro/shared/vectormem"
)

// structuredFixture inserts one row of each structured source the way ingestion writes them.
func structuredFixture(t *testing.T, db *pgxpool.Pool, brokerage, agent string) {
	t.Helper()
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO market_observations (community, community_id, property_type, period, source, avg_price_per_sqft,
			price_change_3m, price_change_1y, transaction_volume, days_on_market, supply_level, demand_level)
		 SELECT 'Jumeirah Village Circle', id, 'residential', '2025-08-23', 'Property Monitor', 1111, 4.5, 12.25, 321, 47, 'medium', 'high'
		 FROM locations WHERE slug = 'jumeirah-village-circle'`,
		`INSERT INTO market_reports (title, report_type, community, property_type, report_date, author, summary, price_trend, sentiment)
		 VALUES ('Waterfront Outlook 2025', 'Quarterly', 'Dubai Creek Harbour', 'luxury', '2025-06-30', 'Layla Haddad',
			'Tower launches along the creek absorbed quickly by end users.', 'increasing', 'positive')`,
		`INSERT INTO community_profiles (name, community_id, avg_price_per_sqft, amenities, transportation, schools, description)
		 SELECT 'Mirdif', id, 980, '{Mirdif City Centre,Mushrif Park}', '{Metro,Bus}', 14, 'Mirdif is a quiet family area near the airport.'
		 FROM locations WHERE slug = 'mirdif'`,
	} {
		if _, err := db.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(ctx, `INSERT INTO listings (brokerage_id, agent_id, reference, title, purpose, property_type,
			community_id, price_aed, bedrooms, status, permit_number, permit_expiry, developer)
		SELECT $1, $2, 'SYNC-7', 'Canal-view duplex', 'sale', 'duplex', id, 3100000, 3, 'active', '123456',
			now() + interval '1 year', 'Omniyat' FROM locations WHERE slug = 'business-bay'`, brokerage, agent); err != nil {
		t.Fatal(err)
	}
}

// TestStructuredKnowledgeSync drives the outbox: rows written by ingestion become cited
// knowledge after one sync, changes rewrite (and re-embed) only what changed, and rows that
// go away leave both Postgres and the vector store.
func TestStructuredKnowledgeSync(t *testing.T) {
	ctx := context.Background()
	db := testkit.DB(t)
	var brokerage, other, agent string
	kmust(t, db.QueryRow(ctx, `INSERT INTO brokerages (name) VALUES ('Creekside') RETURNING id::text`).Scan(&brokerage))
	kmust(t, db.QueryRow(ctx, `INSERT INTO brokerages (name) VALUES ('Elsewhere') RETURNING id::text`).Scan(&other))
	kmust(t, db.QueryRow(ctx, `INSERT INTO users (brokerage_id, email, full_name, password_hash, role)
		VALUES ($1, 'omar@creek.ae', 'Omar', 'x', 'agent') RETURNING id::text`, brokerage).Scan(&agent))
	vs, err := vectormem.New(vectormem.Settings{Dir: t.TempDir()})
	kmust(t, err)
	emb := offline.NewEmbedder(768)
	svc := &knowledge.Service{Repo: knowledgestore.NewKnowledge(db), Vectors: vs, Embedder: emb,
		Generator: ai.NewChain(ai.ChainSettings{}, ai.Provider{Name: "offline", Degraded: true,
			Generator: offline.NewGenerator(offline.GeneratorSettings{Embedder: emb})}),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	structuredFixture(t, db, brokerage, agent)

	rep, err := svc.Sync(ctx, 2) // a small batch, so the drain loops
	kmust(t, err)
	if rep.Changes != 4 || rep.Sources != 4 || rep.Written != 4 || rep.Embedded != 4 {
		t.Fatalf("first sync %+v, want 4 sources written and embedded", rep)
	}
	again, err := svc.Sync(ctx, 100)
	kmust(t, err)
	if again != (knowledge.SyncReport{}) {
		t.Fatalf("a second sync with nothing changed did %+v", again)
	}

	a := access.Actor{UserID: agent, BrokerageID: brokerage, Role: access.Agent}
	questions := []struct{ q, kind, title string }{
		{"How are prices moving in JVC?", knowledge.KindMarketData, "Jumeirah Village Circle market data"},
		{"What is the outlook for the Dubai Creek Harbour waterfront?", knowledge.KindMarketReport, "Waterfront Outlook 2025"},
		{"Is Mirdif good for families, how many schools?", knowledge.KindNeighbourhood, "Mirdif community profile"},
		{"ما هي أسعار القدم المربع في قرية جميرا الدائرية؟", knowledge.KindMarketData, "Jumeirah Village Circle market data"},
		{"Tell me about the canal-view duplex by Omniyat", knowledge.KindListing, "Canal-view duplex"},
	}
	for _, tt := range questions {
		t.Run(tt.q, func(t *testing.T) {
			ans, err := svc.Chat(ctx, a, tt.q, "")
			kmust(t, err)
			i := slices.IndexFunc(ans.Citations, func(c knowledge.Citation) bool { return strings.HasPrefix(c.Title, tt.title) })
			if i < 0 {
				t.Fatalf("citations %+v lack %q", ans.Citations, tt.title)
			}
			if c := ans.Citations[i]; c.Kind != tt.kind || c.ID == "" {
				t.Errorf("citation %+v, want kind %s and an id", c, tt.kind)
			}
		})
	}

	t.Run("shared reference data reaches every brokerage, listings only their own", func(t *testing.T) {
		r, err := svc.Retrieve(ctx, knowledge.Scope{BrokerageID: other}, "Mirdif schools Omniyat duplex", 10)
		kmust(t, err)
		kinds := map[string]bool{}
		for _, h := range r.Hits {
			kinds[h.Kind] = true
		}
		if !kinds[knowledge.KindNeighbourhood] || kinds[knowledge.KindListing] {
			t.Fatalf("another brokerage retrieved kinds %v", kinds)
		}
	})

	t.Run("a changed row is rewritten and re-embedded, a gone row removed", func(t *testing.T) {
		_, err := db.Exec(ctx, `UPDATE community_profiles SET schools = 15 WHERE name = 'Mirdif'`)
		kmust(t, err)
		_, err = db.Exec(ctx, `UPDATE listings SET status = 'sold' WHERE reference = 'SYNC-7'`)
		kmust(t, err)
		_, err = db.Exec(ctx, `DELETE FROM market_reports`)
		kmust(t, err)
		rep, err := svc.Sync(ctx, 100)
		kmust(t, err)
		if rep.Written != 1 || rep.Removed != 2 || rep.VectorsDeleted != 2 || rep.Embedded != 1 {
			t.Fatalf("sync %+v, want 1 rewritten and re-embedded, 2 removed with their vectors", rep)
		}
		var body string
		kmust(t, db.QueryRow(ctx, `SELECT body FROM knowledge_chunks WHERE kind = 'neighbourhood'`).Scan(&body))
		if !strings.Contains(body, "15 schools") {
			t.Errorf("profile not rewritten: %s", body)
		}
		n, err := vs.Count(ctx, knowledge.Collection)
		kmust(t, err)
		if n != 2 {
			t.Errorf("vector store holds %d vectors, want 2", n)
		}
	})
}

// TestAIBudget checks the per-brokerage daily token budget in Postgres: reservations stop at
// the limit (the default or the brokerage's own), charges settle them, and a new Dubai day
// starts afresh.
func TestAIBudget(t *testing.T) {
	ctx := context.Background()
	db := testkit.DB(t)
	var b1, b2 string
	kmust(t, db.QueryRow(ctx, `INSERT INTO brokerages (name) VALUES ('One') RETURNING id::text`).Scan(&b1))
	kmust(t, db.QueryRow(ctx, `INSERT INTO brokerages (name) VALUES ('Two') RETURNING id::text`).Scan(&b2))
	budget := knowledgestore.NewAIBudget(db, 1000)
	now := time.Date(2025, 3, 1, 19, 59, 0, 0, time.UTC) // 23:59 in Dubai
	budget.SetClock(func() time.Time { return now })
	kmust(t, budget.SetLimit(ctx, b2, 100))

	kmust(t, budget.Reserve(ctx, b1, 600))
	if err := budget.Reserve(ctx, b1, 500); !errors.Is(err, ai.ErrBudgetExhausted) {
		t.Fatalf("over the default limit: %v", err)
	}
	kmust(t, budget.Record(ctx, b1, 600, 250))
	kmust(t, budget.Reserve(ctx, b1, 700))
	if used, _ := budget.Used(ctx, b1); used != 250 {
		t.Errorf("used %d, want 250", used)
	}
	if err := budget.Reserve(ctx, b2, 101); !errors.Is(err, ai.ErrBudgetExhausted) {
		t.Fatalf("over the brokerage's own limit: %v", err)
	}
	kmust(t, budget.Reserve(ctx, "", 1_000_000))

	now = now.Add(2 * time.Minute) // past midnight in Dubai
	kmust(t, budget.Reserve(ctx, b1, 1000))
}
