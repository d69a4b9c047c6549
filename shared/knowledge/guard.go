package knowledge

import (
	"regexp"
	"strings"

	"github.com/propertypro/propertypro/shared/document"
)

// Fixed disclaimers: the assistant is not a valuer or a lawyer, and says so every time.
const (
	DisclaimerValuation = "This is an indicative figure from available data, not a valuation: a RICS/RERA-registered valuer must value a property for any transaction or mortgage."
	DisclaimerLegal     = "This is general information, not legal advice: confirm with RERA, the DLD or a qualified lawyer before acting on it."
	Refusal             = "I can't help with selecting or excluding people by nationality, religion, ethnicity or similar characteristics: it is discriminatory and against RERA's code of conduct and the UAE's anti-discrimination law. I can help you search by property criteria instead."
)

// discriminatory matches requests to select or exclude people by protected characteristics.
var discriminatory = regexp.MustCompile(`(?i)\b(no|not|without|exclude|excluding|avoid|only|don'?t (?:want|rent to|sell to)|refuse|reject|ban|except)\b[^.?!]{0,40}\b(indians?|pakistanis?|arabs?|africans?|asians?|europeans?|russians?|chinese|filipinos?|westerners?|locals?|expats?|muslims?|christians?|jews?|jewish|hindus?|sikhs?|buddhists?|atheists?|blacks?|whites?|nationalit(?:y|ies)|religions?|ethnicit(?:y|ies)|races?)\b|\b(nationality|religion|ethnicity|race)\b[^.?!]{0,30}\b(tenants?|buyers?|clients?|people|neighbou?rs?|community|building)\b.*\b(only|avoid|exclude|no)\b|بدون\s+(?:هنود|عرب|آسيويين)|(?:فقط|ممنوع)\s+(?:مسلمين|مسيحيين|هنود|عرب)`)

// IsDiscriminatory reports whether a request asks to treat people differently by
// nationality, religion or ethnicity.
func IsDiscriminatory(message string) bool { return discriminatory.MatchString(message) }

var (
	valuationCue = regexp.MustCompile(`(?i)\b(worth|valu(?:e|ation)|how much (?:is|should|can|would)|price (?:of|for) my|appraise|estimate)\b|تقييم|قيمة`)
	legalCue     = regexp.MustCompile(`(?i)\b(law|legal|rera|dld|escrow|contract|regulation|evict|eviction|dispute|liable|liability|court|permit|ejari|aml|require)\w*|قانون|عقد|ريرا`)
)

// Disclaimers returns the fixed disclaimers a question and its intent call for.
func Disclaimers(message string, intent Intent) []string {
	var out []string
	if intent == IntentInvestment || intent == IntentMarket || valuationCue.MatchString(message) {
		out = append(out, DisclaimerValuation)
	}
	if intent == IntentRegulatory || legalCue.MatchString(message) {
		out = append(out, DisclaimerLegal)
	}
	return out
}

// injection matches instructions hidden in retrieved text ("ignore previous instructions").
var injection = regexp.MustCompile(`(?i)(ignore|disregard|forget|override)\s+(all\s+|any\s+|the\s+)?(previous|prior|above|earlier|your|system)\s+(instructions?|prompts?|rules?|directions?)|you are now|act as (?:an?|the)\s|system prompt|reveal (?:your|the) (?:prompt|instructions)|<\s*/?\s*(?:system|instructions?)\s*>`)

// Sanitize makes retrieved text safe to show a model: lines that try to instruct it are
// dropped (the text stays data, never instructions) and personal data is scrubbed.
// It reports whether anything was dropped.
func Sanitize(text string) (string, bool) {
	dropped := false
	lines := strings.Split(text, "\n")
	kept := lines[:0]
	for _, l := range lines {
		if injection.MatchString(l) {
			dropped = true
			continue
		}
		kept = append(kept, l)
	}
	clean, _ := document.ScrubPII(strings.Join(kept, "\n"))
	return clean, dropped
}

// ScrubAnswer removes personal data (phones, emails, IDs, IBANs) from an answer, so that no
// client's contact details leave through the assistant.
func ScrubAnswer(answer string) (string, bool) {
	clean, counts := document.ScrubPII(answer)
	n := 0
	for _, c := range counts {
		n += c
	}
	return clean, n > 0
}
