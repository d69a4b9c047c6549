package simulate

import (
	"fmt"
	"strings"
)

// name is a given or family name in English and in Arabic script; the English spelling
// also makes the e-mail address.
type name struct{ en, ar string }

var givenNames = []name{
	{"Mohammed", "محمد"}, {"Ahmed", "أحمد"}, {"Fatima", "فاطمة"}, {"Aisha", "عائشة"}, {"Omar", "عمر"},
	{"Khalid", "خالد"}, {"Mariam", "مريم"}, {"Yousef", "يوسف"}, {"Noura", "نورة"}, {"Hamdan", "حمدان"},
	{"Layla", "ليلى"}, {"Saeed", "سعيد"}, {"Huda", "هدى"}, {"Rashid", "راشد"}, {"Salma", "سلمى"},
	{"Priya", "بريا"}, {"Rahul", "راهول"}, {"Olga", "أولغا"}, {"James", "جيمس"}, {"Sophie", "صوفي"},
	{"Chen", "تشين"}, {"Ali", "علي"}, {"Zainab", "زينب"}, {"Ibrahim", "إبراهيم"}, {"Hessa", "حصة"},
}

var familyNames = []name{
	{"Al Maktoum", "آل مكتوم"}, {"Al Falasi", "الفلاسي"}, {"Al Mansoori", "المنصوري"}, {"Al Suwaidi", "السويدي"},
	{"Al Hashimi", "الهاشمي"}, {"Al Nuaimi", "النعيمي"}, {"Al Shamsi", "الشامسي"}, {"Al Qasimi", "القاسمي"},
	{"Khan", "خان"}, {"Sharma", "شارما"}, {"Ivanova", "إيفانوفا"}, {"Smith", "سميث"}, {"Dubois", "دوبوا"},
	{"Wang", "وانغ"}, {"Haddad", "حداد"}, {"Nasser", "ناصر"}, {"Rahman", "رحمن"}, {"Farouk", "فاروق"},
}

var nationalities = []string{"United Arab Emirates", "India", "United Kingdom", "Russia", "Pakistan", "China", "Egypt",
	"Saudi Arabia", "France", "Lebanon", "Jordan", "Germany", "Philippines", "Italy"}

// person is a generated person: names as written in the file, and the ASCII e-mail stem.
type person struct {
	first, last string
	stem        string
}

// person draws a name; about a third are written in Arabic script, and some mix scripts
// (an Arabic given name with an English family name), as real exports do.
func (g *gen) person() person {
	f, l := givenNames[g.r.IntN(len(givenNames))], familyNames[g.r.IntN(len(familyNames))]
	p := person{first: f.en, last: l.en, stem: asciiStem(f.en + "." + l.en)}
	switch x := g.r.Float64(); {
	case x < 0.25:
		p.first, p.last = f.ar, l.ar
	case x < 0.35:
		p.first = f.ar
	}
	return p
}

func (p person) full() string { return p.first + " " + p.last }

var stemReplacer = strings.NewReplacer(" ", "", "'", "")

func asciiStem(s string) string { return strings.ToLower(stemReplacer.Replace(s)) }

// uaeMobilePrefixes are the operators' mobile codes after +971.
var uaeMobilePrefixes = []string{"50", "52", "54", "55", "56", "58"}

// phone is a UAE mobile number in one of the spellings people type: E.164, spaced
// international, 00-prefixed or national with a leading 0.
func (g *gen) phone() string {
	p := uaeMobilePrefixes[g.r.IntN(len(uaeMobilePrefixes))]
	n := g.r.IntN(10_000_000)
	switch g.r.IntN(4) {
	case 0:
		return fmt.Sprintf("+971%s%07d", p, n)
	case 1:
		return fmt.Sprintf("+971 %s %03d %04d", p, n/10000, n%10000)
	case 2:
		return fmt.Sprintf("00971%s%07d", p, n)
	default:
		return fmt.Sprintf("0%s %03d %04d", p, n/10000, n%10000)
	}
}
