package document

import (
	"bytes"
	"strconv"
)

// A small, tolerant reader of PDF syntax (ISO 32000-1 §7.2-7.3): enough to find pages, fonts
// and content streams, and to keep going past damage instead of failing the whole document.

type (
	pdfName string
	pdfDict map[pdfName]any
	pdfRef  struct{ num, gen int }
	// pdfKeyword is a bare word: an operator in a content stream, or obj/R/stream in a file.
	pdfKeyword string
	pdfStream  struct {
		dict pdfDict
		raw  []byte
	}
)

// maxNesting bounds arrays and dictionaries inside each other, so hostile input cannot
// exhaust the stack.
const maxNesting = 64

type lexer struct {
	b   []byte
	pos int
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func (l *lexer) skipSpace() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		if c == '%' {
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
			continue
		}
		if !isSpace(c) {
			return
		}
		l.pos++
	}
}

// token kinds returned by next beside values: array and dict delimiters.
type delim byte

const (
	arrayOpen  delim = '['
	arrayClose delim = ']'
	dictOpen   delim = '<'
	dictClose  delim = '>'
	procOpen   delim = '{'
	procClose  delim = '}'
)

// next returns the next token: float64, string (a PDF string's bytes), pdfName, pdfKeyword or
// delim; ok is false at the end of input.
func (l *lexer) next() (tok any, ok bool) {
	l.skipSpace()
	if l.pos >= len(l.b) {
		return nil, false
	}
	c := l.b[l.pos]
	switch {
	case c == '(':
		return l.literalString(), true
	case c == '<' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '<':
		l.pos += 2
		return dictOpen, true
	case c == '>' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '>':
		l.pos += 2
		return dictClose, true
	case c == '<':
		return l.hexString(), true
	case c == '[' || c == ']' || c == '{' || c == '}':
		l.pos++
		return delim(c), true
	case c == '/':
		return l.name(), true
	case c == '+' || c == '-' || c == '.' || c >= '0' && c <= '9':
		return l.number(), true
	}
	start := l.pos
	for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
		l.pos++
	}
	if l.pos == start { // a stray ')' or '>': skip it
		l.pos++
		return pdfKeyword(""), true
	}
	return pdfKeyword(l.b[start:l.pos]), true
}

func (l *lexer) number() any {
	start := l.pos
	l.pos++
	for l.pos < len(l.b) && (l.b[l.pos] >= '0' && l.b[l.pos] <= '9' || l.b[l.pos] == '.' || l.b[l.pos] == '-') {
		l.pos++
	}
	f, err := strconv.ParseFloat(string(l.b[start:l.pos]), 64)
	if err != nil {
		return 0.0
	}
	return f
}

func (l *lexer) name() pdfName {
	l.pos++
	var out []byte
	for l.pos < len(l.b) && !isSpace(l.b[l.pos]) && !isDelim(l.b[l.pos]) {
		c := l.b[l.pos]
		if c == '#' && l.pos+2 < len(l.b) {
			if v, err := strconv.ParseUint(string(l.b[l.pos+1:l.pos+3]), 16, 8); err == nil {
				out = append(out, byte(v))
				l.pos += 3
				continue
			}
		}
		out = append(out, c)
		l.pos++
	}
	return pdfName(out)
}

func (l *lexer) literalString() string {
	l.pos++ // (
	var out []byte
	depth := 1
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return string(out)
			}
		case '\\':
			out = l.escape(out)
			continue
		case '\r': // an end of line inside a string reads as \n
			if l.pos < len(l.b) && l.b[l.pos] == '\n' {
				l.pos++
			}
			c = '\n'
		}
		out = append(out, c)
	}
	return string(out)
}

func (l *lexer) escape(out []byte) []byte {
	if l.pos >= len(l.b) {
		return out
	}
	c := l.b[l.pos]
	l.pos++
	switch c {
	case 'n':
		return append(out, '\n')
	case 'r':
		return append(out, '\r')
	case 't':
		return append(out, '\t')
	case 'b':
		return append(out, '\b')
	case 'f':
		return append(out, '\f')
	case '\r':
		if l.pos < len(l.b) && l.b[l.pos] == '\n' {
			l.pos++
		}
		return out
	case '\n':
		return out
	}
	if c >= '0' && c <= '7' {
		v := int(c - '0')
		for i := 0; i < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; i++ {
			v = v*8 + int(l.b[l.pos]-'0')
			l.pos++
		}
		return append(out, byte(v))
	}
	return append(out, c)
}

func (l *lexer) hexString() string {
	l.pos++ // <
	var out []byte
	var hi byte
	odd := false
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		if c == '>' {
			break
		}
		v, ok := hexVal(c)
		if !ok {
			continue
		}
		if odd {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		odd = !odd
	}
	if odd {
		out = append(out, hi<<4)
	}
	return string(out)
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// object parses one complete object (resolving "n g R" into a pdfRef); ok is false at the
// end of input. A keyword other than true/false/null/R is returned as is.
func (l *lexer) object(depth int) (any, bool) {
	tok, ok := l.next()
	if !ok {
		return nil, false
	}
	return l.complete(tok, depth), true
}

func (l *lexer) complete(tok any, depth int) any {
	switch t := tok.(type) {
	case delim:
		if depth >= maxNesting {
			return nil
		}
		switch t {
		case arrayOpen:
			return l.array(depth + 1)
		case dictOpen:
			return l.dict(depth + 1)
		}
		return t
	case pdfKeyword:
		switch t {
		case "true":
			return true
		case "false":
			return false
		case "null":
			return nil
		}
	case float64:
		return l.maybeRef(t)
	}
	return tok
}

// maybeRef turns "n g R" into a reference, leaving the lexer untouched otherwise.
func (l *lexer) maybeRef(n float64) any {
	save := l.pos
	gen, ok := l.next()
	if g, isNum := gen.(float64); ok && isNum {
		if kw, ok := l.next(); ok && kw == pdfKeyword("R") && n >= 0 && n == float64(int(n)) {
			return pdfRef{int(n), int(g)}
		}
	}
	l.pos = save
	return n
}

func (l *lexer) array(depth int) []any {
	var out []any
	for {
		tok, ok := l.next()
		if !ok || tok == arrayClose {
			return out
		}
		if tok == dictClose || tok == procClose {
			continue
		}
		out = append(out, l.complete(tok, depth))
	}
}

func (l *lexer) dict(depth int) pdfDict {
	out := pdfDict{}
	for {
		tok, ok := l.next()
		if !ok || tok == dictClose {
			return out
		}
		key, isName := tok.(pdfName)
		if !isName {
			continue
		}
		val, ok := l.object(depth)
		if !ok {
			return out
		}
		if val == dictClose {
			out[key] = nil
			return out
		}
		out[key] = val
	}
}

// indexFrom finds needle at or after from, -1 when absent.
func indexFrom(b []byte, from int, needle string) int {
	if from > len(b) {
		return -1
	}
	i := bytes.Index(b[from:], []byte(needle))
	if i < 0 {
		return -1
	}
	return from + i
}
