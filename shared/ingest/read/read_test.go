package read_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/propertypro/propertypro/shared/ingest/read"
	_ "github.com/propertypro/propertypro/shared/ingest/read/xlsx" // XLSX workbooks
)

func records(t testing.TB, name, data string) ([]string, []read.Record, error) {
	tables, err := read.Open(name, strings.NewReader(data), strings.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil, err
	}
	var out []read.Record
	for {
		r, err := tables[0].Reader.Next()
		if errors.Is(err, io.EOF) {
			return tables[0].Reader.Header(), out, nil
		}
		if err != nil {
			return nil, out, err
		}
		out = append(out, r)
	}
}

func TestReaders(t *testing.T) {
	cases := []struct {
		name, file, data string
		rows             int
		firstLine        int
		damaged          bool
		problem          bool
	}{
		{"csv with BOM, CRLF and a multi-line cell", "a.csv", "\xef\xbb\xbfid,note\r\n1,\"two\r\nlines\"\r\n2,مرحبا\r\n", 2, 2, false, false},
		{"json array", "a.json", `[{"id":1,"tags":["a","b"]},{"id":2}]`, 2, 1, false, false},
		{"json object holding an array", "a.json", `{"data":[{"id":1}]}`, 1, 1, false, false},
		{"truncated json", "a.json", `[{"id":1},{"id":`, 1, 1, true, false},
		{"binary junk", "a.csv", "\x00\x01\x02PK junk", 0, 0, true, false},
		{"utf-16", "a.csv", "\xff\xfei\x00d\x00", 0, 0, true, false},
		{"ten thousand columns", "a.csv", "id\n" + strings.Repeat("x,", 10000) + "x\n", 1, 2, false, true},
		{"empty", "a.csv", "", 0, 0, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, recs, err := records(t, tc.file, tc.data)
			if tc.damaged {
				if !errors.Is(err, read.ErrDamaged) {
					t.Fatalf("want a damaged-file error, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != tc.rows || recs[0].Line != tc.firstLine || (recs[0].Problem != "") != tc.problem {
				t.Fatalf("got %d records, first %+v", len(recs), recs[0])
			}
		})
	}
}

func TestHugeCellIsRefused(t *testing.T) {
	data := "id,blob\n1," + strings.Repeat("x", read.MaxLineBytes+1024) + "\n"
	_, recs, err := records(t, "a.csv", data)
	if !errors.Is(err, read.ErrDamaged) && (len(recs) != 1 || recs[0].Problem == "") {
		t.Fatalf("want a damaged-file error or a rejected row, got %v, %+v", err, len(recs))
	}
}

// FuzzReaders: no input may panic a reader; `go test` runs the seed corpus only.
func FuzzReaders(f *testing.F) {
	for _, s := range []string{"id,a\n1,\"x\ny\"\n", `[{"a":1}]`, `{"k":[{"a":[1,{"b":2}]}]}`, "\xef\xbb\xbfa\r\n\"", "PK\x03\x04junk"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, name := range []string{"f.csv", "f.json", "f.xlsx"} {
			tables, err := read.Open(name, bytes.NewReader(b), bytes.NewReader(b), int64(len(b)))
			if err != nil {
				continue
			}
			for _, tb := range tables {
				for i := 0; i < 10000; i++ {
					if _, err := tb.Reader.Next(); err != nil {
						break
					}
				}
			}
		}
	})
}
