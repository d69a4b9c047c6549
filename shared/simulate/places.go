package simulate

// community is a Dubai community as the place tree seeds it (migration 00005), with what its
// homes cost: the sale price per sq ft band (AED, 2024-2025 asking prices in broad strokes),
// the share of villas and townhouses, its weight in the market and its main developer.
type community struct {
	en, ar         string
	minPSF, maxPSF float64
	villas         float64
	weight         int
	developer      string
}

// communities uses the English names of the seeded place tree, so every simulated row
// resolves to a location id through the aliases.
var communities = []community{
	{"Dubai Marina", "مرسى دبي", 1800, 2700, 0.02, 9, "Select Group"},
	{"Downtown Dubai", "وسط مدينة دبي", 2300, 3600, 0, 8, "Emaar Properties"},
	{"Palm Jumeirah", "نخلة جميرا", 3000, 6500, 0.35, 5, "Nakheel"},
	{"Jumeirah Village Circle", "قرية جميرا الدائرية", 950, 1400, 0.12, 10, "Nakheel"},
	{"Jumeirah Village Triangle", "قرية جميرا المثلثة", 1000, 1500, 0.5, 3, "Nakheel"},
	{"Business Bay", "الخليج التجاري", 1700, 2500, 0, 8, "DAMAC Properties"},
	{"Dubai Hills Estate", "دبي هيلز استيت", 1800, 2800, 0.4, 6, "Emaar Properties"},
	{"Arabian Ranches", "المرابع العربية", 1250, 1850, 0.95, 3, "Emaar Properties"},
	{"Arabian Ranches 2", "المرابع العربية 2", 1300, 1900, 0.95, 2, "Emaar Properties"},
	{"Jumeirah Lake Towers", "أبراج بحيرات جميرا", 1150, 1650, 0, 5, "Nakheel"},
	{"Jumeirah Beach Residence", "مساكن شاطئ جميرا", 1900, 2900, 0, 4, "Dubai Properties"},
	{"Dubai International Financial Centre", "مركز دبي المالي العالمي", 2100, 3100, 0, 2, "Omniyat"},
	{"Al Barsha", "البرشاء", 950, 1450, 0.2, 3, "Azizi Developments"},
	{"Dubai Creek Harbour", "ميناء خور دبي", 1900, 2600, 0, 4, "Emaar Properties"},
	{"Meydan", "ميدان", 1400, 2100, 0.3, 3, "Meydan Group"},
	{"DAMAC Hills", "داماك هيلز", 1050, 1600, 0.6, 3, "DAMAC Properties"},
	{"DAMAC Hills 2", "داماك هيلز 2", 650, 950, 0.9, 2, "DAMAC Properties"},
	{"Al Aweer", "العوير", 450, 750, 0.9, 1, "Wasl"},
	{"Mirdif", "مردف", 850, 1250, 0.6, 2, "Wasl"},
	{"Deira", "ديرة", 750, 1150, 0, 2, "Wasl"},
	{"Bur Dubai", "بر دبي", 900, 1350, 0, 2, "Wasl"},
	{"International City", "المدينة العالمية", 550, 850, 0, 3, "Nakheel"},
	{"Dubai South", "دبي الجنوب", 750, 1150, 0.3, 3, "Dubai South Properties"},
	{"Emaar Beachfront", "إعمار بيتشفرونت", 2800, 3900, 0, 2, "Emaar Properties"},
	{"City Walk", "سيتي ووك", 2300, 3200, 0.1, 1, "Meraas"},
	{"Sobha Hartland", "شوبا هارتلاند", 1900, 2600, 0.2, 3, "Sobha Realty"},
	{"Mohammed Bin Rashid City", "مدينة محمد بن راشد", 1600, 2300, 0.4, 3, "Emaar Properties"},
	{"Al Furjan", "الفرجان", 1050, 1450, 0.5, 3, "Nakheel"},
	{"Town Square", "تاون سكوير", 950, 1250, 0.5, 3, "Nshama"},
	{"Motor City", "موتور سيتي", 1050, 1350, 0.2, 2, "Union Properties"},
	{"Dubai Sports City", "مدينة دبي الرياضية", 750, 1050, 0.1, 3, "Dubai Sports City"},
	{"Jumeirah", "جميرا", 2000, 3600, 0.9, 2, "Meraas"},
	{"Umm Suqeim", "أم سقيم", 2000, 3100, 0.9, 1, "Meraas"},
	{"Al Quoz", "القوز", 750, 1050, 0.2, 1, "Al Quoz Properties"},
	{"Dubai Silicon Oasis", "واحة دبي للسيليكون", 750, 1050, 0.2, 3, "Dubai Silicon Oasis Authority"},
	{"Al Warqa", "الورقاء", 750, 1050, 0.6, 1, "Wasl"},
	{"Discovery Gardens", "ديسكفري جاردنز", 750, 1000, 0, 2, "Nakheel"},
	{"The Greens", "ذا جرينز", 1350, 1750, 0, 2, "Emaar Properties"},
	{"The Springs", "الينابيع", 1350, 1850, 1, 2, "Emaar Properties"},
	{"The Meadows", "المروج", 1550, 2300, 1, 1, "Emaar Properties"},
	{"Emirates Hills", "تلال الإمارات", 4000, 8500, 1, 1, "Emaar Properties"},
	{"Bluewaters Island", "جزيرة بلوواترز", 3000, 4600, 0, 1, "Meraas"},
	{"Al Jaddaf", "الجداف", 1300, 1900, 0, 2, "Azizi Developments"},
	{"Dubai Harbour", "دبي هاربر", 2600, 3800, 0, 2, "Emaar Properties"},
}

