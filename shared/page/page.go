// Package page is keyset pagination and sorting for list endpoints: an opaque cursor holds
// the last row's sort value and id, so pages stay stable and fast however deep a client goes
// (no OFFSET scans).
package page

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"

	"github.com/propertypro/propertypro/shared/apperr"
)

// Limits of a page.
const (
	DefaultLimit = 50
	MaxLimit     = 200
)

// Request is what a list endpoint receives: where to start, how many, in which order.
type Request struct {
	Cursor string // from the previous page's NextCursor; "" for the first page
	Limit  int    // 1..MaxLimit; 0 means DefaultLimit
	Sort   Sort
}

// Sort is one sort key and its direction.
type Sort struct {
	Field string
	Desc  bool
}

// ParseSort reads "field" or "-field" (descending), allowing only the fields listed; "" gives
// def.
func ParseSort(s string, allowed []string, def Sort) (Sort, error) {
	if s == "" {
		return def, nil
	}
	desc := strings.HasPrefix(s, "-")
	f := strings.TrimPrefix(s, "-")
	if !slices.Contains(allowed, f) {
		return Sort{}, apperr.Validation(apperr.FieldError{Field: "sort",
			Message: "must be one of " + strings.Join(allowed, ", ") + " (prefix - for descending)", Value: s})
	}
	return Sort{Field: f, Desc: desc}, nil
}

// Size is the limit to apply.
func (r Request) Size() int {
	switch {
	case r.Limit <= 0:
		return DefaultLimit
	case r.Limit > MaxLimit:
		return MaxLimit
	}
	return r.Limit
}

// Position is where a page starts: after the row with this sort value and id.
type Position struct {
	Value string `json:"v"`
	ID    string `json:"id"`
	Sort  string `json:"s"` // the sort it was made for: a cursor is refused under another sort
}

// Encode makes the opaque cursor for the row after which the next page starts.
func Encode(sort Sort, value, id string) string {
	b, _ := json.Marshal(Position{Value: value, ID: id, Sort: sort.String()})
	return base64.RawURLEncoding.EncodeToString(b)
}

// Decode reads a cursor; a cursor from another sort or a forged one is invalid.
func (r Request) Decode() (*Position, error) {
	if r.Cursor == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(r.Cursor)
	var p Position
	if err == nil {
		err = json.Unmarshal(b, &p)
	}
	if err != nil || p.ID == "" || p.Sort != r.Sort.String() {
		return nil, apperr.Validation(apperr.FieldError{Field: "cursor",
			Message: "is not a cursor returned by this list with the same sort"})
	}
	return &p, nil
}

func (s Sort) String() string {
	if s.Desc {
		return "-" + s.Field
	}
	return s.Field
}

// Result is one page of items.
type Result[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty" doc:"Pass as cursor to get the next page; absent on the last page."`
}

// Trim turns limit+1 fetched rows into a page: when the extra row exists there is a next
// page, whose cursor comes from the last kept row.
func Trim[T any](rows []T, r Request, key func(T) (value, id string)) Result[T] {
	n := r.Size()
	res := Result[T]{Items: rows}
	if res.Items == nil {
		res.Items = []T{}
	}
	if len(rows) > n {
		res.Items = rows[:n]
		v, id := key(rows[n-1])
		res.NextCursor = Encode(r.Sort, v, id)
	}
	return res
}
