package ingest

import (
	"encoding/csv"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/propertypro/propertypro/shared/ingest/read"
)

// Row reads one record's cells by column name, converting and checking them; every failed
// check becomes an issue, so one pass reports every problem of the row at once.
type Row struct {
	Sheet    string
	Rec      read.Record
	index    map[string]int
	Rejects  []Issue
	Warnings []Issue
	Quirks   map[string]bool
}

// NewIndex maps canonical header names to positions.
func NewIndex(header []string) map[string]int {
	m := make(map[string]int, len(header))
	for i, h := range header {
		if _, dup := m[canon(h)]; !dup {
			m[canon(h)] = i
		}
	}
	return m
}

// Reset prepares the row for the next record, reusing its buffers.
func (r *Row) Reset(sheet string, rec read.Record, index map[string]int) {
	r.Sheet, r.Rec, r.index = sheet, rec, index
	r.Rejects, r.Warnings = r.Rejects[:0], r.Warnings[:0]
}

// Raw is the cell of a column, trimmed; "" when absent.
func (r *Row) Raw(col string) string {
	i, ok := r.index[col]
	if !ok || i >= len(r.Rec.Fields) {
		return ""
	}
	return strings.TrimSpace(r.Rec.Fields[i])
}

// Reject records a rejection of the row at a column.
func (r *Row) Reject(col, value, format string, args ...any) {
	r.Rejects = append(r.Rejects, Issue{Sheet: r.Sheet, Line: r.Rec.Line, Column: col, Value: clip(value), Reason: fmt.Sprintf(format, args...)})
}

// Warn records an anomaly that does not keep the row out.
func (r *Row) Warn(col, value, format string, args ...any) {
	r.Warnings = append(r.Warnings, Issue{Sheet: r.Sheet, Line: r.Rec.Line, Column: col, Value: clip(value), Reason: fmt.Sprintf(format, args...), Warning: true})
}

// Quirk notes a normalisation the file needed, for the report.
func (r *Row) Quirk(name string) {
	if r.Quirks != nil {
		r.Quirks[name] = true
	}
}

// OK says whether the row has no rejection so far.
func (r *Row) OK() bool { return len(r.Rejects) == 0 }

// CSV renders the record as one CSV line, for the quarantine.
func (r *Row) CSV() string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write(r.Rec.Fields)
	w.Flush()
	return strings.TrimRight(b.String(), "\n")
}

func clip(s string) string {
	if len(s) > 200 {
		return strings.ToValidUTF8(s[:200], "") + "…"
	}
	return s
}

// Text is a cell as text; required cells that are blank reject the row.
func (r *Row) Text(col string, required bool) string {
	v := r.Raw(col)
	if v == "" && required {
		r.Reject(col, "", "is required")
	}
	return v
}

// Int parses a whole number within [lo, hi]; blank is nil unless required.
func (r *Row) Int(col string, lo, hi int64, required bool) any {
	v := r.Raw(col)
	if v == "" {
		if required {
			r.Reject(col, "", "is required")
		}
		return nil
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64)
	if err != nil || f != math.Trunc(f) {
		r.Reject(col, v, "is not a whole number")
		return nil
	}
	if n := int64(f); n < lo || n > hi {
		r.Reject(col, v, "must be between %d and %d", lo, hi)
		return nil
	}
	return int64(f)
}

// Num parses a decimal within [lo, hi]; blank is nil unless required.
func (r *Row) Num(col string, lo, hi float64, required bool) any {
	v := r.Raw(col)
	if v == "" {
		if required {
			r.Reject(col, "", "is required")
		}
		return nil
	}
	f, err := strconv.ParseFloat(strings.TrimSuffix(strings.ReplaceAll(v, ",", ""), "%"), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		r.Reject(col, v, "is not a number")
		return nil
	}
	if f < lo || f > hi {
		r.Reject(col, v, "must be between %g and %g", lo, hi)
		return nil
	}
	return f
}

// dateLayouts are the date spellings exports use, most common first.
var dateLayouts = []string{"2006-01-02", "2006-01-02 15:04:05", time.RFC3339, "2006-01-02T15:04:05", "02/01/2006", "2/1/2006", "02-01-2006", "2006/01/02"}

// Date parses a calendar date (time part ignored); blank is nil unless required.
func (r *Row) Date(col string, required bool) any {
	t, ok := r.Time(col, required)
	if !ok {
		return nil
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Time parses a timestamp in UTC (Dubai exports carry no zone; they are read as UTC+4).
func (r *Row) Time(col string, required bool) (time.Time, bool) {
	v := r.Raw(col)
	if v == "" {
		if required {
			r.Reject(col, "", "is required")
		}
		return time.Time{}, false
	}
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, v, dubai); err == nil {
			if t.Year() < 1900 || t.Year() > 2200 {
				r.Reject(col, v, "is outside 1900–2200")
				return time.Time{}, false
			}
			return t.UTC(), true
		}
	}
	r.Reject(col, v, "is not a date (expected YYYY-MM-DD)")
	return time.Time{}, false
}

var dubai = time.FixedZone("GST", 4*3600)

// Bool parses yes/no spellings.
func (r *Row) Bool(col string) bool {
	switch strings.ToLower(r.Raw(col)) {
	case "true", "yes", "y", "1", "t":
		return true
	case "", "false", "no", "n", "0", "f":
		return false
	}
	r.Reject(col, r.Raw(col), "must be true or false")
	return false
}

// Enum maps a cell case-insensitively through an explicit table of spellings to values;
// anything else rejects the row naming the accepted spellings.
func (r *Row) Enum(col string, table map[string]string, required bool) string {
	v := r.Raw(col)
	if v == "" {
		if required {
			r.Reject(col, "", "is required")
		}
		return ""
	}
	if out, ok := table[strings.ToLower(v)]; ok {
		return out
	}
	r.Reject(col, v, "is not one of %s", allowed(table))
	return ""
}

// List reads a list cell (Python literal, JSON array or comma-joined), noting which.
func (r *Row) List(col string) []string {
	v := r.Raw(col)
	items, python := List(v)
	switch {
	case python:
		r.Quirk("python_list_cells")
	case len(items) > 1 && !strings.HasPrefix(v, "["):
		r.Quirk("comma_joined_lists")
	}
	return items
}
