package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/apitest"
)

func TestAnalyticsRoute(t *testing.T) {
	f := newSalesFixture(t)
	a := f.a
	f.insertLead(t, f.agent, "bayut")
	f.insertLead(t, f.agent2, "referral")
	f.insertLead(t, f.agent2, "referral")
	f.insertLead(t, f.outsider, "dubizzle")
	won := a.Do(f.agent, "POST", "/v1/deals", map[string]any{"lead_id": f.lead, "kind": "rent", "price_aed": 120000,
		"ejari_number": "EJ-2026-0042"}).Expect(t, 201).Map(t)
	id := won["id"].(string)
	for i, stage := range []string{"negotiation", "mou_signed", "closed_won"} {
		a.Do(f.agent, "PATCH", "/v1/deals/"+id, map[string]any{"stage": stage}, `If-Match: "`+string(rune('1'+i))+`"`).Expect(t, 200)
	}
	window := "?from=" + time.Now().Add(-time.Hour).UTC().Format(time.RFC3339) + "&to=" + time.Now().Add(time.Hour).UTC().Format(time.RFC3339)

	type kpis struct {
		Scope          string
		LeadConversion struct {
			Leads, Won int
			BySource   []struct{ Source string } `json:"by_source"`
		} `json:"lead_conversion"`
		TimeToClose struct{ Deals int } `json:"time_to_close"`
		Leaderboard []struct {
			AgentID       string  `json:"agent_id"`
			DealsWon      int     `json:"deals_won"`
			CommissionAED float64 `json:"commission_aed"`
		}
	}
	tests := []struct {
		who           apitest.User
		scope         string
		leads, agents int
	}{
		{f.agent, "self", 2, 1},
		{f.agent2, "self", 2, 1},
		{f.manager, "team", 2, 2},
		{f.admin, "brokerage", 4, 3},
		{f.co, "brokerage", 4, 3},
		{f.outsider, "brokerage", 1, 1}, // its admin owns the lead
	}
	for _, tt := range tests {
		t.Run(tt.who.Email, func(t *testing.T) {
			var k kpis
			a.Do(tt.who, "GET", "/v1/analytics/kpis"+window, nil).Expect(t, 200).JSON(t, &k)
			if k.Scope != tt.scope || k.LeadConversion.Leads != tt.leads || len(k.Leaderboard) != tt.agents {
				t.Fatalf("%+v", k)
			}
			if tt.who.ID == f.agent.ID {
				if k.LeadConversion.Won != 1 || k.TimeToClose.Deals != 1 || k.Leaderboard[0].AgentID != f.agent.ID ||
					k.Leaderboard[0].CommissionAED != 6000 {
					t.Fatalf("agent's own numbers: %+v", k)
				}
			}
			if tt.who.ID == f.agent2.ID && (k.LeadConversion.Won != 0 || k.TimeToClose.Deals != 0 || k.Leaderboard[0].AgentID != f.agent2.ID) {
				t.Fatalf("agent2 sees someone else's numbers: %+v", k)
			}
		})
	}
	a.Do(f.admin, "GET", "/v1/analytics/kpis", nil).Expect(t, 200)
	a.Do(f.admin, "GET", "/v1/analytics/kpis?from=2026-11-01T00:00:00Z&to=2026-10-01T00:00:00Z", nil).Expect(t, 422)
	a.Do(f.admin, "GET", "/v1/analytics/kpis?from=yesterday", nil).Expect(t, 422)
	a.Do(apitest.User{}, "GET", "/v1/analytics/kpis", nil).Expect(t, 401)
}

func TestAuditRoute(t *testing.T) {
	f := newSalesFixture(t)
	a := f.a
	created := a.Do(f.agent, "POST", "/v1/deals", map[string]any{"lead_id": f.lead, "kind": "sale", "price_aed": 3000000,
		"payments": []map[string]any{{"method": "virtual_asset", "amount_aed": 100000}}}).Expect(t, 201).Map(t)
	id := created["id"].(string)
	a.Do(f.agent, "PATCH", "/v1/deals/"+id, map[string]any{"price_aed": 3100000}).Expect(t, 200)
	a.Do(f.outsider, "POST", "/v1/users", map[string]any{"email": "agent@palm.ae", "password": "a-long-password", "role": "agent"}).Expect(t, 201)

	for _, u := range []apitest.User{f.agent, f.manager, f.co, f.agent2} {
		a.Do(u, "GET", "/v1/audit", nil).Expect(t, 403)
	}
	all := a.Do(f.admin, "GET", "/v1/audit?limit=200", nil).Expect(t, 200)
	body := strings.ToLower(string(all.Body))
	for _, secret := range []string{"argon2", "password_hash", "$argon", "aml", "agent@palm.ae"} {
		if strings.Contains(body, secret) {
			t.Errorf("the trail shows %q: %s", secret, all.Body)
		}
	}
	var page struct {
		Items []struct {
			ID       int64
			Action   string
			Entity   string
			EntityID string         `json:"entity_id"`
			ActorID  string         `json:"actor_id"`
			Before   map[string]any `json:"before"`
			After    map[string]any `json:"after"`
		}
		NextCursor string `json:"next_cursor"`
	}
	all.JSON(t, &page)
	var users int
	for _, e := range page.Items {
		if e.Entity == "user" && e.Action == "create" {
			users++
		}
	}
	if users != 5 { // the first admin and the four users of the fixture
		t.Fatalf("%d user creations in the trail, want 5: %s", users, all.Body)
	}
	a.Do(f.admin, "GET", "/v1/audit?entity=deal&action=update&actor_id="+f.agent.ID, nil).Expect(t, 200).JSON(t, &page)
	if len(page.Items) != 1 || page.Items[0].EntityID != id || page.Items[0].Before["price_aed"] != 3e6 ||
		page.Items[0].After["price_aed"] != 3.1e6 {
		t.Fatalf("%+v", page)
	}
	// Paging by id, newest first, without gaps.
	var ids []int64
	path := "/v1/audit?limit=3"
	for range 20 {
		page.NextCursor = ""
		a.Do(f.admin, "GET", path, nil).Expect(t, 200).JSON(t, &page)
		for _, e := range page.Items {
			ids = append(ids, e.ID)
		}
		if page.NextCursor == "" {
			break
		}
		path = "/v1/audit?limit=3&cursor=" + page.NextCursor
	}
	var total int
	a.DB.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE brokerage_id = $1`, f.admin.BrokerageID).Scan(&total)
	if len(ids) != total {
		t.Fatalf("paged %d entries of %d", len(ids), total)
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] >= ids[i-1] {
			t.Fatalf("not newest first: %v", ids)
		}
	}
	a.Do(f.admin, "GET", "/v1/audit?cursor=forged", nil).Expect(t, 422)
	a.Do(f.admin, "GET", "/v1/audit?from=2030-01-01T00:00:00Z", nil).Expect(t, 200).JSON(t, &page)
	if len(page.Items) != 0 {
		t.Fatalf("%+v", page)
	}
}
