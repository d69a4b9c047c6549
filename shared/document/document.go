// Package document turns uploaded files into clean text ready for retrieval: it detects the
// type from the content, extracts the text (PDF, DOCX, plain text, Markdown, CSV), scrubs
// personal data that retrieval does not need, and cuts the text into overlapping,
// sentence-aligned chunks. It is pure Go with no I/O: callers hand it bytes.
package document

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode/utf8"

	"github.com/propertypro/propertypro/shared/apperr"
	"golang.org/x/text/unicode/norm"
)

// Type is a document format this package reads.
type Type string

// The supported types. Unknown is what Detect says about anything else.
const (
	Unknown  Type = ""
	PDF      Type = "pdf"
	DOCX     Type = "docx"
	Text     Type = "txt"
	Markdown Type = "md"
	CSV      Type = "csv"
)

// Limits bound the work one document may cause.
type Limits struct {
	// MaxFileSize is the largest accepted input in bytes (config MAX_FILE_SIZE).
	MaxFileSize int64
	// MaxExpandedSize bounds what compressed parts (DOCX zip entries, PDF streams) may
	// decompress to, against zip and flate bombs; 0 means 8 × MaxFileSize, at least 64 MiB.
	MaxExpandedSize int64
}

func (l Limits) expanded() int64 {
	if l.MaxExpandedSize > 0 {
		return l.MaxExpandedSize
	}
	return max(8*l.MaxFileSize, 64<<20)
}

// Extracted is a document's text with the type it was read as.
type Extracted struct {
	Type Type
	Text string
}

// ContentHash is the hex SHA-256 of the raw bytes: the key that makes processing the same
// upload twice a no-op.
func ContentHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Extract detects the type of data and returns its text, normalised (NFC, one kind of line
// break, no control characters). The name is only a hint to tell Markdown from plain text.
// Oversized, damaged, empty and unsupported files are apperr invalid errors.
func Extract(data []byte, name string, limits Limits) (Extracted, error) {
	if limits.MaxFileSize > 0 && int64(len(data)) > limits.MaxFileSize {
		return Extracted{}, apperr.New(apperr.Invalid, "the file has %d bytes; the limit is %d", len(data), limits.MaxFileSize)
	}
	typ := Detect(data, name)
	var text string
	var err error
	switch typ {
	case PDF:
		text, err = extractPDF(data, limits.expanded())
	case DOCX:
		text, err = extractDOCX(data, limits.expanded())
	case Text, Markdown, CSV:
		text, err = decodeText(data)
	default:
		return Extracted{}, apperr.New(apperr.Invalid, "unsupported file type: PDF, DOCX, TXT, Markdown or CSV expected")
	}
	if err != nil {
		return Extracted{}, err
	}
	text = cleanText(text)
	if strings.TrimSpace(text) == "" {
		return Extracted{}, apperr.New(apperr.Invalid, "the %s file contains no extractable text", typ)
	}
	return Extracted{Type: typ, Text: text}, nil
}

// cleanText normalises to NFC, unifies line breaks, drops control characters and trailing
// spaces, and collapses runs of blank lines, so chunk offsets and hashes are stable.
func cleanText(s string) string {
	s = norm.NFC.String(strings.ToValidUTF8(s, "\uFFFD"))
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n\n").Replace(s)
	var b strings.Builder
	b.Grow(len(s))
	blank := 0
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimRightFunc(strings.Map(dropControl, line), isBlank)
		if line == "" {
			blank++
			continue
		}
		if b.Len() > 0 {
			b.WriteString(strings.Repeat("\n", min(blank+1, 2)))
		}
		blank = 0
		b.WriteString(line)
	}
	return b.String()
}

func dropControl(r rune) rune {
	switch {
	case r == '\t':
		return r
	case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == '\uFEFF':
		return -1
	}
	return r
}

func isBlank(r rune) bool { return r == ' ' || r == '\t' || r == '\u00a0' }

// decodeText reads UTF-8 (with or without BOM) and UTF-16 with a BOM.
func decodeText(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeUTF16(data), nil
	}
	if !utf8.Valid(data) {
		return "", apperr.New(apperr.Invalid, "the text file is not valid UTF-8")
	}
	return string(data), nil
}
