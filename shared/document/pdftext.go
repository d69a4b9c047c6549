package document

import (
	"maps"
	"math"
	"slices"
	"strings"
)

// maxFormDepth bounds Form XObjects drawing each other, which may loop in hostile files.
const maxFormDepth = 8

// maxPages bounds the page tree walk of a hostile file.
const maxPages = 20000

// extractPDFText returns the text of every page, pages separated by blank lines.
func extractPDFText(data []byte, budget int64) (string, error) {
	f := parsePDFFile(data, budget)
	var pages []string
	for _, page := range f.pages() {
		w := &textWriter{}
		if err := f.runContents(w, page.dict["Contents"], page.resources, 0); err != nil {
			return "", err
		}
		if t := w.String(); strings.TrimSpace(t) != "" {
			pages = append(pages, t)
		}
	}
	return strings.Join(pages, "\n\n"), nil
}

type pdfPage struct {
	dict      pdfDict
	resources pdfDict
}

// pages walks the page tree from the catalog, inheriting resources; files whose tree is
// broken fall back to every /Type /Page object in object-number order.
func (f *pdfFile) pages() []pdfPage {
	var root pdfDict
	for _, obj := range f.objs {
		if d, ok := obj.(pdfDict); ok && d["Type"] == pdfName("Catalog") {
			root = d
		}
	}
	var out []pdfPage
	seen := map[pdfRef]bool{}
	var walk func(node any, res pdfDict, depth int)
	walk = func(node any, res pdfDict, depth int) {
		if r, ok := node.(pdfRef); ok {
			if seen[r] {
				return
			}
			seen[r] = true
		}
		d := f.dict(node)
		if d == nil || depth > 64 || len(out) >= maxPages {
			return
		}
		if r := f.dict(d["Resources"]); r != nil {
			res = r
		}
		if kids := f.array(d["Kids"]); d["Type"] != pdfName("Page") && kids != nil {
			for _, k := range kids {
				walk(k, res, depth+1)
			}
			return
		}
		out = append(out, pdfPage{d, res})
	}
	if root != nil {
		walk(root["Pages"], nil, 0)
	}
	if len(out) > 0 {
		return out
	}
	for _, num := range slices.Sorted(maps.Keys(f.objs)) {
		if d := f.dict(f.objs[num]); d != nil && d["Type"] == pdfName("Page") && len(out) < maxPages {
			out = append(out, pdfPage{d, f.dict(d["Resources"])})
		}
	}
	return out
}

// runContents interprets one or more content streams (an array is one stream cut in parts).
func (f *pdfFile) runContents(w *textWriter, contents any, res pdfDict, depth int) error {
	var data []byte
	streams := []any{contents}
	if a := f.array(contents); a != nil {
		streams = a
	}
	for _, s := range streams {
		st, ok := f.resolve(s).(*pdfStream)
		if !ok {
			continue
		}
		b, err := f.decode(st)
		if err == errBudget {
			return err
		}
		data = append(append(data, b...), '\n')
	}
	return f.interpret(w, data, res, depth)
}

