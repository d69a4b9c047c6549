package logging

import (
	"fmt"
	"log/slog"
	"regexp"
	"strings"
)

// Redacted replaces a value that must never reach a log.
const Redacted = "[REDACTED]"

// sensitiveKeys are attribute names whose values are always secret or personal, matched as
// substrings of the lower-cased key so that "user_email" and "X-Api-Key" are caught too.
var sensitiveKeys = []string{
	"password", "passwd", "secret", "token", "authorization", "api_key", "apikey", "api-key",
	"cookie", "credential", "phone", "mobile", "whatsapp", "email", "passport", "emirates_id",
	"national_id", "iban", "card",
}

// Patterns of personal data and credentials that can hide inside free text (an error message,
// a URL, a request body): redacted wherever they appear.
var sensitiveText = []*regexp.Regexp{
	regexp.MustCompile(`(?i)bearer\s+[a-z0-9._~+/=-]+`),
	regexp.MustCompile(`eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*`), // JWT
	regexp.MustCompile(`(?i)(password|passwd|secret|token|api[_-]?key)(["']?\s*[:=]\s*["']?)[^\s"'&,}]+`),
	regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`), // e-mail
	regexp.MustCompile(`(?i)://[^/\s:@]+:[^/\s@]+@`),                     // credentials in a URL
	regexp.MustCompile(`\+?\(?\d[\d\s().-]{7,}\d(\s*(x|ext\.?)\s*\d+)?`), // phone numbers
	regexp.MustCompile(`784-?\d{4}-?\d{7}-?\d`),                          // Emirates ID
}

// SensitiveKey reports whether an attribute with this name must be redacted whatever it holds.
func SensitiveKey(key string) bool {
	k := strings.ToLower(key)
	for _, s := range sensitiveKeys {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

// uuidText is an id in its canonical form. Its digit groups look like a phone number to the
// pattern above, and ids are what an operator searches logs by, so they are set aside first.
var uuidText = regexp.MustCompile(`(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`)

// RedactString removes credentials and personal data from free text; uuids stay as they are.
func RedactString(s string) string {
	if strings.Contains(s, uuidMark) { // text that imitates the mark gets no uuid spared
		return redactText(s)
	}
	ids := uuidText.FindAllString(s, -1)
	if len(ids) > 0 {
		s = uuidText.ReplaceAllString(s, uuidMark)
	}
	s = redactText(s)
	for _, id := range ids {
		s = strings.Replace(s, uuidMark, id, 1)
	}
	return s
}

// uuidMark holds a uuid's place while the patterns run: no pattern matches it, and the
// control characters keep it from meeting anything a caller could have written.
const uuidMark = "\x01uuid\x01"

func redactText(s string) string {
	for i, re := range sensitiveText {
		switch i {
		case 2:
			s = re.ReplaceAllString(s, "${1}${2}"+Redacted)
		case 4:
			s = re.ReplaceAllString(s, "://"+Redacted+"@")
		default:
			s = re.ReplaceAllString(s, Redacted)
		}
	}
	return s
}

// RedactAttr redacts one attribute: sensitive keys lose their value, text is scrubbed,
// groups are walked, and other values are rendered and scrubbed as text.
func RedactAttr(a slog.Attr) slog.Attr {
	if a.Key != "" && SensitiveKey(a.Key) {
		return slog.String(a.Key, Redacted)
	}
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, RedactString(v.String()))
	case slog.KindGroup:
		attrs := v.Group()
		red := make([]any, len(attrs))
		for i, g := range attrs {
			red[i] = RedactAttr(g)
		}
		return slog.Group(a.Key, red...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, RedactString(err.Error()))
		}
		return slog.String(a.Key, RedactString(fmt.Sprint(v.Any())))
	}
	return slog.Attr{Key: a.Key, Value: v}
}
