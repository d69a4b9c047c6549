package offline

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// stopwords are words too common to say what a text is about. Dropping them keeps "what is
// the" from making unrelated texts look alike. English and Arabic, after normalisation.
var stopwords = func() map[string]bool {
	words := strings.Fields(`a an the and or but if of to in on at by for with from into onto about
	as is are was were be been being am do does did done have has had having it its this that these
	those there here what which who whom whose when where why how i me my we our you your he him his
	she her they them their not no nor so than too very can could should would will shall may might
	must just also any all some such only own same other more most over under again then once up down
	out off per via
	في من على الى عن ما ماذا هل هو هي هم ان او مع هذا هذه ذلك تلك التي الذي لا لم لن قد كان كانت كل ثم
	انا نحن انت`)
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[normalizeWord(w)] = true
	}
	return m
}()

// tokens splits text into normalised words: lower case, accents and Arabic diacritics
// removed, Arabic letter variants unified and English plurals reduced to the singular.
// Letters of any script and digits make words; everything else separates them.
func tokens(text string, dst []string) []string {
	start := -1
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			dst = appendWord(dst, text[start:i])
			start = -1
		}
	}
	if start >= 0 {
		dst = appendWord(dst, text[start:])
	}
	return dst
}

func appendWord(dst []string, w string) []string {
	if w = normalizeWord(w); w != "" {
		dst = append(dst, w)
	}
	return dst
}

// normalizeWord lower-cases w, strips diacritics, unifies Arabic letter forms and stems
// English plurals. ASCII words take a fast path: most of the corpus is English.
func normalizeWord(w string) string {
	if isASCII(w) {
		return stemEnglish(strings.ToLower(w))
	}
	var b strings.Builder
	b.Grow(len(w))
	for _, r := range norm.NFKD.String(w) {
		if unicode.Is(unicode.Mn, r) || r == 'ـ' { // combining marks, harakat, tatweel
			continue
		}
		b.WriteRune(arabicLetter(unicode.ToLower(r)))
	}
	s := b.String()
	if isASCII(s) {
		s = stemEnglish(s) // "Décor" became ASCII once its accent went
	}
	return s
}

// arabicLetter folds the letter variants people type interchangeably, so that a search for
// "مرسى" finds "مرسي" and "الإمارات" finds "الامارات".
func arabicLetter(r rune) rune {
	switch r {
	case 'أ', 'إ', 'آ', 'ٱ':
		return 'ا'
	case 'ى':
		return 'ي'
	case 'ة':
		return 'ه'
	case 'ؤ':
		return 'و'
	case 'ئ':
		return 'ي'
	}
	return r
}

// stemEnglish reduces regular plurals to the singular: "properties" → "property",
// "villas" → "villa", "addresses" → "address", leaving "status", "analysis", "bus" alone.
func stemEnglish(w string) string {
	n := len(w)
	switch {
	case n <= 3 || w[n-1] != 's' || isDigit(w[0]):
		return w
	case strings.HasSuffix(w, "ies") && n > 4:
		return w[:n-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"):
		return w[:n-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		return w
	default:
		return w[:n-1]
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }
