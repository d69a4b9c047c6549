package read

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// jsonReader streams the objects of a JSON array (top level, or the first array-valued key of
// a top-level object) with a token decoder, one element in memory at a time.
type jsonReader struct {
	dec     *json.Decoder
	guard   *guard
	header  []string
	index   map[string]int
	pending *Record
	n       int
	single  bool // the file is one object, not a list
	done    bool
	quirks  QuirkSet
}

func newJSON(br *bufio.Reader) (*jsonReader, error) {
	if b, _ := br.Peek(3); bytes.Equal(b, []byte(bomUTF8)) {
		_, _ = br.Discard(3)
	}
	g := &guard{r: br}
	j := &jsonReader{dec: json.NewDecoder(g), guard: g}
	j.dec.UseNumber()
	tok, err := j.dec.Token()
	if err != nil {
		return nil, jsonErr(err)
	}
	switch tok {
	case json.Delim('['):
	case json.Delim('{'):
		if err := j.seekArray(); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%w: the JSON file holds a single %v, not records", ErrDamaged, tok)
	}
	if err := j.first(); err != nil {
		return nil, err
	}
	return j, nil
}

// seekArray walks the top-level object to its first array value; an object without one is a
// single record made of its keys.
func (j *jsonReader) seekArray() error {
	var keys, vals []string
	for j.dec.More() {
		kt, err := j.dec.Token()
		if err != nil {
			return jsonErr(err)
		}
		key, _ := kt.(string)
		var raw json.RawMessage
		if err := j.dec.Decode(&raw); err != nil {
			return jsonErr(err)
		}
		if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' && len(keys) == 0 {
			// Re-stream just this array: it is already in memory, bounded by the guard.
			j.dec = json.NewDecoder(bytes.NewReader(t))
			j.dec.UseNumber()
			_, _ = j.dec.Token()
			j.quirks.Add("records_under_key:" + key)
			return nil
		}
		keys, vals = append(keys, key), append(vals, cell(raw))
	}
	j.single = true
	j.header = CleanHeader(keys)
	j.pending = &Record{Line: 1, Fields: vals}
	j.quirks.Add("single_object")
	return nil
}

func (j *jsonReader) first() error {
	if j.single {
		return nil
	}
	rec, err := j.read()
	if errors.Is(err, io.EOF) {
		j.done = true
		return nil
	}
	if err != nil {
		return err
	}
	j.pending = &rec
	return nil
}

// read decodes the next element, fixing the header from the first object's keys in order.
func (j *jsonReader) read() (Record, error) {
	if !j.dec.More() {
		return Record{}, io.EOF
	}
	j.guard.used = 0
	var raw json.RawMessage
	if err := j.dec.Decode(&raw); err != nil {
		return Record{}, jsonErr(err)
	}
	j.n++
	keys, vals, err := objectFields(raw)
	if err != nil {
		return Record{Line: j.n, Problem: err.Error()}, nil
	}
	if j.header == nil {
		if len(keys) > MaxColumns {
			return Record{}, fmt.Errorf("%w: the first record has %d keys; at most %d are read", ErrDamaged, len(keys), MaxColumns)
		}
		j.header = CleanHeader(keys)
		j.index = make(map[string]int, len(keys))
		for i, k := range j.header {
			j.index[k] = i
		}
	}
	rec := Record{Line: j.n, Fields: make([]string, len(j.header))}
	if len(keys) > MaxColumns {
		rec.Problem = fmt.Sprintf("the record has %d keys; at most %d are read", len(keys), MaxColumns)
		return rec, nil
	}
	for i, k := range keys {
		if at, ok := j.index[strings.TrimSpace(k)]; ok {
			rec.Fields[at] = vals[i]
		} else {
			j.quirks.Add("keys_outside_first_record")
		}
	}
	CheckCells(&rec, j.header)
	return rec, nil
}

func (j *jsonReader) Header() []string { return j.header }
func (j *jsonReader) Quirks() []string { return j.quirks.List() }

func (j *jsonReader) Next() (Record, error) {
	if j.pending != nil {
		r := *j.pending
		j.pending = nil
		return r, nil
	}
	if j.done || j.single {
		return Record{}, io.EOF
	}
	rec, err := j.read()
	if errors.Is(err, io.EOF) {
		j.done = true
	}
	return rec, err
}

// objectFields lists an object's keys in file order with each value as cell text: strings
// as they are, numbers and booleans as written, null as "", arrays and objects as JSON.
func objectFields(raw json.RawMessage) (keys, vals []string, err error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return nil, nil, errors.New("the element is not a JSON object")
	}
	for d.More() {
		kt, err := d.Token()
		if err != nil {
			return nil, nil, err
		}
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return nil, nil, err
		}
		keys, vals = append(keys, kt.(string)), append(vals, cell(v))
	}
	return keys, vals, nil
}

func cell(v json.RawMessage) string {
	t := bytes.TrimSpace(v)
	switch {
	case len(t) == 0 || string(t) == "null":
		return ""
	case t[0] == '"':
		var s string
		if json.Unmarshal(t, &s) == nil {
			return s
		}
	case t[0] == '[' || t[0] == '{':
		var b bytes.Buffer
		if json.Compact(&b, t) == nil {
			return b.String()
		}
	}
	return string(t)
}

func jsonErr(err error) error {
	if errors.Is(err, ErrDamaged) {
		return err
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: the JSON ends before it is complete (truncated file?)", ErrDamaged)
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%w: JSON syntax error at byte %d: %v", ErrDamaged, se.Offset, se)
	}
	return fmt.Errorf("%w: %v", ErrDamaged, err)
}
