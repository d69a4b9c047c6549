package document

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/propertypro/propertypro/shared/apperr"
)

var limits = Limits{MaxFileSize: 10 << 20}

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		file string
		data []byte
		want Type
	}{
		{"pdf", "x.bin", latinPDF(), PDF},
		{"docx", "x", buildDOCX(t, para("hi")), DOCX},
		{"other zip", "book.xlsx", zipWith(t, "xl/workbook.xml", "<x/>"), Unknown},
		{"plain text", "notes", []byte("Dubai Marina is popular with expats.\nPrices rose."), Text},
		{"markdown by content", "", []byte("# Title\n\n## Section\n- item\n"), Markdown},
		{"markdown by name", "README.md", []byte("plain words"), Markdown},
		{"txt name keeps text", "list.txt", []byte("# not a heading\n## still not\n"), Text},
		{"csv", "", []byte("community,price,beds\nJVC,900000,1\nMarina,2500000,2\n"), CSV},
		{"csv semicolons", "", []byte("a;b;c\n1;2;3\n4;5;6\n"), CSV},
		{"ragged is not csv", "", []byte("a,b\nno commas here\n"), Text},
		{"arabic text", "", []byte("شقة في دبي مارينا؟ نعم."), Text},
		{"utf-16", "", append([]byte{0xFF, 0xFE}, 'h', 0, 'i', 0), Text},
		{"binary", "", []byte{0x89, 'P', 'N', 'G', 0, 0, 1}, Unknown},
		{"empty", "", nil, Unknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Detect(tc.data, tc.file); got != tc.want {
				t.Fatalf("Detect = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestExtract(t *testing.T) {
	// "مرسى دبي" ("Dubai Marina") in logical order through ToUnicode codes 1..8.
	logical := []string{"م", "ر", "س", "ى", " ", "د", "ب", "ي", "؟"}
	// The same words pre-shaped into presentation forms and stored in visual order, as
	// generators that cannot shape Arabic write them: ي ب د (final, initial, isolated) ...
	visual := []string{"\uFEF2", "\uFE91", "\uFEA9", " ", "\uFEEF", "\uFEB4", "\uFEAE", "\uFEE3"}
	tests := []struct {
		name     string
		file     string
		data     []byte
		typ      Type
		contains []string
		excludes []string
	}{
		{"latin pdf", "", latinPDF(), PDF, []string{
			"Dubai Marina apartments.\nPrices start at AED 1.2M for one-bed units.",
			"Café on the ground floor.\nSea views.",
			"Brochure footer",
			"RERA requires escrow for off-plan sales.",
		}, nil},
		{"arabic pdf with ToUnicode", "", arabicPDF(logical, [][]int{{1, 2, 3, 4, 5, 6, 7, 8, 9}}), PDF,
			[]string{"مرسى دبي؟"}, nil},
		{"arabic pdf in visual order", "", arabicPDF(visual, [][]int{{1, 2, 3, 4, 5, 6, 7, 8}}), PDF,
			[]string{"مرسى دبي"}, []string{"\uFEF2"}},
		{"docx", "", buildDOCX(t, para("Title")+
			`<w:p><w:r><w:t>Rent</w:t></w:r><w:r><w:tab/><w:t>AED 95,000</w:t></w:r></w:p>`+
			`<w:p><w:r><w:delText>deleted words</w:delText></w:r><w:r><w:instrText>HYPERLINK x</w:instrText></w:r><w:r><w:t>kept</w:t></w:r></w:p>`+
			table([]string{para("Community"), para("Price")}, []string{para("JVC") + para("Circle"), para("900,000")})+
			para("After the table")+para("شقة فاخرة في دبي")), DOCX,
			[]string{"Title\nRent\tAED 95,000\nkept\nCommunity | Price\nJVC Circle | 900,000\n\nAfter the table\nشقة فاخرة في دبي"},
			[]string{"deleted words", "HYPERLINK"}},
		{"nested docx table", "", buildDOCX(t, table([]string{para("outer") + table([]string{para("a"), para("b")})})), DOCX,
			[]string{"outer a | b"}, nil},
		{"text with BOM and CRLF", "", []byte("\xEF\xBB\xBFLine one\r\nLine two\r\n\r\n\r\n\r\nLine three\x07"), Text,
			[]string{"Line one\nLine two\n\nLine three"}, []string{"\r", "\x07", "\uFEFF"}},
		{"csv", "", []byte("community,price\nJVC,900000\n"), CSV, []string{"community,price\nJVC,900000"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Extract(tc.data, tc.file, limits)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if got.Type != tc.typ {
				t.Errorf("type %q, want %q", got.Type, tc.typ)
			}
			for _, want := range tc.contains {
				if !strings.Contains(got.Text, want) {
					t.Errorf("text lacks %q:\n%s", want, got.Text)
				}
			}
			for _, bad := range tc.excludes {
				if strings.Contains(got.Text, bad) {
					t.Errorf("text contains %q:\n%s", bad, got.Text)
				}
			}
		})
	}
}

func TestExtractRejects(t *testing.T) {
	bomb := func() []byte { // 64 MiB of zeros in a DOCX of a few hundred kilobytes
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		w, _ := zw.Create("word/document.xml")
		chunk := make([]byte, 1<<20)
		for i := 0; i < 64; i++ {
			w.Write(chunk)
		}
		zw.Close()
		return b.Bytes()
	}()
	tests := []struct {
		name   string
		data   []byte
		limits Limits
	}{
		{"too large", []byte(strings.Repeat("a", 2048)), Limits{MaxFileSize: 1024}},
		{"unsupported", []byte{0x89, 'P', 'N', 'G', 0}, limits},
		{"empty text", []byte("   \n\n  "), limits},
		{"truncated docx", buildDOCX(t, para("hello"))[:60], limits},
		{"zip without document", zipWith(t, "word/other.xml", "<x/>")[:0], limits},
		{"docx zip bomb", bomb, Limits{MaxFileSize: 10 << 20, MaxExpandedSize: 8 << 20}},
		{"broken docx xml", buildDOCX(t, "<w:p><w:r><w:t>unclosed"), limits},
		{"pdf without text", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF"), limits},
		{"pdf garbage", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{0xff, 0x00, '(', '<'}, 100)...), limits},
		{"pdf flate bomb", pdfWithContent(bytes.Repeat([]byte("BT /F1 1 Tf (x) Tj ET\n"), 1<<20)), Limits{MaxFileSize: 10 << 20, MaxExpandedSize: 4 << 20}},
		{"invalid utf-8", []byte("caf\xe9 au lait"), limits},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Extract(tc.data, "", tc.limits)
			if apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("Extract error %v, want invalid", err)
			}
		})
	}
}

