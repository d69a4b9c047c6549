package ingest

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/propertypro/propertypro/shared/lead"
)

// Shared column sets.
var (
	colBrokerage = Column{"brokerage_id", "uuid"}
	colReference = Column{"reference", "text"}
)

// propertyTypes maps export spellings onto the CRM's property types, explicitly.
var propertyTypes = enum("apartment", "apartment", "flat", "apartment", "loft", "apartment",
	"garden apartment", "apartment", "serviced apartment", "hotel_apartment", "hotel apartment", "hotel_apartment",
	"villa", "villa", "townhouse", "townhouse", "town house", "townhouse", "penthouse", "penthouse",
	"duplex", "duplex", "triplex", "duplex", "studio", "studio", "office", "office", "retail", "retail",
	"shop", "retail", "warehouse", "warehouse", "land", "land", "plot", "land")

// listingStatuses maps property and listing statuses onto the listing lifecycle.
var listingStatuses = enum("available", "active", "active", "active", "under contract", "under_offer",
	"under offer", "under_offer", "sold", "sold", "rented", "rented", "off market", "withdrawn",
	"withdrawn", "withdrawn", "under renovation", "withdrawn", "under construction", "draft", "draft", "draft")

// purposes maps listing types: a lease is a rent.
var purposes = enum("sale", "sale", "sell", "sale", "rent", "rent", "lease", "rent", "rental", "rent")

// Reference is the listing reference a property id of an export becomes.
func Reference(propertyID string) string { return "PROP-" + strings.TrimSpace(propertyID) }

// Properties loads properties.csv (and the workbook's Properties sheet) into listings.
var Properties = register(&Dataset{
	Name: "properties", Title: "Property inventory", Owner: "Listings team", Cadence: "daily export",
	Signature: []string{"id", "address", "price_aed", "square_feet", "property_type", "area"},
	Target:    "listings",
	Columns: []Column{colBrokerage, colReference, {"title", "text"}, {"purpose", "text"}, {"completion", "text"},
		{"property_type", "text"}, {"location_id", "uuid"}, {"community_id", "uuid"}, {"building", "text"},
		{"price_aed", "numeric"}, {"size_sqft", "numeric"}, {"bedrooms", "integer"}, {"bathrooms", "integer"},
		{"service_charge_aed_sqft", "numeric"}, {"view", "text"}, {"amenities", "text[]"}, {"developer", "text"},
		{"handover_date", "date"}, {"status", "text"}, {"agent_id", "uuid"}},
	Key: []string{"brokerage_id", "reference"}, Conflict: "(brokerage_id, reference) WHERE deleted_at IS NULL",
	Keep: []string{"agent_id"}, Versioned: true,
	Map: mapProperty,
})

func mapProperty(r *Row, e *Env) []any {
	id := r.Text("id", true)
	ptype := r.Enum("property_type", propertyTypes, true)
	price := r.Num("price_aed", 1, 1e11, true)
	size := r.Num("square_feet", 1, 1e7, false)
	beds := r.Int("bedrooms", 0, 50, false)
	area := r.Text("area", true)
	community := e.community(r, "area", area)
	status := r.Enum("status", listingStatuses, false)
	if status == "" {
		status = "active"
	}
	completion, handover := "ready", r.Date("completion_date", false)
	if t, ok := handover.(time.Time); ok && t.After(e.Now) {
		completion = "off_plan"
		r.Warn("completion_date", r.Raw("completion_date"), "completion is in the future: loaded as off-plan")
	}
	if ptype == "studio" && beds != nil && beds.(int64) != 0 {
		r.Warn("bedrooms", r.Raw("bedrooms"), "a studio with %d bedrooms", beds)
	}
	var charge any
	if sc, ok := r.Num("service_charges", 0, 1e9, false).(float64); ok && size != nil {
		charge = math.Round(sc/size.(float64)*100) / 100
		if charge.(float64) > 999999 {
			r.Reject("service_charges", r.Raw("service_charges"), "service charge per sqft above 999,999 AED")
		}
	}
	e.checkPricePerSqft(r, community, price, size)
	amen := r.List("amenities")
	title := strings.TrimSpace(fmt.Sprintf("%s in %s", r.Raw("property_type"), area))
	return []any{e.BrokerageID, Reference(id), title, "sale", completion, ptype, nilIfEmpty(community), nilIfEmpty(community),
		building(r.Raw("address")), price, size, beds, r.Int("bathrooms", 0, 50, false), charge, r.Raw("view"),
		amen, r.Raw("developer"), handover, status, e.agent(r, "agent")}
}

