package document

import (
	"strconv"
	"strings"
	"unicode/utf16"

	"golang.org/x/text/encoding/charmap"
)

// pdfFont turns the bytes of a shown string into text. A ToUnicode CMap, when present, is the
// authority (it is how Arabic and other non-Latin text survives in a PDF); otherwise a simple
// font's single-byte encoding is used. Composite fonts without ToUnicode show glyph ids, which
// carry no text, and yield nothing rather than garbage.
type pdfFont struct {
	spaces   []codespace       // from the ToUnicode CMap; empty means fixed width
	width    int               // code width in bytes when spaces is empty
	unicode  map[uint32]string // code -> text, from ToUnicode
	simple   *[256]rune        // single-byte encoding of a simple font
	identity bool              // composite font without ToUnicode
}

type codespace struct {
	n      int
	lo, hi uint32
}

// maxCMapEntries bounds what one ToUnicode CMap may define, against hostile ranges.
const maxCMapEntries = 1 << 17

func (f *pdfFile) font(v any) *pdfFont {
	d := f.dict(v)
	font := &pdfFont{width: 1}
	if d == nil {
		font.simple = encodingTable("WinAnsiEncoding", nil, f)
		return font
	}
	composite := d["Subtype"] == pdfName("Type0")
	if composite {
		font.width = 2
	}
	if s, ok := f.resolve(d["ToUnicode"]).(*pdfStream); ok {
		if data, err := f.decode(s); err == nil {
			font.parseCMap(data)
		}
	}
	if !composite {
		font.simple = encodingTable("", f.resolve(d["Encoding"]), f)
	} else if len(font.unicode) == 0 {
		font.identity = true
	}
	return font
}

