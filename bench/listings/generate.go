package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// band is what a community's homes cost: the sale price per sq ft (AED), how many of its
// listings are villas or townhouses, its share of the market's listings and its main
// developer. Figures follow 2024-2025 Dubai asking prices in broad strokes.
type band struct {
	minPSF, maxPSF float64
	villas         float64
	weight         int
	developer      string
}

var bands = map[string]band{
	"dubai-marina":              {1800, 2700, 0.02, 9, "Select Group"},
	"downtown-dubai":            {2300, 3600, 0, 8, "Emaar"},
	"palm-jumeirah":             {3000, 6500, 0.35, 5, "Nakheel"},
	"jumeirah-village-circle":   {950, 1400, 0.12, 10, "Nakheel"},
	"jumeirah-village-triangle": {1000, 1500, 0.5, 3, "Nakheel"},
	"business-bay":              {1700, 2500, 0, 8, "DAMAC"},
	"dubai-hills-estate":        {1800, 2800, 0.4, 6, "Emaar"},
	"arabian-ranches":           {1250, 1850, 0.95, 3, "Emaar"},
	"arabian-ranches-2":         {1300, 1900, 0.95, 2, "Emaar"},
	"jumeirah-lake-towers":      {1150, 1650, 0, 5, "Nakheel"},
	"jumeirah-beach-residence":  {1900, 2900, 0, 4, "Dubai Properties"},
	"difc":                      {2100, 3100, 0, 2, "Omniyat"},
	"al-barsha":                 {950, 1450, 0.2, 3, ""},
	"dubai-creek-harbour":       {1900, 2600, 0, 4, "Emaar"},
	"meydan":                    {1400, 2100, 0.3, 3, "Meydan"},
	"damac-hills":               {1050, 1600, 0.6, 3, "DAMAC"},
	"damac-hills-2":             {650, 950, 0.9, 2, "DAMAC"},
	"al-aweer":                  {450, 750, 0.9, 1, ""},
	"mirdif":                    {850, 1250, 0.6, 2, ""},
	"deira":                     {750, 1150, 0, 2, ""},
	"bur-dubai":                 {900, 1350, 0, 2, ""},
	"international-city":        {550, 850, 0, 3, "Nakheel"},
	"dubai-south":               {750, 1150, 0.3, 3, "Dubai South"},
	"emaar-beachfront":          {2800, 3900, 0, 2, "Emaar"},
	"city-walk":                 {2300, 3200, 0.1, 1, "Meraas"},
	"sobha-hartland":            {1900, 2600, 0.2, 3, "Sobha"},
	"mbr-city":                  {1600, 2300, 0.4, 3, "Emaar"},
	"al-furjan":                 {1050, 1450, 0.5, 3, "Nakheel"},
	"town-square":               {950, 1250, 0.5, 3, "Nshama"},
	"motor-city":                {1050, 1350, 0.2, 2, "Union Properties"},
	"dubai-sports-city":         {750, 1050, 0.1, 3, ""},
	"jumeirah":                  {2000, 3600, 0.9, 2, ""},
	"umm-suqeim":                {2000, 3100, 0.9, 1, ""},
	"al-quoz":                   {750, 1050, 0.2, 1, ""},
	"dubai-silicon-oasis":       {750, 1050, 0.2, 3, "Dubai Silicon Oasis Authority"},
	"al-warqa":                  {750, 1050, 0.6, 1, ""},
	"discovery-gardens":         {750, 1000, 0, 2, "Nakheel"},
	"the-greens":                {1350, 1750, 0, 2, "Emaar"},
	"the-springs":               {1350, 1850, 1, 2, "Emaar"},
	"the-meadows":               {1550, 2300, 1, 1, "Emaar"},
	"emirates-hills":            {4000, 8500, 1, 1, "Emaar"},
	"bluewaters-island":         {3000, 4600, 0, 1, "Meraas"},
}

// community is a seeded community with the places below it.
type community struct {
	id, slug, name string
	children       []place
	band           band
}

type place struct{ id, name string }

