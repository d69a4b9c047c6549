// Package ingest turns data drops (CSV, JSON, XLSX exports of portals and spreadsheets) into
// rows of the CRM and market tables: it detects each table's dataset, normalises and validates
// every record, and keeps a report of what was read, loaded, rejected and why.
package ingest

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Issue is one problem of one record: a rejection keeps the row out, a warning lets it load.
type Issue struct {
	Sheet   string `json:"sheet,omitempty"`
	Line    int    `json:"line"`
	Column  string `json:"column,omitempty"`
	Value   string `json:"value,omitempty"`
	Reason  string `json:"reason"`
	Warning bool   `json:"warning,omitempty"`
	Raw     string `json:"-"` // the record as CSV, for the quarantine download
}

// Env is what mapping a record may consult beyond the record itself.
type Env struct {
	BrokerageID string
	Now         time.Time
	// Community resolves a place name to its location id through the aliases.
	Community func(name string) (string, bool)
	// Listing resolves a listing reference of the brokerage to its id (file or database).
	Listing func(reference string) (string, bool)
	// Agent resolves an agent display name or numeric file id to a user id.
	Agent func(name string) (string, bool)
	// PricePerSqft gives a community's usual price-per-sqft band, when known.
	PricePerSqft func(communityID string) (lo, hi float64, ok bool)
}

// Column is a target column and its Postgres type, for the staging table and the COPY.
type Column struct {
	Name string
	Type string // text, integer, numeric, date, timestamptz, boolean, text[], jsonb, uuid
}

// Dataset describes one kind of file and how its records become rows of one table.
type Dataset struct {
	Name    string
	Title   string
	Owner   string
	Cadence string
	// Signature is the header columns that identify the dataset when it is not named.
	Signature []string
	// Target is the table loaded; Columns its columns in staging order.
	Target  string
	Columns []Column
	// Key is the natural key (column names of Columns); Conflict the ON CONFLICT target.
	Key      []string
	Conflict string
	// Keep lists columns written on insert only (ids, password hashes).
	Keep []string
	// Versioned tables get version+1 and updated_at on change.
	Versioned bool
	// Guard is an extra condition on updates, e.g. a row of another brokerage is never taken.
	Guard string
	// UpdateOnly datasets change existing rows and never insert (listing status feeds).
	UpdateOnly bool
	// Map turns a record into values in Columns order, reporting issues on r.
	Map func(r *Row, e *Env) []any
}

// Columns names of a dataset.
func (d *Dataset) ColumnNames() []string {
	out := make([]string, len(d.Columns))
	for i, c := range d.Columns {
		out[i] = c.Name
	}
	return out
}

// KeyIndex is the positions of the natural key in Columns.
func (d *Dataset) KeyIndex() []int {
	var out []int
	for _, k := range d.Key {
		out = append(out, slices.IndexFunc(d.Columns, func(c Column) bool { return c.Name == k }))
	}
	return out
}

// registry is every dataset by name.
var registry = map[string]*Dataset{}

func register(d *Dataset) *Dataset { registry[d.Name] = d; return d }

// Lookup returns the dataset of a name.
func Lookup(name string) (*Dataset, bool) { d, ok := registry[strings.ToLower(name)]; return d, ok }

// Datasets lists every dataset, sorted by name.
func Datasets() []*Dataset {
	out := make([]*Dataset, 0, len(registry))
	for _, d := range registry {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b *Dataset) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// DatasetNames lists the name of every dataset, sorted.
func DatasetNames() []string {
	var names []string
	for _, d := range Datasets() {
		names = append(names, d.Name)
	}
	return names
}

// Detect picks the dataset whose signature the header covers best; ties go to the longer
// signature, so a specific shape wins over a generic one.
func Detect(header []string) (*Dataset, error) {
	have := map[string]bool{}
	for _, h := range header {
		have[canon(h)] = true
	}
	var best *Dataset
	for _, d := range Datasets() {
		all := true
		for _, s := range d.Signature {
			all = all && have[s]
		}
		if all && (best == nil || len(d.Signature) > len(best.Signature)) {
			best = d
		}
	}
	if best == nil {
		return nil, fmt.Errorf("no dataset matches the columns %s; name one of %s", strings.Join(header, ", "), strings.Join(DatasetNames(), ", "))
	}
	return best, nil
}

// canon folds a header name for matching: lower case, spaces and dashes as underscores.
func canon(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer(" ", "_", "-", "_").Replace(s)
}
