package read

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// csvReader streams a CSV file; encoding/csv already handles quoted multi-line fields and CRLF.
type csvReader struct {
	r      *csv.Reader
	guard  *guard
	header []string
	quirks QuirkSet
	ahead  *csvRecord // the record after the one Next returns last
	err    error      // what ended the file, returned once the records before it are out
}

// guard fails a read once one record has cost more than MaxLineBytes, so a 100 MB cell or a
// file without line ends is refused before it fills memory.
type guard struct {
	r    io.Reader
	used int
	crlf bool
	last byte
}

var errTooLong = fmt.Errorf("%w: one record is longer than %d MiB (an unterminated quote or an oversized cell)", ErrDamaged, MaxLineBytes>>20)

func (g *guard) Read(p []byte) (int, error) {
	if g.used > MaxLineBytes {
		return 0, errTooLong
	}
	n, err := g.r.Read(p)
	g.used += n
	if !g.crlf {
		for i := 0; i < n; i++ {
			if p[i] == '\n' && ((i > 0 && p[i-1] == '\r') || (i == 0 && g.last == '\r')) {
				g.crlf = true
				break
			}
		}
	}
	if n > 0 {
		g.last = p[n-1]
	}
	if g.used > MaxLineBytes {
		return n, errTooLong
	}
	return n, err
}

func newCSV(br *bufio.Reader, bom bool) (*csvReader, error) {
	if bom {
		_, _ = br.Discard(len(bomUTF8))
	}
	g := &guard{r: br}
	r := csv.NewReader(g)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = false
	c := &csvReader{r: r, guard: g}
	if bom {
		c.quirks.Add(quirkBOM)
	}
	h, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: the file has no header row", ErrDamaged)
		}
		return nil, wrapCSV(err)
	}
	if len(h) > MaxColumns {
		return nil, fmt.Errorf("%w: the header has %d columns; at most %d are read", ErrDamaged, len(h), MaxColumns)
	}
	c.header = CleanHeader(h)
	return c, nil
}

func wrapCSV(err error) error {
	if errors.Is(err, ErrDamaged) {
		return err
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, ErrDamaged) {
			return pe.Err
		}
		return fmt.Errorf("%w: line %d: %v", ErrDamaged, pe.StartLine, pe.Err)
	}
	return fmt.Errorf("%w: %v", ErrDamaged, err)
}

func (c *csvReader) Header() []string { return c.header }

func (c *csvReader) Quirks() []string {
	if c.guard.crlf {
		c.quirks.Add(quirkCRLF)
	}
	return c.quirks.List()
}

// Next returns the next record. It reads one record ahead, so that the last record of the
// file is known as the last: a last row that is short and not ended by a line break is what
// a file cut off in transfer looks like, and is rejected as such rather than loaded.
func (c *csvReader) Next() (Record, error) {
	if c.ahead == nil {
		if c.err != nil {
			return Record{}, c.err
		}
		r, err := c.read()
		if err != nil {
			return Record{}, err
		}
		c.ahead = &r
	}
	cur := *c.ahead
	c.ahead = nil
	next, err := c.read()
	switch {
	case errors.Is(err, io.EOF):
		c.err = io.EOF
		if cur.short && c.guard.last != '\n' && cur.Problem == "" {
			cur.Problem = fmt.Sprintf("the file ends inside this row (%d of %d cells): it looks truncated", cur.cells, len(c.header))
			c.quirks.Add("truncated_last_row")
		}
	case err != nil:
		c.err = err // returned after the record read before it
	default:
		c.ahead = &next
	}
	return cur.Record, nil
}

// csvRecord is a record with what Next needs to judge it as the last one.
type csvRecord struct {
	Record
	short bool
	cells int
}

func (c *csvReader) read() (csvRecord, error) {
	for {
		c.guard.used = 0
		f, err := c.r.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return csvRecord{}, io.EOF
			}
			return csvRecord{}, wrapCSV(err)
		}
		line, _ := c.r.FieldPos(0)
		if len(f) == 1 && f[0] == "" {
			continue // a blank line is not a record
		}
		for _, x := range f {
			if strings.IndexByte(x, '\n') >= 0 {
				c.quirks.Add("multi_line_cells")
				break
			}
		}
		rec := csvRecord{Record: Record{Line: line, Fields: f}, cells: len(f)}
		switch {
		case len(f) > len(c.header) && len(f) <= MaxColumns:
			rec.Problem = fmt.Sprintf("the row has %d cells; the header has %d", len(f), len(c.header))
			c.quirks.Add("ragged_rows")
		case len(f) < len(c.header):
			c.quirks.Add("short_rows")
			rec.short = true
			rec.Fields = append(f, make([]string, len(c.header)-len(f))...)
		}
		CheckCells(&rec.Record, c.header)
		return rec, nil
	}
}

// QuirkSet is an ordered set of quirk names.
type QuirkSet struct{ list []string }

// Add records quirk s once.
func (q *QuirkSet) Add(s string) {
	for _, x := range q.list {
		if x == s {
			return
		}
	}
	q.list = append(q.list, s)
}

// List is the quirks in the order they were met.
func (q *QuirkSet) List() []string { return q.list }
