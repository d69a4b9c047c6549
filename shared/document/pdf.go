package document

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/propertypro/propertypro/shared/apperr"
	"golang.org/x/text/unicode/norm"
)

// extractPDF reads a PDF's text with the focused extractor in pdf*.go, recovering from any
// panic on hostile input as a damaged-file error.
func extractPDF(data []byte, budget int64) (text string, err error) {
	defer func() {
		if r := recover(); r != nil {
			text, err = "", apperr.Wrap(fmt.Errorf("panic: %v", r), apperr.Invalid, "the PDF file is damaged")
		}
	}()
	raw, err := extractPDFText(data, budget)
	if errors.Is(err, errBudget) {
		return "", apperr.Wrap(err, apperr.Invalid, "the PDF decompresses to more than %d bytes", budget)
	}
	if err != nil {
		return "", apperr.Wrap(err, apperr.Invalid, "the PDF file is damaged")
	}
	lines := strings.Split(raw, "\n")
	for i, line := range lines {
		lines[i] = logicalOrder(line)
	}
	return strings.Join(lines, "\n"), nil
}

// logicalOrder repairs Arabic that was written to the PDF already shaped, in visual order
// (what many generators do when they cannot shape text themselves): presentation-form
// letters give it away. Such a line is read right to left: the order of its runs is
// reversed, and so are the letters inside right-to-left runs, while numbers and Latin words
// keep their own order. NFKC then maps presentation forms back to plain letters, so the text
// matches what users type.
func logicalOrder(line string) string {
	if !strings.ContainsFunc(line, isPresentationForm) {
		return line
	}
	type run struct {
		rtl  bool
		text []rune
	}
	var runs []run
	for _, r := range line {
		rtl := isRTL(r)
		neutral := !rtl && !unicode.IsLetter(r) && !unicode.IsDigit(r)
		if len(runs) > 0 && (runs[len(runs)-1].rtl == rtl || neutral) {
			runs[len(runs)-1].text = append(runs[len(runs)-1].text, r)
			continue
		}
		runs = append(runs, run{rtl: rtl, text: []rune{r}})
	}
	var b strings.Builder
	for i := len(runs) - 1; i >= 0; i-- {
		t := runs[i].text
		if runs[i].rtl {
			for j := len(t) - 1; j >= 0; j-- {
				b.WriteRune(mirror(t[j]))
			}
			continue
		}
		b.WriteString(string(t))
	}
	return norm.NFKC.String(b.String())
}

func isPresentationForm(r rune) bool {
	return r >= 0xFB50 && r <= 0xFDFF || r >= 0xFE70 && r <= 0xFEFF
}

func isRTL(r rune) bool {
	return unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana)
}

// mirror swaps paired punctuation, which flips meaning when a right-to-left run is reversed.
func mirror(r rune) rune {
	switch r {
	case '(':
		return ')'
	case ')':
		return '('
	case '[':
		return ']'
	case ']':
		return '['
	case '«':
		return '»'
	case '»':
		return '«'
	}
	return r
}
