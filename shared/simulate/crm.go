package simulate

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// property is one home of the inventory, re-derivable from its number alone.
type property struct {
	id            int
	community     community
	ptype         string
	beds, baths   int
	size, price   float64
	developer     string
	completion    time.Time
	offPlan       bool
	agent         int
	agency        string
	status        string
	listed        time.Time
	address, view string
	amenities     []string
	serviceCharge float64
}

var apartmentTypes = []string{"Apartment", "Apartment", "Apartment", "Apartment", "Penthouse", "Duplex", "Loft", "Serviced Apartment", "Studio"}

// property derives property i: its community's price band sets the price per sq ft, its
// type and bedrooms set the size.
func (g *gen) property(i int) property {
	g.at(kindProperty, i)
	c := communities[g.community()]
	p := property{id: i, community: c}
	if g.r.Float64() < c.villas {
		p.ptype = []string{"Villa", "Villa", "Townhouse"}[g.r.IntN(3)]
		p.beds = 3 + g.r.IntN(4)
	} else {
		p.ptype = g.pick(apartmentTypes)
		p.beds = 1 + g.r.IntN(3)
		switch p.ptype {
		case "Studio":
			p.beds = 0
		case "Penthouse":
			p.beds = 3 + g.r.IntN(3)
		}
	}
	p.baths = max(1, p.beds+g.r.IntN(2))
	p.size = math.Round(sizeOf(p.ptype, p.beds) * g.between(0.85, 1.2))
	p.price = math.Round(p.size*g.between(c.minPSF, c.maxPSF)/1000) * 1000
	p.developer = c.developer
	if g.r.Float64() < 0.4 {
		p.developer = g.pick(developers)
	}
	if p.offPlan = g.r.Float64() < 0.15; p.offPlan {
		p.completion = g.o.AsOf.AddDate(0, 3+g.r.IntN(36), 0)
	} else {
		p.completion = g.o.AsOf.AddDate(-1-g.r.IntN(18), -g.r.IntN(12), 0)
	}
	p.agent = 1 + g.r.IntN(max(g.o.Agents, 1))
	p.agency = brokerages[p.agent%len(brokerages)].name
	p.status = []string{"Available", "Available", "Available", "Available", "Under Contract", "Sold", "Rented", "Off Market"}[g.r.IntN(8)]
	p.listed = g.daysBefore(540)
	p.address = fmt.Sprintf("%s %d, Floor %d, Unit %d, %s, Dubai, UAE", g.pick(towers), 1+g.r.IntN(9),
		g.r.IntN(60), 100+g.r.IntN(5900), c.en)
	if p.ptype == "Villa" || p.ptype == "Townhouse" {
		p.address = fmt.Sprintf("Villa %d, Street %d, %s, Dubai, UAE", 1+g.r.IntN(400), 1+g.r.IntN(40), c.en)
	}
	p.view = g.pick(views)
	p.amenities = g.some(amenities, 3+g.r.IntN(5))
	p.serviceCharge = math.Round(p.size * g.between(11, 28))
	return p
}

// sizeOf is a typical built-up area in sq ft.
func sizeOf(ptype string, beds int) float64 {
	switch ptype {
	case "Studio":
		return 420
	case "Villa":
		return 2600 + 900*float64(beds-3)
	case "Townhouse":
		return 1900 + 600*float64(beds-3)
	case "Penthouse":
		return 3200 + 900*float64(beds-3)
	}
	return 450 + 550*float64(beds)
}

func (g *gen) propertyOf(i int) property {
	if g.props == nil {
		g.props = newGen(g.o)
	}
	return g.props.property(i)
}

func writeProperties(g *gen, w io.Writer) error {
	header := []string{"id", "address", "price_aed", "bedrooms", "bathrooms", "square_feet", "property_type", "area", "developer",
		"completion_date", "view", "amenities", "service_charges", "agent", "agency", "status", "listing_date", "last_updated"}
	return csvTable(w, header, g.o.Properties, func(i int, rec []string) {
		p := g.property(i)
		copy(rec, []string{itoa(i), p.address, whole(p.price), itoa(p.beds), itoa(p.baths), whole(p.size), p.ptype,
			p.community.en, p.developer, day(p.completion), p.view, strings.Join(p.amenities, ", "), whole(p.serviceCharge),
			agentName(g.o, p.agent), p.agency, p.status, day(p.listed), p.listed.Add(time.Duration(g.r.IntN(86400)) * time.Second).Format(time.DateTime)})
	})
}

// annualRent is what a home lets for: a gross yield of 5.5-8% of its price.
func (g *gen) annualRent(p property) float64 {
	return math.Round(p.price*g.between(0.055, 0.08)/500) * 500
}

