// Command knowledge measures the assistant's figures (make bench-knowledge): retrieval top-5
// over 100,000 chunks of 768 dimensions in the embedded vector store, the chat round trip
// with the offline provider, and recall@5 of testdata/questions over the seed documents and
// the seed data (listings, market reports, community profiles, market data, loaded by the
// ingestion pipeline and synced into the knowledge base) with the offline embedder. Each
// figure is printed with its target and PASS or MISS.
//
// It creates a database of its own on the server of DATABASE_URL (or the project's private
// Postgres) and drops it afterwards.
package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/ai"
	"github.com/propertypro/propertypro/shared/ai/offline"
	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/document"
	"github.com/propertypro/propertypro/shared/ingest/read"
	"github.com/propertypro/propertypro/shared/knowledge"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/postgres/ingeststore"
	"github.com/propertypro/propertypro/shared/postgres/knowledgestore"
	"github.com/propertypro/propertypro/shared/runner"
	"github.com/propertypro/propertypro/shared/schema"
	"github.com/propertypro/propertypro/shared/testkit"
	"github.com/propertypro/propertypro/shared/vector"
	"github.com/propertypro/propertypro/shared/vectormem"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintf(os.Stderr, "bench-knowledge: %v\n", err)
		os.Exit(1)
	}
}

func step(format string, args ...any) { fmt.Fprintf(os.Stderr, "• "+format+"\n", args...) }

func report(name string, got, target float64, unit string, lowerIsBetter bool) {
	ok := got <= target
	if !lowerIsBetter {
		ok = got >= target
	}
	verdict, cmp := "PASS", "≤"
	if !lowerIsBetter {
		cmp = "≥"
	}
	if !ok {
		verdict = "MISS"
	}
	fmt.Printf("%-58s %8.3f %-3s (target %s %g %s) %s\n", name, got, unit, cmp, target, unit, verdict)
}

func run(ctx context.Context) error {
	if err := vectorFigure(ctx); err != nil {
		return err
	}
	return databaseFigures(ctx)
}

// vectorFigure fills an embedded store with 100,000 unit vectors of 768 dimensions spread
// over ten brokerages and times filtered top-5 queries.
func vectorFigure(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "bench-knowledge-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	s, err := vectormem.New(vectormem.Settings{Dir: dir})
	if err != nil {
		return err
	}
	defer s.Close()
	const n, dims = 100_000, 768
	if err := s.EnsureCollection(ctx, "bench", dims); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(1, 2))
	vec := func() []float32 {
		v := make([]float32, dims)
		for i := range v {
			v[i] = float32(r.NormFloat64())
		}
		return v
	}
	step("loading %d vectors of %d dimensions", n, dims)
	for start := 0; start < n; start += 1000 {
		items := make([]vector.Item, 1000)
		for i := range items {
			items[i] = vector.Item{ID: fmt.Sprintf("c%d", start+i), Vector: vec(), Document: "chunk",
				Metadata: map[string]any{"brokerage_id": fmt.Sprintf("b%d", (start+i)%10), "visibility": (start + i) % 3}}
		}
		if err := s.Upsert(ctx, "bench", items); err != nil {
			return err
		}
	}
	var times []time.Duration
	for i := range 300 {
		q := vector.Query{Vector: vec(), TopK: 5, Where: vector.Filter{vector.Eq("brokerage_id", fmt.Sprintf("b%d", i%10)),
			vector.Lte("visibility", 1)}}
		t0 := time.Now()
		if _, err := s.Query(ctx, "bench", q); err != nil {
			return err
		}
		times = append(times, time.Since(t0))
	}
	report("retrieval top-5 p50, 100,000 chunks, 768 dims (embedded)", ms(p50(times)), 20, "ms", true)
	return nil
}

// question is one entry of testdata/questions/questions.json: Kind is the source's kind
// ("document" when empty) and Source its file name (documents) or natural key.
type question struct {
	Question string `json:"question"`
	Kind     string `json:"kind,omitempty"`
	Source   string `json:"source"`
}

