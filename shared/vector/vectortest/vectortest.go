// Package vectortest is the contract suite every vector.Store implementation passes, so that
// the embedded store and Chroma answer retrieval the same way.
package vectortest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/vector"
)

// Run runs the contract against stores made by newStore. Each subtest asks for a store of its
// own and uses collections with fresh random names, so a server shared between subtests works.
func Run(t *testing.T, newStore func(t *testing.T) vector.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s vector.Store)
	}{
		{"heartbeat", testHeartbeat},
		{"ensure collection is idempotent", testEnsureIdempotent},
		{"ensure collection rejects bad input", testEnsureInvalid},
		{"missing collection is not found", testMissingCollection},
		{"empty collection", testEmptyCollection},
		{"query orders by cosine similarity", testQueryOrder},
		{"top k", testTopK},
		{"metadata filters", testFilters},
		{"get", testGet},
		{"upsert replaces an existing id", testUpsertReplaces},
		{"delete by id", testDeleteByID},
		{"delete by filter", testDeleteByFilter},
		{"delete by id and filter", testDeleteByIDAndFilter},
		{"invalid input", testInvalidInput},
		{"invalid batch writes nothing", testInvalidBatchAtomic},
		{"nearest neighbours of random vectors", testRandomNeighbours},
		{"concurrent use", testConcurrent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

const dims = 4

// fixture is chosen so that for the query (1,0,0,0) the similarities are all distinct:
// a 1, b 0.994, c 0.707, e 0.0995, d 0, f -1.
func fixture() []vector.Item {
	return []vector.Item{
		{ID: "a", Vector: []float32{1, 0, 0, 0}, Document: "Marina one-bed",
			Metadata: map[string]any{"brokerage_id": "b1", "visibility": "public", "price": 1_000_000, "beds": 1, "furnished": true}},
		{ID: "b", Vector: []float32{0.9, 0.1, 0, 0}, Document: "JVC two-bed",
			Metadata: map[string]any{"brokerage_id": "b1", "visibility": "team", "price": 2_000_000.0, "beds": int64(2), "furnished": false}},
		{ID: "c", Vector: []float32{0.5, 0.5, 0, 0}, Document: "Downtown three-bed",
			Metadata: map[string]any{"brokerage_id": "b2", "visibility": "public", "price": float32(3_000_000), "beds": 3}},
		{ID: "d", Vector: []float32{0, 1, 0, 0.1}, Document: "Palm villa",
			Metadata: map[string]any{"brokerage_id": "b2", "visibility": "private", "price": 4_000_000, "beds": 4}},
		{ID: "e", Vector: []float32{0.1, 0, 1, 0}, Document: "RERA escrow rules",
			Metadata: map[string]any{"brokerage_id": "b1", "visibility": "private"}},
		{ID: "f", Vector: []float32{-1, 0, 0, 0}, Document: "Studio in Silicon Oasis",
			Metadata: map[string]any{"brokerage_id": "b1", "visibility": "public", "price": 500_000, "beds": 0}},
	}
}

var probe = []float32{1, 0, 0, 0}

func testHeartbeat(t *testing.T, s vector.Store) {
	if err := s.Heartbeat(ctx(t)); err != nil {
		t.Fatalf("Heartbeat: %v", err)
	}
}

func testEnsureIdempotent(t *testing.T, s vector.Store) {
	name := seeded(t, s)
	if err := s.EnsureCollection(ctx(t), name, dims); err != nil {
		t.Fatalf("second EnsureCollection: %v", err)
	}
	wantCount(t, s, name, len(fixture()))
	err := s.EnsureCollection(ctx(t), name, dims+1)
	wantCode(t, err, apperr.Conflict)
}

func testEnsureInvalid(t *testing.T, s vector.Store) {
	tests := []struct {
		name string
		coll string
		dims int
	}{
		{"too short", "ab", dims},
		{"bad character", "has space", dims},
		{"leading dot", ".hidden", dims},
		{"path", "../etc", dims},
		{"zero dims", newName(), 0},
		{"negative dims", newName(), -3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, s.EnsureCollection(ctx(t), tc.coll, tc.dims), apperr.Invalid)
		})
	}
}

func testMissingCollection(t *testing.T, s vector.Store) {
	name := newName()
	calls := map[string]func() error{
		"upsert": func() error { return s.Upsert(ctx(t), name, fixture()) },
		"query": func() error {
			_, err := s.Query(ctx(t), name, vector.Query{Vector: probe, TopK: 1})
			return err
		},
		"get":    func() error { _, err := s.Get(ctx(t), name, []string{"a"}); return err },
		"delete": func() error { return s.Delete(ctx(t), name, []string{"a"}, nil) },
		"count":  func() error { _, err := s.Count(ctx(t), name); return err },
	}
	for op, call := range calls {
		t.Run(op, func(t *testing.T) { wantCode(t, call(), apperr.NotFound) })
	}
}