// interpret runs the text operators of a content stream (ISO 32000-1 §9.4) and tracks just
// enough of the text position to put line breaks and spaces where the layout has them.
func (f *pdfFile) interpret(w *textWriter, data []byte, res pdfDict, depth int) error {
	fonts := map[pdfName]*pdfFont{}
	var font *pdfFont
	var operands []any
	var leading float64
	l := &lexer{b: data}
	for {
		tok, ok := l.next()
		if !ok {
			return nil
		}
		op, isOp := tok.(pdfKeyword)
		if !isOp {
			if len(operands) < 64 {
				operands = append(operands, l.complete(tok, 0))
			}
			continue
		}
		switch op {
		case "BI":
			skipInlineImage(l)
		case "Tf":
			if name, ok := operandAt(operands, 0).(pdfName); ok {
				font = f.cachedFont(fonts, res, name)
			}
		case "TL":
			leading = num(operandAt(operands, 0))
		case "Td", "TD":
			w.move(num(operandAt(operands, 0)), num(operandAt(operands, 1)))
			if op == "TD" {
				leading = -num(operandAt(operands, 1))
			}
		case "Tm":
			w.moveTo(num(operandAt(operands, 4)), num(operandAt(operands, 5)))
		case "T*":
			w.move(0, -leading)
		case "Tj":
			w.show(font, operandAt(operands, 0))
		case "'", "\"":
			w.move(0, -leading)
			w.show(font, operandAt(operands, len(operands)-1))
		case "TJ":
			a, _ := operandAt(operands, 0).([]any)
			for _, x := range a {
				if n, isNum := x.(float64); isNum && n < -200 {
					w.space() // a wide negative kern is how many producers write a word gap
				} else {
					w.show(font, x)
				}
			}
		case "Do":
			if err := f.drawForm(w, res, operandAt(operands, 0), depth); err != nil {
				return err
			}
		}
		operands = operands[:0]
	}
}

func (f *pdfFile) cachedFont(cache map[pdfName]*pdfFont, res pdfDict, name pdfName) *pdfFont {
	if ft, ok := cache[name]; ok {
		return ft
	}
	ft := f.font(f.dict(res["Font"])[name])
	cache[name] = ft
	return ft
}

func (f *pdfFile) drawForm(w *textWriter, res pdfDict, nameV any, depth int) error {
	name, ok := nameV.(pdfName)
	if !ok || depth >= maxFormDepth {
		return nil
	}
	form, ok := f.resolve(f.dict(res["XObject"])[name]).(*pdfStream)
	if !ok || form.dict["Subtype"] != pdfName("Form") {
		return nil
	}
	formRes := f.dict(form.dict["Resources"])
	if formRes == nil {
		formRes = res
	}
	data, err := f.decode(form)
	if err == errBudget {
		return err
	}
	return f.interpret(w, data, formRes, depth+1)
}

// skipInlineImage moves past "ID <binary> EI", whose bytes would otherwise read as operators.
func skipInlineImage(l *lexer) {
	i := indexFrom(l.b, l.pos, "ID")
	if i < 0 {
		l.pos = len(l.b)
		return
	}
	for j := i + 2; j+2 <= len(l.b); j++ {
		if l.b[j] == 'E' && l.b[j+1] == 'I' && isSpace(l.b[j-1]) && (j+2 == len(l.b) || isSpace(l.b[j+2])) {
			l.pos = j + 2
			return
		}
	}
	l.pos = len(l.b)
}

func operandAt(ops []any, i int) any {
	if i < 0 || i >= len(ops) {
		return nil
	}
	return ops[i]
}

func num(v any) float64 {
	f, _ := v.(float64)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

// textWriter collects shown text, turning vertical moves into line breaks and horizontal jumps
// into spaces.
type textWriter struct {
	b        strings.Builder
	x, y     float64
	pending  byte // '\n', ' ' or 0: what to write before the next text
	started  bool
	lastLine float64
}

func (w *textWriter) move(tx, ty float64) { w.moveTo(w.x+tx, w.y+ty) }

func (w *textWriter) moveTo(x, y float64) {
	switch {
	case !w.started:
	case math.Abs(y-w.lastLine) > 1:
		w.pending = '\n'
	case x != w.x && w.pending == 0:
		w.pending = ' '
	}
	w.x, w.y = x, y
}

func (w *textWriter) space() {
	if w.pending == 0 {
		w.pending = ' '
	}
}

func (w *textWriter) show(font *pdfFont, v any) {
	s, ok := v.(string)
	if !ok || font == nil {
		return
	}
	text := font.decode(s)
	if text == "" {
		return
	}
	if w.started && w.pending != 0 {
		w.b.WriteByte(w.pending)
	}
	w.pending, w.started, w.lastLine = 0, true, w.y
	w.b.WriteString(text)
}

func (w *textWriter) String() string { return w.b.String() }
