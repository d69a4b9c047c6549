package ingest

import "time"

var levels = enum("low", "low", "medium", "medium", "moderate", "medium", "high", "high", "very high", "high", "very low", "low")

var obsColumns = []Column{{"community", "text"}, {"community_id", "uuid"}, {"property_type", "text"}, {"period", "date"},
	{"source", "text"}, {"avg_price_per_sqft", "numeric"}, {"price_change_1m", "numeric"}, {"price_change_3m", "numeric"},
	{"price_change_6m", "numeric"}, {"price_change_1y", "numeric"}, {"transaction_volume", "integer"},
	{"days_on_market", "integer"}, {"supply_level", "text"}, {"demand_level", "text"}}

// MarketData loads market_data.csv and the workbook's Market Analysis sheet: one observation
// per community, segment, date and source.
var MarketData = register(&Dataset{
	Name: "market_data", Title: "Market observations", Owner: "Research", Cadence: "weekly",
	Signature: []string{"category", "neighborhood", "avg_price_per_sqft", "price_change_3m"},
	Target:    "market_observations", Columns: obsColumns,
	Key:      []string{"community", "property_type", "period", "source"},
	Conflict: "(community, property_type, period, source)",
	Map: func(r *Row, e *Env) []any {
		name := r.Text("neighborhood", true)
		return []any{name, nilIfEmpty(e.community(r, "neighborhood", name)), lower(r.Text("category", true)),
			r.Date("report_date", true), r.Text("source", false), r.Num("avg_price_per_sqft", 1, 1e6, true), nil,
			r.Num("price_change_3m", -100, 1000, false), r.Num("price_change_6m", -100, 1000, false),
			r.Num("price_change_1y", -100, 1000, false), r.Int("transaction_volume", 0, 1e9, false),
			r.Int("days_on_market", 0, 10000, false), r.Enum("supply_level", levels, false), r.Enum("demand_level", levels, false)}
	},
})

// MarketTrends loads market_trends.json: monthly figures per community, all property types.
var MarketTrends = register(&Dataset{
	Name: "market_trends", Title: "Monthly market trends", Owner: "Research", Cadence: "monthly",
	Signature: []string{"month", "year", "neighborhood", "avg_price_per_sqft"},
	Target:    "market_observations", Columns: obsColumns,
	Key:      []string{"community", "property_type", "period", "source"},
	Conflict: "(community, property_type, period, source)",
	Map: func(r *Row, e *Env) []any {
		name := r.Text("neighborhood", true)
		y, m := r.Int("year", 1900, 2200, true), r.Int("month", 1, 12, true)
		var period any
		if y != nil && m != nil {
			period = time.Date(int(y.(int64)), time.Month(m.(int64)), 1, 0, 0, 0, 0, time.UTC)
		}
		return []any{name, nilIfEmpty(e.community(r, "neighborhood", name)), "all", period, "market_trends",
			r.Num("avg_price_per_sqft", 1, 1e6, true), r.Num("price_change", -100, 1000, false), nil, nil, nil,
			r.Int("transaction_volume", 0, 1e9, false), r.Int("days_on_market", 0, 10000, false),
			r.Enum("supply_level", levels, false), r.Enum("demand_level", levels, false)}
	},
})

var trends = enum("increasing", "increasing", "rising", "increasing", "up", "increasing", "decreasing", "decreasing",
	"falling", "decreasing", "down", "decreasing", "stable", "stable", "flat", "stable", "volatile", "volatile")

var sentiments = enum("positive", "positive", "bullish", "positive", "negative", "negative", "bearish", "negative",
	"neutral", "neutral", "mixed", "neutral", "cautious", "cautious", "optimistic", "optimistic")

// MarketReports loads market_reports.csv: published analyses and where their PDFs are.
var MarketReports = register(&Dataset{
	Name: "market_reports", Title: "Market reports", Owner: "Research", Cadence: "monthly",
	Signature: []string{"report_title", "report_type", "market_sentiment"},
	Target:    "market_reports",
	Columns: []Column{{"title", "text"}, {"report_type", "text"}, {"community", "text"}, {"community_id", "uuid"},
		{"property_type", "text"}, {"report_date", "date"}, {"author", "text"}, {"summary", "text"},
		{"key_findings", "integer"}, {"price_trend", "text"}, {"sentiment", "text"}, {"recommendations", "integer"},
		{"file_path", "text"}},
	Key:      []string{"title", "community", "property_type", "report_date"},
	Conflict: "(title, community, property_type, report_date)",
	Map: func(r *Row, e *Env) []any {
		name := r.Text("neighborhood", true)
		return []any{r.Text("report_title", true), r.Text("report_type", false), name, nilIfEmpty(e.community(r, "neighborhood", name)),
			lower(r.Text("property_type", false)), r.Date("report_date", true), r.Text("author", false), r.Text("summary", false),
			r.Int("key_findings", 0, 1e6, false), r.Enum("price_trend", trends, false), r.Enum("market_sentiment", sentiments, false),
			r.Int("recommendations", 0, 1e6, false), r.Text("file_path", false)}
	},
})