func testEmptyCollection(t *testing.T, s vector.Store) {
	name := ensured(t, s)
	wantCount(t, s, name, 0)
	got, err := s.Query(ctx(t), name, vector.Query{Vector: probe, TopK: 5})
	if err != nil || len(got) != 0 {
		t.Fatalf("Query on empty collection = %v, %v; want no matches", ids(got), err)
	}
	got, err = s.Query(ctx(t), name, vector.Query{Vector: probe, TopK: 5, Where: vector.Filter{vector.Eq("brokerage_id", "b1")}})
	if err != nil || len(got) != 0 {
		t.Fatalf("filtered Query on empty collection = %v, %v; want no matches", ids(got), err)
	}
	items, err := s.Get(ctx(t), name, []string{"a"})
	if err != nil || len(items) != 0 {
		t.Fatalf("Get on empty collection = %d items, %v", len(items), err)
	}
	if err := s.Upsert(ctx(t), name, nil); err != nil {
		t.Fatalf("Upsert of nothing: %v", err)
	}
}

func testQueryOrder(t *testing.T, s vector.Store) {
	name := seeded(t, s)
	got := query(t, s, name, vector.Query{Vector: probe, TopK: 10})
	if want := []string{"a", "b", "c", "e", "d", "f"}; !slices.Equal(ids(got), want) {
		t.Fatalf("order = %v, want %v", ids(got), want)
	}
	for _, m := range got {
		want := cosine(probe, vectorOf(m.ID))
		if math.Abs(float64(m.Score)-want) > 1e-3 || math.Abs(float64(m.Distance)-(1-want)) > 1e-3 {
			t.Errorf("%s: score %v distance %v, want %v and %v", m.ID, m.Score, m.Distance, want, 1-want)
		}
	}
	if got[0].Document != "Marina one-bed" || got[0].Metadata["brokerage_id"] != "b1" || got[0].Metadata["price"] != 1_000_000.0 {
		t.Errorf("first match %+v lacks its document or metadata", got[0].Item)
	}
	// A query vector's length must not matter: cosine similarity looks at direction only.
	scaled := query(t, s, name, vector.Query{Vector: []float32{7, 0, 0, 0}, TopK: 10})
	if !slices.Equal(ids(scaled), ids(got)) {
		t.Errorf("scaled query order = %v, want %v", ids(scaled), ids(got))
	}
}

func testTopK(t *testing.T, s vector.Store) {
	name := seeded(t, s)
	for _, k := range []int{1, 2, 5, 6, 100} {
		t.Run(fmt.Sprint(k), func(t *testing.T) {
			got := query(t, s, name, vector.Query{Vector: probe, TopK: k})
			want := []string{"a", "b", "c", "e", "d", "f"}[:min(k, 6)]
			if !slices.Equal(ids(got), want) {
				t.Fatalf("top %d = %v, want %v", k, ids(got), want)
			}
		})
	}
}

func testFilters(t *testing.T, s vector.Store) {
	name := seeded(t, s)
	tests := []struct {
		name  string
		where vector.Filter
		want  []string
	}{
		{"none", nil, []string{"a", "b", "c", "e", "d", "f"}},
		{"brokerage b1", vector.Filter{vector.Eq("brokerage_id", "b1")}, []string{"a", "b", "e", "f"}},
		{"brokerage b2 sees only its own", vector.Filter{vector.Eq("brokerage_id", "b2")}, []string{"c", "d"}},
		{"brokerage and visibility", vector.Filter{vector.Eq("brokerage_id", "b1"),
			vector.InStrings("visibility", []string{"public", "team"})}, []string{"a", "b", "f"}},
		{"not private", vector.Filter{vector.Ne("visibility", "private")}, []string{"a", "b", "c", "f"}},
		{"ne matches a missing field", vector.Filter{vector.Ne("price", 1_000_000)}, []string{"b", "c", "e", "d", "f"}},
		{"gte", vector.Filter{vector.Gte("price", 2_000_000)}, []string{"b", "c", "d"}},
		{"lte", vector.Filter{vector.Lte("price", 1_000_000.0)}, []string{"a", "f"}},
		{"range", vector.Filter{vector.Gte("price", 1_000_000), vector.Lte("price", 3_000_000)}, []string{"a", "b", "c"}},
		{"bool", vector.Filter{vector.Eq("furnished", true)}, []string{"a"}},
		{"int equals float", vector.Filter{vector.Eq("beds", 2)}, []string{"b"}},
		{"zero", vector.Filter{vector.Eq("beds", 0)}, []string{"f"}},
		{"in numbers", vector.Filter{vector.In("beds", 1, 3.0)}, []string{"a", "c"}},
		{"eq string", vector.Filter{vector.Eq("visibility", "team")}, []string{"b"}},
		{"no match", vector.Filter{vector.Eq("brokerage_id", "b3")}, nil},
		{"unknown field", vector.Filter{vector.Eq("colour", "blue")}, nil},
		{"contradiction", vector.Filter{vector.Eq("brokerage_id", "b1"), vector.Eq("brokerage_id", "b2")}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := query(t, s, name, vector.Query{Vector: probe, TopK: 10, Where: tc.where})
			if !slices.Equal(ids(got), tc.want) {
				t.Fatalf("ids = %v, want %v", ids(got), tc.want)
			}
			for _, m := range got {
				if !tc.where.Matches(m.Metadata) {
					t.Errorf("%s has metadata %v that the filter rejects", m.ID, m.Metadata)
				}
			}
		})
	}
}

