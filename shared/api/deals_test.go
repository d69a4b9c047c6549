package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apitest"
)

// salesFixture is a brokerage with a team, a compliance officer and a rival brokerage, plus
// a lead and a listing of the agent written straight into the tables (this area's tests do
// not lean on the leads and listings routes).
type salesFixture struct {
	a                                 *apitest.API
	admin, manager, agent, agent2, co apitest.User
	outsider                          apitest.User
	lead, listing                     string
}

func newSalesFixture(t *testing.T) *salesFixture {
	a := apitest.New(t)
	f := &salesFixture{a: a, admin: a.Brokerage("Marina Crest"), outsider: a.Brokerage("Palm Horizon")}
	f.manager = a.User(f.admin, "manager@crest.ae", access.Manager, "")
	f.agent = a.User(f.admin, "agent@crest.ae", access.Agent, f.manager.ID)
	f.agent2 = a.User(f.admin, "agent2@crest.ae", access.Agent, "")
	f.co = a.User(f.admin, "compliance@crest.ae", access.ComplianceOfficer, "")
	f.lead = f.insertLead(t, f.agent, "bayut")
	f.listing = f.insertListing(t, f.agent)
	return f
}

func (f *salesFixture) insertLead(t *testing.T, owner apitest.User, source string) string {
	t.Helper()
	var id string
	if err := f.a.DB.QueryRow(context.Background(), `INSERT INTO leads (brokerage_id, agent_id, full_name, source)
		VALUES ($1, $2, 'Daniel Okafor', $3) RETURNING id::text`, owner.BrokerageID, owner.ID, source).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *salesFixture) insertListing(t *testing.T, owner apitest.User) string {
	t.Helper()
	var id string
	if err := f.a.DB.QueryRow(context.Background(), `INSERT INTO listings (brokerage_id, agent_id, reference, purpose,
		property_type, price_aed) VALUES ($1, $2, 'MC-' || substr(md5(random()::text), 1, 8), 'sale', 'apartment', 2450000)
		RETURNING id::text`, owner.BrokerageID, owner.ID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// noAML fails when a response to someone who is not a compliance officer mentions AML at all.
func noAML(t *testing.T, r apitest.Response) {
	t.Helper()
	if strings.Contains(strings.ToLower(string(r.Body)), "aml") {
		t.Fatalf("AML leaked to a non-compliance caller: %s", r.Body)
	}
}

func TestDealRoutes(t *testing.T) {
	f := newSalesFixture(t)
	a := f.a
	body := map[string]any{"lead_id": f.lead, "listing_id": f.listing, "kind": "sale", "price_aed": 2450000.5,
		"co_broke_brokerage": "Palm Horizon", "co_broke_split": 0.5,
		"payments": []map[string]any{{"method": "cash", "amount_aed": 30000}, {"method": "cash", "amount_aed": 25000},
			{"method": "mortgage", "amount_aed": 2395000.5}},
		"parties": map[string]any{"buyer": "Daniel Okafor", "seller": "Mariam Haddad"}}
	created := a.Do(f.agent, "POST", "/v1/deals", body).Expect(t, 201)
	noAML(t, created)
	d := created.Map(t)
	id := d["id"].(string)
	if created.Header.Get("ETag") != `"1"` || created.Header.Get("Location") != "/v1/deals/"+id {
		t.Fatalf("headers: %v", created.Header)
	}
	want := map[string]float64{"commission_aed": 49000.01, "vat_aed": 2450, "our_commission_aed": 24500.01,
		"dld_fee_aed": 98000.02, "commission_rate": 0.02, "price_aed": 2450000.5}
	for k, v := range want {
		if d[k] != v {
			t.Errorf("%s = %v, want %v", k, d[k], v)
		}
	}

	t.Run("computed fields cannot be sent", func(t *testing.T) {
		for _, field := range []string{"commission_aed", "vat_aed", "our_commission_aed", "dld_fee_aed", "aml_flag"} {
			bad := map[string]any{"lead_id": f.lead, "kind": "sale", "price_aed": 1000000, field: 1}
			r := a.Do(f.admin, "POST", "/v1/deals", bad).Expect(t, 422)
			if !strings.Contains(string(r.Body), field) {
				t.Errorf("422 does not name %s: %s", field, r.Body)
			}
		}
	})

	t.Run("lead and listing must be visible", func(t *testing.T) {
		r := a.Do(f.agent2, "POST", "/v1/deals", map[string]any{"lead_id": f.lead, "kind": "sale", "price_aed": 1}).Expect(t, 422)
		if !strings.Contains(string(r.Body), `"lead_id"`) {
			t.Fatal(string(r.Body))
		}
		r = a.Do(f.outsider, "POST", "/v1/deals", map[string]any{"lead_id": f.insertLead(t, f.outsider, "bayut"),
			"listing_id": f.listing, "kind": "sale", "price_aed": 1}).Expect(t, 422)
		if !strings.Contains(string(r.Body), `"listing_id"`) {
			t.Fatal(string(r.Body))
		}
		a.Do(f.co, "POST", "/v1/deals", map[string]any{"lead_id": f.lead, "kind": "sale", "price_aed": 1}).Expect(t, 403)
	})

	t.Run("only compliance officers see the AML screen", func(t *testing.T) {
		co := a.Do(f.co, "GET", "/v1/deals/"+id, nil).Expect(t, 200).Map(t)
		if co["aml_flag"] != true || fmt.Sprint(co["aml_reasons"]) != "[cash payments AED 55,000 ≥ 55,000]" {
			t.Fatalf("compliance view: %v %v", co["aml_flag"], co["aml_reasons"])
		}
		for _, u := range []apitest.User{f.agent, f.manager, f.admin} {
			noAML(t, a.Do(u, "GET", "/v1/deals/"+id, nil).Expect(t, 200))
			noAML(t, a.Do(u, "GET", "/v1/deals", nil).Expect(t, 200))
			noAML(t, a.Do(u, "GET", "/v1/deals?lead_id="+f.lead+"&sort=-price_aed", nil).Expect(t, 200))
			// Filtering on the flag is refused whatever the value, so the answer tells nothing.
			a.Do(u, "GET", "/v1/deals?aml_flag=true", nil).Expect(t, 403)
			a.Do(u, "GET", "/v1/deals?aml_flag=false", nil).Expect(t, 403)
		}
		var flagged struct{ Items []map[string]any }
		a.Do(f.co, "GET", "/v1/deals?aml_flag=true", nil).Expect(t, 200).JSON(t, &flagged)
		if len(flagged.Items) != 1 || flagged.Items[0]["id"] != id {
			t.Fatalf("compliance filter: %+v", flagged)
		}
		a.Do(f.co, "GET", "/v1/deals?aml_flag=false", nil).Expect(t, 200).JSON(t, &flagged)
		if len(flagged.Items) != 0 {
			t.Fatalf("compliance filter false: %+v", flagged)
		}
	})

	t.Run("updates", func(t *testing.T) {
		a.Do(f.agent, "PATCH", "/v1/deals/"+id, map[string]any{"stage": "negotiation"}, `If-Match: "7"`).Expect(t, 412)
		r := a.Do(f.agent, "PATCH", "/v1/deals/"+id, map[string]any{"stage": "negotiation",
			"payments": []map[string]any{{"method": "mortgage", "amount_aed": 2450000.5}}}, `If-Match: "1"`).Expect(t, 200)
		noAML(t, r)
		if r.Header.Get("ETag") != `"2"` || r.Map(t)["stage"] != "negotiation" {
			t.Fatalf("%v %s", r.Header, r.Body)
		}
		jump := a.Do(f.agent, "PATCH", "/v1/deals/"+id, map[string]any{"stage": "closed_won"}).Expect(t, 422)
		if !strings.Contains(string(jump.Body), `"stage"`) {
			t.Fatal(string(jump.Body))
		}
		a.Do(f.agent, "PATCH", "/v1/deals/"+id, map[string]any{"vat_aed": 0}).Expect(t, 422)
		a.Do(f.agent2, "PATCH", "/v1/deals/"+id, map[string]any{"price_aed": 1}).Expect(t, 404)
		a.Do(f.co, "PATCH", "/v1/deals/"+id, map[string]any{"price_aed": 1}).Expect(t, 403)
		// Cash removed: the screen is recomputed and clears.
		if co := a.Do(f.co, "GET", "/v1/deals/"+id, nil).Expect(t, 200).Map(t); co["aml_flag"] != false {
			t.Fatalf("screen not recomputed: %v", co["aml_flag"])
		}
	})

	t.Run("another brokerage gets 404 on every route", func(t *testing.T) {
		a.Do(f.outsider, "GET", "/v1/deals/"+id, nil).Expect(t, 404)
		a.Do(f.outsider, "PATCH", "/v1/deals/"+id, map[string]any{"stage": "closed_lost"}).Expect(t, 404)
		a.Do(f.outsider, "DELETE", "/v1/deals/"+id, nil).Expect(t, 404)
		var list struct{ Items []any }
		a.Do(f.outsider, "GET", "/v1/deals", nil).Expect(t, 200).JSON(t, &list)
		if len(list.Items) != 0 {
			t.Fatalf("%+v", list)
		}
		a.Do(f.outsider, "GET", "/v1/deals/not-a-uuid", nil).Expect(t, 404)
	})

	t.Run("list validation", func(t *testing.T) {
		a.Do(f.admin, "GET", "/v1/deals?sort=commission_aed", nil).Expect(t, 422)
		a.Do(f.admin, "GET", "/v1/deals?limit=500", nil).Expect(t, 422)
		a.Do(f.admin, "GET", "/v1/deals?cursor=forged", nil).Expect(t, 422)
		a.Do(f.admin, "GET", "/v1/deals?stage=won", nil).Expect(t, 422)
	})

	t.Run("delete", func(t *testing.T) {
		a.Do(f.agent, "DELETE", "/v1/deals/"+id, nil, `If-Match: "1"`).Expect(t, 412)
		a.Do(f.agent, "DELETE", "/v1/deals/"+id, nil).Expect(t, 204)
		a.Do(f.agent, "GET", "/v1/deals/"+id, nil).Expect(t, 404)
	})
}

func TestViewingRoutes(t *testing.T) {
	f := newSalesFixture(t)
	a := f.a
	created := a.Do(f.agent, "POST", "/v1/viewings", map[string]any{"lead_id": f.lead, "listing_id": f.listing,
		"scheduled_at": "2026-11-27T18:30:00+04:00"}).Expect(t, 201)
	v := created.Map(t)
	id := v["id"].(string)
	if v["scheduled_at"] != "2026-11-27T14:30:00Z" || v["agent_id"] != f.agent.ID || v["status"] != "scheduled" {
		t.Fatalf("%v", v)
	}
	a.Do(f.agent, "POST", "/v1/viewings", map[string]any{"lead_id": f.lead, "listing_id": f.listing}).Expect(t, 422)
	a.Do(f.agent2, "POST", "/v1/viewings", map[string]any{"lead_id": f.lead, "listing_id": f.listing,
		"scheduled_at": "2026-11-27T14:30:00Z"}).Expect(t, 422)
	a.Do(f.manager, "GET", "/v1/viewings/"+id, nil).Expect(t, 200)
	a.Do(f.co, "GET", "/v1/viewings/"+id, nil).Expect(t, 200)
	a.Do(f.co, "PATCH", "/v1/viewings/"+id, map[string]any{"feedback": "x"}).Expect(t, 403)
	a.Do(f.agent2, "GET", "/v1/viewings/"+id, nil).Expect(t, 404)
	for _, r := range []struct{ method, path string }{{"GET", "/v1/viewings/" + id}, {"PATCH", "/v1/viewings/" + id},
		{"DELETE", "/v1/viewings/" + id}} {
		var body any
		if r.method == "PATCH" {
			body = map[string]any{"status": "cancelled"}
		}
		a.Do(f.outsider, r.method, r.path, body).Expect(t, 404)
	}
	a.Do(f.agent, "PATCH", "/v1/viewings/"+id, map[string]any{"status": "done"}, `If-Match: "3"`).Expect(t, 412)
	done := a.Do(f.agent, "PATCH", "/v1/viewings/"+id, map[string]any{"status": "done",
		"feedback": "Liked the marina view; wants a higher floor."}, `If-Match: "1"`).Expect(t, 200)
	if done.Header.Get("ETag") != `"2"` {
		t.Fatal(done.Header)
	}
	a.Do(f.agent, "PATCH", "/v1/viewings/"+id, map[string]any{"status": "no_show"}).Expect(t, 422)
	a.Do(f.agent, "PATCH", "/v1/viewings/"+id, map[string]any{"rating": 5}).Expect(t, 422)

	var list struct {
		Items      []map[string]any
		NextCursor string `json:"next_cursor"`
	}
	a.Do(f.manager, "GET", "/v1/viewings?status=done&lead_id="+f.lead, nil).Expect(t, 200).JSON(t, &list)
	if len(list.Items) != 1 || list.Items[0]["feedback"] != "Liked the marina view; wants a higher floor." {
		t.Fatalf("%+v", list)
	}
	a.Do(f.outsider, "GET", "/v1/viewings", nil).Expect(t, 200).JSON(t, &list)
	if len(list.Items) != 0 {
		t.Fatalf("%+v", list)
	}
	a.Do(f.agent, "DELETE", "/v1/viewings/"+id, nil).Expect(t, 204)
	a.Do(f.agent, "GET", "/v1/viewings/"+id, nil).Expect(t, 404)
}