// building is the first part of an address ("Building 872, Floor 28, ...").
func building(address string) string {
	b, _, _ := strings.Cut(address, ",")
	return strings.TrimSpace(b)
}

// ListingUpdates loads listings.csv: status, price and purpose of listings already loaded.
var ListingUpdates = register(&Dataset{
	Name: "listings", Title: "Listing status and price feed", Owner: "Listings team", Cadence: "hourly portal export",
	Signature: []string{"property_id", "listing_title", "listing_price", "listing_type"},
	Target:    "listings",
	Columns: []Column{colBrokerage, colReference, {"title", "text"}, {"description", "text"},
		{"price_aed", "numeric"}, {"purpose", "text"}, {"status", "text"}},
	Key: []string{"brokerage_id", "reference"}, UpdateOnly: true, Versioned: true,
	Map: func(r *Row, e *Env) []any {
		ref := Reference(r.Text("property_id", true))
		if _, ok := e.Listing(ref); !ok && r.Raw("property_id") != "" {
			r.Reject("property_id", r.Raw("property_id"), "no listing %s in the file or the database; load the properties first", ref)
		}
		return []any{e.BrokerageID, ref, r.Text("listing_title", false), r.Text("listing_description", false),
			r.Num("listing_price", 1, 1e11, true), r.Enum("listing_type", purposes, true), r.Enum("status", listingStatuses, true)}
	},
})

// dealKinds maps transaction types onto deal kinds. An assignment is the resale of an
// off-plan contract; a sublease is a rent.
var dealKinds = enum("sale", "sale", "resale", "sale", "rent", "rent", "lease", "rent", "sublease", "rent",
	"off-plan", "off_plan", "off plan", "off_plan", "offplan", "off_plan", "assignment", "off_plan")

var dealStages = enum("completed", "closed_won", "closed", "closed_won", "cancelled", "closed_lost",
	"canceled", "closed_lost", "pending", "offer", "under review", "negotiation", "in progress", "negotiation")

var paymentMethods = enum("cash", "cash", "cheque", "cheque", "check", "cheque", "bank transfer", "bank_transfer",
	"mortgage", "mortgage", "crypto", "virtual_asset", "developer plan", "developer_plan")

// Transactions loads transactions.csv into deals.
var Transactions = register(&Dataset{
	Name: "transactions", Title: "Closed and open transactions", Owner: "Finance", Cadence: "daily export",
	Signature: []string{"property_id", "transaction_type", "amount_aed", "commission_rate"},
	Target:    "deals",
	Columns: []Column{colBrokerage, {"external_ref", "text"}, {"listing_id", "uuid"}, {"kind", "text"}, {"stage", "text"},
		{"price_aed", "numeric"}, {"commission_rate", "numeric"}, {"commission_aed", "numeric"},
		{"payments", "jsonb"}, {"parties", "jsonb"}, {"closed_at", "timestamptz"}},
	Key: []string{"brokerage_id", "external_ref"}, Conflict: "(brokerage_id, external_ref) WHERE external_ref IS NOT NULL",
	Versioned: true,
	Map:       mapTransaction,
})