func (ft *pdfFont) decode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		code, n := ft.next(s[i:])
		i += n
		if t, ok := ft.unicode[code]; ok {
			b.WriteString(t)
			continue
		}
		if ft.simple != nil && n == 1 {
			if r := ft.simple[code]; r != 0 {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}

// next reads one character code: the shortest prefix inside a codespace range, else a fixed
// width.
func (ft *pdfFont) next(s string) (uint32, int) {
	for n := 1; n <= 4 && n <= len(s) && len(ft.spaces) > 0; n++ {
		code := bigEndian(s[:n])
		for _, cs := range ft.spaces {
			if cs.n == n && code >= cs.lo && code <= cs.hi {
				return code, n
			}
		}
	}
	n := min(ft.width, len(s))
	if len(ft.spaces) > 0 {
		n = min(ft.spaces[0].n, len(s))
	}
	return bigEndian(s[:n]), n
}

func bigEndian(s string) uint32 {
	var v uint32
	for i := 0; i < len(s); i++ {
		v = v<<8 | uint32(s[i])
	}
	return v
}

// utf16Text decodes a CMap destination, which is UTF-16BE.
func utf16Text(s string) string {
	if len(s) == 1 {
		return string(rune(s[0]))
	}
	units := make([]uint16, len(s)/2)
	for i := range units {
		units[i] = uint16(s[2*i])<<8 | uint16(s[2*i+1])
	}
	return string(utf16.Decode(units))
}

// parseCMap reads codespace ranges, bfchar and bfrange sections of a ToUnicode CMap.
func (ft *pdfFont) parseCMap(data []byte) {
	ft.unicode = map[uint32]string{}
	l := &lexer{b: data}
	var operands []any
	for {
		tok, ok := l.next()
		if !ok || len(ft.unicode) > maxCMapEntries {
			return
		}
		kw, isKw := tok.(pdfKeyword)
		if !isKw {
			operands = append(operands, l.complete(tok, 0))
			continue
		}
		switch kw {
		case "endcodespacerange":
			for i := 0; i+1 < len(operands); i += 2 {
				lo, _ := operands[i].(string)
				hi, _ := operands[i+1].(string)
				if len(lo) > 0 && len(lo) <= 4 && len(lo) == len(hi) {
					ft.spaces = append(ft.spaces, codespace{len(lo), bigEndian(lo), bigEndian(hi)})
				}
			}
		case "endbfchar":
			for i := 0; i+1 < len(operands); i += 2 {
				src, _ := operands[i].(string)
				dst, _ := operands[i+1].(string)
				if src != "" {
					ft.unicode[bigEndian(src)] = utf16Text(dst)
				}
			}
		case "endbfrange":
			for i := 0; i+2 < len(operands); i += 3 {
				ft.bfrange(operands[i], operands[i+1], operands[i+2])
			}
		}
		if strings.HasPrefix(string(kw), "begin") || strings.HasPrefix(string(kw), "end") {
			operands = operands[:0]
		}
	}
}

func (ft *pdfFont) bfrange(loV, hiV, dst any) {
	lo, _ := loV.(string)
	hi, _ := hiV.(string)
	if lo == "" || hi == "" {
		return
	}
	a, b := bigEndian(lo), bigEndian(hi)
	if b < a || b-a > maxCMapEntries {
		return
	}
	switch d := dst.(type) {
	case string: // consecutive codes map to consecutive text: increment the last unit
		units := []rune(utf16Text(d))
		if len(units) == 0 {
			return
		}
		for c := a; c <= b; c++ {
			u := append([]rune(nil), units...)
			u[len(u)-1] += rune(c - a)
			ft.unicode[c] = string(u)
		}
	case []any:
		for j, x := range d {
			if s, ok := x.(string); ok && a+uint32(j) <= b {
				ft.unicode[a+uint32(j)] = utf16Text(s)
			}
		}
	}
}

// encodingTable builds a simple font's code -> rune table from a base encoding and a
// /Differences array of glyph names.
func encodingTable(base string, enc any, f *pdfFile) *[256]rune {
	var diffs []any
	switch e := enc.(type) {
	case pdfName:
		base = string(e)
	case pdfDict:
		if b, ok := f.resolve(e["BaseEncoding"]).(pdfName); ok {
			base = string(b)
		}
		diffs = f.array(e["Differences"])
	}
	cm := charmap.Windows1252
	if base == "MacRomanEncoding" {
		cm = charmap.Macintosh
	}
	var t [256]rune
	for i := range t {
		if i >= 32 {
			t[i] = cm.DecodeByte(byte(i))
		}
	}
	if base == "StandardEncoding" || base == "" {
		t['\''], t['`'] = '’', '‘'
	}
	code := 0
	for _, d := range diffs {
		switch x := f.resolve(d).(type) {
		case float64:
			code = int(x)
		case pdfName:
			if code >= 0 && code < 256 {
				t[code] = glyphRune(string(x))
			}
			code++
		}
	}
	return &t
}

// glyphNames covers the Adobe glyph names of punctuation that PDF producers use in
// /Differences; letters and digits are handled by rule in glyphRune.
var glyphNames = map[string]rune{
	"space": ' ', "exclam": '!', "quotedbl": '"', "numbersign": '#', "dollar": '$', "percent": '%',
	"ampersand": '&', "quotesingle": '\'', "quoteright": '’', "quoteleft": '‘', "parenleft": '(',
	"parenright": ')', "asterisk": '*', "plus": '+', "comma": ',', "hyphen": '-', "period": '.',
	"slash": '/', "colon": ':', "semicolon": ';', "less": '<', "equal": '=', "greater": '>',
	"question": '?', "at": '@', "bracketleft": '[', "backslash": '\\', "bracketright": ']',
	"underscore": '_', "braceleft": '{', "bar": '|', "braceright": '}', "endash": '–',
	"emdash": '—', "bullet": '•', "ellipsis": '…', "quotedblleft": '“', "quotedblright": '”',
	"quotesinglbase": '‚', "quotedblbase": '„', "fi": 'ﬁ', "fl": 'ﬂ', "degree": '°',
	"copyright": '©', "registered": '®', "trademark": '™', "Euro": '€', "sterling": '£',
	"section": '§', "paragraph": '¶', "minus": '−', "multiply": '×', "divide": '÷',
	"zero": '0', "one": '1', "two": '2', "three": '3', "four": '4', "five": '5', "six": '6',
	"seven": '7', "eight": '8', "nine": '9', "nbspace": '\u00a0', "periodcentered": '·',
}

func glyphRune(name string) rune {
	if r, ok := glyphNames[name]; ok {
		return r
	}
	if len(name) == 1 {
		return rune(name[0])
	}
	for _, prefix := range []string{"uni", "u"} {
		if h, ok := strings.CutPrefix(name, prefix); ok && len(h) >= 4 && len(h) <= 6 {
			if v, err := strconv.ParseUint(h[:4], 16, 32); err == nil && prefix == "uni" {
				return rune(v)
			}
			if v, err := strconv.ParseUint(h, 16, 32); err == nil {
				return rune(v)
			}
		}
	}
	return 0
}
