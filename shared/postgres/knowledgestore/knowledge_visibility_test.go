package knowledgestore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/ai"
	"github.com/propertypro/propertypro/shared/ai/offline"
	"github.com/propertypro/propertypro/shared/chroma"
	"github.com/propertypro/propertypro/shared/knowledge"
	"github.com/propertypro/propertypro/shared/postgres/knowledgestore"
	"github.com/propertypro/propertypro/shared/testkit"
	"github.com/propertypro/propertypro/shared/vector"
	"github.com/propertypro/propertypro/shared/vectormem"
)

// vectorStores are the stores retrieval runs on: the embedded store and a Chroma server
// (TEST_CHROMA_URL, required under REQUIRE_SERVICES=1), in a database of its own that is
// dropped afterwards.
func vectorStores(t *testing.T) map[string]func(*testing.T) vector.Store {
	stores := map[string]func(*testing.T) vector.Store{"embedded": func(t *testing.T) vector.Store {
		vs, err := vectormem.New(vectormem.Settings{Dir: t.TempDir()})
		kmust(t, err)
		return vs
	}}
	u := os.Getenv("TEST_CHROMA_URL")
	if u == "" && !testkit.ServicesRequired() {
		t.Log("TEST_CHROMA_URL is not set: the embedded store only")
		return stores
	}
	stores["chroma"] = func(t *testing.T) vector.Store {
		if u == "" {
			testkit.Unavailable(t, "Chroma", errors.New("TEST_CHROMA_URL is not set"))
		}
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		db := "test_" + hex.EncodeToString(b)
		c, err := chroma.New(chroma.Settings{URL: u, Database: db, Timeout: 10 * time.Second})
		kmust(t, err)
		if err := c.Heartbeat(context.Background()); err != nil {
			testkit.Unavailable(t, "Chroma", err)
		}
		t.Cleanup(func() {
			req, _ := http.NewRequest(http.MethodDelete, u+"/api/v2/tenants/default_tenant/databases/"+db, nil)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		})
		return c
	}
	return stores
}

// spyStore records the source of every vector the store returns to a query, so a test sees
// what the vector store's own filter let through before Postgres checks the scope again.
type spyStore struct {
	vector.Store
	mu      sync.Mutex
	sources map[string]bool
}

func (s *spyStore) Query(ctx context.Context, collection string, q vector.Query) ([]vector.Match, error) {
	ms, err := s.Store.Query(ctx, collection, q)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range ms {
		if id, ok := m.Metadata["source_id"].(string); ok {
			s.sources[id] = true
		}
	}
	return ms, err
}

func (s *spyStore) reset() map[string]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := s.sources
	s.sources = map[string]bool{}
	return seen
}

// countingEmbedder counts the texts it was asked to embed.
type countingEmbedder struct {
	ai.Embedder
	mu    sync.Mutex
	texts int
}

func (e *countingEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	e.mu.Lock()
	e.texts += len(texts)
	e.mu.Unlock()
	return e.Embedder.Embed(ctx, texts)
}

func (e *countingEmbedder) take() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := e.texts
	e.texts = 0
	return n
}

// visibilityFixture is a brokerage whose manager leads agents A and B; agent C is in no team.
type visibilityFixture struct {
	brokerage                 string
	admin, manager, a, b, c   access.Actor
	listingA, listingB        string // owned by agents A and B
	listingC, listingFree     string // owned by agent C; without an agent
	questionB, questionFree   string // ask about listing B, the unassigned listing
	questionA, questionC      string
	referenceB, passageWordsB string // only listing B's text holds them
}

