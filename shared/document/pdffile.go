package document

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/ascii85"
	"errors"
	"io"
	"regexp"
	"strconv"
)

// pdfFile indexes a PDF's objects by scanning for "n g obj" rather than trusting the xref
// table: damaged or hand-edited files often have wrong offsets, and a scan reads them anyway.
type pdfFile struct {
	objs   map[int]any
	budget int64 // bytes that decoding streams may still produce (see Limits)
}

var objHeader = regexp.MustCompile(`(\d+)\s+(\d+)\s+obj\b`)

// errBudget stops a document whose streams decompress to more than the limit allows.
var errBudget = errors.New("decompressed content exceeds the limit")

func parsePDFFile(data []byte, budget int64) *pdfFile {
	f := &pdfFile{objs: map[int]any{}, budget: budget}
	for _, m := range objHeader.FindAllSubmatchIndex(data, -1) {
		num, err := strconv.Atoi(string(data[m[2]:m[3]]))
		if err != nil {
			continue
		}
		l := &lexer{b: data, pos: m[1]}
		obj, ok := l.object(0)
		if !ok {
			continue
		}
		if d, isDict := obj.(pdfDict); isDict {
			save := l.pos
			if kw, _ := l.next(); kw == pdfKeyword("stream") {
				obj = &pdfStream{dict: d, raw: streamData(data, l.pos, d)}
			} else {
				l.pos = save
			}
		}
		f.objs[num] = obj // later definitions (incremental updates) win
	}
	f.expandObjectStreams()
	return f
}

// streamData returns the bytes between "stream" and "endstream", trusting /Length only when
// it is direct and lands on endstream.
func streamData(data []byte, pos int, d pdfDict) []byte {
	if pos < len(data) && data[pos] == '\r' {
		pos++
	}
	if pos < len(data) && data[pos] == '\n' {
		pos++
	}
	if n, ok := d["Length"].(float64); ok && n >= 0 && pos+int(n) <= len(data) {
		end := pos + int(n)
		rest := bytes.TrimLeft(data[end:min(end+32, len(data))], " \r\n\t")
		if bytes.HasPrefix(rest, []byte("endstream")) {
			return data[pos:end]
		}
	}
	end := indexFrom(data, pos, "endstream")
	if end < 0 {
		return data[pos:]
	}
	return bytes.TrimRight(data[pos:end], "\r\n")
}

// expandObjectStreams adds the objects compressed in /Type /ObjStm streams (PDF 1.5+),
// without replacing objects defined directly.
func (f *pdfFile) expandObjectStreams() {
	for _, obj := range f.objs {
		s, ok := obj.(*pdfStream)
		if !ok || s.dict["Type"] != pdfName("ObjStm") {
			continue
		}
		data, err := f.decode(s)
		if err != nil {
			continue
		}
		n, _ := s.dict["N"].(float64)
		first, _ := s.dict["First"].(float64)
		if first < 0 || int(first) > len(data) {
			continue
		}
		header := &lexer{b: data[:int(first)]}
		for i := 0; i < int(n) && i < 1<<16; i++ {
			num, ok1 := header.next()
			off, ok2 := header.next()
			nf, isNum := num.(float64)
			of, isOff := off.(float64)
			if !ok1 || !ok2 || !isNum || !isOff {
				break
			}
			if _, exists := f.objs[int(nf)]; exists {
				continue
			}
			pos := int(first) + int(of)
			if pos < 0 || pos >= len(data) {
				continue
			}
			l := &lexer{b: data, pos: pos}
			if obj, ok := l.object(0); ok {
				f.objs[int(nf)] = obj
			}
		}
	}
}

// resolve follows references (at most a few hops, since chains may loop).
func (f *pdfFile) resolve(v any) any {
	for i := 0; i < 8; i++ {
		r, ok := v.(pdfRef)
		if !ok {
			return v
		}
		v = f.objs[r.num]
	}
	return nil
}

func (f *pdfFile) dict(v any) pdfDict {
	switch x := f.resolve(v).(type) {
	case pdfDict:
		return x
	case *pdfStream:
		return x.dict
	}
	return nil
}

func (f *pdfFile) array(v any) []any {
	a, _ := f.resolve(v).([]any)
	return a
}

// decode applies a stream's filters, charging the output against the decompression budget.
func (f *pdfFile) decode(s *pdfStream) ([]byte, error) {
	data := s.raw
	var filters []any
	switch x := f.resolve(s.dict["Filter"]).(type) {
	case pdfName:
		filters = []any{x}
	case []any:
		filters = x
	}
	for _, fl := range filters {
		name, _ := f.resolve(fl).(pdfName)
		var err error
		switch name {
		case "FlateDecode", "Fl":
			data, err = f.inflate(data)
		case "ASCII85Decode", "A85":
			data, err = decodeASCII85(data)
			if err == nil && int64(len(data)) > f.budget {
				err = errBudget
			}
		case "ASCIIHexDecode", "AHx":
			l := &lexer{b: append(append([]byte("<"), data...), '>')}
			data = []byte(l.hexString())
		default: // images (DCT, JBIG2, ...) and LZW carry no text we extract
			return nil, errors.New("unsupported filter " + string(name))
		}
		if err != nil {
			return nil, err
		}
	}
	return data, nil
}

// inflate reads zlib data, falling back to raw deflate, and keeps whatever decoded before a
// corrupt tail, as PDF readers do.
func (f *pdfFile) inflate(data []byte) ([]byte, error) {
	var r io.Reader
	if zr, err := zlib.NewReader(bytes.NewReader(data)); err == nil {
		r = zr
	} else {
		r = flate.NewReader(bytes.NewReader(data))
	}
	out, err := io.ReadAll(io.LimitReader(r, f.budget+1))
	if int64(len(out)) > f.budget {
		return nil, errBudget
	}
	f.budget -= int64(len(out))
	if err != nil && len(out) == 0 {
		return nil, err
	}
	return out, nil
}

func decodeASCII85(data []byte) ([]byte, error) {
	data = bytes.TrimSpace(data)
	data = bytes.TrimPrefix(data, []byte("<~"))
	if i := bytes.Index(data, []byte("~>")); i >= 0 {
		data = data[:i]
	}
	out := make([]byte, 4*len(data)+4) // 'z' stands for four zero bytes
	n, _, err := ascii85.Decode(out, data, true)
	return out[:n], err
}
