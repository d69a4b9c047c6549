// Package simulate writes realistic Dubai brokerage datasets (properties, listings,
// transactions, clients, agents, users and market data) in the formats and column shapes
// customers export, for samples, load tests and benchmarks.
//
// Output is deterministic by seed: the same options give byte-identical files. Every entity
// is drawn from a generator positioned on (seed, kind, index), so a transaction can re-derive
// the property it sells without any table being held in memory, and a million rows stream
// through a small buffer.
package simulate

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/propertypro/propertypro/shared/apperr"
)

// Options say how much of each dataset to write.
type Options struct {
	Seed         uint64
	AsOf         time.Time // the export date: every past date is before it
	Properties   int
	Listings     int // listing i advertises property i, so at most Properties
	Transactions int
	Clients      int
	Agents       int
	Users        int
	MarketMonths int      // months of market data and trends per community
	Only         []string // dataset names to write; empty writes all
}

// Defaults are a mid-sized brokerage's exports.
func Defaults() Options {
	return Options{Seed: 1, AsOf: time.Date(2025, 9, 30, 0, 0, 0, 0, time.UTC), Properties: 2000, Listings: 1000,
		Transactions: 5000, Clients: 1000, Agents: 50, Users: 30, MarketMonths: 12}
}

// Sample is the small set committed under data/sample (`go generate ./data`).
func Sample() Options {
	o := Defaults()
	o.Properties, o.Listings, o.Transactions, o.Clients, o.Agents, o.Users, o.MarketMonths = 200, 100, 500, 200, 20, 15, 6
	return o
}

// File is one written file.
type File struct {
	Name    string `json:"name"`
	Dataset string `json:"dataset"`
	Rows    int    `json:"rows"`
	Bytes   int64  `json:"bytes"`
}

// table is one dataset's file and how to write its rows.
type table struct {
	file, dataset string
	rows          func(o Options) int
	write         func(g *gen, w io.Writer) error
}

// tables are in ingestion order: agents before the properties that name them, properties
// before the listings and transactions that reference them.
var tables = []table{
	{"agents.csv", "agents", func(o Options) int { return o.Agents }, writeAgents},
	{"users.csv", "users", func(o Options) int { return o.Users }, writeUsers},
	{"properties.csv", "properties", func(o Options) int { return o.Properties }, writeProperties},
	{"listings.csv", "listings", func(o Options) int { return o.Listings }, writeListings},
	{"transactions.csv", "transactions", func(o Options) int { return o.Transactions }, writeTransactions},
	{"clients.csv", "clients", func(o Options) int { return o.Clients }, writeClients},
	{"market_data.csv", "market_data", func(o Options) int { return len(communities) * len(categories) * o.MarketMonths }, writeMarketData},
	{"market_trends.json", "market_trends", func(o Options) int { return len(communities) * o.MarketMonths }, writeMarketTrends},
	{"neighborhoods.json", "neighbourhoods", func(o Options) int { return len(communities) }, writeNeighbourhoods},
}

// Datasets names what the simulator writes, in ingestion order.
func Datasets() []string {
	out := make([]string, len(tables))
	for i, t := range tables {
		out[i] = t.dataset
	}
	return out
}

// Validate checks the options before anything is written.
func (o Options) Validate() error {
	for _, n := range []int{o.Properties, o.Listings, o.Transactions, o.Clients, o.Agents, o.Users, o.MarketMonths} {
		if n < 0 {
			return apperr.New(apperr.Invalid, "counts cannot be negative")
		}
	}
	if o.Listings > o.Properties {
		return apperr.New(apperr.Invalid, "--listings (%d) cannot exceed --properties (%d): each listing advertises one property", o.Listings, o.Properties)
	}
	if o.Properties == 0 && (o.Transactions > 0 || o.Listings > 0) {
		return apperr.New(apperr.Invalid, "transactions and listings need at least one property")
	}
	for _, d := range o.Only {
		if !slices.Contains(Datasets(), d) {
			return apperr.New(apperr.Invalid, "unknown dataset %q; one of %s", d, strings.Join(Datasets(), ", "))
		}
	}
	return nil
}