func databaseFigures(ctx context.Context) error {
	root, err := testkit.RepoRoot()
	if err != nil {
		return err
	}
	docsDir := filepath.Join(root, "..", "shared", "seed-data", "documents")
	if _, err := os.Stat(docsDir); err != nil {
		fmt.Printf("recall@5 and chat round trip: skipped, no seed documents at %s\n", docsDir)
		return nil
	}
	var qs []question
	raw, err := os.ReadFile(filepath.Join(root, "testdata", "questions", "questions.json"))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &qs); err != nil {
		return err
	}
	pool, drop, err := benchDatabase(ctx)
	if err != nil {
		return err
	}
	defer drop()
	defer pool.Close()
	var brokerage, user string
	if err := pool.QueryRow(ctx, `INSERT INTO brokerages (name) VALUES ('Bench') RETURNING id::text`).Scan(&brokerage); err != nil {
		return err
	}
	// An admin asks: the questions are about every listing of the brokerage, which an agent
	// would only see their own of (docs/adr/0010); the documents are visible to everyone.
	if err := pool.QueryRow(ctx, `INSERT INTO users (brokerage_id, email, full_name, password_hash, role)
		VALUES ($1, 'bench@x.ae', 'Bench', 'x', 'admin') RETURNING id::text`, brokerage).Scan(&user); err != nil {
		return err
	}
	vdir, err := os.MkdirTemp("", "bench-knowledge-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(vdir)
	vs, err := vectormem.New(vectormem.Settings{Dir: vdir})
	if err != nil {
		return err
	}
	emb := offline.NewEmbedder(768)
	svc := &knowledge.Service{Repo: knowledgestore.NewKnowledge(pool), Vectors: vs, Embedder: emb,
		Generator: ai.NewChain(ai.ChainSettings{}, ai.Provider{Name: "offline", Degraded: true,
			Generator: offline.NewGenerator(offline.GeneratorSettings{Embedder: emb})}),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Limits: document.Limits{MaxFileSize: 50 << 20}}
	ids := map[string]string{}
	entries, err := os.ReadDir(docsDir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(docsDir, e.Name()))
		if err != nil {
			return err
		}
		d, err := svc.NewDocument(ctx, brokerage, user, e.Name(), "", 0)
		if err != nil {
			return err
		}
		if d, err = svc.Process(ctx, d, data); err != nil {
			return err
		}
		ids[e.Name()] = d.ID
	}
	if err := distractors(ctx, svc, brokerage, user); err != nil {
		return err
	}
	if err := loadSeedData(ctx, pool, brokerage, filepath.Dir(docsDir)); err != nil {
		return err
	}
	rep, err := svc.Sync(ctx, 500)
	if err != nil {
		return err
	}
	step("structured knowledge: %d sources written, %d embedded", rep.Written, rep.Embedded)
	a := access.Actor{UserID: user, BrokerageID: brokerage, Role: access.Admin}
	hits, kinds := 0, map[string][2]int{}
	for _, q := range qs {
		want, err := sourceID(ctx, pool, brokerage, q, ids)
		if err != nil {
			return err
		}
		r, err := svc.Retrieve(ctx, knowledge.ScopeOf(a), q.Question, 5)
		if err != nil {
			return err
		}
		k := kinds[cmp.Or(q.Kind, knowledge.KindDocument)]
		k[1]++
		if slices.ContainsFunc(r.Hits, func(h knowledge.Hit) bool { return h.SourceID == want }) {
			hits++
			k[0]++
		} else {
			step("missed: %q (%s %s), %s", q.Question, cmp.Or(q.Kind, knowledge.KindDocument), q.Source,
				rankOf(ctx, svc, knowledge.ScopeOf(a), q.Question, want))
		}
		kinds[cmp.Or(q.Kind, knowledge.KindDocument)] = k
	}
	for _, kind := range slices.Sorted(maps.Keys(kinds)) {
		step("recall@5 of %s questions: %d/%d", kind, kinds[kind][0], kinds[kind][1])
	}
	report(fmt.Sprintf("recall@5, %d questions, offline embedder", len(qs)), float64(hits)/float64(len(qs)), 0.8, "", false)
	var times []time.Duration
	for i := range 200 {
		t0 := time.Now()
		if _, err := svc.Chat(ctx, a, qs[i%len(qs)].Question, ""); err != nil {
			return err
		}
		times = append(times, time.Since(t0))
	}
	report("chat round trip p50, offline provider", ms(p50(times)), 50, "ms", true)
	return nil
}

// distractors adds generated documents on the same subjects, so that recall is measured
// against near misses and not five documents alone.
func distractors(ctx context.Context, svc *knowledge.Service, brokerage, user string) error {
	r := rand.New(rand.NewPCG(3, 4))
	places := []string{"Dubai Marina", "JVC", "Business Bay", "Downtown Dubai", "Palm Jumeirah", "Arabian Ranches", "JLT", "Al Barsha"}
	topics := []string{"service charges are collected quarterly by the owners association",
		"tenancy contracts are registered through Ejari within thirty days",
		"rental yields for apartments average between five and seven percent",
		"new launches by developers attract off-plan investors with payment plans",
		"schools, parks and retail make the community popular with families",
		"mortgage buyers need a valuation report before the bank releases funds"}
	for i := range 40 {
		text := ""
		for range 12 {
			text += fmt.Sprintf("In %s, %s. ", places[r.IntN(len(places))], topics[r.IntN(len(topics))])
		}
		d, err := svc.NewDocument(ctx, brokerage, user, fmt.Sprintf("note-%02d.txt", i), "", 0)
		if err != nil {
			return err
		}
		if _, err := svc.Process(ctx, d, []byte(text)); err != nil {
			return err
		}
	}
	return nil
}

