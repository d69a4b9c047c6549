package vectormem

import (
	"github.com/propertypro/propertypro/shared/vector"
)

// rows holds a collection's items column-wise. Unit vectors sit end to end in one float32
// slice so that a query streams through memory without chasing pointers.
type rows struct {
	dims  int
	ids   []string
	unit  []float32 // len(ids)*dims, each row scaled to length 1
	norms []float32 // original lengths, to hand back the vector as it was given
	docs  []string
	meta  []map[string]any
	index map[string]int
	// half mirrors unit in half precision for the candidate scan; nil where the CPU has no
	// kernel for it (see half.go).
	half []uint16
	cols map[string]*column
}

func newRows(dims int) *rows {
	r := &rows{dims: dims, index: map[string]int{}, cols: map[string]*column{}}
	if hasHalfKernel {
		r.half = []uint16{}
	}
	return r
}

func (r *rows) len() int { return len(r.ids) }

func (r *rows) vector(i int) []float32 { return r.unit[i*r.dims : (i+1)*r.dims] }

// put inserts or replaces one row; unit must already be normalised.
func (r *rows) put(id string, norm float32, unit []float32, doc string, md map[string]any) {
	if i, ok := r.index[id]; ok {
		copy(r.vector(i), unit)
		r.norms[i], r.docs[i], r.meta[i] = norm, doc, md
		if r.half != nil {
			toHalves(r.half[i*r.dims:(i+1)*r.dims], unit)
		}
		r.setColumns(i, md)
		return
	}
	r.index[id] = len(r.ids)
	r.ids = append(r.ids, id)
	r.unit = append(r.unit, unit...)
	if r.half != nil {
		n := len(r.half)
		r.half = append(r.half, make([]uint16, r.dims)...)
		toHalves(r.half[n:], unit)
	}
	r.norms = append(r.norms, norm)
	r.docs = append(r.docs, doc)
	r.meta = append(r.meta, md)
	r.appendColumns()
	r.setColumns(len(r.ids)-1, md)
}

// remove deletes a row by moving the last row into its place, keeping the columns dense.
func (r *rows) remove(id string) {
	i, ok := r.index[id]
	if !ok {
		return
	}
	last := len(r.ids) - 1
	if i != last {
		r.ids[i], r.norms[i], r.docs[i], r.meta[i] = r.ids[last], r.norms[last], r.docs[last], r.meta[last]
		copy(r.vector(i), r.vector(last))
		if r.half != nil {
			copy(r.half[i*r.dims:(i+1)*r.dims], r.half[last*r.dims:])
		}
		r.moveColumns(i, last)
		r.index[r.ids[i]] = i
	}
	r.truncateColumns(last)
	if r.half != nil {
		r.half = r.half[:last*r.dims]
	}
	delete(r.index, id)
	r.ids, r.norms, r.docs, r.meta = r.ids[:last], r.norms[:last], r.docs[:last], r.meta[:last]
	r.unit = r.unit[:last*r.dims]
}

// item rebuilds row i as the caller stored it.
func (r *rows) item(i int) vector.Item {
	v := make([]float32, r.dims)
	for j, x := range r.vector(i) {
		v[j] = x * r.norms[i]
	}
	return vector.Item{ID: r.ids[i], Vector: v, Document: r.docs[i], Metadata: copyMetadata(r.meta[i])}
}

// selectIDs returns the ids among want (all rows when want is empty) whose metadata matches.
func (r *rows) selectIDs(want []string, where vector.Filter) []string {
	var out []string
	if len(want) == 0 {
		for i, id := range r.ids {
			if where.Matches(r.meta[i]) {
				out = append(out, id)
			}
		}
		return out
	}
	for _, id := range want {
		if i, ok := r.index[id]; ok && where.Matches(r.meta[i]) {
			out = append(out, id)
		}
	}
	return out
}

func copyMetadata(md map[string]any) map[string]any {
	if len(md) == 0 {
		return nil
	}
	out := make(map[string]any, len(md))
	for k, v := range md {
		out[k] = v
	}
	return out
}
