package knowledge

import (
	"context"
	"strings"
	"unicode"
)

// arabicTerms maps the Arabic words of property questions to the English words the sources
// are written in. The offline embedder and full-text search match words, not meanings, so
// without it an Arabic question finds nothing in an English brochure. Keys are normalised as
// normalizeArabic leaves them.
var arabicTerms = map[string]string{
	"سعر": "price", "اسعار": "prices", "متوسط": "average", "قدم": "sq ft", "مربع": "sq ft",
	"ايجار": "rent annual rent", "بيع": "sale", "شراء": "buy purchase", "شقه": "apartment", "شقق": "apartments",
	"فيلا": "villa", "فلل": "villas", "بنتهاوس": "penthouse", "استوديو": "studio", "غرفه": "bedroom", "غرف": "bedrooms",
	"غرفتين": "2 bedrooms", "مدارس": "schools", "مدرسه": "school", "مستشفيات": "hospitals", "حدايق": "parks",
	"مواصلات": "transportation", "مترو": "metro", "ترام": "tram", "مرافق": "amenities", "مطور": "developer",
	"مطورين": "developers", "تقرير": "report", "تقارير": "reports", "سوق": "market", "معاملات": "transactions",
	"صفقات": "transactions", "اتجاه": "trend", "عرض": "supply offer", "طلب": "demand", "ضمان": "escrow",
	"عموله": "commission", "عقد": "contract", "عقود": "contracts", "رسوم": "fees", "خدمه": "service",
	"وسيط": "broker agent", "وسطاء": "brokers agents", "ترخيص": "license", "رخصه": "license", "تسجيل": "registration",
	"عربون": "deposit earnest money", "ايداع": "deposit", "تفتيش": "inspection", "معاينه": "viewing showing",
	"سياسه": "policy", "سياسات": "policies", "قانون": "law", "قوانين": "laws", "نزاع": "dispute", "نزاعات": "disputes",
	"تملك": "ownership freehold", "حي": "neighbourhood community", "منطقه": "area community", "مجتمع": "community",
	"اطلاله": "view", "بحر": "sea", "مسبح": "pool", "موقف": "parking", "استثمار": "investment", "عائد": "yield return",
	"تسليم": "handover", "خطه": "plan", "دفع": "payment", "قرض": "loan mortgage", "رهن": "mortgage",
	"ايام": "days", "يوم": "days", "انتظار": "days on market", "مشاعر": "sentiment", "توصيات": "recommendations",
	"عروض": "offers", "ساعات": "hours", "ساعه": "hours", "عميل": "client", "عملاء": "clients", "مكتب": "office",
}

// expandQuestion adds to a question what its sources may call its words: the English and
// Arabic names of the places it names (so "JVC" finds "Jumeirah Village Circle" and
// "مرسى دبي" finds "Dubai Marina") and English for its Arabic words. The additions come
// first, because full-text search keeps only a question's first words.
func (s *Service) expandQuestion(ctx context.Context, question string) string {
	var extra []string
	names, err := s.Repo.PlaceNames(ctx, places(question))
	if err != nil {
		// Expansion only helps recall; the question as asked still retrieves.
		s.Log.WarnContext(ctx, "place names for retrieval failed", "err", err)
	}
	extra = append(extra, names...)
	extra = append(extra, translateArabic(question)...)
	if len(extra) == 0 {
		return question
	}
	return strings.Join(extra, " ") + " " + question
}

// translateArabic returns the English of the Arabic words of text that arabicTerms knows.
func translateArabic(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if !isArabic(w) {
			continue
		}
		if en, ok := lookupArabic(normalizeArabic(w)); ok && !seen[en] {
			seen[en] = true
			out = append(out, en)
		}
	}
	return out
}

// lookupArabic tries a word as it is, then without the clitics Arabic writes onto it:
// "و" (and), "ب" (with), "ل" (for) and the article "ال".
func lookupArabic(w string) (string, bool) {
	for _, p := range []string{"", "و", "ب", "ل", "ف"} {
		rest, ok := strings.CutPrefix(w, p)
		if !ok {
			continue
		}
		for _, art := range []string{"", "ال", "ل"} {
			if r, ok := strings.CutPrefix(rest, art); ok && len([]rune(r)) >= 2 {
				if en, ok := arabicTerms[r]; ok {
					return en, true
				}
			}
		}
	}
	return "", false
}

// normalizeArabic unifies the letter forms spelling varies on (hamza seats, taa marbuta,
// alif maqsura) and drops diacritics, as the location aliases are normalised.
func normalizeArabic(w string) string {
	var b strings.Builder
	for _, r := range w {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'أ' || r == 'إ' || r == 'آ':
			r = 'ا'
		case r == 'ة':
			r = 'ه'
		case r == 'ى':
			r = 'ي'
		case r == 'ئ':
			r = 'ي'
		case r == 'ؤ':
			r = 'و'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isArabic(w string) bool {
	for _, r := range w {
		if unicode.Is(unicode.Arabic, r) {
			return true
		}
	}
	return false
}