func testGet(t *testing.T, s vector.Store) {
	name := seeded(t, s)
	got, err := s.Get(ctx(t), name, []string{"d", "missing", "a"})
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if !slices.Equal(itemIDs(got), []string{"d", "a"}) {
		t.Fatalf("Get ids = %v, want [d a]", itemIDs(got))
	}
	for _, it := range got {
		wantItem(t, it, itemOf(it.ID))
	}
	none, err := s.Get(ctx(t), name, nil)
	if err != nil || len(none) != 0 {
		t.Fatalf("Get(nil) = %d items, %v; want none", len(none), err)
	}
}

func testUpsertReplaces(t *testing.T, s vector.Store) {
	name := seeded(t, s)
	replacement := vector.Item{ID: "a", Vector: []float32{0, 0, 0, 2}, Document: "Replaced",
		Metadata: map[string]any{"brokerage_id": "b2", "status": "sold"}}
	if err := s.Upsert(ctx(t), name, []vector.Item{replacement}); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	wantCount(t, s, name, len(fixture()))
	got, err := s.Get(ctx(t), name, []string{"a"})
	if err != nil || len(got) != 1 {
		t.Fatalf("Get = %v, %v", itemIDs(got), err)
	}
	wantItem(t, got[0], replacement)
	top := query(t, s, name, vector.Query{Vector: []float32{0, 0, 0, 1}, TopK: 1})
	if len(top) != 1 || top[0].ID != "a" {
		t.Fatalf("query for the new vector = %v, want [a]", ids(top))
	}
	old := query(t, s, name, vector.Query{Vector: probe, TopK: 10, Where: vector.Filter{vector.Eq("visibility", "public")}})
	if slices.Contains(ids(old), "a") {
		t.Fatalf("a still matches its old metadata: %v", ids(old))
	}
}

func testDeleteByID(t *testing.T, s vector.Store) {
	name := seeded(t, s)
	if err := s.Delete(ctx(t), name, []string{"a", "b", "missing"}, nil); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	wantCount(t, s, name, 4)
	if got := query(t, s, name, vector.Query{Vector: probe, TopK: 10}); !slices.Equal(ids(got), []string{"c", "e", "d", "f"}) {
		t.Fatalf("after delete ids = %v", ids(got))
	}
	if err := s.Delete(ctx(t), name, []string{"a"}, nil); err != nil {
		t.Fatalf("deleting a deleted id: %v", err)
	}
}

func testDeleteByFilter(t *testing.T, s vector.Store) {
	name := seeded(t, s)
	if err := s.Delete(ctx(t), name, nil, vector.Filter{vector.Eq("brokerage_id", "b2")}); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	wantCount(t, s, name, 4)
	if got := query(t, s, name, vector.Query{Vector: probe, TopK: 10}); !slices.Equal(ids(got), []string{"a", "b", "e", "f"}) {
		t.Fatalf("after delete ids = %v", ids(got))
	}
}

func testDeleteByIDAndFilter(t *testing.T, s vector.Store) {
	name := seeded(t, s)
	err := s.Delete(ctx(t), name, []string{"a", "c"}, vector.Filter{vector.Eq("brokerage_id", "b1")})
	if err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if got := query(t, s, name, vector.Query{Vector: probe, TopK: 10}); !slices.Equal(ids(got), []string{"b", "c", "e", "d", "f"}) {
		t.Fatalf("after delete ids = %v; want only a gone (c is in b2)", ids(got))
	}
	wantCode(t, s.Delete(ctx(t), name, nil, nil), apperr.Invalid)
	wantCount(t, s, name, 5)
}

