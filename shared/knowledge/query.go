package knowledge

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// PropertyQuery is a property search taken from a question; nil fields are not filtered on.
type PropertyQuery struct {
	BedsMin, BedsMax   *int
	PriceMin, PriceMax *float64 // AED
	PropertyType       string   // apartment, villa, townhouse, penthouse, ...
	Purpose            string   // sale or rent
	// Places are phrases of the question that may name a community, longest first; the
	// repository resolves the first one the location aliases know.
	Places []string
}

// HasFilters reports whether the question carried any structured filter.
func (q PropertyQuery) HasFilters() bool {
	return q.BedsMin != nil || q.PriceMin != nil || q.PriceMax != nil || q.PropertyType != ""
}

var (
	bedsRe   = regexp.MustCompile(`(\d{1,2})\s*(?:-|\s)?\s*(?:bed(?:room)?s?|br|bhk|غرف|غرفة)`)
	bedsArRe = regexp.MustCompile(`(?:غرف|غرفة)\s*(\d{1,2})`)
	amount   = `(?:aed\s*)?(\d+(?:[.,]\d+)*)\s*(m|mn|million|k|thousand|مليون|ألف|الف)?(?:\s*aed)?`
	rangeRe  = regexp.MustCompile(`between\s+` + amount + `\s+(?:and|to|-)\s+` + amount)
	maxRe    = regexp.MustCompile(`(?:under|below|less than|max(?:imum)?|up to|within|at most|budget(?: of| is)?|no more than|أقل من|حتى|بحدود)\s*` + amount)
	minRe    = regexp.MustCompile(`(?:over|above|more than|at least|from|minimum|min|أكثر من)\s*` + amount)
	bareRe   = regexp.MustCompile(`(?:aed\s*)?(\d+(?:\.\d+)?)\s*(m|mn|million|k|مليون)`)
)

var propertyTypes = []struct{ word, typ string }{
	{"penthouse", "penthouse"}, {"townhouse", "townhouse"}, {"town house", "townhouse"}, {"villa", "villa"},
	{"duplex", "duplex"}, {"studio", "studio"}, {"apartment", "apartment"}, {"flat", "apartment"},
	{"office", "office"}, {"retail", "retail"}, {"shop", "retail"}, {"warehouse", "warehouse"}, {"plot", "land"},
	{"land", "land"}, {"شقة", "apartment"}, {"فيلا", "villa"}, {"تاون هاوس", "townhouse"}, {"بنتهاوس", "penthouse"},
	{"استوديو", "studio"}, {"مكتب", "office"},
}

// ParseQuery takes the filters of a property search from a question: "3-bed in Dubai Marina
// under 2.5M", "villa to rent in Arabian Ranches under 300k", "شقة غرفتين في دبي مارينا".
func ParseQuery(message string) PropertyQuery {
	m := strings.ToLower(message)
	var q PropertyQuery
	q.BedsMin, q.BedsMax = beds(m)
	for _, pt := range propertyTypes {
		if hasWord(m, pt.word) {
			q.PropertyType = pt.typ
			break
		}
	}
	if q.PropertyType == "studio" {
		zero := 0
		q.BedsMin, q.BedsMax, q.PropertyType = &zero, &zero, ""
	}
	q.Purpose = purpose(m)
	q.PriceMin, q.PriceMax = prices(m)
	q.Places = places(message)
	return q
}

func beds(m string) (*int, *int) {
	if strings.Contains(m, "غرفتين") || strings.Contains(m, "two bed") || strings.Contains(m, "two-bed") {
		n := 2
		return &n, &n
	}
	for _, re := range []*regexp.Regexp{bedsRe, bedsArRe} {
		if s := re.FindStringSubmatch(m); s != nil {
			n, _ := strconv.Atoi(s[1])
			if strings.Contains(s[0], "+") {
				return &n, nil
			}
			return &n, &n
		}
	}
	return nil, nil
}

// hasWord reports whether m holds the English word w as a word of its own or in its plural
// ("villas"), so that the "land" of "Jumeirah Islands" or "landlord" and the "shop" of
// "shopping centres" name no property type. Arabic words match anywhere, since Arabic writes
// its articles and prepositions onto the word ("الشقة").
func hasWord(m, w string) bool { return findWord(m, w, wordEnd) }

// findWord reports whether m holds w at the start of a word (anywhere, for Arabic), ending
// where ends, when given, accepts.
func findWord(m, w string, ends func(m string, i int) bool) bool {
	if !isASCII(w) {
		return strings.Contains(m, w)
	}
	for i := 0; i < len(m); {
		j := strings.Index(m[i:], w)
		if j < 0 {
			return false
		}
		start := i + j
		if wordStart(m, start) && (ends == nil || ends(m, start+len(w))) {
			return true
		}
		i = start + 1
	}
	return false
}

// wordEnd reports whether a word ends at m[i], allowing a plural "s" or "es".
func wordEnd(m string, i int) bool {
	for _, suffix := range []string{"es", "s", ""} {
		if rest, ok := strings.CutPrefix(m[i:], suffix); ok {
			r, _ := utf8.DecodeRuneInString(rest)
			if rest == "" || !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return true
			}
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// purpose reads sale or rent; English words must begin a word ("rental" is rent, "current"
// is not).
func purpose(m string) string {
	has := func(w string) bool { return findWord(m, w, nil) }
	for _, w := range []string{"rent", "lease", "per year", "yearly", "annual", "إيجار", "ايجار", "للإيجار"} {
		if has(w) {
			return "rent"
		}
	}
	for _, w := range []string{"buy", "sale", "purchase", "للبيع", "شراء"} {
		if has(w) {
			return "sale"
		}
	}
	return ""
}

func prices(m string) (lo, hi *float64) {
	if s := rangeRe.FindStringSubmatch(m); s != nil {
		return aed(s[1], s[2], s[4]), aed(s[3], s[4], s[4])
	}
	if s := maxRe.FindStringSubmatch(m); s != nil {
		hi = aed(s[1], s[2], "")
	}
	if s := minRe.FindStringSubmatch(m); s != nil {
		lo = aed(s[1], s[2], "")
	}
	if lo == nil && hi == nil {
		if s := bareRe.FindStringSubmatch(m); s != nil {
			hi = aed(s[1], s[2], "")
		}
	}
	return lo, hi
}

// aed reads "2.5" with unit "m" as 2,500,000; a range's first bound borrows the second's
// unit ("between 2 and 3 million").
func aed(num, unit, fallbackUnit string) *float64 {
	num = strings.ReplaceAll(num, ",", "")
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return nil
	}
	if unit == "" {
		unit = fallbackUnit
	}
	switch unit {
	case "m", "mn", "million", "مليون":
		v *= 1_000_000
	case "k", "thousand", "ألف", "الف":
		v *= 1_000
	}
	if v < 1000 { // "under 3" with no unit is not a budget in AED
		return nil
	}
	return &v
}

var wordRe = regexp.MustCompile(`[\p{L}\p{N}'’]+`)

// places returns the word n-grams (up to four words) that could name a place, longest
// first; the repository keeps the first one its alias table knows.
func places(message string) []string {
	words := wordRe.FindAllString(message, -1)
	var out []string
	for n := min(4, len(words)); n >= 1; n-- {
		for i := 0; i+n <= len(words); i++ {
			out = append(out, strings.Join(words[i:i+n], " "))
		}
	}
	return out
}
