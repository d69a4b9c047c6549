package ingest

import (
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/propertypro/propertypro/shared/ingest/read"
)

// MaxStoredIssues bounds the issues kept per ingestion; the counts always cover every row.
const MaxStoredIssues = 100_000

// Statuses of an ingestion.
const (
	StatusRunning   = "running"
	StatusSucceeded = "succeeded"
	StatusFailed    = "failed"
)

// Report is what one ingestion did, table by table.
type Report struct {
	ID          string        `json:"id"`
	BrokerageID string        `json:"brokerage_id"`
	Bucket      string        `json:"bucket"`
	Key         string        `json:"key"`
	ETag        string        `json:"etag"`
	Status      string        `json:"status"`
	DryRun      bool          `json:"dry_run"`
	Duplicate   bool          `json:"duplicate,omitempty" doc:"The same object (bucket, key, ETag) was ingested before: nothing was done."`
	Error       string        `json:"error,omitempty"`
	Tables      []TableReport `json:"tables"`
	Totals      Counts        `json:"totals"`
	Issues      []Issue       `json:"issues,omitempty" doc:"The first rejections and warnings; all are in rejections.csv."`
	StartedAt   time.Time     `json:"started_at"`
	FinishedAt  time.Time     `json:"finished_at,omitzero"`
}

// Counts add up: Read = Inserted + Updated + Unchanged + Rejected.
type Counts struct {
	Read      int `json:"read"`
	Inserted  int `json:"inserted"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Rejected  int `json:"rejected"`
	Warnings  int `json:"warnings"`
}

// TableReport is one table of the file (a sheet of a workbook) and the dataset it loaded.
type TableReport struct {
	Sheet   string   `json:"sheet,omitempty"`
	Dataset string   `json:"dataset"`
	Target  string   `json:"target"`
	Quirks  []string `json:"quirks"`
	Counts
}

// Sum recomputes the totals from the tables.
func (r *Report) Sum() {
	r.Totals = Counts{}
	for _, t := range r.Tables {
		r.Totals.Read += t.Read
		r.Totals.Inserted += t.Inserted
		r.Totals.Updated += t.Updated
		r.Totals.Unchanged += t.Unchanged
		r.Totals.Rejected += t.Rejected
		r.Totals.Warnings += t.Warnings
	}
}

// Stream maps the records of one table into rows of its dataset. It has the shape of a COPY
// source (Next, Values, Err): the loader pulls valid rows while rejections go to the report.
type Stream struct {
	ds     *Dataset
	rd     read.Reader
	env    *Env
	table  *TableReport
	issues *[]Issue
	index  map[string]int
	keyIx  []int
	seen   map[[2]uint64]int32
	keyBuf []byte
	row    Row
	quirks map[string]bool
	vals   []any
	err    error
	// Staged counts the rows handed to the loader.
	Staged int
}

// NewStream prepares the stream of one table; issues collects rejections and warnings.
func NewStream(ds *Dataset, rd read.Reader, env *Env, table *TableReport, issues *[]Issue) *Stream {
	s := &Stream{ds: ds, rd: rd, env: env, table: table, issues: issues, index: NewIndex(rd.Header()),
		keyIx: ds.KeyIndex(), seen: map[[2]uint64]int32{}, quirks: map[string]bool{}}
	s.row.Quirks = s.quirks
	return s
}

// Next advances to the next valid row, recording every invalid one on the way.
func (s *Stream) Next() bool {
	for {
		rec, err := s.rd.Next()
		if errors.Is(err, io.EOF) {
			return false
		}
		if err != nil {
			s.err = err
			return false
		}
		s.table.Read++
		s.row.Reset(s.table.Sheet, rec, s.index)
		if rec.Problem != "" {
			s.row.Reject(rec.Column, "", "%s", rec.Problem)
		} else {
			s.vals = s.ds.Map(&s.row, s.env)
			s.dedupe()
		}
		s.table.Warnings += len(s.row.Warnings)
		s.keep(s.row.Warnings)
		if !s.row.OK() {
			s.table.Rejected++
			s.row.Rejects[0].Raw = s.row.CSV()
			s.keep(s.row.Rejects)
			continue
		}
		s.Staged++
		return true
	}
}

// dedupe rejects a second row with the natural key of an earlier one. Keys are kept as
// 128-bit hashes: a million keys then cost about 40 MB instead of several hundred, and a
// false duplicate needs a 128-bit collision.
func (s *Stream) dedupe() {
	if !s.row.OK() {
		return
	}
	s.keyBuf = s.keyBuf[:0]
	for _, i := range s.keyIx {
		s.keyBuf = appendKey(s.keyBuf, s.vals[i])
		s.keyBuf = append(s.keyBuf, 0x1f)
	}
	k := [2]uint64{maphash.Bytes(seedA, s.keyBuf), maphash.Bytes(seedB, s.keyBuf)}
	if first, dup := s.seen[k]; dup {
		var shown, names []string
		for n, i := range s.keyIx {
			if s.ds.Key[n] != "brokerage_id" {
				shown, names = append(shown, string(appendKey(nil, s.vals[i]))), append(names, s.ds.Key[n])
			}
		}
		s.row.Reject(strings.Join(names, "+"), strings.Join(shown, " "), "duplicate of line %d (same %s)", first, strings.Join(names, ", "))
		return
	}
	s.seen[k] = int32(s.row.Rec.Line)
}

var seedA, seedB = maphash.MakeSeed(), maphash.MakeSeed()

// appendKey writes a key value as text; dates as calendar days.
func appendKey(b []byte, v any) []byte {
	switch x := v.(type) {
	case string:
		return append(b, x...)
	case time.Time:
		return x.AppendFormat(b, time.DateOnly)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case float64:
		return strconv.AppendFloat(b, x, 'g', -1, 64)
	case nil:
		return append(b, "<nil>"...)
	}
	return fmt.Append(b, v)
}

func (s *Stream) keep(is []Issue) {
	for _, i := range is {
		if len(*s.issues) < MaxStoredIssues {
			*s.issues = append(*s.issues, i)
		}
	}
}

// Values is the current row in the dataset's column order.
func (s *Stream) Values() ([]any, error) { return s.vals, nil }

// Err is the error that ended the stream early (a damaged file), if any.
func (s *Stream) Err() error { return s.err }

// Finish records the quirks met; call after the last Next.
func (s *Stream) Finish() {
	q := append([]string{}, s.rd.Quirks()...)
	for k := range s.quirks {
		q = append(q, k)
	}
	slices.Sort(q)
	s.table.Quirks = slices.Compact(q)
	s.table.Target = s.ds.Target
}
