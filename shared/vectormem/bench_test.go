package vectormem

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/vector"
)

// benchStore builds a collection in memory, skipping the disk, since the benchmark measures
// queries; writes are measured separately.
func benchStore(tb testing.TB, n, dims int) (*Store, *rand.Rand) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	r := newRows(dims)
	r.unit = make([]float32, 0, n*dims)
	v := make([]float32, dims)
	for i := 0; i < n; i++ {
		for j := range v {
			v[j] = float32(rng.NormFloat64())
		}
		norm := vector.Normalize(v)
		r.put(fmt.Sprintf("chunk-%06d", i), norm, v, "text", map[string]any{
			"brokerage_id": fmt.Sprintf("b%d", i%4), "visibility": []string{"public", "team"}[i%2]})
	}
	s := &Store{dir: tb.TempDir(), workers: 2, colls: map[string]*collection{"bench": {name: "bench", rows: r}}}
	return s, rng
}

func randomQuery(rng *rand.Rand, dims int) []float32 {
	q := make([]float32, dims)
	for j := range q {
		q[j] = float32(rng.NormFloat64())
	}
	return q
}

// BenchmarkQueryTopK is the retrieval figure of `make bench`: top-5 over 100,000 chunks of
// 768 dimensions. It reports the median latency (p50-ms) beside ns/op.
func BenchmarkQueryTopK(b *testing.B) {
	const n, dims = 100_000, 768
	s, rng := benchStore(b, n, dims)
	filters := map[string]vector.Filter{
		"unfiltered": nil,
		"brokerage+visibility": {vector.Eq("brokerage_id", "b1"),
			vector.InStrings("visibility", []string{"public", "team"})},
	}
	for _, name := range []string{"unfiltered", "brokerage+visibility"} {
		b.Run(name, func(b *testing.B) {
			q := vector.Query{Vector: randomQuery(rng, dims), TopK: 5, Where: filters[name]}
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				if _, err := s.Query(context.Background(), "bench", q); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
		})
	}
	// The plain float32 scan, for comparison: what the half-precision preselection saves.
	b.Run("unfiltered-float32-only", func(b *testing.B) {
		r := s.colls["bench"].rows
		half := r.half
		r.half = nil
		defer func() { r.half = half }()
		q := vector.Query{Vector: randomQuery(rng, dims), TopK: 5}
		for b.Loop() {
			if _, err := s.Query(context.Background(), "bench", q); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkDot768(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := randomQuery(rng, 768), randomQuery(rng, 768)
	var sink float32
	for b.Loop() {
		sink += dot(x, y)
	}
	_ = sink
}