// communities reads the seeded place tree; communities without a band get an average one.
func communities(ctx context.Context, db *pgxpool.Pool) ([]community, error) {
	rows, err := db.Query(ctx, `SELECT c.id::text, c.slug, c.name_en,
			coalesce(array_agg(d.id::text ORDER BY d.slug) FILTER (WHERE d.id IS NOT NULL), '{}'),
			coalesce(array_agg(d.name_en ORDER BY d.slug) FILTER (WHERE d.id IS NOT NULL), '{}')
		FROM locations c LEFT JOIN locations d ON d.parent_id = c.id OR d.parent_id IN (SELECT id FROM locations WHERE parent_id = c.id)
		WHERE c.kind = 'community' GROUP BY c.id ORDER BY c.slug`)
	if err != nil {
		return nil, err
	}
	var out []community
	for rows.Next() {
		var c community
		var ids, names []string
		if err := rows.Scan(&c.id, &c.slug, &c.name, &ids, &names); err != nil {
			return nil, err
		}
		for i := range ids {
			c.children = append(c.children, place{ids[i], names[i]})
		}
		var ok bool
		if c.band, ok = bands[c.slug]; !ok {
			c.band = band{900, 1500, 0.3, 1, ""}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// brokerage is a generated brokerage: its share of the listings and its agents.
type brokerage struct {
	id, name, prefix string
	share            float64
	agents           []string
}

// generator makes deterministic, plausible listings.
type generator struct {
	r           *rand.Rand
	communities []community
	total       int
	now         time.Time
}

func newGenerator(seed uint64, cs []community, now time.Time) *generator {
	g := &generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), communities: cs, now: now}
	for _, c := range cs {
		g.total += c.band.weight
	}
	return g
}

func (g *generator) community() community {
	n := g.r.IntN(g.total)
	for _, c := range g.communities {
		if n -= c.band.weight; n < 0 {
			return c
		}
	}
	return g.communities[len(g.communities)-1]
}

// pick chooses an index by weights.
func (g *generator) pick(weights ...int) int {
	sum := 0
	for _, w := range weights {
		sum += w
	}
	n := g.r.IntN(sum)
	for i, w := range weights {
		if n -= w; n < 0 {
			return i
		}
	}
	return len(weights) - 1
}

func (g *generator) between(lo, hi float64) float64 { return lo + g.r.Float64()*(hi-lo) }

var (
	views     = []string{"Sea", "Marina", "Burj Khalifa", "Golf course", "Park", "Community", "Pool", "Canal", "City skyline", "Lagoon"}
	amenities = []string{"Pool", "Gym", "Covered parking", "Balcony", "Maid's room", "Study", "Private garden", "Kids' play area",
		"Concierge", "Security", "Built-in wardrobes", "Central A/C", "Shared spa", "Pets allowed", "Walk-in closet"}
	statuses = []string{"active", "draft", "under_offer", "closed", "withdrawn"}
)

// row is one listing in COPY column order (see copyColumns).
func (g *generator) row(b brokerage, i int) []any {
	c := g.community()
	ptype, beds := g.typeAndBeds(c)
	size := g.size(ptype, beds)
	psf := g.between(c.band.minPSF, c.band.maxPSF)
	if ptype == "penthouse" {
		psf *= 1.4
	}
	price := math.Max(250_000, math.Round(size*psf/5000)*5000)
	purpose, cheques := "sale", pgtype.Int2{}
	if g.r.Float64() < 0.4 {
		purpose = "rent"
		yield := 0.055 + 0.025*(1-math.Min(1, (c.band.minPSF-450)/3500))
		price = math.Max(18_000, math.Round(price*yield/1000)*1000)
		cheques = pgtype.Int2{Int16: []int16{1, 2, 4, 6, 12}[g.pick(25, 20, 35, 12, 8)], Valid: true}
	}
	completion, handover := "ready", pgtype.Date{}
	if purpose == "sale" && g.r.Float64() < 0.2 {
		completion = "off_plan"
		handover = pgtype.Date{Time: g.now.AddDate(0, 6+g.r.IntN(42), 0).Truncate(24 * time.Hour), Valid: true}
	}
	status := statuses[g.pick(70, 8, 7, 10, 5)]
	if status == "closed" {
		status = map[string]string{"sale": "sold", "rent": "rented"}[purpose]
	}
	created := g.now.Add(-time.Duration(g.r.Int64N(int64(730 * 24 * time.Hour))))
	permit, expiry := "", pgtype.Date{}
	if status != "draft" {
		permit = fmt.Sprintf("%010d", g.r.Int64N(9_000_000_000)+1_000_000_000)
		expiry = pgtype.Date{Time: g.now.AddDate(0, 0, 30+g.r.IntN(335)).Truncate(24 * time.Hour), Valid: true}
	}
	loc, building := c.id, ""
	if len(c.children) > 0 && g.r.Float64() < 0.35 {
		p := c.children[g.r.IntN(len(c.children))]
		loc, building = p.id, p.name
	} else if ptype == "apartment" || ptype == "penthouse" || ptype == "studio" {
		building = fmt.Sprintf("%s Tower %d", strings.Fields(c.name)[0], 1+g.r.IntN(12))
	}
	view := views[g.r.IntN(len(views))]
	charge := g.between(12, 28)
	if ptype == "villa" || ptype == "townhouse" {
		charge = g.between(3, 8)
	}
	title := fmt.Sprintf("%s %s for %s in %s, %s view", bedsLabel(beds), strings.ReplaceAll(ptype, "_", " "), purpose, c.name, strings.ToLower(view))
	desc := fmt.Sprintf("%s %s of %.0f sq ft in %s%s. %s view, %s. Listed by %s.", bedsLabel(beds), ptype, size, c.name,
		map[bool]string{true: ", " + building, false: ""}[building != ""], view, strings.ToLower(strings.Join(g.amenities(3), ", ")), b.name)
	return []any{uuid(b.id), uuid(b.agents[g.r.IntN(len(b.agents))]), fmt.Sprintf("%s-%s-%06d", b.prefix, strings.ToUpper(purpose[:1]), i),
		title, desc, purpose, completion, ptype, uuid(loc), uuid(c.id), building, price, cheques,
		math.Round(size), pgtype.Int2{Int16: int16(beds), Valid: true}, pgtype.Int2{Int16: int16(max(1, beds) + g.r.IntN(2)), Valid: true},
		math.Round(charge*100) / 100, g.r.Float64() < 0.35, view, g.amenities(2 + g.r.IntN(5)), c.band.developer, handover,
		permit, expiry, status, created, created}
}

var copyColumns = []string{"brokerage_id", "agent_id", "reference", "title", "description", "purpose", "completion",
	"property_type", "location_id", "community_id", "building", "price_aed", "rent_cheques", "size_sqft", "bedrooms",
	"bathrooms", "service_charge_aed_sqft", "furnished", "view", "amenities", "developer", "handover_date",
	"permit_number", "permit_expiry", "status", "created_at", "updated_at"}

func (g *generator) typeAndBeds(c community) (string, int) {
	if g.r.Float64() < c.band.villas {
		if g.r.IntN(5) < 3 {
			return "villa", []int{3, 4, 5, 6, 7}[g.pick(25, 35, 25, 10, 5)]
		}
		return "townhouse", []int{2, 3, 4, 5}[g.pick(10, 50, 35, 5)]
	}
	beds := []int{0, 1, 2, 3, 4, 5}[g.pick(12, 35, 30, 16, 5, 2)]
	switch {
	case beds == 0:
		return "studio", 0
	case beds >= 3 && g.r.IntN(10) == 0:
		return "penthouse", beds
	case g.r.IntN(40) == 0:
		return "hotel_apartment", beds
	}
	return "apartment", beds
}

func (g *generator) size(ptype string, beds int) float64 {
	switch ptype {
	case "villa":
		return g.between(1800, 2600) + float64(beds-3)*g.between(700, 1100)
	case "townhouse":
		return g.between(1500, 2000) + float64(beds-2)*g.between(400, 600)
	case "studio":
		return g.between(350, 550)
	case "penthouse":
		return g.between(2500, 4500) + float64(beds-3)*800
	}
	return g.between(650, 950) + float64(beds-1)*g.between(380, 520)
}

func (g *generator) amenities(n int) []string {
	out := make([]string, 0, n)
	for _, i := range g.r.Perm(len(amenities))[:n] {
		out = append(out, amenities[i])
	}
	return out
}

func bedsLabel(beds int) string {
	if beds == 0 {
		return "Studio"
	}
	return fmt.Sprintf("%dBR", beds)
}

// uuid turns a uuid's text into the value COPY sends in binary.
func uuid(s string) pgtype.UUID {
	var u pgtype.UUID
	b, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	if err == nil && len(b) == 16 {
		copy(u.Bytes[:], b)
		u.Valid = true
	}
	return u
}

// copyListings generates n listings across the brokerages and COPYs them in, in batches so that the
// generator and the server work at the same time.
func copyListings(ctx context.Context, db *pgxpool.Pool, g *generator, bs []brokerage, n int) error {
	const batch = 10_000
	conn, err := db.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	// A bulk load may take longer than the statement timeout the platform's requests get.
	if _, err := conn.Exec(ctx, "SET statement_timeout = 0"); err != nil {
		return err
	}
	defer conn.Exec(ctx, "RESET statement_timeout")
	i := 0
	for _, b := range bs {
		count := int(math.Round(b.share * float64(n)))
		for done := 0; done < count; {
			rows := make([][]any, 0, batch)
			for ; done < count && len(rows) < batch; done++ {
				rows = append(rows, g.row(b, i))
				i++
			}
			if _, err := conn.CopyFrom(ctx, pgx.Identifier{"listings"}, copyColumns, pgx.CopyFromRows(rows)); err != nil {
				return fmt.Errorf("COPY listings: %w", err)
			}
		}
	}
	return nil
}
