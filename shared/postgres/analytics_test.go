package postgres_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/analytics"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/deal"
	"github.com/propertypro/propertypro/shared/postgres"
)

func salesOct(day, hour, min int) time.Time {
	return time.Date(2026, 10, day, hour, min, 0, 0, time.UTC)
}

// insertDeal writes a deal with given amounts straight into the table.
func (w *salesWorld) insertDeal(agent, lead string, stage deal.Stage, price, ours int64, closed *time.Time) {
	w.exec1(`INSERT INTO deals (brokerage_id, agent_id, lead_id, kind, stage, price_aed, commission_rate,
		commission_aed, our_commission_aed, closed_at) VALUES ($1, $2, $3, 'sale', $4, $5, 0.02, $5 * 0.02, $6, $7)
		RETURNING id::text`, w.b, agent, lead, string(stage), price, ours, closed)
}

func (w *salesWorld) activity(lead, kind string, at time.Time) {
	w.exec1(`INSERT INTO activities (brokerage_id, entity, entity_id, kind, at) VALUES ($1, 'lead', $2, $3, $4)
		RETURNING id::text`, w.b, lead, kind, at)
}

func salesPtr[T any](v T) *T { return &v }

// A month of a small brokerage, and the numbers each role gets from it.
func TestKPIs(t *testing.T) {
	w := newSalesWorld(t)
	l1 := w.lead(w.b, w.agent.UserID, "bayut", salesOct(5, 10, 0))
	w.db.Exec(w.ctx, `UPDATE leads SET first_contacted_at = $2, stage = 'won' WHERE id = $1`, l1, salesOct(5, 10, 10))
	l2 := w.lead(w.b, w.agent.UserID, "bayut", salesOct(6, 9, 0))
	w.activity(l2, "note", salesOct(6, 9, 1)) // a note is not contact
	w.activity(l2, "call", salesOct(6, 9, 30))
	l3 := w.lead(w.b, w.agent2.UserID, "referral", salesOct(7, 8, 0))
	w.activity(l3, "email", salesOct(7, 8, 5))
	w.db.Exec(w.ctx, `UPDATE leads SET first_contacted_at = $2 WHERE id = $1`, l3, salesOct(7, 9, 0))
	w.lead(w.b, w.agent2.UserID, "referral", salesOct(8, 8, 0))
	w.lead(w.b, "", "whatsapp", salesOct(9, 8, 0))
	l5 := w.lead(w.b, w.agent.UserID, "website", time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC))
	gone := w.lead(w.b, w.agent.UserID, "bayut", salesOct(10, 8, 0))
	w.db.Exec(w.ctx, `UPDATE leads SET deleted_at = now() WHERE id = $1`, gone)
	w.lead(w.ob, w.outside.UserID, "bayut", salesOct(10, 8, 0))

	w.insertDeal(w.agent2.UserID, l3, deal.ClosedWon, 1_500_000, 30_000, salesPtr(salesOct(17, 8, 0)))
	w.insertDeal(w.agent.UserID, l5, deal.ClosedWon, 600_000, 12_000, salesPtr(salesOct(20, 8, 0)))
	w.insertDeal(w.agent.UserID, l5, deal.ClosedWon, 900_000, 18_000, salesPtr(time.Date(2026, 11, 5, 0, 0, 0, 0, time.UTC)))
	w.insertDeal(w.agent.UserID, l1, deal.Offer, 1_000_000, 20_000, nil)
	w.insertDeal(w.agent.UserID, l2, deal.Negotiation, 2_000_000, 20_000, nil)
	w.insertDeal(w.agent2.UserID, l3, deal.Offer, 500_000, 10_000, nil)
	w.insertDeal(w.agent2.UserID, l3, deal.ClosedLost, 700_000, 14_000, salesPtr(salesOct(21, 8, 0)))

	svc := analytics.New(postgres.NewAnalytics(w.db), postgres.NewAuditTrail(w.db))
	from, to := salesOct(1, 0, 0), time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	kpis := func(a access.Actor) analytics.KPIs {
		t.Helper()
		k, err := svc.KPIs(w.ctx, a, from, to)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}

	t.Run("admin sees the brokerage", func(t *testing.T) {
		k := kpis(w.admin)
		want := analytics.Conversion{Leads: 5, Won: 2, Rate: 0.4, BySource: []analytics.SourceConversion{
			{Source: "bayut", Leads: 2, Won: 1, Rate: 0.5}, {Source: "referral", Leads: 2, Won: 1, Rate: 0.5},
			{Source: "whatsapp", Leads: 1}}}
		if diff := cmp.Diff(want, k.LeadConversion); diff != "" || k.Scope != "brokerage" {
			t.Fatalf("conversion (-want +got):\n%s", diff)
		}
		// Contact after 10, 30 and 5 minutes; two never contacted.
		if diff := cmp.Diff(analytics.FirstContact{Leads: 5, Contacted: 3, WithinNorm: 2, NotContacted: 2,
			MedianMinutes: salesPtr(10.0), P90Minutes: salesPtr(26.0)}, k.SpeedToFirstContact); diff != "" {
			t.Fatalf("first contact (-want +got):\n%s", diff)
		}
		// Won in October: 10 days and 49 days after the lead arrived.
		if diff := cmp.Diff(analytics.TimeToClose{Deals: 2, MedianDays: salesPtr(29.5)}, k.TimeToClose); diff != "" {
			t.Fatalf("time to close (-want +got):\n%s", diff)
		}
		p := k.Pipeline
		if p.ValueAED != deal.AED(3_500_000) || p.ExpectedCommissionAED != deal.AED(50_000) ||
			p.Stages[0].Deals != 2 || p.Stages[1].ValueAED != deal.AED(2_000_000) || p.Stages[3].Deals != 0 {
			t.Fatalf("pipeline: %+v", p)
		}
		board := map[string]analytics.AgentScore{}
		var order []string
		for _, s := range k.Leaderboard {
			board[s.AgentID] = s
			order = append(order, s.AgentID)
		}
		if diff := cmp.Diff([]string{w.agent2.UserID, w.agent.UserID, w.manager.UserID}, order); diff != "" {
			t.Fatalf("leaderboard order: %s", diff)
		}
		if s := board[w.agent.UserID]; s.DealsWon != 1 || s.CommissionAED != deal.AED(12_000) || s.LeadsHandled != 2 {
			t.Fatalf("agent's line: %+v", s)
		}
	})

	t.Run("agent sees only their own", func(t *testing.T) {
		k := kpis(w.agent)
		if k.Scope != "self" || k.LeadConversion.Leads != 2 || k.LeadConversion.Won != 1 || len(k.LeadConversion.BySource) != 1 {
			t.Fatalf("conversion: %+v", k.LeadConversion)
		}
		if fc := k.SpeedToFirstContact; fc.Contacted != 2 || *fc.MedianMinutes != 20 || *fc.P90Minutes != 28 {
			t.Fatalf("first contact: %+v", fc)
		}
		if k.TimeToClose.Deals != 1 || *k.TimeToClose.MedianDays != 49 {
			t.Fatalf("time to close: %+v", k.TimeToClose)
		}
		if k.Pipeline.ValueAED != deal.AED(3_000_000) {
			t.Fatalf("pipeline: %+v", k.Pipeline)
		}
		if len(k.Leaderboard) != 1 || k.Leaderboard[0].AgentID != w.agent.UserID {
			t.Fatalf("leaderboard: %+v", k.Leaderboard)
		}
	})

	t.Run("manager sees the team and unassigned leads", func(t *testing.T) {
		k := kpis(w.manager)
		if k.Scope != "team" || k.LeadConversion.Leads != 3 || k.SpeedToFirstContact.Leads != 3 {
			t.Fatalf("%+v", k.LeadConversion)
		}
		if len(k.Leaderboard) != 2 {
			t.Fatalf("leaderboard: %+v", k.Leaderboard)
		}
	})

	t.Run("an empty window has no medians", func(t *testing.T) {
		k, err := svc.KPIs(w.ctx, w.admin, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2020, 2, 1, 0, 0, 0, 0, time.UTC))
		if err != nil || k.SpeedToFirstContact.MedianMinutes != nil || k.TimeToClose.MedianDays != nil || k.LeadConversion.Rate != 0 {
			t.Fatalf("%+v %v", k, err)
		}
	})

	t.Run("the other brokerage sees none of it", func(t *testing.T) {
		k := kpis(w.outside)
		if k.LeadConversion.Leads != 1 || k.Pipeline.ValueAED != 0 || k.TimeToClose.Deals != 0 {
			t.Fatalf("%+v", k)
		}
	})
}

