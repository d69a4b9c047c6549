package lead

import (
	"regexp"
	"strings"
)

// extension matches a trailing extension ("x890", "ext. 12", "#4"): portals and CRM exports
// append them, but an extension is not part of the number a WhatsApp message goes to.
var extension = regexp.MustCompile(`(?i)\s*(?:(?:ext|extn|extension)\.?|x|#)\s*\d{1,6}\s*$`)

// NormalizePhone returns raw in E.164 ("+971501234567"), or "" when it cannot be read as a
// phone number. UAE numbers are accepted in every local spelling (050…, 04…, 971…, 00971…,
// +971 (0) 50…); other countries need an explicit + or 00 prefix, except ten-digit
// North American numbers, which the customer exports we receive are full of.
func NormalizePhone(raw string) string {
	s := strings.TrimSpace(asciiDigits(raw))
	if len(s) > 4 && strings.EqualFold(s[:4], "tel:") {
		s = s[4:]
	}
	s = extension.ReplaceAllString(s, "")
	digits, plus, ok := phoneDigits(s)
	if !ok || digits == "" {
		return ""
	}
	if !plus && strings.HasPrefix(digits, "00") {
		plus, digits = true, digits[2:]
	}
	if plus {
		return international(digits)
	}
	return national(digits)
}

// phoneDigits keeps the digits of s, allowing common separators and one leading "+"; any
// other character makes the number unreadable.
func phoneDigits(s string) (digits string, plus, ok bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && b.Len() == 0 && !plus:
			plus = true
		case strings.ContainsRune(" -.()/\u00a0\u200e\u200f", r):
		default:
			return "", false, false
		}
	}
	return b.String(), plus, true
}

// asciiDigits maps Arabic-Indic (٠-٩) and Eastern Arabic-Indic (۰-۹) digits to ASCII, as
// Arabic keyboards type them.
func asciiDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '\u0660' && r <= '\u0669':
			return '0' + (r - '\u0660')
		case r >= '\u06f0' && r <= '\u06f9':
			return '0' + (r - '\u06f0')
		}
		return r
	}, s)
}

// international reads digits that follow an explicit country code prefix.
func international(d string) string {
	switch {
	case len(d) < 8 || len(d) > 15 || d[0] == '0':
		return ""
	case strings.HasPrefix(d, "971"):
		return uae(d[3:])
	case d[0] == '1':
		return nanp(d[1:])
	}
	return "+" + d
}

// national reads digits without a prefix: a UAE number (with or without its trunk 0 or its
// country code) or a North American one.
func national(d string) string {
	switch {
	case strings.HasPrefix(d, "971") && (len(d) == 12 || len(d) == 11):
		return uae(d[3:])
	case d[0] == '0', len(d) == 9 && d[0] == '5':
		return uae(d)
	case len(d) == 10:
		return nanp(d)
	case len(d) == 11 && d[0] == '1':
		return nanp(d[1:])
	}
	return ""
}

// uae validates a UAE national number (trunk 0 optional): mobiles are 5X + 7 digits,
// landlines an area code (2 Abu Dhabi, 3 Al Ain, 4 Dubai, 6 Sharjah/Ajman/UAQ, 7 RAK,
// 9 Fujairah) + 7 digits.
func uae(n string) string {
	n = strings.TrimPrefix(n, "0")
	switch {
	case len(n) == 9 && n[0] == '5', len(n) == 8 && strings.ContainsRune("234679", rune(n[0])):
		return "+971" + n
	}
	return ""
}

// nanp validates a ten-digit North American number (area code cannot start with 0 or 1).
func nanp(n string) string {
	if len(n) != 10 || n[0] < '2' {
		return ""
	}
	return "+1" + n
}

// NormalizeEmail trims and lower-cases an address, so that duplicates match whatever case
// a portal sent.
func NormalizeEmail(raw string) string { return strings.ToLower(strings.TrimSpace(raw)) }