// seedFiles are the seed exports the structured knowledge comes from, in loading order:
// agents before the properties they list, properties before the listing feed.
var seedFiles = []string{"agents.csv", "properties.csv", "listings.csv", "market_data.csv", "market_trends.json",
	"market_reports.csv", "neighborhoods.json"}

// loadSeedData ingests the seed exports with the ingestion pipeline, as a brokerage's drop
// would; the triggers queue every row for the knowledge sync.
func loadSeedData(ctx context.Context, pool *pgxpool.Pool, brokerage, dir string) error {
	store := ingeststore.NewIngestions(pool)
	for _, name := range seedFiles {
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rep, err := store.Ingest(ctx, ingeststore.IngestRequest{BrokerageID: brokerage, Bucket: "bench", Key: name, ETag: name,
			Open: func() ([]read.Table, error) {
				return read.Open(name, bytes.NewReader(data), bytes.NewReader(data), int64(len(data)))
			}})
		if err != nil {
			return fmt.Errorf("ingesting %s: %w", name, err)
		}
		step("ingested %s: %d read, %d rejected", name, rep.Totals.Read, rep.Totals.Rejected)
	}
	return nil
}

// sourceID resolves a question's expected source: a document by file name, a listing by
// its reference, reference data by the title of its chunk.
func sourceID(ctx context.Context, pool *pgxpool.Pool, brokerage string, q question, docs map[string]string) (string, error) {
	var id string
	var err error
	switch q.Kind {
	case "", knowledge.KindDocument:
		if id = docs[q.Source]; id == "" {
			err = fmt.Errorf("question %q: no seed document %s", q.Question, q.Source)
		}
		return id, err
	case knowledge.KindListing:
		err = pool.QueryRow(ctx, `SELECT id::text FROM listings WHERE brokerage_id = $1 AND reference = $2`, brokerage, q.Source).Scan(&id)
	default:
		err = pool.QueryRow(ctx, `SELECT source_id::text FROM knowledge_chunks WHERE kind = $1 AND title = $2`, q.Kind, q.Source).Scan(&id)
	}
	if err != nil {
		return "", fmt.Errorf("question %q: source %s %s: %w", q.Question, q.Kind, q.Source, err)
	}
	return id, nil
}

// rankOf says where a missed source ranks among the top 20, to tell a near miss from a
// source retrieval cannot find.
func rankOf(ctx context.Context, svc *knowledge.Service, scope knowledge.Scope, question, want string) string {
	r, err := svc.Retrieve(ctx, scope, question, 20)
	if err != nil {
		return err.Error()
	}
	kinds := []string{}
	for i, h := range r.Hits {
		if h.SourceID == want {
			return fmt.Sprintf("ranked %d", i+1)
		}
		if i < 5 {
			kinds = append(kinds, h.Kind)
		}
	}
	return fmt.Sprintf("not in the top 20; top 5 are %v", kinds)
}

func benchDatabase(ctx context.Context) (*pgxpool.Pool, func(), error) {
	cfg, err := config.Load()
	if err != nil {
		return nil, nil, err
	}
	if os.Getenv("LOCAL_DIR") == "" {
		if root, err := testkit.RepoRoot(); err == nil {
			cfg.LocalDir = filepath.Join(root, ".local")
		}
	}
	base, err := runner.OpenDatabase(ctx, cfg, 2, step)
	if err != nil {
		return nil, nil, err
	}
	defer base.Close()
	name := fmt.Sprintf("propertypro_bench_knowledge_%d", time.Now().UnixNano()%1_000_000)
	conn, err := pgx.Connect(ctx, base.URL)
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, nil, err
	}
	adminURL := base.URL
	drop := func() {
		if c, err := pgx.Connect(context.Background(), adminURL); err == nil {
			c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(context.Background())
		}
	}
	u, err := url.Parse(base.URL)
	if err != nil {
		drop()
		return nil, nil, err
	}
	u.Path = "/" + name
	pool, err := postgres.Open(ctx, postgres.Settings{URL: u.String(), MaxConns: 4, StatementTimeout: time.Minute, AppName: "bench-knowledge"})
	if err != nil {
		drop()
		return nil, nil, err
	}
	m, err := schema.NewMigrator(pool)
	if err == nil {
		_, err = m.Up(ctx)
		m.Close()
	}
	if err != nil {
		pool.Close()
		drop()
		return nil, nil, err
	}
	return pool, drop, nil
}

func p50(ts []time.Duration) time.Duration {
	s := slices.Clone(ts)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