func testInvalidInput(t *testing.T, s vector.Store) {
	name := seeded(t, s)
	good := func(mod func(*vector.Item)) []vector.Item {
		it := vector.Item{ID: "x", Vector: []float32{1, 2, 3, 4}, Metadata: map[string]any{"k": "v"}}
		mod(&it)
		return []vector.Item{it}
	}
	upserts := []struct {
		name  string
		items []vector.Item
	}{
		{"short vector", good(func(it *vector.Item) { it.Vector = []float32{1, 2, 3} })},
		{"long vector", good(func(it *vector.Item) { it.Vector = []float32{1, 2, 3, 4, 5} })},
		{"zero vector", good(func(it *vector.Item) { it.Vector = []float32{0, 0, 0, 0} })},
		{"NaN", good(func(it *vector.Item) { it.Vector[2] = float32(math.NaN()) })},
		{"empty id", good(func(it *vector.Item) { it.ID = "" })},
		{"slice metadata", good(func(it *vector.Item) { it.Metadata["k"] = []string{"a"} })},
		{"nil metadata value", good(func(it *vector.Item) { it.Metadata["k"] = nil })},
		{"reserved key", good(func(it *vector.Item) { it.Metadata["$k"] = 1 })},
		{"duplicate id", append(good(func(*vector.Item) {}), good(func(*vector.Item) {})...)},
	}
	for _, tc := range upserts {
		t.Run("upsert "+tc.name, func(t *testing.T) {
			wantCode(t, s.Upsert(ctx(t), name, tc.items), apperr.Invalid)
		})
	}
	queries := []struct {
		name string
		q    vector.Query
	}{
		{"dimension mismatch", vector.Query{Vector: []float32{1, 0, 0}, TopK: 1}},
		{"zero vector", vector.Query{Vector: []float32{0, 0, 0, 0}, TopK: 1}},
		{"top k zero", vector.Query{Vector: probe, TopK: 0}},
		{"empty in", vector.Query{Vector: probe, TopK: 1, Where: vector.Filter{vector.In("beds")}}},
		{"range on a string", vector.Query{Vector: probe, TopK: 1, Where: vector.Filter{vector.Gte("beds", "2")}}},
		{"unknown operator", vector.Query{Vector: probe, TopK: 1, Where: vector.Filter{{Field: "beds", Op: "$like", Value: 1}}}},
	}
	for _, tc := range queries {
		t.Run("query "+tc.name, func(t *testing.T) {
			_, err := s.Query(ctx(t), name, tc.q)
			wantCode(t, err, apperr.Invalid)
		})
	}
	wantCount(t, s, name, len(fixture()))
}

func testInvalidBatchAtomic(t *testing.T, s vector.Store) {
	name := ensured(t, s)
	items := fixture()
	items[3].Vector = []float32{1, 2}
	wantCode(t, s.Upsert(ctx(t), name, items), apperr.Invalid)
	wantCount(t, s, name, 0)
}

// testRandomNeighbours compares against brute force on enough points that an approximate index
// (Chroma's HNSW) is exercised; it must find the nearest item and nearly all of the top ten.
func testRandomNeighbours(t *testing.T, s vector.Store) {
	const n, d, k = 400, 32, 10
	name := newName()
	if err := s.EnsureCollection(ctx(t), name, d); err != nil {
		t.Fatal(err)
	}
	rng := mrand.New(mrand.NewPCG(7, 11)) // #nosec G404 -- reproducible test vectors, not secrets
	items := make([]vector.Item, n)
	for i := range items {
		items[i] = vector.Item{ID: fmt.Sprintf("r%03d", i), Vector: randomVector(rng, d),
			Metadata: map[string]any{"brokerage_id": fmt.Sprintf("b%d", i%2), "i": i}}
	}
	if err := s.Upsert(ctx(t), name, items); err != nil {
		t.Fatal(err)
	}
	wantCount(t, s, name, n)
	for qi := 0; qi < 5; qi++ {
		q := randomVector(rng, d)
		for _, where := range []vector.Filter{nil, {vector.Eq("brokerage_id", "b1")}} {
			want := bruteForce(items, q, k, where)
			got := query(t, s, name, vector.Query{Vector: q, TopK: k, Where: where})
			if len(got) != k || got[0].ID != want[0] {
				t.Fatalf("query %d (%v): got %v, want %v", qi, where, ids(got), want)
			}
			if r := overlap(ids(got), want); r < 9 {
				t.Errorf("query %d (%v): %d of the true top %d found", qi, where, r, k)
			}
			for i := 1; i < len(got); i++ {
				if got[i].Score > got[i-1].Score+1e-6 {
					t.Fatalf("scores not descending: %v", got)
				}
			}
		}
	}
}

