package ingest

import (
	"strconv"
	"unicode/utf8"
)

// The deals of a transactions file carry two small JSON documents per row. Rendering them
// through encoding/json's reflection was a fifth of the loader's CPU on a million-row file,
// so these write the fixed shapes directly. Invalid UTF-8 becomes U+FFFD, as encoding/json does.

// jsonStrings renders an object of string fields from name, value pairs, in order.
func jsonStrings(pairs ...string) string {
	b := make([]byte, 0, 64)
	b = append(b, '{')
	for i := 0; i+1 < len(pairs); i += 2 {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, pairs[i])
		b = append(b, ':')
		b = appendJSONString(b, pairs[i+1])
	}
	return string(append(b, '}'))
}

// jsonPayment renders a one-payment list: [{"method": m, "amount_aed": n}].
func jsonPayment(method string, amount float64) string {
	b := make([]byte, 0, 48)
	b = append(b, `[{"method":`...)
	b = appendJSONString(b, method)
	b = append(b, `,"amount_aed":`...)
	b = strconv.AppendFloat(b, amount, 'f', -1, 64)
	return string(append(b, "}]"...))
}

func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