// pdfWithContent is a one-page PDF drawing content (compressed) in Helvetica.
func pdfWithContent(content []byte) []byte {
	return buildPDF([]pdfObject{
		{body: "<< /Type /Catalog /Pages 2 0 R >>"},
		{body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{body: "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"},
		{stream: content, flate: true},
		{body: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"},
	})
}

func zipWith(t *testing.T, name, content string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create(name)
	w.Write([]byte(content))
	zw.Close()
	return b.Bytes()
}

// TestSeedDocuments reads the shared seed documents when they are beside the repository; they
// are read in place, never copied in.
func TestSeedDocuments(t *testing.T) {
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "..", "shared", "seed-data", "documents")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("seed documents not present at %s", dir)
	}
	tests := []struct {
		file string
		typ  Type
		want []string
	}{
		{"legal_guidelines.pdf", PDF, []string{"Dubai Real Estate Legal Guidelines", "All agents must be licensed by RERA", "Escrow accounts for off-plan sales"}},
		{"property_brochure.pdf", PDF, []string{"Dubai Luxury Properties", "Dubai Marina, Dubai, UAE\nPrice: AED 11,745,519", "Type: Villa | Beds: 5 | Baths: 3"}},
		{"company_policies.docx", DOCX, []string{"Client Privacy Policy\nWe are committed to protecting client information..."}},
		{"market_report.docx", DOCX, []string{"Al Barsha Market Analysis\nAverage price per sq ft: AED 2425", "Price change (3 months): -14.7%"}},
		{"company_policies.txt", Text, []string{"1. OFFER SUBMISSION POLICY", "Closing costs typically range from 2-5%"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Skip(err)
			}
			got, err := Extract(data, tc.file, limits)
			if err != nil {
				t.Fatal(err)
			}
			if got.Type != tc.typ {
				t.Errorf("type %q, want %q", got.Type, tc.typ)
			}
			for _, w := range tc.want {
				if !strings.Contains(got.Text, w) {
					t.Errorf("text lacks %q:\n%s", w, got.Text)
				}
			}
			if chunks := ChunkText(got.Text, ChunkOptions{}); len(chunks) == 0 {
				t.Error("no chunks")
			}
		})
	}
}

func TestContentHash(t *testing.T) {
	if got := ContentHash([]byte("abc")); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatalf("ContentHash = %s", got)
	}
}

// repoRoot finds the folder holding go.mod above the working directory. (testkit would do it,
// but importing it here makes a cycle: testkit → postgres → knowledge → document.)
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	for err == nil {
		if _, serr := os.Stat(filepath.Join(dir, "go.mod")); serr == nil {
			return dir, nil
		}
		if filepath.Dir(dir) == dir {
			return "", os.ErrNotExist
		}
		dir = filepath.Dir(dir)
	}
	return "", err
}
