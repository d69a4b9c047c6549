package analytics

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/deal"
)

func TestSummarizeConversion(t *testing.T) {
	c := Summarize([]SourceConversion{{Source: "bayut", Leads: 3, Won: 1}, {Source: "referral", Leads: 4, Won: 3},
		{Source: "website", Leads: 0, Won: 0}})
	if c.Leads != 7 || c.Won != 4 || c.Rate != 0.5714 {
		t.Fatalf("%+v", c)
	}
	want := []SourceConversion{{Source: "referral", Leads: 4, Won: 3, Rate: 0.75}, {Source: "bayut", Leads: 3, Won: 1, Rate: 0.3333},
		{Source: "website"}}
	if diff := cmp.Diff(want, c.BySource); diff != "" {
		t.Fatal(diff)
	}
	if empty := Summarize(nil); empty.Rate != 0 || empty.BySource == nil {
		t.Fatalf("%+v", empty)
	}
}

func TestPipelineListsEveryOpenStage(t *testing.T) {
	p := PipelineOf([]StageValue{{Stage: deal.MOUSigned, Deals: 2, ValueAED: deal.AED(3_000_000), ExpectedCommissionAED: deal.AED(60_000)},
		{Stage: deal.Offer, Deals: 1, ValueAED: deal.AED(1_000_000), ExpectedCommissionAED: deal.AED(10_000)}})
	var stages []deal.Stage
	for _, s := range p.Stages {
		stages = append(stages, s.Stage)
	}
	if diff := cmp.Diff(deal.OpenStages, stages); diff != "" {
		t.Fatal(diff)
	}
	if p.ValueAED != deal.AED(4_000_000) || p.ExpectedCommissionAED != deal.AED(70_000) || p.Stages[1].Deals != 0 {
		t.Fatalf("%+v", p)
	}
}

func TestRankLeaderboard(t *testing.T) {
	got := Rank([]AgentScore{
		{AgentID: "a", FullName: "Zara", DealsWon: 1, CommissionAED: deal.AED(10_000)},
		{AgentID: "b", FullName: "Omar", DealsWon: 2, CommissionAED: deal.AED(50_000)},
		{AgentID: "c", FullName: "Lina", DealsWon: 0, LeadsHandled: 9},
		{AgentID: "d", FullName: "Adam", DealsWon: 0, LeadsHandled: 9},
	})
	var order []string
	for _, s := range got {
		order = append(order, s.AgentID)
	}
	if diff := cmp.Diff([]string{"b", "a", "d", "c"}, order); diff != "" {
		t.Fatal(diff)
	}
	if Rank(nil) == nil {
		t.Fatal("an empty leaderboard is [], not null")
	}
}

func TestScopeFollowsTheRole(t *testing.T) {
	tests := []struct {
		actor access.Actor
		level string
		scope Scope
	}{
		{access.Actor{UserID: "ag", Role: access.Agent}, "self", Scope{Owners: []string{"ag"}}},
		{access.Actor{UserID: "m", Role: access.Manager, Team: []string{"ag"}}, "team", Scope{Owners: []string{"m", "ag"}, Unassigned: true}},
		{access.Actor{UserID: "ad", Role: access.Admin}, "brokerage", Scope{}},
		{access.Actor{UserID: "co", Role: access.ComplianceOfficer}, "brokerage", Scope{}},
	}
	for _, tt := range tests {
		t.Run(string(tt.actor.Role), func(t *testing.T) {
			s, level := scopeOf(tt.actor)
			if level != tt.level || !cmp.Equal(s, tt.scope) {
				t.Fatalf("%s %+v", level, s)
			}
		})
	}
}

func TestWindow(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	s := &Service{Now: func() time.Time { return now }}
	r, err := s.window(time.Time{}, time.Time{})
	if err != nil || !r.To.Equal(now) || !r.From.Equal(now.Add(-DefaultWindow)) {
		t.Fatal(r, err)
	}
	if _, err := s.window(now, now); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatal("an empty window accepted")
	}
	if _, err := s.window(now.AddDate(-6, 0, 0), now); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatal("a six-year window accepted")
	}
}

func TestWithoutAMLKeepsEverythingElseExactly(t *testing.T) {
	in := json.RawMessage(`{"id":"d1","price_aed":1234567.89,"aml_flag":true,"aml_reasons":["virtual-asset payment"],
		"nested":{"AML_note":"x","keep":[{"aml_flag":false,"n":12345678901234567890}]}}`)
	out := WithoutAML(in)
	if strings.Contains(strings.ToLower(string(out)), "aml") {
		t.Fatalf("AML kept: %s", out)
	}
	for _, want := range []string{`"price_aed":1234567.89`, `"n":12345678901234567890`, `"id":"d1"`} {
		if !strings.Contains(string(out), want) {
			t.Fatalf("%s lost from %s", want, out)
		}
	}
	if got := WithoutAML(json.RawMessage(`{"email":"a@b.ae"}`)); string(got) != `{"email":"a@b.ae"}` {
		t.Fatal(string(got))
	}
	if WithoutAML(nil) != nil {
		t.Fatal("nil snapshot")
	}
}
