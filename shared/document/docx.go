package document

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"github.com/propertypro/propertypro/shared/apperr"
)

// extractDOCX reads word/document.xml: paragraphs in order, each table row as one line with
// its cells separated by " | ", tabs and breaks kept. The entry is read through a limit
// whatever size the zip declares, since a zip bomb declares a small one.
func extractDOCX(data []byte, limit int64) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", apperr.Wrap(err, apperr.Invalid, "the DOCX file is damaged")
	}
	var entry *zip.File
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			entry = f
		}
	}
	if entry == nil {
		return "", apperr.New(apperr.Invalid, "the DOCX file has no word/document.xml")
	}
	if entry.UncompressedSize64 > uint64(limit) {
		return "", apperr.New(apperr.Invalid, "the DOCX text part expands to more than %d bytes", limit)
	}
	rc, err := entry.Open()
	if err != nil {
		return "", apperr.Wrap(err, apperr.Invalid, "the DOCX file is damaged")
	}
	defer rc.Close()
	lr := &io.LimitedReader{R: rc, N: limit + 1}
	text, err := docxText(lr)
	if lr.N <= 0 {
		return "", apperr.New(apperr.Invalid, "the DOCX text part expands to more than %d bytes", limit)
	}
	if err != nil {
		return "", apperr.Wrap(err, apperr.Invalid, "the DOCX file is damaged")
	}
	return text, nil
}

// docxWriter assembles WordprocessingML text. Tables nest, so each open table keeps its
// current row and cell; a paragraph inside a cell joins the cell's text instead of a line.
type docxWriter struct {
	out    strings.Builder
	para   strings.Builder
	tables []*docxTable
}

type docxTable struct {
	row  []string
	cell []string
}

func docxText(r io.Reader) (string, error) {
	dec := xml.NewDecoder(r)
	w := &docxWriter{}
	inText := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			inText = w.start(t.Name.Local)
		case xml.EndElement:
			inText = false
			w.end(t.Name.Local)
		case xml.CharData:
			if inText {
				w.para.Write(t)
			}
		}
	}
	return w.out.String(), nil
}

// start handles an opening tag and says whether its character data is document text (w:t,
// not w:instrText field codes nor w:delText deleted revisions).
func (w *docxWriter) start(name string) bool {
	switch name {
	case "t":
		return true
	case "tab":
		w.para.WriteByte('\t')
	case "br", "cr":
		w.para.WriteByte('\n')
	case "tbl":
		if w.para.Len() > 0 {
			w.flushParagraph()
		}
		w.tables = append(w.tables, &docxTable{})
	case "tc":
		if t := w.table(); t != nil {
			t.cell = nil
		}
	}
	return false
}

func (w *docxWriter) end(name string) {
	t := w.table()
	switch name {
	case "p":
		w.flushParagraph()
	case "tc":
		if t != nil {
			t.row = append(t.row, strings.Join(t.cell, " "))
		}
	case "tr":
		if t != nil {
			w.emitRow(strings.Join(t.row, " | "))
			t.row = nil
		}
	case "tbl":
		if t != nil {
			w.tables = w.tables[:len(w.tables)-1]
			w.emit("") // a blank line after a table ends its block
		}
	}
}

func (w *docxWriter) table() *docxTable {
	if len(w.tables) == 0 {
		return nil
	}
	return w.tables[len(w.tables)-1]
}

func (w *docxWriter) flushParagraph() {
	p := strings.TrimSpace(w.para.String())
	w.para.Reset()
	if t := w.table(); t != nil {
		if p != "" {
			t.cell = append(t.cell, p)
		}
		return
	}
	w.emit(p)
}

// emitRow writes a finished table row: into the enclosing cell when the table is nested in
// another, else as a line of the output.
func (w *docxWriter) emitRow(line string) {
	if n := len(w.tables); n >= 2 {
		parent := w.tables[n-2]
		parent.cell = append(parent.cell, line)
		return
	}
	w.out.WriteString(line)
	w.out.WriteByte('\n')
}

// emit writes a line of the output; inside a table, where lines belong to cells, a blank one
// is dropped.
func (w *docxWriter) emit(line string) {
	if len(w.tables) > 0 {
		return
	}
	w.out.WriteString(line)
	w.out.WriteByte('\n')
}
