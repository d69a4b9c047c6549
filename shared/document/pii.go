package document

import (
	"math/big"
	"regexp"
	"strings"
)

// Personal data in uploaded documents (a tenant's phone in a signed contract, a passport
// number in a KYC form) is never what an agent's question is about, yet anything stored in the
// knowledge base can surface in an answer to another user. So it is replaced by placeholders
// before chunking and embedding. Patterns lean towards scrubbing: a false positive costs a
// number in a chunk, a false negative leaks a person.

// PII kinds, used as placeholders ("[email]") and as keys of ScrubCounts.
const (
	PIIEmail      = "email"
	PIIEmiratesID = "emirates_id"
	PIIIBAN       = "iban"
	PIIPassport   = "passport"
	PIIPhone      = "phone"
)

// ScrubCounts says how many items of each kind were replaced.
type ScrubCounts map[string]int

type piiRule struct {
	kind  string
	re    *regexp.Regexp
	valid func(string) bool // optional check of a candidate match
}

// The order matters: e-mail addresses and IBANs contain digit runs the later rules would
// take for phone numbers.
var piiRules = []piiRule{
	{PIIEmail, regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`), nil},
	{PIIIBAN, regexp.MustCompile(`\b[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}\b`), validIBAN},
	{PIIEmiratesID, regexp.MustCompile(`\b784[\s-]?[0-9]{4}[\s-]?[0-9]{7}[\s-]?[0-9]\b`), nil},
	// A passport number is named as such nearby (English or Arabic), or has the common shape
	// of one or two capitals and seven to nine digits. The label may not be followed by ']',
	// so that the "[passport]" placeholder never reads as a label.
	{PIIPassport, regexp.MustCompile(`(?i:passport|جواز)[^0-9A-Za-z\n\]]{0,20}(?:[A-Za-z ]{0,12}[:#]\s*)?[A-Z0-9]{6,12}\b|\b[A-Z]{1,2}[0-9]{7,9}\b`), nil},
	{PIIPhone, regexp.MustCompile(`(?:\+|\b00)[1-9][0-9]{0,2}[\s.\-]?(?:\(?[0-9]{1,4}\)?[\s.\-]?){1,4}[0-9]{2,4}\b|\b0(?:5[0-9]|[2-9])[\s\-]?[0-9]{3}[\s\-]?[0-9]{4}\b|\b971[\s\-]?5[0-9][\s\-]?[0-9]{3}[\s\-]?[0-9]{4}\b|\(\+?[0-9]{1,3}\)[\s.\-]?[0-9]{2,4}[\s.\-]?[0-9]{3,4}[\s.\-]?[0-9]{0,4}\b`), validPhone},
}

// ScrubPII replaces e-mail addresses, phone numbers (UAE and international), Emirates IDs,
// IBANs and passport numbers with placeholders such as [email] and [phone].
func ScrubPII(text string) (string, ScrubCounts) {
	counts := ScrubCounts{}
	for _, rule := range piiRules {
		text = rule.re.ReplaceAllStringFunc(text, func(m string) string {
			if rule.valid != nil && !rule.valid(m) {
				return m
			}
			counts[rule.kind]++
			return "[" + rule.kind + "]"
		})
	}
	return text, counts
}

// validIBAN checks the ISO 13616 mod-97 checksum, so that ordinary codes are left alone.
func validIBAN(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	rearranged := s[4:] + s[:4]
	var digits strings.Builder
	for _, r := range rearranged {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			digits.WriteString(big.NewInt(int64(r - 'A' + 10)).String())
		default:
			return false
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}

// validPhone wants 9 to 15 digits (E.164 allows at most 15), which keeps prices, years and
// short codes out.
func validPhone(s string) bool {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n >= 9 && n <= 15
}
