// Package read streams the records of CSV, JSON and XLSX data drops, one at a time, so a file
// of any length is never held in memory; limits on columns and line length turn damaged files
// into clear errors instead of crashes.
package read

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode/utf8"
)

// Limits bound what one record may cost, so a hostile file cannot exhaust memory.
const (
	MaxColumns   = 1000             // a wider row is rejected
	MaxLineBytes = 8 << 20          // one physical line (or JSON value) of more is a damaged file
	MaxCellBytes = 1 << 20          // one cell of more is a rejected row
	sniffBytes   = 8 << 10          // how much of the file is inspected for binary content
	maxJSONDepth = 64               // nested JSON deeper than this is refused
	MaxSheetRows = 1 << 24          // an XLSX sheet claiming more rows is refused
	bomUTF8      = "\xef\xbb\xbf"   // the byte order mark Excel writes in front of UTF-8 CSV
	bomUTF16LE   = "\xff\xfe"       // UTF-16 files are refused with a clear reason
	bomUTF16BE   = "\xfe\xff"       // idem
	formatCSV    = "csv"            // format names
	formatJSON   = "json"           // idem
	formatXLSX   = "xlsx"           // idem
	quirkBOM     = "utf8_bom"       // quirk names for the report
	quirkCRLF    = "crlf_line_ends" // idem
)

// ErrDamaged marks a file that cannot be read as a whole; the report shows its message.
var ErrDamaged = errors.New("damaged file")

// Record is one data row: its 1-based line (CSV line, JSON element index, sheet row) and its
// cells in header order.
type Record struct {
	Line   int
	Fields []string
	// Problem, when set, says why the record cannot be used (bad encoding, too many columns,
	// an oversized cell); the caller rejects the row and goes on.
	Problem string
	Column  string
}

// Reader yields the records of one table (a CSV file, a JSON array, an XLSX sheet).
type Reader interface {
	// Header is the column names, trimmed, as they appear in the file.
	Header() []string
	// Next returns the next record, or io.EOF after the last one.
	Next() (Record, error)
	// Quirks names what the reader met and worked around (BOM, CRLF, multi-line cells...).
	Quirks() []string
}

// Table is one readable table of a file: a CSV or JSON file has one, a workbook one per sheet.
type Table struct {
	Name   string // the sheet name, or "" for single-table formats
	Reader Reader
}

// Format guesses the format of a file from its name and first bytes.
func Format(name string, head []byte) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".json", ".ndjson":
		return formatJSON
	case ".xlsx", ".xlsm":
		return formatXLSX
	case ".csv", ".tsv", ".txt":
		return formatCSV
	}
	switch t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte(bomUTF8)), " \t\r\n"); {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return formatXLSX
	case len(t) > 0 && (t[0] == '[' || t[0] == '{'):
		return formatJSON
	}
	return formatCSV
}

// workbook opens XLSX files. It is registered by package read/xlsx, so that only the programs
// that read workbooks link the spreadsheet library (the way image/png registers a decoder):
// the database adapter and the API functions use this package's types without it.
var workbook func(ra io.ReaderAt, size int64) ([]Table, error)

// RegisterWorkbook installs the XLSX opener; package read/xlsx calls it from init.
func RegisterWorkbook(open func(ra io.ReaderAt, size int64) ([]Table, error)) { workbook = open }

// Open returns the tables of a file. ra and size are needed for workbooks only (a zip is read
// from its end); CSV and JSON are streamed from r.
func Open(name string, r io.Reader, ra io.ReaderAt, size int64) ([]Table, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(sniffBytes)
	format := Format(name, head)
	if format == formatXLSX {
		if ra == nil {
			return nil, fmt.Errorf("%w: a workbook must be read from a seekable file", ErrDamaged)
		}
		if workbook == nil {
			return nil, fmt.Errorf("%w: this program cannot read XLSX workbooks", ErrDamaged)
		}
		return workbook(ra, size)
	}
	if err := sniff(head); err != nil {
		return nil, err
	}
	if format == formatJSON {
		rd, err := newJSON(br)
		if err != nil {
			return nil, err
		}
		return []Table{{Reader: rd}}, nil
	}
	rd, err := newCSV(br, bytes.HasPrefix(head, []byte(bomUTF8)))
	if err != nil {
		return nil, err
	}
	return []Table{{Reader: rd}}, nil
}

// sniff refuses what is not text: UTF-16, NUL bytes or mostly invalid UTF-8 in the first bytes.
func sniff(head []byte) error {
	if bytes.HasPrefix(head, []byte(bomUTF16LE)) || bytes.HasPrefix(head, []byte(bomUTF16BE)) {
		return fmt.Errorf("%w: the file is UTF-16; save it as UTF-8 (CSV UTF-8 in Excel)", ErrDamaged)
	}
	if len(head) == 0 {
		return fmt.Errorf("%w: the file is empty", ErrDamaged)
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return fmt.Errorf("%w: the file holds binary data (NUL bytes), not text", ErrDamaged)
	}
	bad := 0
	for i := 0; i < len(head); {
		r, n := utf8.DecodeRune(head[i:])
		if r == utf8.RuneError && n == 1 && len(head)-i >= utf8.UTFMax {
			bad++
		}
		i += n
	}
	if bad*20 > len(head) {
		return fmt.Errorf("%w: the file is not UTF-8 text (%d invalid bytes in the first %d); save it as UTF-8", ErrDamaged, bad, len(head))
	}
	return nil
}

// CheckCells flags a record whose cells are oversized, not UTF-8 or too many.
func CheckCells(rec *Record, header []string) {
	if len(rec.Fields) > MaxColumns {
		rec.Problem = fmt.Sprintf("the row has %d columns; at most %d are read", len(rec.Fields), MaxColumns)
		rec.Fields = rec.Fields[:0]
		return
	}
	for i, f := range rec.Fields {
		col := ""
		if i < len(header) {
			col = header[i]
		}
		switch {
		case len(f) > MaxCellBytes:
			rec.Problem, rec.Column = fmt.Sprintf("the cell holds %d bytes; at most %d are accepted", len(f), MaxCellBytes), col
			rec.Fields[i] = ""
			return
		case !utf8.ValidString(f):
			rec.Problem, rec.Column = "the cell is not valid UTF-8 text", col
			rec.Fields[i] = strings.ToValidUTF8(f, "\uFFFD")
			return
		}
	}
}

// CleanHeader trims names and names blank columns, so a header is always usable as keys.
func CleanHeader(h []string) []string {
	out := make([]string, len(h))
	for i, s := range h {
		s = strings.TrimSpace(strings.TrimPrefix(s, bomUTF8))
		if s == "" {
			s = fmt.Sprintf("column_%d", i+1)
		}
		out[i] = s
	}
	return out
}
