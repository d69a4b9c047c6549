// Package xlsx reads the sheets of XLSX workbooks for package read. Import it for its side
// effect wherever data drops are read:
//
//	import _ "github.com/propertypro/propertypro/shared/ingest/read/xlsx"
package xlsx

import (
	"fmt"
	"io"
	"strings"

	"github.com/propertypro/propertypro/shared/ingest/read"
	"github.com/xuri/excelize/v2"
)

// xlsxReader streams one sheet's rows with excelize's row iterator.
type xlsxReader struct {
	rows   *excelize.Rows
	header []string
	line   int
	quirks read.QuirkSet
}

func init() { read.RegisterWorkbook(open) }

func open(ra io.ReaderAt, size int64) ([]read.Table, error) {
	f, err := excelize.OpenReader(io.NewSectionReader(ra, 0, size), excelize.Options{UnzipXMLSizeLimit: 512 << 20})
	if err != nil {
		return nil, fmt.Errorf("%w: not a readable XLSX workbook: %v", read.ErrDamaged, err)
	}
	var out []read.Table
	for _, name := range f.GetSheetList() {
		rows, err := f.Rows(name)
		if err != nil {
			return nil, fmt.Errorf("%w: sheet %q: %v", read.ErrDamaged, name, err)
		}
		x := &xlsxReader{rows: rows}
		if err := x.readHeader(); err != nil {
			return nil, fmt.Errorf("sheet %q: %w", name, err)
		}
		out = append(out, read.Table{Name: name, Reader: x})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: the workbook has no sheets", read.ErrDamaged)
	}
	return out, nil
}

func (x *xlsxReader) readHeader() error {
	for x.rows.Next() {
		x.line++
		cols, err := x.rows.Columns()
		if err != nil {
			return fmt.Errorf("%w: %v", read.ErrDamaged, err)
		}
		if len(cols) > read.MaxColumns {
			return fmt.Errorf("%w: the header has %d columns; at most %d are read", read.ErrDamaged, len(cols), read.MaxColumns)
		}
		if strings.TrimSpace(strings.Join(cols, "")) != "" {
			x.header = read.CleanHeader(cols)
			return nil
		}
		x.quirks.Add("blank_rows_above_header")
	}
	return fmt.Errorf("%w: the sheet is empty", read.ErrDamaged)
}

func (x *xlsxReader) Header() []string { return x.header }
func (x *xlsxReader) Quirks() []string { return x.quirks.List() }

func (x *xlsxReader) Next() (read.Record, error) {
	for x.rows.Next() {
		x.line++
		if x.line > read.MaxSheetRows {
			return read.Record{}, fmt.Errorf("%w: the sheet has more than %d rows", read.ErrDamaged, read.MaxSheetRows)
		}
		cols, err := x.rows.Columns()
		if err != nil {
			return read.Record{}, fmt.Errorf("%w: row %d: %v", read.ErrDamaged, x.line, err)
		}
		if strings.TrimSpace(strings.Join(cols, "")) == "" {
			continue
		}
		rec := read.Record{Line: x.line, Fields: cols}
		switch {
		case len(cols) > len(x.header):
			rec.Problem = fmt.Sprintf("the row has %d cells; the header has %d", len(cols), len(x.header))
		case len(cols) < len(x.header):
			rec.Fields = append(cols, make([]string, len(x.header)-len(cols))...)
		}
		read.CheckCells(&rec, x.header)
		return rec, nil
	}
	if err := x.rows.Error(); err != nil {
		return read.Record{}, fmt.Errorf("%w: %v", read.ErrDamaged, err)
	}
	return read.Record{}, io.EOF
}