func testConcurrent(t *testing.T, s vector.Store) {
	const workers, each = 6, 20
	name := ensured(t, s)
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := mrand.New(mrand.NewPCG(uint64(w), 3)) // #nosec G404 -- reproducible test vectors, not secrets
			for i := 0; i < each; i++ {
				it := vector.Item{ID: fmt.Sprintf("w%d-%d", w, i), Vector: randomVector(rng, dims),
					Metadata: map[string]any{"worker": w}}
				if err := s.Upsert(ctx(t), name, []vector.Item{it}); err != nil {
					errs <- err
					return
				}
				if _, err := s.Query(ctx(t), name, vector.Query{Vector: it.Vector, TopK: 3}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	wantCount(t, s, name, workers*each)
}

// helpers

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func newName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "contract-" + hex.EncodeToString(b)
}

func ensured(t *testing.T, s vector.Store) string {
	t.Helper()
	name := newName()
	if err := s.EnsureCollection(ctx(t), name, dims); err != nil {
		t.Fatalf("EnsureCollection: %v", err)
	}
	return name
}

func seeded(t *testing.T, s vector.Store) string {
	t.Helper()
	name := ensured(t, s)
	if err := s.Upsert(ctx(t), name, fixture()); err != nil {
		t.Fatalf("Upsert fixture: %v", err)
	}
	return name
}

func query(t *testing.T, s vector.Store, name string, q vector.Query) []vector.Match {
	t.Helper()
	got, err := s.Query(ctx(t), name, q)
	if err != nil {
		t.Fatalf("Query: %v", err)
	}
	return got
}

func wantCount(t *testing.T, s vector.Store, name string, want int) {
	t.Helper()
	n, err := s.Count(ctx(t), name)
	if err != nil || n != want {
		t.Fatalf("Count = %d, %v; want %d", n, err, want)
	}
}

func wantCode(t *testing.T, err error, code apperr.Code) {
	t.Helper()
	if got := apperr.CodeOf(err); got != code {
		t.Fatalf("error %v has code %q, want %q", err, got, code)
	}
}

func wantItem(t *testing.T, got, want vector.Item) {
	t.Helper()
	if got.ID != want.ID || got.Document != want.Document {
		t.Errorf("item %q/%q, want %q/%q", got.ID, got.Document, want.ID, want.Document)
	}
	if len(got.Vector) != len(want.Vector) {
		t.Fatalf("item %s vector %v, want %v", got.ID, got.Vector, want.Vector)
	}
	for i := range want.Vector {
		if d := math.Abs(float64(got.Vector[i] - want.Vector[i])); d > 1e-4*math.Max(1, math.Abs(float64(want.Vector[i]))) {
			t.Errorf("item %s vector %v, want %v", got.ID, got.Vector, want.Vector)
			break
		}
	}
	wantMD := vector.NormalizeMetadata(want.Metadata)
	if len(got.Metadata) != len(wantMD) {
		t.Errorf("item %s metadata %v, want %v", got.ID, got.Metadata, wantMD)
	}
	for k, v := range wantMD {
		if got.Metadata[k] != v {
			t.Errorf("item %s metadata[%s] = %#v, want %#v", got.ID, k, got.Metadata[k], v)
		}
	}
}

func ids(ms []vector.Match) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func itemIDs(items []vector.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

func itemOf(id string) vector.Item {
	for _, it := range fixture() {
		if it.ID == id {
			return it
		}
	}
	panic("no fixture item " + id)
}

func vectorOf(id string) []float32 { return itemOf(id).Vector }

func cosine(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return dot / math.Sqrt(na*nb)
}

func randomVector(rng *mrand.Rand, d int) []float32 {
	v := make([]float32, d)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

func bruteForce(items []vector.Item, q []float32, k int, where vector.Filter) []string {
	type scored struct {
		id    string
		score float64
	}
	var all []scored
	for _, it := range items {
		if where.Matches(vector.NormalizeMetadata(it.Metadata)) {
			all = append(all, scored{it.ID, cosine(q, it.Vector)})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].score > all[j].score })
	out := make([]string, 0, k)
	for i := 0; i < k && i < len(all); i++ {
		out = append(out, all[i].id)
	}
	return out
}

func overlap(a, b []string) int {
	n := 0
	for _, x := range a {
		if slices.Contains(b, x) {
			n++
		}
	}
	return n
}