func newVisibilityFixture(t *testing.T, db *pgxpool.Pool) visibilityFixture {
	t.Helper()
	ctx := context.Background()
	var f visibilityFixture
	kmust(t, db.QueryRow(ctx, `INSERT INTO brokerages (name) VALUES ('Harbour Keys') RETURNING id::text`).Scan(&f.brokerage))
	user := func(email string, role access.Role, manager string) string {
		var id string
		kmust(t, db.QueryRow(ctx, `INSERT INTO users (brokerage_id, email, full_name, password_hash, role, manager_id)
			VALUES ($1, $2, $2, 'x', $3, NULLIF($4, '')::uuid) RETURNING id::text`, f.brokerage, email, role, manager).Scan(&id))
		return id
	}
	admin := user("admin@keys.ae", access.Admin, "")
	manager := user("maha@keys.ae", access.Manager, "")
	a, b, c := user("amal@keys.ae", access.Agent, manager), user("bilal@keys.ae", access.Agent, manager), user("chen@keys.ae", access.Agent, "")
	f.admin = access.Actor{UserID: admin, BrokerageID: f.brokerage, Role: access.Admin}
	f.manager = access.Actor{UserID: manager, BrokerageID: f.brokerage, Role: access.Manager, Team: []string{a, b}}
	f.a = access.Actor{UserID: a, BrokerageID: f.brokerage, Role: access.Agent}
	f.b = access.Actor{UserID: b, BrokerageID: f.brokerage, Role: access.Agent}
	f.c = access.Actor{UserID: c, BrokerageID: f.brokerage, Role: access.Agent}
	listing := func(agent, ref, title, developer, description string) string {
		var id string
		kmust(t, db.QueryRow(ctx, `INSERT INTO listings (brokerage_id, agent_id, reference, title, purpose, property_type,
				community_id, price_aed, bedrooms, status, permit_number, permit_expiry, developer, description)
			SELECT $1, NULLIF($2, '')::uuid, $3, $4, 'sale', 'penthouse', id, 9100000, 4, 'active', '123456',
				now() + interval '1 year', $5, $6 FROM locations WHERE slug = 'business-bay' RETURNING id::text`,
			f.brokerage, agent, ref, title, developer, description).Scan(&id))
		return id
	}
	f.listingA = listing(a, "VIS-A1", "Juniper canal residence", "Larkspur", "Sunlit rooms over the canal promenade.")
	f.listingB = listing(b, "VIS-B1", "Obsidian crown residence", "Falconcrest", "Moonlit terrace with a private plunge pool.")
	f.listingC = listing(c, "VIS-C1", "Tamarind bay residence", "Quillmark", "Corner unit facing the bay bridge.")
	f.listingFree = listing("", "VIS-U1", "Saffron skyline residence", "Vantora", "Double-height lounge with skyline views.")
	f.questionA = "What do we know about the Juniper canal residence by Larkspur?"
	f.questionB = "What do we know about the Obsidian crown residence by Falconcrest?"
	f.questionC = "What do we know about the Tamarind bay residence by Quillmark?"
	f.questionFree = "What do we know about the Saffron skyline residence by Vantora?"
	f.referenceB, f.passageWordsB = "VIS-B1", "plunge pool"
	return f
}

