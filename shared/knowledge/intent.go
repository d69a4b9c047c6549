package knowledge

import (
	"strings"
	"unicode"
)

// Intent is what a question asks for; it decides how it is answered.
type Intent string

// The intents the assistant tells apart.
const (
	IntentPropertySearch Intent = "property_search"
	IntentMarket         Intent = "market"
	IntentNeighbourhood  Intent = "neighbourhood"
	IntentInvestment     Intent = "investment"
	IntentRegulatory     Intent = "regulatory"
	IntentLeadAction     Intent = "lead_action"
	IntentDealAction     Intent = "deal_action"
	IntentGeneral        Intent = "general"
)

// intentCues are the words that point to an intent, English and Arabic; the intent with the
// most cues wins, ties going to the earlier entry, so the order encodes precedence.
var intentCues = []struct {
	intent Intent
	cues   []string
}{
	{IntentRegulatory, []string{"rera", "dld", "escrow", "law", "legal", "regulation", "regulat", "permit", "trakheesi",
		"ejari", "policy", "policies", "require", "compliance", "aml", "kyc", "contract", "form f", "noc",
		"commission", "allowed", "rule", "قانون", "ريرا", "ضمان", "تصريح", "سياسة", "عقد", "لوائح"}},
	{IntentLeadAction, []string{"my leads", "lead ", "leads", "follow up", "follow-up", "assign", "call back", "client list"}},
	{IntentDealAction, []string{"deal ", "deals", "offer", "closing", "pipeline", "mou", "transfer"}},
	{IntentInvestment, []string{"invest", "roi", "yield", "return", "golden visa", "capital appreciation", "rental income",
		"استثمار", "عائد"}},
	{IntentMarket, []string{"price trend", "prices moving", "market", "trend", "average price", "price per", "per sqft",
		"transaction", "forecast", "growth", "demand", "supply", "سوق", "أسعار", "اسعار"}},
	{IntentNeighbourhood, []string{"neighbourhood", "neighborhood", "community", "area like", "schools", "amenities",
		"what is it like", "living in", "commute", "family friendly", "family-friendly", "منطقة", "حي"}},
}

// searchCues mark a property search: a unit count, a budget, a listing word.
var searchCues = []string{"bed", "br ", "bhk", "studio", "apartment", "flat", "villa", "townhouse", "penthouse",
	"duplex", "for sale", "for rent", "to rent", "to buy", "listing", "show me", "find me", "looking for", "available",
	"under ", "below ", "budget", "شقة", "فيلا", "غرف", "للبيع", "للإيجار", "استوديو"}

// Classify returns the intent of a question.
func Classify(message string) Intent {
	m := " " + strings.ToLower(message) + " "
	best, bestN := IntentGeneral, 0
	for _, ic := range intentCues {
		if n := countCues(m, ic.cues); n > bestN {
			best, bestN = ic.intent, n
		}
	}
	search := countCues(m, searchCues)
	q := ParseQuery(message)
	if q.HasFilters() {
		search += 2
	}
	if search >= 2 && search > bestN && !strings.Contains(m, "how ") {
		return IntentPropertySearch
	}
	if best == IntentGeneral && search >= 2 {
		return IntentPropertySearch
	}
	return best
}

func countCues(m string, cues []string) int {
	n := 0
	for _, c := range cues {
		if i := strings.Index(m, c); i >= 0 && wordStart(m, i) {
			n++
		}
	}
	return n
}

// wordStart keeps "law" from matching inside "lawn" only at the start: a cue must begin a word.
func wordStart(m string, i int) bool {
	if i == 0 {
		return true
	}
	r := rune(m[i-1])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}