func mapTransaction(r *Row, e *Env) []any {
	id := r.Text("id", true)
	ref := Reference(r.Raw("property_id"))
	listing, ok := e.Listing(ref)
	if !ok {
		r.Reject("property_id", r.Raw("property_id"), "no property %s in the file or the database; load the properties first", ref)
	}
	kind := r.Enum("transaction_type", dealKinds, true)
	if t := strings.ToLower(r.Raw("transaction_type")); t == "assignment" || t == "sublease" {
		r.Quirk("mapped_transaction_type_" + t)
	}
	amount := r.Num("amount_aed", 1, 1e11, true)
	rate := r.Num("commission_rate", 0, 100, true)
	commission := r.Num("commission_amount", 0, 1e11, false)
	stage := r.Enum("status", dealStages, true)
	method := r.Enum("payment_method", paymentMethods, false)
	date := r.Date("transaction_date", true)
	var fraction any
	if a, ok1 := amount.(float64); ok1 {
		if rt, ok2 := rate.(float64); ok2 {
			fraction = rt / 100
			expect := a * rt / 100
			if c, ok3 := commission.(float64); ok3 && math.Abs(c-expect) > math.Max(1, expect*0.01) {
				r.Warn("commission_amount", r.Raw("commission_amount"), "differs from amount × rate = %.2f", expect)
			}
			if commission == nil {
				commission = math.Round(expect*100) / 100
			}
		}
	}
	if t, ok := date.(time.Time); ok && t.After(e.Now) {
		r.Warn("transaction_date", r.Raw("transaction_date"), "transaction date is in the future")
	}
	var closed any
	if stage == "closed_won" || stage == "closed_lost" {
		closed = date
	}
	payments := "[]"
	if method != "" && amount != nil {
		payments = jsonPayment(method, amount.(float64))
	}
	parties := jsonStrings("buyer", r.Raw("buyer_name"), "seller", r.Raw("seller_name"),
		"agent", r.Raw("agent_name"), "agency", r.Raw("agency"), "notes", r.Raw("notes"))
	return []any{e.BrokerageID, "TX-" + id, nilIfEmpty(listing), kind, stage, amount, fraction, commission, payments, parties, closed}
}

var leadSources = enum("advertisement", "other", "social media", "social", "social", "social", "website", "website",
	"direct contact", "walk_in", "walk-in", "walk_in", "walk in", "walk_in", "referral", "referral",
	"property finder", "property_finder", "bayut", "bayut", "dubizzle", "dubizzle", "whatsapp", "whatsapp", "other", "other")

var leadStages = enum("active", "contacted", "new", "new", "inactive", "nurture", "lost", "lost",
	"converted", "won", "won", "won", "qualified", "qualified")

// Clients loads clients.csv into leads.
var Clients = register(&Dataset{
	Name: "clients", Title: "Client book", Owner: "Sales", Cadence: "weekly export",
	Signature: []string{"client_id", "client_type", "budget_range", "preferred_areas"},
	Target:    "leads",
	Columns: []Column{colBrokerage, {"external_ref", "text"}, {"full_name", "text"}, {"phone_e164", "text"},
		{"phone_raw", "text"}, {"email", "text"}, {"nationality", "text"}, {"source", "text"}, {"stage", "text"},
		{"budget_min_aed", "numeric"}, {"budget_max_aed", "numeric"}, {"preferences", "jsonb"}},
	Key: []string{"brokerage_id", "external_ref"}, Conflict: "(brokerage_id, external_ref) WHERE external_ref IS NOT NULL",
	Keep: []string{"stage"}, Versioned: true,
	Map: mapClient,
})

func mapClient(r *Row, e *Env) []any {
	ref := r.Text("client_id", true)
	name := strings.TrimSpace(r.Raw("first_name") + " " + r.Raw("last_name"))
	if name == "" {
		r.Reject("first_name", "", "a client needs a name")
	}
	raw := r.Raw("phone")
	phone := lead.NormalizePhone(raw)
	if raw != "" && phone == "" {
		r.Warn("phone", raw, "not a valid phone number: kept as given, not normalised")
	}
	email := lead.NormalizeEmail(r.Raw("email"))
	if email != "" && !strings.Contains(email, "@") {
		r.Reject("email", email, "is not an e-mail address")
	}
	var lo, hi any
	if a, b, ok := Budget(r.Raw("budget_range")); !ok {
		r.Reject("budget_range", r.Raw("budget_range"), "is not a budget band (e.g. 1M-2M, 10M+, Under 1M)")
	} else {
		lo, hi = fptr(a), fptr(b)
	}
	areas, types := r.List("preferred_areas"), r.List("property_preferences")
	var ids []string
	for _, a := range areas {
		if id, ok := e.Community(a); ok {
			ids = append(ids, id)
		}
	}
	var ptypes []string
	for _, t := range types {
		if v, ok := propertyTypes[strings.ToLower(t)]; ok {
			ptypes = append(ptypes, v)
		}
	}
	prefs := jsonText(map[string]any{"communities": areas, "community_ids": ids, "property_types": ptypes,
		"client_type": strings.ToLower(r.Raw("client_type"))})
	source := r.Enum("source", leadSources, false)
	if source == "" {
		source = "other"
	}
	stage := r.Enum("status", leadStages, false)
	if stage == "" {
		stage = "new"
	}
	return []any{e.BrokerageID, ref, name, phone, raw, email, r.Raw("nationality"), source, stage, lo, hi, prefs}
}