// TestListingKnowledgeFollowsListingVisibility checks that the assistant applies the rule
// of the listings API to listing knowledge, on both vector stores and on full text alone:
// an agent retrieves their own listings, a manager their team's and the unassigned ones,
// an admin every listing of the brokerage; nobody gets a passage of, or a citation to, a
// listing they could not read through GET /v1/listings/{id}.
func TestListingKnowledgeFollowsListingVisibility(t *testing.T) {
	for name, open := range vectorStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db := testkit.DB(t)
			f := newVisibilityFixture(t, db)
			spy := &spyStore{Store: open(t), sources: map[string]bool{}}
			base := offline.NewEmbedder(256)
			emb := &countingEmbedder{Embedder: base}
			var (
				passagesMu sync.Mutex
				passages   []ai.Passage
			)
			offlineGen := offline.NewGenerator(offline.GeneratorSettings{Embedder: base})
			gen := ai.GeneratorFunc(func(ctx context.Context, req ai.Request) (ai.Response, error) {
				passagesMu.Lock()
				passages = append(passages, req.Context...)
				passagesMu.Unlock()
				return offlineGen.Generate(ctx, req)
			})
			repo := knowledgestore.NewKnowledge(db)
			svc := &knowledge.Service{Repo: repo, Vectors: spy, Embedder: emb, Generator: gen,
				Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			policy, err := svc.NewDocument(ctx, f.brokerage, f.a.UserID, "viewing-policy.txt", "", knowledge.VisibleToAll)
			kmust(t, err)
			_, err = svc.Process(ctx, policy, []byte("Viewing policy: residence viewings by Falconcrest, Larkspur and Quillmark "+
				"developers are booked two days ahead through the front desk."))
			kmust(t, err)
			_, err = svc.Sync(ctx, 100)
			kmust(t, err)

			// sees asks question as actor through every path and reports whether listing
			// reached it: the vector store's matches, full-text retrieval with the vector
			// store down, hybrid retrieval, and the chat's passages, citations and answer.
			sees := func(t *testing.T, who access.Actor, question, listing string) map[string]bool {
				t.Helper()
				scope := knowledge.ScopeOf(who)
				got := map[string]bool{}
				spy.reset()
				r, err := svc.Retrieve(ctx, scope, question, 5)
				kmust(t, err)
				if r.Mode != "hybrid" {
					t.Fatalf("retrieval mode %s, want hybrid", r.Mode)
				}
				got["vector store"] = spy.reset()[listing]
				for _, h := range r.Hits {
					got["hybrid"] = got["hybrid"] || h.SourceID == listing
				}
				queries := 0
				down := &knowledge.Service{Repo: repo, Vectors: downStore{spy, &queries}, Embedder: emb, Log: svc.Log}
				r, err = down.Retrieve(ctx, scope, question, 5)
				kmust(t, err)
				for _, h := range r.Hits {
					got["full text"] = got["full text"] || h.SourceID == listing
				}
				passagesMu.Lock()
				passages = nil
				passagesMu.Unlock()
				ans, err := svc.Chat(ctx, who, question, "")
				kmust(t, err)
				passagesMu.Lock()
				for _, p := range passages {
					got["passage"] = got["passage"] || p.ID == "listing:"+listing
				}
				passagesMu.Unlock()
				for _, c := range ans.Citations {
					got["citation"] = got["citation"] || c.ID == listing
				}
				if listing == f.listingB {
					got["answer"] = strings.Contains(ans.Answer, f.referenceB) || strings.Contains(ans.Answer, f.passageWordsB)
				}
				return got
			}
			for _, tt := range []struct {
				name              string
				who               access.Actor
				question, listing string
				visible           bool
			}{
				{"agent, own listing", f.a, f.questionA, f.listingA, true},
				{"agent, a teammate's listing", f.a, f.questionB, f.listingB, false},
				{"agent, another team's listing", f.a, f.questionC, f.listingC, false},
				{"agent, unassigned listing", f.a, f.questionFree, f.listingFree, false},
				{"owner of the listing", f.b, f.questionB, f.listingB, true},
				{"manager, a team member's listing", f.manager, f.questionB, f.listingB, true},
				{"manager, unassigned listing", f.manager, f.questionFree, f.listingFree, true},
				{"manager, another team's listing", f.manager, f.questionC, f.listingC, false},
				{"admin, any listing", f.admin, f.questionB, f.listingB, true},
				{"admin, unassigned listing", f.admin, f.questionFree, f.listingFree, true},
			} {
				t.Run(tt.name, func(t *testing.T) {
					got := sees(t, tt.who, tt.question, tt.listing)
					for _, path := range []string{"vector store", "full text", "hybrid", "passage", "citation"} {
						if got[path] != tt.visible {
							t.Errorf("%s: listing found %v, want %v", path, got[path], tt.visible)
						}
					}
					if got["answer"] && !tt.visible {
						t.Errorf("the answer quotes a listing the actor may not see")
					}
				})
			}

			t.Run("knowledge of no one stays visible to agents", func(t *testing.T) {
				r, err := svc.Retrieve(ctx, knowledge.ScopeOf(f.c), "How far ahead are residence viewings booked?", 5)
				kmust(t, err)
				if len(r.Hits) == 0 || r.Hits[0].SourceID != policy.ID || r.Hits[0].VectorScore == 0 {
					t.Fatalf("hits %+v, want the viewing policy first, found by vector too", r.Hits)
				}
			})

			t.Run("property searches answered from SQL follow the same rule", func(t *testing.T) {
				for _, tt := range []struct {
					who  access.Actor
					want []string
				}{
					{f.a, []string{f.listingA}},
					{f.c, []string{f.listingC}},
					{f.manager, []string{f.listingA, f.listingB, f.listingFree}},
					{f.admin, []string{f.listingA, f.listingB, f.listingC, f.listingFree}},
				} {
					ans, err := svc.Chat(ctx, tt.who, "4 bed penthouse for sale in Business Bay", "")
					kmust(t, err)
					var got []string
					for _, c := range ans.Citations {
						got = append(got, c.ID)
					}
					slices.Sort(got)
					slices.Sort(tt.want)
					if ans.Retrieval != "sql" || !slices.Equal(got, tt.want) {
						t.Errorf("%s: %s retrieval cites %v, want %v", tt.who.Role, ans.Retrieval, got, tt.want)
					}
				}
			})

			t.Run("a reassigned listing leaves its old agent at once and reaches the new one after a sync", func(t *testing.T) {
				_, err := db.Exec(ctx, `UPDATE listings SET agent_id = $1 WHERE id = $2`, f.c.UserID, f.listingB)
				kmust(t, err)
				if got := sees(t, f.b, f.questionB, f.listingB); got["hybrid"] || got["full text"] || got["citation"] {
					t.Errorf("before the sync the old agent still retrieves the listing: %v", got)
				}
				emb.take()
				rep, err := svc.Sync(ctx, 100)
				kmust(t, err)
				if rep.Embedded != 1 || emb.take() != 0 {
					t.Errorf("sync %+v: want the one chunk's vector restamped without embedding it again", rep)
				}
				if got := sees(t, f.c, f.questionB, f.listingB); !got["vector store"] || !got["citation"] {
					t.Errorf("after the sync the new agent does not retrieve the listing: %v", got)
				}
				if got := sees(t, f.b, f.questionB, f.listingB); got["vector store"] || got["citation"] {
					t.Errorf("after the sync the old agent retrieves the listing: %v", got)
				}
				_, err = db.Exec(ctx, `UPDATE listings SET deleted_at = now() WHERE id = $1`, f.listingB)
				kmust(t, err)
				if got := sees(t, f.admin, f.questionB, f.listingB); got["hybrid"] || got["full text"] || got["citation"] {
					t.Errorf("a deleted listing is still retrieved before the sync: %v", got)
				}
			})
		})
	}
}