func writeListings(g *gen, w io.Writer) error {
	header := []string{"id", "property_id", "agent_id", "listing_title", "listing_description", "listing_price", "listing_type",
		"status", "featured", "views_count", "inquiries_count", "created_date", "last_updated", "expiry_date", "commission_rate"}
	return csvTable(w, header, g.o.Listings, func(i int, rec []string) {
		p := g.propertyOf(i)
		g.at(kindListing, i)
		kind, price, rate := "Sale", p.price, "2"
		if !p.offPlan && g.r.Float64() < 0.35 {
			kind, price, rate = "Rent", g.annualRent(p), "5"
		}
		status := []string{"Active", "Active", "Active", "Under Offer", "Sold", "Rented", "Withdrawn"}[g.r.IntN(7)]
		if (status == "Sold" && kind == "Rent") || (status == "Rented" && kind == "Sale") {
			status = "Active"
		}
		created := g.daysBefore(300)
		beds := itoa(p.beds) + "BR"
		if p.beds == 0 {
			beds = "Studio"
		}
		title := fmt.Sprintf("%s %s in %s | %s في %s", beds, p.ptype, p.community.en, arabicType(p.ptype), p.community.ar)
		desc := fmt.Sprintf("%s %s with %s, %s sq ft.\n%s.\nRERA Form A signed; Trakheesi permit on file.",
			beds, p.ptype, strings.ToLower(p.view), whole(p.size), strings.Join(p.amenities, ", "))
		copy(rec, []string{itoa(i), itoa(p.id), itoa(p.agent), title, desc, whole(price), kind, status,
			fmt.Sprint(g.r.Float64() < 0.1), itoa(g.r.IntN(3000)), itoa(g.r.IntN(60)), day(created),
			day(created.AddDate(0, 0, g.r.IntN(30))), day(created.AddDate(0, 0, 90)), rate})
	})
}

func arabicType(ptype string) string {
	switch ptype {
	case "Villa":
		return "فيلا"
	case "Townhouse":
		return "تاون هاوس"
	case "Penthouse":
		return "بنتهاوس"
	case "Studio":
		return "استوديو"
	}
	return "شقة"
}

// commission applies the rules of the trade: a sale pays the agency 2% of the price plus 5%
// VAT, a lease 5% of the annual rent, an off-plan sale a developer-paid rate of 3-6%.
func (g *gen) deal(p property) (kind string, amount, ratePct float64, note string) {
	switch x := g.r.Float64(); {
	case p.offPlan || x < 0.12:
		kind, amount = "Off-Plan", p.price
		ratePct = []float64{3, 4, 5, 6}[g.r.IntN(4)]
		note = fmt.Sprintf("Commission paid by %s; Oqood registration pending handover %s.", p.developer, day(p.completion))
	case x < 0.42:
		kind, amount, ratePct = "Lease", g.annualRent(p), 5
		note = fmt.Sprintf("Ejari registered; %d cheques.", []int{1, 2, 4, 6, 12}[g.r.IntN(5)])
	default:
		kind, amount, ratePct = "Sale", math.Round(p.price*g.between(0.92, 1.06)/1000)*1000, 2
		note = fmt.Sprintf("Form F signed with 10%% deposit (AED %s). DLD transfer fee 4%%: AED %s. VAT 5%% on commission: AED %s.",
			whole(amount*0.1), whole(amount*0.04), money(amount*0.02*0.05))
	}
	return kind, amount, ratePct, note
}

var paymentFor = map[string][]string{
	"Sale":     {"Mortgage", "Mortgage", "Bank Transfer", "Bank Transfer", "Cash", "Cheque"},
	"Lease":    {"Cheque", "Cheque", "Cheque", "Bank Transfer"},
	"Off-Plan": {"Developer Plan", "Developer Plan", "Bank Transfer", "Mortgage"},
}

func writeTransactions(g *gen, w io.Writer) error {
	header := []string{"id", "property_id", "transaction_type", "amount_aed", "transaction_date", "buyer_name", "seller_name",
		"agent_name", "agency", "commission_rate", "commission_amount", "status", "payment_method", "notes"}
	return csvTable(w, header, g.o.Transactions, func(i int, rec []string) {
		g.at(kindTransaction, i)
		pid := 1 + g.r.IntN(g.o.Properties)
		p := g.propertyOf(pid)
		kind, amount, rate, note := g.deal(p)
		method := g.pick(paymentFor[kind])
		buyer, seller := g.person(), g.person()
		if kind == "Off-Plan" {
			seller.first, seller.last = p.developer, ""
		}
		switch g.r.IntN(4) {
		case 0:
			note = ""
		case 1:
			note += "\nملاحظة: تم التحقق من هوية العميل (KYC)."
		}
		if method == "Cash" && amount >= 55_000 {
			note = strings.TrimSpace(note + " Cash of AED 55,000 or more: goAML REAR filed.")
		}
		copy(rec, []string{itoa(i), itoa(pid), kind, whole(amount), day(g.daysBefore(3 * 365)), buyer.full(),
			strings.TrimSpace(seller.full()), agentName(g.o, p.agent), p.agency, whole(rate), money(amount * rate / 100),
			[]string{"Completed", "Completed", "Completed", "Completed", "Completed", "Pending", "In Progress", "Cancelled"}[g.r.IntN(8)],
			method, note})
	})
}

// agent derives agent k: who they are and where they work.
func (g *gen) agent(k int) (person, int) {
	g.at(kindAgent, k)
	return g.person(), k % len(brokerages)
}