// Neighbourhoods loads neighborhoods.json: a profile per community.
var Neighbourhoods = register(&Dataset{
	Name: "neighbourhoods", Title: "Community profiles", Owner: "Research", Cadence: "quarterly",
	Signature: []string{"name", "average_price_per_sqft", "popular_property_types"},
	Target:    "community_profiles",
	Columns: []Column{{"name", "text"}, {"community_id", "uuid"}, {"avg_price_per_sqft", "numeric"},
		{"popular_property_types", "text[]"}, {"top_developers", "text[]"}, {"amenities", "text[]"},
		{"transportation", "text[]"}, {"schools", "integer"}, {"hospitals", "integer"}, {"shopping_centers", "integer"},
		{"parks", "integer"}, {"description", "text"}},
	Key: []string{"name"}, Conflict: "(name)",
	Map: func(r *Row, e *Env) []any {
		name := r.Text("name", true)
		list := func(c string) []string { l, _ := List(r.Raw(c)); return l }
		return []any{name, nilIfEmpty(e.community(r, "name", name)), r.Num("average_price_per_sqft", 1, 1e6, false),
			list("popular_property_types"), list("top_developers"), list("amenities"), list("transportation"),
			r.Int("schools", 0, 1e5, false), r.Int("hospitals", 0, 1e5, false), r.Int("shopping_centers", 0, 1e5, false),
			r.Int("parks", 0, 1e5, false), r.Text("description", false)}
	},
})

// PropertyAnalytics loads property_analytics.json: portal engagement per listing.
var PropertyAnalytics = register(&Dataset{
	Name: "property_analytics", Title: "Listing engagement", Owner: "Marketing", Cadence: "daily",
	Signature: []string{"property_id", "views_last_30_days", "inquiries_last_30_days"},
	Target:    "listing_analytics",
	Columns: []Column{colBrokerage, colReference, {"listing_id", "uuid"}, {"views_30d", "integer"}, {"inquiries_30d", "integer"},
		{"favorites", "integer"}, {"shares", "integer"}, {"avg_time_on_page_s", "numeric"}, {"bounce_rate", "numeric"},
		{"conversion_rate", "numeric"}, {"price_history", "jsonb"}},
	Key: []string{"brokerage_id", "reference"}, Conflict: "(brokerage_id, reference)",
	Map: func(r *Row, e *Env) []any {
		ref := Reference(r.Text("property_id", true))
		id, ok := e.Listing(ref)
		if !ok {
			r.Reject("property_id", r.Raw("property_id"), "no listing %s in the database; load the properties first", ref)
		}
		hist := r.Raw("price_history")
		if hist == "" {
			hist = "[]"
		} else if hist[0] != '[' {
			r.Reject("price_history", hist, "must be a JSON list of {date, price}")
		}
		return []any{e.BrokerageID, ref, nilIfEmpty(id), r.Int("views_last_30_days", 0, 1e9, false),
			r.Int("inquiries_last_30_days", 0, 1e9, false), r.Int("favorites_count", 0, 1e9, false),
			r.Int("shares_count", 0, 1e9, false), r.Num("avg_time_on_page", 0, 1e6, false), r.Num("bounce_rate", 0, 1, false),
			r.Num("conversion_rate", 0, 1, false), hist}
	},
})

// OrgChart loads company_hierarchy.json: the brokerage's reporting lines, kept as a document.
var OrgChart = register(&Dataset{
	Name: "org_chart", Title: "Company hierarchy", Owner: "Brokerage admin", Cadence: "on change",
	Signature: []string{"company_name", "structure"},
	Target:    "org_charts",
	Columns:   []Column{colBrokerage, {"company_name", "text"}, {"structure", "jsonb"}},
	Key:       []string{"brokerage_id", "company_name"}, Conflict: "(brokerage_id, company_name)",
	Map: func(r *Row, e *Env) []any {
		s := r.Text("structure", true)
		if s != "" && s[0] != '{' {
			r.Reject("structure", s, "must be a JSON object")
		}
		return []any{e.BrokerageID, r.Text("company_name", true), s}
	},
})

func lower(s string) string {
	b := []rune(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}
