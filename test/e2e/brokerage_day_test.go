// Package e2e_test walks a brokerage's day through the HTTP API, in process by default or
// against a running platform with E2E_BASE_URL (and E2E_ADMIN_EMAIL / E2E_ADMIN_PASSWORD).
package e2e_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/apitest"
)

func TestBrokerageDay(t *testing.T) {
	c, a := newClient(t)
	suffix := fmt.Sprint(time.Now().UnixNano())
	adminEmail, adminPassword := os.Getenv("E2E_ADMIN_EMAIL"), os.Getenv("E2E_ADMIN_PASSWORD")
	if a != nil {
		admin := a.Brokerage("Day Realty " + suffix)
		adminEmail, adminPassword = admin.Email, apitest.Password
	} else if adminEmail == "" {
		t.Fatal("E2E_BASE_URL needs E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD")
	}
	admin := c.login(adminEmail, adminPassword)
	const pw = "a-long-password-1"

	// The admin builds the team.
	manager := c.do(admin, "POST", "/v1/users", map[string]any{"email": "manager" + suffix + "@day.ae",
		"password": pw, "role": "manager", "full_name": "Mona Manager"}).want(t, 201).m(t)
	c.do(admin, "POST", "/v1/users", map[string]any{"email": "agent" + suffix + "@day.ae", "password": pw,
		"role": "agent", "full_name": "Ali Agent", "brn": "BRN-55123", "manager_id": manager["id"]}).want(t, 201)
	c.do(admin, "POST", "/v1/users", map[string]any{"email": "compliance" + suffix + "@day.ae", "password": pw,
		"role": "compliance_officer"}).want(t, 201)
	agent := c.login("agent"+suffix+"@day.ae", pw)
	compliance := c.login("compliance"+suffix+"@day.ae", pw)

	// A listing: refused as active without a permit, active with one.
	loc := c.do(agent, "GET", "/v1/locations?q=Dubai%20Marina", nil).want(t, 200).m(t)
	items := loc["items"].([]any)
	if len(items) == 0 {
		t.Fatal("no location found for Dubai Marina")
	}
	marina := items[0].(map[string]any)["id"]
	listing := map[string]any{"reference": "DAY-" + suffix, "title": "2BR marina view", "purpose": "sale",
		"property_type": "apartment", "location_id": marina, "price_aed": 2000000, "size_sqft": 1250,
		"bedrooms": 2, "bathrooms": 2, "status": "active"}
	c.do(agent, "POST", "/v1/listings", listing).want(t, 422)
	listing["permit_number"] = "71029384"
	listing["permit_expiry"] = time.Now().AddDate(0, 6, 0).Format("2006-01-02")
	created := c.do(agent, "POST", "/v1/listings", listing).want(t, 201).m(t)
	if created["status"] != "active" {
		t.Fatalf("listing status %v", created["status"])
	}
	listingID := created["id"]

	// The same lead arrives twice: the second is a duplicate.
	lead := c.do(agent, "POST", "/v1/leads", map[string]any{"full_name": "Fatima Al Zaabi",
		"phone": "050 765 4321", "email": "fatima" + suffix + "@example.ae", "source": "bayut"}).want(t, 201).m(t)
	dup := c.do(agent, "POST", "/v1/leads", map[string]any{"full_name": "Fatima Z.",
		"phone": "+971507654321", "source": "property_finder"}).want(t, 409).m(t)
	if dup["existing_id"] != lead["id"] {
		t.Fatalf("duplicate points at %v, want %v", dup["existing_id"], lead["id"])
	}

	// A viewing, then an offer that closes.
	viewing := c.do(agent, "POST", "/v1/viewings", map[string]any{"lead_id": lead["id"], "listing_id": listingID,
		"scheduled_at": time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)}).want(t, 201)
	vid := viewing.m(t)["id"].(string)
	c.do(agent, "PATCH", "/v1/viewings/"+vid, map[string]any{"status": "done", "feedback": "Loved the view"},
		"If-Match: "+viewing.header.Get("ETag")).want(t, 200)
	deal := c.do(agent, "POST", "/v1/deals", map[string]any{"lead_id": lead["id"], "listing_id": listingID,
		"kind": "sale", "price_aed": 2000000, "payments": []map[string]any{
			{"method": "cash", "amount_aed": 60000}, {"method": "mortgage", "amount_aed": 1940000}}}).want(t, 201)
	d := deal.m(t)
	for field, want := range map[string]float64{"commission_aed": 40000, "vat_aed": 2000, "dld_fee_aed": 80000} {
		if d[field] != want {
			t.Errorf("%s = %v, want %v", field, d[field], want)
		}
	}
	dealID, etag := d["id"].(string), deal.header.Get("ETag")
	for _, stage := range []string{"negotiation", "mou_signed", "transfer", "closed_won"} {
		r := c.do(agent, "PATCH", "/v1/deals/"+dealID, map[string]any{"stage": stage}, "If-Match: "+etag).want(t, 200)
		etag = r.header.Get("ETag")
	}
	c.do(agent, "PATCH", "/v1/deals/"+dealID, map[string]any{"stage": "closed_lost"}, `If-Match: "1"`).want(t, 412)

	// Cash of AED 60,000 raises the AML flag: compliance sees it, the agent cannot.
	if c.do(compliance, "GET", "/v1/deals/"+dealID, nil).want(t, 200).m(t)["aml_flag"] != true {
		t.Error("compliance officer does not see the AML flag")
	}
	if body := string(c.do(agent, "GET", "/v1/deals/"+dealID, nil).want(t, 200).body); strings.Contains(body, "aml") {
		t.Errorf("agent sees AML data: %s", body)
	}

	// The client asks for their data, then to be forgotten: AML keeps what it must.
	export := string(c.do(admin, "POST", "/v1/leads/"+lead["id"].(string)+"/export", nil).want(t, 200).body)
	if !strings.Contains(export, dealID) || !strings.Contains(export, "Fatima") {
		t.Errorf("export misses the deal or the person: %.300s", export)
	}
	erase := c.do(admin, "POST", "/v1/leads/"+lead["id"].(string)+"/erase", nil).want(t, 200).m(t)
	if erase["legal_hold"] == nil {
		t.Errorf("erase of a client with a closed deal reports no legal hold: %v", erase)
	}

	for _, body := range c.seen {
		if strings.Contains(body, "$argon2") || strings.Contains(body, "password_hash") {
			t.Fatalf("a response contains a password hash: %.200s", body)
		}
	}
}
