package vectormem

import (
	"slices"
	"sync"

	"github.com/propertypro/propertypro/shared/vector"
)

// parallelFloats is the collection size (rows × dims) above which a query is split across
// workers; below it the goroutine hand-off costs more than it saves.
const parallelFloats = 1 << 18

type hit struct {
	row   int32
	score float32
}

// topK keeps the k best hits seen so far in a min-heap: the root is the worst kept hit, so a
// new hit costs one comparison unless it beats it.
type topK struct {
	k    int
	hits []hit
}

func (h *topK) offer(row int32, score float32) {
	if len(h.hits) < h.k {
		h.hits = append(h.hits, hit{row, score})
		h.up(len(h.hits) - 1)
		return
	}
	if score <= h.hits[0].score {
		return
	}
	h.hits[0] = hit{row, score}
	h.down(0)
}

func (h *topK) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if h.hits[p].score <= h.hits[i].score {
			return
		}
		h.hits[p], h.hits[i] = h.hits[i], h.hits[p]
		i = p
	}
}

func (h *topK) down(i int) {
	n := len(h.hits)
	for {
		l, small := 2*i+1, i
		if l < n && h.hits[l].score < h.hits[small].score {
			small = l
		}
		if r := l + 1; r < n && h.hits[r].score < h.hits[small].score {
			small = r
		}
		if small == i {
			return
		}
		h.hits[i], h.hits[small] = h.hits[small], h.hits[i]
		i = small
	}
}

// search returns the k best rows among [lo, hi) that match where, scored exactly against the
// unit query q.
//
// With a half-precision copy, it first keeps a wider set of candidates by their approximate
// scores, then rescores them from the float32 vectors. The result is provably the exact one
// when the worst kept candidate, even with the largest approximation error, could not beat
// the k-th exact score; otherwise (near ties) it scans the range again in float32.
func (r *rows) search(q []float32, k int, where []cond, lo, hi int) []hit {
	if r.half == nil {
		return r.scan(q, k, where, lo, hi, func(i int) float32 { return dot(q, r.vector(i)) })
	}
	d := r.dims
	wide := max(4*k, k+32)
	var cands []hit
	if len(where) == 0 {
		cands = r.scan(q, wide, nil, lo, hi, func(i int) float32 { return dotHalfKernel(q, r.half[i*d:(i+1)*d]) })
	} else {
		cands = r.scanSelected(q, wide, r.selectRows(where, lo, hi))
	}
	floor := float32(-2)
	if len(cands) == wide {
		floor = cands[0].score // the heap's root: the lowest approximate score kept
	}
	exact := topK{k: k, hits: make([]hit, 0, k)}
	for _, c := range cands {
		exact.offer(c.row, dot(q, r.vector(int(c.row))))
	}
	if len(exact.hits) == k && floor+halfError >= exact.hits[0].score {
		return r.scan(q, k, where, lo, hi, func(i int) float32 { return dot(q, r.vector(i)) })
	}
	return exact.hits
}

// selectRows lists the rows of [lo, hi) that match where.
func (r *rows) selectRows(where []cond, lo, hi int) []int32 {
	var sel []int32
	for i := lo; i < hi; i++ {
		if matchAll(where, i) {
			sel = append(sel, int32(i))
		}
	}
	return sel
}

// scanSelected scores the selected rows by their half vectors, prefetching a few rows ahead.
func (r *rows) scanSelected(q []float32, k int, sel []int32) []hit {
	const ahead = 2
	d := r.dims
	h := topK{k: k, hits: make([]hit, 0, k)}
	for j := 0; j < min(ahead, len(sel)); j++ {
		prefetchHalf(r.half[int(sel[j])*d : int(sel[j]+1)*d])
	}
	for j, row := range sel {
		if next := j + ahead; next < len(sel) {
			prefetchHalf(r.half[int(sel[next])*d : int(sel[next]+1)*d])
		}
		h.offer(row, dotHalfKernel(q, r.half[int(row)*d:int(row+1)*d]))
	}
	return h.hits
}

// scan offers every matching row in [lo, hi) to a k-bounded heap and returns the heap.
func (r *rows) scan(q []float32, k int, where []cond, lo, hi int, score func(int) float32) []hit {
	h := topK{k: k, hits: make([]hit, 0, k)}
	for i := lo; i < hi; i++ {
		if len(where) > 0 && !matchAll(where, i) {
			continue
		}
		h.offer(int32(i), score(i))
	}
	return h.hits
}

// query returns the k best rows, best first; ties keep the order of the ids for stable output.
func (r *rows) query(q []float32, k int, filter vector.Filter, workers int) []hit {
	where, never := r.compile(filter)
	if never {
		return nil
	}
	n := r.len()
	if workers < 1 || n*r.dims < parallelFloats {
		workers = 1
	}
	parts := make([][]hit, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[w] = r.search(q, k, where, lo, hi)
		}()
	}
	wg.Wait()
	all := slices.Concat(parts...)
	slices.SortFunc(all, func(a, b hit) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return compareStrings(r.ids[a.row], r.ids[b.row])
	})
	return all[:min(k, len(all))]
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// dot is the inner loop of every query. Four independent accumulators let the CPU overlap
// the multiply-adds instead of waiting on one running sum.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+8 <= len(a); i += 8 {
		s0 += a[i]*b[i] + a[i+4]*b[i+4]
		s1 += a[i+1]*b[i+1] + a[i+5]*b[i+5]
		s2 += a[i+2]*b[i+2] + a[i+6]*b[i+6]
		s3 += a[i+3]*b[i+3] + a[i+7]*b[i+7]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}
