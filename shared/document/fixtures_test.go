package document

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"
)

// Test fixtures are generated here rather than committed: each shows in a few lines exactly
// what the extractor is asked to handle.

// pdfObject is one object body; stream content is appended as a stream when non-nil.
type pdfObject struct {
	body   string
	stream []byte
	flate  bool
}

// buildPDF writes a PDF with a correct xref table; object i+1 is objs[i], object 1 the catalog.
func buildPDF(objs []pdfObject) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n", i+1)
		if o.stream == nil {
			b.WriteString(o.body)
		} else {
			data := o.stream
			filter := ""
			if o.flate {
				var z bytes.Buffer
				w := zlib.NewWriter(&z)
				w.Write(data)
				w.Close()
				data, filter = z.Bytes(), " /Filter /FlateDecode"
			}
			fmt.Fprintf(&b, "<< /Length %d%s %s >>\nstream\n", len(data), filter, o.body)
			b.Write(data)
			b.WriteString("\nendstream")
		}
		b.WriteString("\nendobj\n")
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// latinPDF has two pages of WinAnsi text drawn with Tj, TJ, ' and a Form XObject.
func latinPDF() []byte {
	page1 := "BT /F1 12 Tf 72 720 Td (Dubai Marina apartments.) Tj 0 -14 Td [(Prices start at AED 1.2M) -300 (for one-bed units.)] TJ ET\n" +
		"BT /F1 12 Tf 14 TL 72 680 Td (Caf\\351 on the ground floor.) Tj (Sea views.) ' ET\n/X1 Do"
	page2 := "BT /F1 12 Tf 1 0 0 1 72 720 Tm (RERA requires escrow for off-plan sales.) Tj ET"
	form := "BT /F1 10 Tf 72 600 Td (Brochure footer) Tj ET"
	return buildPDF([]pdfObject{
		{body: "<< /Type /Catalog /Pages 2 0 R >>"},
		{body: "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /Resources << /Font << /F1 5 0 R >> /XObject << /X1 8 0 R >> >> >>"},
		{body: "<< /Type /Page /Parent 2 0 R /Contents 6 0 R >>"},
		{body: "<< /Type /Page /Parent 2 0 R /Contents [7 0 R] >>"},
		{body: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"},
		{stream: []byte(page1), flate: true},
		{stream: []byte(page2)},
		{body: "/Type /XObject /Subtype /Form /BBox [0 0 612 792]", stream: []byte(form), flate: true},
	})
}

// arabicPDF shows two-byte glyph codes through a composite font whose ToUnicode CMap maps them
// to Arabic letters, as PDFs made by word processors do. toUnicode lists the text of codes
// 1, 2, 3, ... and lines the codes drawn on each line.
func arabicPDF(toUnicode []string, lines [][]int) []byte {
	var cmap strings.Builder
	cmap.WriteString("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n" +
		"1 begincodespacerange <0000> <FFFF> endcodespacerange\n")
	fmt.Fprintf(&cmap, "%d beginbfchar\n", len(toUnicode))
	for i, t := range toUnicode {
		fmt.Fprintf(&cmap, "<%04X> <", i+1)
		for _, u := range utf16.Encode([]rune(t)) {
			fmt.Fprintf(&cmap, "%04X", u)
		}
		cmap.WriteString(">\n")
	}
	cmap.WriteString("endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end")
	var content strings.Builder
	content.WriteString("BT /F1 14 Tf 16 TL 300 700 Td\n")
	for _, line := range lines {
		content.WriteString("<")
		for _, c := range line {
			fmt.Fprintf(&content, "%04X", c)
		}
		content.WriteString("> Tj T*\n")
	}
	content.WriteString("ET")
	return buildPDF([]pdfObject{
		{body: "<< /Type /Catalog /Pages 2 0 R >>"},
		{body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{body: "<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"},
		{stream: []byte(content.String()), flate: true},
		{body: "<< /Type /Font /Subtype /Type0 /BaseFont /NotoNaskhArabic /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>"},
		{body: "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NotoNaskhArabic /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>"},
		{stream: []byte(cmap.String()), flate: true},
	})
}

// buildDOCX zips a minimal WordprocessingML package around body.
func buildDOCX(t testing.TB, body string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	files := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
			body + `</w:body></w:document>`,
	}
	for _, name := range []string{"[Content_Types].xml", "word/document.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[name]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func para(text string) string {
	return `<w:p><w:r><w:t xml:space="preserve">` + text + `</w:t></w:r></w:p>`
}

func table(rows ...[]string) string {
	var b strings.Builder
	b.WriteString("<w:tbl>")
	for _, r := range rows {
		b.WriteString("<w:tr>")
		for _, c := range r {
			b.WriteString("<w:tc>" + c + "</w:tc>")
		}
		b.WriteString("</w:tr>")
	}
	b.WriteString("</w:tbl>")
	return b.String()
}