func TestAuditTrail(t *testing.T) {
	w := newSalesWorld(t)
	dealSvc := w.service()
	lead := w.lead(w.b, w.agent.UserID, "bayut", time.Now())
	var ids []string
	for range 5 {
		d, err := dealSvc.CreateDeal(w.ctx, w.agent, deal.NewDeal{LeadID: lead, Kind: deal.Sale, PriceAED: deal.AED(1_000_000),
			Payments: []deal.Payment{{Method: deal.VirtualAsset, AmountAED: deal.AED(5)}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	price := deal.AED(1_100_000)
	if _, err := dealSvc.UpdateDeal(w.ctx, w.agent, ids[0], deal.DealChanges{PriceAED: &price}, 0); err != nil {
		t.Fatal(err)
	}
	otherLead := w.lead(w.ob, w.outside.UserID, "bayut", time.Now())
	if _, err := dealSvc.CreateDeal(w.ctx, w.outside, deal.NewDeal{LeadID: otherLead, Kind: deal.Sale, PriceAED: 1}); err != nil {
		t.Fatal(err)
	}
	svc := analytics.New(postgres.NewAnalytics(w.db), postgres.NewAuditTrail(w.db))

	var seen []int64
	q := analytics.AuditQuery{Entity: "deal", Limit: 2}
	for range 10 {
		res, err := svc.AuditTrail(w.ctx, w.admin, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res.Items {
			seen = append(seen, r.ID)
			if r.BrokerageID != w.b || r.Entity != "deal" {
				t.Fatalf("stranger: %+v", r)
			}
			if strings.Contains(strings.ToLower(string(r.Before)+string(r.After)), "aml") {
				t.Fatalf("AML screen shown to an admin: %s", r.After)
			}
		}
		if res.NextCursor == "" {
			break
		}
		q.Cursor = res.NextCursor
	}
	if len(seen) != 6 || seen[0] < seen[5] {
		t.Fatalf("ids %v: want 6, newest first", seen)
	}
	res, err := svc.AuditTrail(w.ctx, w.admin, analytics.AuditQuery{Action: "update", EntityID: ids[0], ActorID: w.agent.UserID})
	if err != nil || len(res.Items) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	var before, after map[string]any
	json.Unmarshal(res.Items[0].Before, &before)
	json.Unmarshal(res.Items[0].After, &after)
	if before["price_aed"] != 1e6 || after["price_aed"] != 1.1e6 {
		t.Fatalf("before %v after %v", before["price_aed"], after["price_aed"])
	}
	// The trail keeps the screen for the record; only the API's readers are spared it.
	var stored string
	w.db.QueryRow(w.ctx, `SELECT after::text FROM audit_log WHERE entity_id = $1 AND action = 'create'`, ids[1]).Scan(&stored)
	if !strings.Contains(stored, `"aml_flag": true`) {
		t.Fatalf("stored snapshot lacks the AML screen: %s", stored)
	}
	for _, q := range []analytics.AuditQuery{{ActorID: "nobody"}, {From: time.Now().Add(time.Hour)}, {To: time.Now().Add(-time.Hour)}} {
		if res, err := svc.AuditTrail(w.ctx, w.admin, q); err != nil || len(res.Items) != 0 {
			t.Errorf("%+v: %d entries, %v", q, len(res.Items), err)
		}
	}
	for _, who := range []access.Actor{w.agent, w.manager, w.co} {
		if _, err := svc.AuditTrail(w.ctx, who, analytics.AuditQuery{}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("%s reads the trail: %v", who.Role, err)
		}
	}
	if _, err := svc.AuditTrail(w.ctx, w.admin, analytics.AuditQuery{Cursor: "forged"}); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("forged cursor: %v", err)
	}
}
