package vectormem

import "github.com/propertypro/propertypro/shared/vector"

// Metadata is also kept column-wise, dictionary-encoded: per key, one small integer per row
// naming its value. A filtered scan then reads a few dense uint32 columns instead of chasing
// one hash map per row, which costs a cache miss or more each and dominated filtered queries.

type column struct {
	codes []uint32       // one per row; 0 means the row lacks the key
	dict  map[any]uint32 // value -> code
	vals  []any          // code -> value; vals[0] stands for "absent"
}

func newColumn(rows int) *column {
	return &column{codes: make([]uint32, rows), dict: map[any]uint32{}, vals: []any{nil}}
}

func (c *column) code(v any) uint32 {
	if code, ok := c.dict[v]; ok {
		return code
	}
	code := uint32(len(c.vals))
	c.dict[v] = code
	c.vals = append(c.vals, v)
	return code
}

// setColumns records row i's metadata in every column, clearing keys the row no longer has.
func (r *rows) setColumns(i int, md map[string]any) {
	for key, c := range r.cols {
		if _, ok := md[key]; !ok {
			c.codes[i] = 0
		}
	}
	for key, v := range md {
		c, ok := r.cols[key]
		if !ok {
			c = newColumn(len(r.ids))
			r.cols[key] = c
		}
		c.codes[i] = c.code(v)
	}
}

func (r *rows) appendColumns() {
	for _, c := range r.cols {
		c.codes = append(c.codes, 0)
	}
}

func (r *rows) moveColumns(to, from int) {
	for _, c := range r.cols {
		c.codes[to] = c.codes[from]
	}
}

func (r *rows) truncateColumns(n int) {
	for _, c := range r.cols {
		c.codes = c.codes[:n]
	}
}

// cond is one filter condition resolved against a column: ok[code] says whether rows with that
// code match. Resolving evaluates vector.Filter's own semantics once per distinct value.
type cond struct {
	codes []uint32
	ok    []bool
}

// compile resolves where against the columns. never is true when some condition can match
// no row at all, so the scan can be skipped.
func (r *rows) compile(where vector.Filter) (conds []cond, never bool) {
	for _, c := range where {
		single := vector.Filter{c}
		col, ok := r.cols[c.Field]
		if !ok {
			if !single.Matches(nil) {
				return nil, true
			}
			continue // absent everywhere and that matches: no constraint
		}
		res := make([]bool, len(col.vals))
		res[0] = single.Matches(nil)
		some := res[0]
		for code := 1; code < len(col.vals); code++ {
			res[code] = single.Matches(map[string]any{c.Field: col.vals[code]})
			some = some || res[code]
		}
		if !some {
			return nil, true
		}
		conds = append(conds, cond{codes: col.codes, ok: res})
	}
	return conds, false
}

func matchAll(conds []cond, i int) bool {
	for _, c := range conds {
		if !c.ok[c.codes[i]] {
			return false
		}
	}
	return true
}
