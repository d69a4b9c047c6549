package simulate

import (
	"fmt"
	"io"
	"math"
	"time"
)

// categoryFactor scales a community's residential price per sq ft for a market segment.
var categoryFactor = map[string]float64{"Residential": 1, "Commercial": 0.85, "Off-plan": 1.1, "Luxury": 1.6}

// monthPrice is a community's price per sq ft in month m (0 = the oldest): its band's
// middle drifting on a gentle cycle, so trends have a shape and every value stays in band.
func monthPrice(c community, m int, seed uint64) float64 {
	mid, half := (c.minPSF+c.maxPSF)/2, (c.maxPSF-c.minPSF)/2
	phase := float64(seed%17) + float64(len(c.en))
	return mid + half*0.6*math.Sin(float64(m)/6+phase)
}

// month is the first day of month m of the series, which ends with the export's month.
func (g *gen) month(m int) time.Time {
	last := time.Date(g.o.AsOf.Year(), g.o.AsOf.Month(), 1, 0, 0, 0, 0, time.UTC)
	return last.AddDate(0, m-(g.o.MarketMonths-1), 0)
}

func pct(x float64) string { return fmt.Sprintf("%.2f", x) }

func writeMarketData(g *gen, w io.Writer) error {
	header := []string{"id", "category", "neighborhood", "avg_price_per_sqft", "price_change_3m", "price_change_6m", "price_change_1y",
		"transaction_volume", "days_on_market", "supply_level", "demand_level", "report_date", "source"}
	per := len(categories) * g.o.MarketMonths
	return csvTable(w, header, len(communities)*per, func(i int, rec []string) {
		c := communities[(i-1)/per]
		cat := categories[(i-1)%per/g.o.MarketMonths]
		m := (i - 1) % g.o.MarketMonths
		g.at(kindMarket, i)
		f := categoryFactor[cat]
		price := monthPrice(c, m, g.o.Seed) * f
		change := func(back int) string { return pct((price/(monthPrice(c, m-back, g.o.Seed)*f) - 1) * 100) }
		report := g.month(m).AddDate(0, 1, -1)
		copy(rec, []string{itoa(i), cat, c.en, whole(price), change(3), change(6), change(12),
			itoa(c.weight*20 + g.r.IntN(80)), itoa(20 + g.r.IntN(100)), g.pick(levels), g.pick(levels), day(report), g.pick(sources)})
	})
}

// trend is one element of market_trends.json, in the export's key order.
type trend struct {
	Month             int     `json:"month"`
	Year              int     `json:"year"`
	Neighborhood      string  `json:"neighborhood"`
	AvgPricePerSqft   float64 `json:"avg_price_per_sqft"`
	PriceChange       float64 `json:"price_change"`
	TransactionVolume int     `json:"transaction_volume"`
	DaysOnMarket      int     `json:"days_on_market"`
	SupplyLevel       string  `json:"supply_level"`
	DemandLevel       string  `json:"demand_level"`
}

func writeMarketTrends(g *gen, w io.Writer) error {
	n := len(communities) * g.o.MarketMonths
	return jsonArray(w, n, func(i int) any {
		m, c := (i-1)/len(communities), communities[(i-1)%len(communities)]
		g.at(kindMarket, 1_000_000+i)
		price := math.Round(monthPrice(c, m, g.o.Seed))
		t := g.month(m)
		return trend{Month: int(t.Month()), Year: t.Year(), Neighborhood: c.en, AvgPricePerSqft: price,
			PriceChange:       math.Round((price/monthPrice(c, m-1, g.o.Seed)-1)*10000) / 100,
			TransactionVolume: c.weight*15 + g.r.IntN(60), DaysOnMarket: 20 + g.r.IntN(90),
			SupplyLevel: g.pick(levels), DemandLevel: g.pick(levels)}
	})
}

// profile is one element of neighborhoods.json.
type profile struct {
	Name                 string   `json:"name"`
	AveragePricePerSqft  float64  `json:"average_price_per_sqft"`
	PopularPropertyTypes []string `json:"popular_property_types"`
	TopDevelopers        []string `json:"top_developers"`
	Amenities            []string `json:"amenities"`
	Transportation       []string `json:"transportation"`
	Schools              int      `json:"schools"`
	Hospitals            int      `json:"hospitals"`
	ShoppingCenters      int      `json:"shopping_centers"`
	Parks                int      `json:"parks"`
	Description          string   `json:"description"`
}

func writeNeighbourhoods(g *gen, w io.Writer) error {
	return jsonArray(w, len(communities), func(i int) any {
		c := communities[i-1]
		g.at(kindMarket, 2_000_000+i)
		types := []string{"Apartment", "Penthouse"}
		if c.villas > 0.5 {
			types = []string{"Villa", "Townhouse"}
		}
		devs := append([]string{c.developer}, g.some(developers, 2)...)
		return profile{Name: c.en, AveragePricePerSqft: math.Round((c.minPSF + c.maxPSF) / 2), PopularPropertyTypes: types,
			TopDevelopers: devs, Amenities: g.some(amenities, 5), Transportation: g.some(transport, 2),
			Schools: g.r.IntN(12), Hospitals: g.r.IntN(5), ShoppingCenters: g.r.IntN(6), Parks: g.r.IntN(8),
			Description: fmt.Sprintf("%s (%s): homes from AED %s to %s per sq ft, developed mainly by %s.",
				c.en, c.ar, whole(c.minPSF), whole(c.maxPSF), c.developer)}
	})
}