// Write writes the datasets into dir (created if needed) and lists the files in ingestion order.
func Write(dir string, o Options) ([]File, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var out []File
	for _, t := range tables {
		if len(o.Only) > 0 && !slices.Contains(o.Only, t.dataset) {
			continue
		}
		n, err := writeFile(filepath.Join(dir, t.file), newGen(o), t.write)
		if err != nil {
			return out, fmt.Errorf("writing %s: %w", t.file, err)
		}
		out = append(out, File{Name: t.file, Dataset: t.dataset, Rows: t.rows(o), Bytes: n})
	}
	return out, nil
}

// WriteDataset writes one dataset to w.
func WriteDataset(w io.Writer, dataset string, o Options) error {
	if err := o.Validate(); err != nil {
		return err
	}
	for _, t := range tables {
		if t.dataset == dataset {
			return t.write(newGen(o), w)
		}
	}
	return apperr.New(apperr.Invalid, "unknown dataset %q; one of %s", dataset, strings.Join(Datasets(), ", "))
}

func writeFile(path string, g *gen, write func(*gen, io.Writer) error) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	cw := &countingWriter{w: f}
	bw := bufio.NewWriterSize(cw, 256<<10)
	err = write(g, bw)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return cw.n, err
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Kinds of entity: each has its own random stream, so adding transactions never changes
// the properties, and property i is the same wherever it is re-derived.
const (
	kindProperty uint64 = iota + 1
	kindListing
	kindTransaction
	kindClient
	kindAgent
	kindUser
	kindMarket
)

// gen is a random source positioned per entity.
type gen struct {
	o     Options
	pcg   rand.PCG
	r     *rand.Rand
	props *gen // re-derives properties for listings and transactions
}

func newGen(o Options) *gen {
	g := &gen{o: o}
	g.r = rand.New(&g.pcg) // #nosec G404 -- simulated data must be reproducible from its seed, not secret
	return g
}

// at positions the generator on entity i of a kind.
func (g *gen) at(kind uint64, i int) {
	g.pcg.Seed(g.o.Seed*0x9E3779B97F4A7C15+kind, uint64(i))
}

func (g *gen) between(lo, hi float64) float64 { return lo + g.r.Float64()*(hi-lo) }

func (g *gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

// some picks k distinct items, in the list's order.
func (g *gen) some(xs []string, k int) []string {
	idx := g.r.Perm(len(xs))[:min(k, len(xs))]
	slices.Sort(idx)
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = xs[j]
	}
	return out
}

// daysBefore is a date up to n days before the export date.
func (g *gen) daysBefore(n int) time.Time { return g.o.AsOf.AddDate(0, 0, -g.r.IntN(n+1)) }

// pyList writes a Python list literal, the way the customers' exports spell lists.
func pyList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = "'" + strings.ReplaceAll(x, "'", `\'`) + "'"
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func money(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }
func whole(x float64) string { return strconv.FormatFloat(x, 'f', 0, 64) }
func day(t time.Time) string { return t.Format(time.DateOnly) }
func itoa(n int) string      { return strconv.Itoa(n) }

// csvTable writes a header and n records made by row, reusing one record buffer.
func csvTable(w io.Writer, header []string, n int, row func(i int, rec []string)) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	for i := 1; i <= n; i++ {
		row(i, rec)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// jsonArray writes n objects made by item as an indented JSON array, one element at a time.
func jsonArray(w io.Writer, n int, item func(i int) any) error {
	if _, err := io.WriteString(w, "["); err != nil {
		return err
	}
	for i := 1; i <= n; i++ {
		b, err := json.MarshalIndent(item(i), "  ", "  ")
		if err != nil {
			return err
		}
		sep := ",\n  "
		if i == 1 {
			sep = "\n  "
		}
		if _, err := io.WriteString(w, sep); err != nil {
			return err
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "\n]\n")
	return err
}