var userRoles = enum("admin", "admin", "administrator", "admin", "manager", "manager", "supervisor", "manager",
	"agent", "agent", "broker", "agent", "employee", "reviewer", "compliance", "compliance_officer",
	"compliance officer", "compliance_officer", "reviewer", "reviewer")

var userColumns = []Column{colBrokerage, {"email", "text"}, {"full_name", "text"}, {"password_hash", "text"},
	{"role", "text"}, {"brn", "text"}, {"active", "boolean"}}

// Users loads users.csv into users. Rows of role client are rejected: a client is a lead,
// loaded from the clients dataset, and must never receive a sign-in.
var Users = register(&Dataset{
	Name: "users", Title: "Staff accounts", Owner: "Brokerage admin", Cadence: "on change",
	Signature: []string{"username", "email", "role", "department"},
	Target:    "users", Columns: userColumns,
	Key: []string{"email"}, Conflict: "((lower(email)))", Keep: []string{"password_hash", "brokerage_id"}, Versioned: true,
	Guard: "t.brokerage_id = EXCLUDED.brokerage_id",
	Map: func(r *Row, e *Env) []any {
		email := userEmail(r)
		var role any
		if strings.EqualFold(r.Raw("role"), "client") { // one reason, not this and "not a role" too
			r.Reject("role", r.Raw("role"), "clients are leads, not users: load them with the clients dataset")
		} else {
			role = r.Enum("role", userRoles, true)
		}
		return []any{e.BrokerageID, email, userName(r), Unusable(email), role, nil, strings.EqualFold(r.Raw("status"), "active")}
	},
})

// Agents loads agents.csv into users of role agent, inactive until invited.
var Agents = register(&Dataset{
	Name: "agents", Title: "Agent roster", Owner: "Brokerage admin", Cadence: "weekly export",
	Signature: []string{"agent_id", "license_number", "specializations"},
	Target:    "users", Columns: userColumns,
	Key: []string{"email"}, Conflict: "((lower(email)))", Keep: []string{"password_hash", "brokerage_id", "active"}, Versioned: true,
	Guard: "t.brokerage_id = EXCLUDED.brokerage_id",
	Map: func(r *Row, e *Env) []any {
		email := userEmail(r)
		return []any{e.BrokerageID, email, userName(r), Unusable(email), "agent", nilIfEmpty(r.Raw("license_number")), false}
	},
})

func userEmail(r *Row) string {
	email := lead.NormalizeEmail(r.Text("email", true))
	if email != "" && strings.Index(email, "@") < 1 {
		r.Reject("email", email, "is not an e-mail address")
	}
	return email
}

func userName(r *Row) string {
	return strings.TrimSpace(r.Raw("first_name") + " " + r.Raw("last_name"))
}

// Unusable is a password hash no password matches: imported users sign in only after an
// admin invites them (the value is stable, so re-imports change nothing).
func Unusable(email string) string { return "!imported:" + email }

func (e *Env) community(r *Row, col, name string) string {
	if name == "" {
		return ""
	}
	id, ok := e.Community(name)
	if !ok {
		r.Warn(col, name, "unknown community: loaded without a location")
	}
	return id
}

func (e *Env) agent(r *Row, col string) any {
	if e.Agent == nil || r.Raw(col) == "" {
		return nil
	}
	if id, ok := e.Agent(r.Raw(col)); ok {
		return id
	}
	return nil
}

// checkPricePerSqft warns when a price per sqft is far outside its community's band.
func (e *Env) checkPricePerSqft(r *Row, community string, price, size any) {
	p, ok1 := price.(float64)
	s, ok2 := size.(float64)
	if !ok1 || !ok2 || community == "" || e.PricePerSqft == nil {
		return
	}
	lo, hi, ok := e.PricePerSqft(community)
	if per := p / s; ok && (per < lo/3 || per > hi*3) {
		r.Warn("price_aed", r.Raw("price_aed"), "%.0f AED/sqft is far outside the community's %.0f–%.0f", per, lo, hi)
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func fptr(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