// developers build the rest of what is sold; off-plan deals name them as commission payers.
var developers = []string{"Emaar Properties", "DAMAC Properties", "Nakheel", "Sobha Realty", "Meraas", "Azizi Developments",
	"Ellington Properties", "Binghatti", "Danube Properties", "Select Group", "Omniyat", "Deyaar", "Union Properties"}

// towers are building names; a number follows them.
var towers = []string{"Al Noor Tower", "Marina Heights", "Golf Views", "Park Residences", "Creek Vista", "Al Fajr Building",
	"Burj Views", "Sky Gardens", "Palm Crest", "Al Waha Residence", "Lake Terrace", "Bay Square", "Sunrise Tower"}

var (
	views     = []string{"Sea View", "City View", "Burj Khalifa View", "Golf Course View", "Pool View", "Garden View", "Community View", "Canal View"}
	amenities = []string{"Swimming Pool", "Gym", "Covered Parking", "Balcony", "Concierge", "Children's Playground", "Security",
		"Built-in Wardrobes", "Maid's Room", "Study Room", "Private Garden", "BBQ Area", "Central A/C", "Shared Spa"}
	transport  = []string{"Metro", "Tram", "Bus", "Car", "Water Taxi"}
	categories = []string{"Residential", "Commercial", "Off-plan", "Luxury"}
	sources    = []string{"Dubai Land Department", "Property Monitor", "Bayut", "Property Finder", "RERA"}
	levels     = []string{"Low", "Medium", "High"}
)

// brokerages are the agencies of the simulated people, the same as data/brokerages.json.
var brokerages = []struct{ name, domain string }{
	{"Marina Crest Realty", "marinacrest.ae"},
	{"Palm Horizon Properties", "palmhorizon.ae"},
}

// weightedCommunity picks a community index proportionally to its weight.
func (g *gen) community() int {
	n := g.r.IntN(totalWeight)
	for i, c := range communities {
		if n < c.weight {
			return i
		}
		n -= c.weight
	}
	return len(communities) - 1
}

var totalWeight = func() int {
	t := 0
	for _, c := range communities {
		t += c.weight
	}
	return t
}()
