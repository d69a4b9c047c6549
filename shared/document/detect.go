package document

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"path"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Detect names the type of data from its content; the file name only settles Markdown
// versus plain text, because a name can lie but cannot make a PDF out of a text file.
func Detect(data []byte, name string) Type {
	head := data[:min(len(data), 1024)]
	switch {
	case bytes.Contains(head, []byte("%PDF-")):
		return PDF
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		if isDOCX(data) {
			return DOCX
		}
		return Unknown
	}
	text, ok := textPrefix(data)
	if !ok {
		return Unknown
	}
	ext := strings.ToLower(path.Ext(name))
	switch {
	case looksLikeCSV(text) && ext != ".md" && ext != ".txt":
		return CSV
	case ext == ".md" || ext == ".markdown" || ext != ".txt" && looksLikeMarkdown(text):
		return Markdown
	}
	return Text
}

func isDOCX(data []byte) bool {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			return true
		}
	}
	return false
}

// textPrefix returns the first 8 KiB as text when the data is text: UTF-16 with a BOM, or
// UTF-8 without NUL bytes (a multi-byte rune cut by the 8 KiB boundary is allowed).
func textPrefix(data []byte) (string, bool) {
	if len(data) == 0 {
		return "", false
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return decodeUTF16(data[:min(len(data), 8192)&^1]), true
	}
	p := bytes.TrimPrefix(data[:min(len(data), 8192)], []byte{0xEF, 0xBB, 0xBF})
	if bytes.IndexByte(p, 0) >= 0 {
		return "", false
	}
	for i := 0; i < 3 && len(p) > 0 && !utf8.Valid(p) && len(data) > 8192; i++ {
		p = p[:len(p)-1]
	}
	return string(p), utf8.Valid(p)
}

func decodeUTF16(data []byte) string {
	be := bytes.HasPrefix(data, []byte{0xFE, 0xFF})
	data = data[2:]
	units := make([]uint16, len(data)/2)
	for i := range units {
		if be {
			units[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
		} else {
			units[i] = uint16(data[2*i+1])<<8 | uint16(data[2*i])
		}
	}
	return string(utf16.Decode(units))
}

// looksLikeCSV wants at least two records with the same number (≥ 2) of fields for one of
// the usual delimiters.
func looksLikeCSV(text string) bool {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) < 2 {
		return false
	}
	if len(lines) > 20 {
		lines = lines[:20]
	} else if !strings.HasSuffix(text, "\n") && len(text) >= 8192 {
		lines = lines[:len(lines)-1] // the last line may be cut
	}
	sample := strings.Join(lines, "\n")
	for _, sep := range []rune{',', ';', '\t', '|'} {
		r := csv.NewReader(strings.NewReader(sample))
		r.Comma = sep
		r.LazyQuotes = true
		records, err := r.ReadAll()
		if err == nil && len(records) >= 2 && len(records[0]) >= 2 {
			return true // ReadAll already insists on an equal field count per record
		}
	}
	return false
}

func looksLikeMarkdown(text string) bool {
	score := 0
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(t, "# "), strings.HasPrefix(t, "## "), strings.HasPrefix(t, "### "):
			score += 2
		case strings.HasPrefix(t, "```"), strings.HasPrefix(t, "|---"), strings.HasPrefix(t, "| ---"):
			score += 2
		case strings.HasPrefix(t, "- "), strings.HasPrefix(t, "* "), strings.Contains(t, "]("), strings.Contains(t, "**"):
			score++
		}
	}
	return score >= 2
}
