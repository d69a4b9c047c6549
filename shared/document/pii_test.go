package document

import "testing"

func TestScrubPII(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
		kind string
	}{
		{"email", "Contact sara.k+offers@agency.ae today", "Contact [email] today", PIIEmail},
		{"uae mobile international", "Call +971 50 123 4567 now", "Call [phone] now", PIIPhone},
		{"uae mobile compact", "WhatsApp +971501234567.", "WhatsApp [phone].", PIIPhone},
		{"uae mobile 00 prefix", "tel 00971-55-765-4321", "tel [phone]", PIIPhone},
		{"uae mobile local", "mobile 050 123 4567", "mobile [phone]", PIIPhone},
		{"uae mobile dashed", "mobile 052-1234567", "mobile [phone]", PIIPhone},
		{"uae landline", "office 04 123 4567", "office [phone]", PIIPhone},
		{"uae without plus", "971 56 123 4567", "[phone]", PIIPhone},
		{"uk", "London desk +44 20 7946 0958", "London desk [phone]", PIIPhone},
		{"us parentheses", "US line +1 (555) 123-4567", "US line [phone]", PIIPhone},
		{"emirates id", "EID 784-1985-1234567-1 on file", "EID [emirates_id] on file", PIIEmiratesID},
		{"emirates id compact", "ID 784198512345671", "ID [emirates_id]", PIIEmiratesID},
		{"iban", "Pay to AE07 0331 2345 6789 0123 456 by Friday", "Pay to [iban] by Friday", PIIIBAN},
		{"iban compact", "IBAN: GB82WEST12345698765432", "IBAN: [iban]", PIIIBAN},
		{"passport with label", "Passport No: N1234567", "[passport]", PIIPassport},
		{"passport shape", "holder of P12345678 (India)", "holder of [passport] (India)", PIIPassport},
		{"arabic passport", "رقم جواز السفر: A1234567", "رقم [passport]", PIIPassport},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, counts := ScrubPII(tc.in)
			if got != tc.want {
				t.Fatalf("ScrubPII(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if counts[tc.kind] != 1 {
				t.Fatalf("counts = %v, want one %s", counts, tc.kind)
			}
		})
	}
}

// TestScrubPIIKeeps guards the figures retrieval needs: prices, sizes, dates, years, permit
// and unit numbers must survive.
func TestScrubPIIKeeps(t *testing.T) {
	keep := []string{
		"Price: AED 3,647,379",
		"Price: AED 12726949 for 2,450 sq ft",
		"Report Date: 2025-08-24",
		"Building 927, Floor 20, Unit 585",
		"Lead paint inspection required for homes built before 1978",
		"Price change (3 months): -14.7%",
		"3-bed in Dubai Marina under 2.5M",
		"RERA permit 71234",
		"Call us on the website",
		"Invalid IBAN-like code AE00 1234 5678 9012 3456 789",
	}
	for _, s := range keep {
		t.Run(s, func(t *testing.T) {
			if got, counts := ScrubPII(s); got != s {
				t.Fatalf("ScrubPII changed %q to %q (%v)", s, got, counts)
			}
		})
	}
}
