package location

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Normalize reduces a place name to the form aliases are stored in: lower case, accents and
// Arabic diacritics removed, Arabic letter variants folded (أ إ آ → ا, ة → ه, ى → ي),
// Arabic-Indic digits as ASCII, apostrophes dropped, every other punctuation mark a space,
// spaces collapsed. "Al-Awir", "AL AWIR" and "al awir" all become "al awir".
func Normalize(name string) string {
	var b strings.Builder
	pendingSpace := false
	for _, r := range norm.NFKD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r) || r == 'ـ' || isApostrophe(r):
			// Marks (accents, harakat, hamza above/below), tatweel and apostrophes are not
			// part of the spelling: "Za'abeel" and "Zaabeel" are one place.
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if pendingSpace && b.Len() > 0 {
				b.WriteByte(' ')
			}
			pendingSpace = false
			b.WriteRune(fold(r))
		default:
			pendingSpace = true
		}
	}
	return b.String()
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', '`', 'ʼ', '´':
		return true
	}
	return false
}

// fold lower-cases a letter and maps Arabic variants and digits to one form.
func fold(r rune) rune {
	switch {
	case r == 'ة':
		return 'ه'
	case r == 'ى':
		return 'ي'
	case r == 'ٱ':
		return 'ا'
	case r >= '٠' && r <= '٩':
		return '0' + (r - '٠')
	case r >= '۰' && r <= '۹':
		return '0' + (r - '۰')
	}
	return unicode.ToLower(r)
}

// suffixes are words that addresses append to a place name without naming another place.
var suffixes = []string{"united arab emirates", "uae", "dubai", "الامارات العربيه المتحده", "الامارات", "دبي"}

// Candidates lists the normalised spellings to try for free text, most specific first: the
// whole text, then each part of a comma-separated address ("Marina Gate, Dubai Marina"), each
// also without a trailing "Dubai" or "UAE".
func Candidates(text string) []string {
	var out []string
	add := func(s string) {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	whole := Normalize(text)
	add(whole)
	parts := strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(",;|/()\n،", r) })
	for _, p := range parts {
		add(Normalize(p))
	}
	for _, c := range append([]string(nil), out...) {
		add(trimSuffixes(c))
	}
	return out
}

func trimSuffixes(s string) string {
	for changed := true; changed; {
		changed = false
		for _, suf := range suffixes {
			if rest, ok := strings.CutSuffix(s, " "+suf); ok {
				s, changed = rest, true
			}
		}
	}
	return s
}