// TestOwnerStampBackfill plays the migration that added the owner stamp over a store whose
// vectors were written before it: their metadata lacks "owner", so an agent's vector search
// finds none of them, until the sync rewrites their metadata, reusing every vector.
func TestOwnerStampBackfill(t *testing.T) {
	for name, open := range vectorStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db := testkit.DB(t)
			f := newVisibilityFixture(t, db)
			vs := open(t)
			emb := &countingEmbedder{Embedder: offline.NewEmbedder(256)}
			repo := knowledgestore.NewKnowledge(db)
			svc := &knowledge.Service{Repo: repo, Vectors: vs, Embedder: emb, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			rep, err := svc.Sync(ctx, 100)
			kmust(t, err)
			ids := []string{"listing:" + f.listingA, "listing:" + f.listingB, "listing:" + f.listingC, "listing:" + f.listingFree}
			if rep.Embedded != len(ids) {
				t.Fatalf("first sync %+v, want %d chunks embedded", rep, len(ids))
			}
			// The store as an older release left it, and the migration's mark on every chunk.
			items, err := vs.Get(ctx, knowledge.Collection, ids)
			kmust(t, err)
			for i := range items {
				if items[i].Metadata["owner"] == nil {
					t.Fatalf("%s: no owner in the vector's metadata %v", items[i].ID, items[i].Metadata)
				}
				delete(items[i].Metadata, "owner")
			}
			kmust(t, vs.Upsert(ctx, knowledge.Collection, items))
			_, err = db.Exec(ctx, `UPDATE knowledge_chunks SET embedding_model = NULL, embedded_at = NULL`)
			kmust(t, err)
			if hits := vectorHits(t, svc, knowledge.ScopeOf(f.a), f.questionA, f.listingA); len(hits) != 0 {
				t.Fatalf("a vector without an owner stamp reached an agent: %v", hits)
			}

			emb.take()
			rep, err = svc.Sync(ctx, 100)
			kmust(t, err)
			if rep.Embedded != len(ids) || emb.take() != 0 {
				t.Fatalf("backfill %+v: want %d vectors restamped, none embedded again", rep, len(ids))
			}
			items, err = vs.Get(ctx, knowledge.Collection, ids)
			kmust(t, err)
			want := map[string]string{ids[0]: f.a.UserID, ids[1]: f.b.UserID, ids[2]: f.c.UserID, ids[3]: knowledge.Unassigned}
			for _, it := range items {
				if it.Metadata["owner"] != want[it.ID] {
					t.Errorf("%s: owner %v, want %s", it.ID, it.Metadata["owner"], want[it.ID])
				}
			}
			if hits := vectorHits(t, svc, knowledge.ScopeOf(f.a), f.questionA, f.listingA); len(hits) == 0 {
				t.Error("after the backfill the agent's vector search does not find their listing")
			}
		})
	}
}