// agentName is agent k's name as written in the roster, for the rows that name an agent.
func agentName(o Options, k int) string {
	p, _ := newGen(o).agent(k)
	return p.full()
}

func writeAgents(g *gen, w io.Writer) error {
	header := []string{"id", "agent_id", "first_name", "last_name", "email", "phone", "agency", "agency_type", "license_number",
		"specializations", "experience_years", "languages", "total_sales", "total_volume", "commission_rate",
		"performance_rating", "status", "hire_date"}
	return csvTable(w, header, g.o.Agents, func(i int, rec []string) {
		p, b := g.agent(i)
		sales := g.r.IntN(300)
		copy(rec, []string{itoa(i), fmt.Sprintf("AGT%04d", i), p.first, p.last, fmt.Sprintf("%s.%d@%s", p.stem, i, brokerages[b].domain),
			g.phone(), brokerages[b].name, g.pick([]string{"Residential", "Commercial", "Luxury", "Off-plan"}),
			fmt.Sprintf("BRN-%05d", 10000+i), pyList(g.some([]string{"Residential", "Commercial", "Luxury", "Off-plan", "Investment", "Leasing"}, 1+g.r.IntN(2))),
			itoa(1 + g.r.IntN(20)), pyList(append([]string{"English"}, g.some([]string{"Arabic", "Hindi", "Urdu", "Russian", "French", "Mandarin"}, g.r.IntN(3))...)),
			itoa(sales), whole(float64(sales) * g.between(1.2e6, 3.5e6)), money(g.between(40, 70)), fmt.Sprintf("%.1f", g.between(3, 5)),
			g.pick([]string{"Active", "Active", "Active", "On Leave", "Inactive"}), day(g.daysBefore(8 * 365))})
	})
}

func writeUsers(g *gen, w io.Writer) error {
	header := []string{"id", "username", "email", "first_name", "last_name", "phone", "role", "department", "hire_date", "status",
		"last_login", "created_at"}
	roles := []struct{ role, dept string }{{"admin", "Management"}, {"manager", "Sales"}, {"manager", "Leasing"},
		{"agent", "Sales"}, {"agent", "Sales"}, {"agent", "Leasing"}, {"compliance", "Compliance"}, {"reviewer", "Marketing"}}
	return csvTable(w, header, g.o.Users, func(i int, rec []string) {
		g.at(kindUser, i)
		p := g.person()
		r := roles[g.r.IntN(len(roles))]
		if i == 1 {
			r = roles[0]
		}
		b := brokerages[i%len(brokerages)]
		hired := g.daysBefore(6 * 365)
		copy(rec, []string{itoa(i), fmt.Sprintf("%s%d", strings.ReplaceAll(p.stem, ".", "_"), i), fmt.Sprintf("staff.%s.%d@%s", p.stem, i, b.domain),
			p.first, p.last, g.phone(), r.role, r.dept, day(hired), g.pick([]string{"Active", "Active", "Active", "Inactive"}),
			g.daysBefore(30).Add(time.Duration(g.r.IntN(86400)) * time.Second).Format(time.DateTime), day(hired)})
	})
}

var budgets = []struct {
	band   string
	lo, hi float64
}{{"Under 1M", 0, 1e6}, {"1M-2M", 1e6, 2e6}, {"2M-5M", 2e6, 5e6}, {"5M-10M", 5e6, 10e6}, {"10M+", 10e6, 40e6}}

func writeClients(g *gen, w io.Writer) error {
	header := []string{"id", "client_id", "first_name", "last_name", "email", "phone", "client_type", "nationality", "preferred_areas",
		"budget_range", "property_preferences", "source", "status", "assigned_agent", "created_date", "last_contact"}
	names := make([]string, len(communities))
	for i, c := range communities {
		names[i] = c.en
	}
	return csvTable(w, header, g.o.Clients, func(i int, rec []string) {
		g.at(kindClient, i)
		p := g.person()
		created := g.daysBefore(720)
		contact := created.AddDate(0, 0, g.r.IntN(60))
		if contact.After(g.o.AsOf) {
			contact = g.o.AsOf
		}
		copy(rec, []string{itoa(i), fmt.Sprintf("CLT%06d", i), p.first, p.last, fmt.Sprintf("%s.%d@example.ae", p.stem, i), g.phone(),
			g.pick([]string{"Buyer", "Buyer", "Investor", "Tenant", "Tenant", "Seller", "Landlord"}), g.pick(nationalities),
			pyList(g.some(names, 1+g.r.IntN(3))), budgets[g.r.IntN(len(budgets))].band,
			pyList(g.some([]string{"Apartment", "Villa", "Townhouse", "Penthouse", "Studio"}, 1+g.r.IntN(2))),
			g.pick([]string{"Property Finder", "Bayut", "Dubizzle", "Website", "Referral", "Walk-in", "WhatsApp", "Social Media"}),
			g.pick([]string{"New", "Active", "Active", "Qualified", "Converted", "Lost", "Inactive"}),
			itoa(1 + g.r.IntN(max(g.o.Agents, 1))), day(created), day(contact)})
	})
}
