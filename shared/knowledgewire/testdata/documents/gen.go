//go:build ignore

// gen writes the small documents the assistant's end-to-end test uploads: one of each kind
// the seed documents are (policies as TXT and DOCX, legal guidelines and a brochure as PDF,
// a market report as DOCX), with content of our own. Run `go run gen.go` in this folder
// after editing; the files it writes are committed.
package main

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"fmt"
	"html"
	"log"
	"os"
	"strings"
)

var policies = `OFFICE POLICIES AND PROCEDURES

1. LEAD RESPONSE
Every new portal enquiry must receive a first reply within 15 minutes during office hours.
Leads that arrive after 9 PM are answered by 9:30 AM the next morning.

2. VIEWINGS
Viewings are booked at least 3 hours ahead and confirmed by WhatsApp the evening before.
Agents carry their BRN card to every viewing.

3. KEYS
Keys are signed out from the front desk safe and returned the same day before 8 PM.
`

var commission = []string{
	"COMMISSION AND REFERRAL POLICY",
	"Sales commission is 2 percent of the purchase price plus 5 percent VAT, invoiced on transfer day at the DLD trustee office.",
	"Leasing commission is 5 percent of the annual rent, collected when the Ejari is registered.",
	"Agents who refer a client to a partner brokerage receive a referral fee of 25 percent of our share, paid after the partner's invoice settles.",
}

var legal = []string{
	"Dubai Tenancy and Brokerage Legal Notes",
	"1. Rental increases follow the RERA rental index calculator and need 90 days written notice before renewal.",
	"2. Security deposits are usually 5 percent of the annual rent for unfurnished units.",
	"3. A landlord may evict for personal use only with 12 months notice sent by notary public.",
	"4. Tenancy disputes go to the Rental Disputes Centre.",
}

var report = []string{
	"Quarterly Market Snapshot",
	"Report date: 2025-07-01",
	"Town Square Market Analysis",
	"Average price per sq ft: AED 1045",
	"Price change (3 months): 6.2%",
	"Transaction volume: 318 properties",
	"Days on market: 41 days",
	"Sobha Hartland Market Analysis",
	"Average price per sq ft: AED 2210",
	"Price change (3 months): 3.1%",
	"Transaction volume: 127 properties",
	"Days on market: 55 days",
}

var brochure = []string{
	"Signature Waterfront Homes",
	"Home 1: Tower 12, Floor 41, Unit 4102, Dubai Creek Harbour, Dubai, UAE",
	"Price: AED 4,850,000",
	"Type: Sky Villa | Beds: 4 | Baths: 5",
	"Home 2: Tower 3, Floor 8, Unit 805, Sobha Hartland, Dubai, UAE",
	"Price: AED 1,420,000",
	"Type: Apartment | Beds: 1 | Baths: 2",
}

func main() {
	write("company_policies.txt", []byte(policies))
	write("company_policies.docx", docx(commission))
	write("legal_guidelines.pdf", pdf(legal))
	write("market_report.docx", docx(report))
	write("property_brochure.pdf", pdf(brochure))
}

func write(name string, data []byte) {
	if err := os.WriteFile(name, data, 0o644); err != nil {
		log.Fatal(err)
	}
}

// docx zips a minimal WordprocessingML package, one paragraph per line.
func docx(lines []string) []byte {
	var body strings.Builder
	for _, l := range lines {
		body.WriteString(`<w:p><w:r><w:t xml:space="preserve">` + html.EscapeString(l) + `</w:t></w:r></w:p>`)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range []struct{ name, text string }{
		{"[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
			body.String() + `</w:body></w:document>`},
	} {
		w, err := zw.Create(f.name)
		if err != nil {
			log.Fatal(err)
		}
		w.Write([]byte(f.text))
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	return b.Bytes()
}

// pdf writes a one-page PDF in Helvetica, one line of text per line, with a compressed
// content stream and a correct cross-reference table, as office software produces.
func pdf(lines []string) []byte {
	var content strings.Builder
	content.WriteString("BT /F1 11 Tf 14 TL 56 780 Td\n")
	for _, l := range lines {
		l = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(l)
		fmt.Fprintf(&content, "(%s) Tj T*\n", l)
	}
	content.WriteString("ET")
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte(content.String()))
	zw.Close()
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", z.Len(), z.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}
