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

// counting counts the bytes a reader hands out, to show a refusal stops reading early.
type counting struct {
	r io.Reader
	n int64
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// endless is an endless stream of one byte.
type endless byte

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(e)
	}
	return len(p), nil
}

// TestStreamedHugeCell: a 100 MB cell in a stream is refused after about MaxLineBytes, without
// the reader taking in the rest of it.
func TestStreamedHugeCell(t *testing.T) {
	src := &counting{r: io.MultiReader(strings.NewReader("id,blob\n1,ok\n2,\""), io.LimitReader(endless('x'), 100<<20),
		strings.NewReader("\"\n3,after\n"))}
	tables, err := read.Open("big.csv", src, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []read.Record
	for {
		rec, err := tables[0].Reader.Next()
		if err != nil {
			if !errors.Is(err, read.ErrDamaged) || !strings.Contains(err.Error(), "longer than") {
				t.Fatalf("want a damaged-file error naming the length, got %v", err)
			}
			break
		}
		got = append(got, rec)
	}
	if len(got) != 1 || got[0].Fields[1] != "ok" {
		t.Fatalf("records before the huge cell: %+v", got)
	}
	if src.n > 2*read.MaxLineBytes {
		t.Fatalf("read %d MB of the stream before refusing it", src.n>>20)
	}
}

// TestEncodingsAndTruncation covers the damage a reader must name rather than misread.
func TestEncodingsAndTruncation(t *testing.T) {
	latin1Row := "id,name\n1,Caf\xe9 Marina\n2,ok\n"
	latin1File := "id,name\n" + strings.Repeat("1,\xe9\xe8\xe0\xe7\xe9\xe8\xe0\n", 50)
	t.Run("Latin-1 in one cell rejects that row", func(t *testing.T) {
		_, recs, err := records(t, "a.csv", latin1Row)
		if err != nil || len(recs) != 2 || !strings.Contains(recs[0].Problem, "UTF-8") || recs[0].Column != "name" || recs[1].Problem != "" {
			t.Fatalf("%v %+v", err, recs)
		}
	})
	t.Run("Latin-1 throughout refuses the file", func(t *testing.T) {
		if _, _, err := records(t, "a.csv", latin1File); !errors.Is(err, read.ErrDamaged) || !strings.Contains(err.Error(), "UTF-8") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("UTF-16 big endian", func(t *testing.T) {
		if _, _, err := records(t, "a.json", "\xfe\xff\x00[\x00]"); !errors.Is(err, read.ErrDamaged) || !strings.Contains(err.Error(), "UTF-16") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("CSV cut inside a quoted cell keeps what came before", func(t *testing.T) {
		_, recs, err := records(t, "a.csv", "id,note,price\n1,fine,10\n2,\"cut off in the mid")
		if err != nil || len(recs) != 2 || recs[0].Fields[1] != "fine" || recs[0].Problem != "" || !strings.Contains(recs[1].Problem, "truncated") {
			t.Fatalf("%v %+v", err, recs)
		}
	})
	t.Run("a last row without its line break is not truncated when complete", func(t *testing.T) {
		_, recs, err := records(t, "a.csv", "id,note\n1,fine\n2,also fine")
		if err != nil || len(recs) != 2 || recs[1].Problem != "" {
			t.Fatalf("%v %+v", err, recs)
		}
	})
	t.Run("JSON cut inside an object", func(t *testing.T) {
		if _, _, err := records(t, "a.json", `{"data": [{"id": 1}, {"id": 2, "name": "Mar`); !errors.Is(err, read.ErrDamaged) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("workbook that is not a zip", func(t *testing.T) {
		if _, _, err := records(t, "a.xlsx", "PK\x03\x04 not really a workbook"); !errors.Is(err, read.ErrDamaged) {
			t.Fatalf("got %v", err)
		}
	})
}
