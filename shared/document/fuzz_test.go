package document

import (
	"strings"
	"testing"
)

// The fuzz targets check that no input makes the extractors or the chunker panic or break
// their invariants. Run one with, e.g.: go test ./shared/document -run '^$' -fuzz FuzzPDF -fuzztime 60s

func FuzzPDF(f *testing.F) {
	f.Add(latinPDF())
	f.Add(arabicPDF([]string{"م", "ر"}, [][]int{{1, 2}}))
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Type /Page /Contents 2 0 R >> endobj 2 0 obj << /Length 5 >> stream\nBT ET\nendstream endobj"))
	f.Add([]byte("%PDF-1.5\n1 0 obj << /Type /ObjStm /N 1 /First 4 >> stream\n2 0 << /Type /Catalog >>\nendstream endobj"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Called without extractPDF's recover, so that a panic fails the fuzzer.
		_, _ = extractPDFText(data, 1<<20)
	})
}

func FuzzDOCX(f *testing.F) {
	f.Add(buildDOCX(f, para("hello")+table([]string{para("a"), para("b")})))
	f.Add(buildDOCX(f, "<w:tbl><w:tr></w:tbl></w:tc>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = extractDOCX(data, 1<<20)
	})
}

func FuzzExtract(f *testing.F) {
	f.Add([]byte("Plain text. Two sentences."), "a.txt")
	f.Add([]byte("a,b\n1,2\n"), "")
	f.Add([]byte{0xFE, 0xFF, 0, 'x'}, "")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		ex, err := Extract(data, name, Limits{MaxFileSize: 1 << 20})
		if err == nil && strings.TrimSpace(ex.Text) == "" {
			t.Fatal("success with no text")
		}
	})
}

func FuzzChunk(f *testing.F) {
	f.Add("Prices rose. Rents fell! كم السعر؟ مليونا درهم.", 40, 10)
	f.Add(strings.Repeat("word ", 100), 30, 15)
	f.Add("\n\n. . .\u2028\xff", 20, 0)
	f.Fuzz(func(t *testing.T, text string, target, overlap int) {
		text = cleanText(text) // ChunkText is given extracted, valid UTF-8 text
		opts := ChunkOptions{Target: target%2000 + 1, Overlap: overlap % 1000}
		checkChunks(t, text, ChunkText(text, opts), opts)
	})
}

func FuzzScrubPII(f *testing.F) {
	f.Add("Call +971 50 123 4567 or mail a@b.ae, IBAN AE07 0331 2345 6789 0123 456")
	f.Fuzz(func(t *testing.T, text string) {
		out, _ := ScrubPII(text)
		if again, counts := ScrubPII(out); again != out || len(counts) > 0 {
			t.Fatalf("scrubbing is not idempotent: %q -> %q (%v)", out, again, counts)
		}
	})
}
