// Package analytics is what a brokerage learns from its own records: the KPIs agents and
// managers are measured by (lead conversion, speed to first contact, time to close, pipeline
// value, the leaderboard), each scoped like the records themselves, and the audit trail as
// admins read it.
package analytics

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/deal"
)

// Scope is the slice of a brokerage the numbers cover: the owners listed, or every owner
// when Owners is nil; Unassigned adds records without an owner (a manager sees those).
type Scope struct {
	Owners     []string
	Unassigned bool
}

// Range is a half-open time window [From, To).
type Range struct {
	From, To time.Time
}

// FirstContactNorm is the response time agents are measured against in Dubai.
const FirstContactNorm = 15 * time.Minute

// KPIs are the key numbers of a scope over a time window.
type KPIs struct {
	From                time.Time    `json:"from"`
	To                  time.Time    `json:"to"`
	Scope               string       `json:"scope" enum:"self,team,brokerage" doc:"Whose records the numbers cover."`
	LeadConversion      Conversion   `json:"lead_conversion"`
	SpeedToFirstContact FirstContact `json:"speed_to_first_contact"`
	TimeToClose         TimeToClose  `json:"time_to_close"`
	Pipeline            Pipeline     `json:"pipeline"`
	Leaderboard         []AgentScore `json:"leaderboard"`
}

// Conversion is how many leads created in the window were won, overall and by source.
type Conversion struct {
	Leads    int                `json:"leads"`
	Won      int                `json:"won"`
	Rate     float64            `json:"rate" doc:"won / leads (0 without leads), 4 decimals."`
	BySource []SourceConversion `json:"by_source"`
}

// SourceConversion is the conversion of one lead source.
type SourceConversion struct {
	Source string  `json:"source"`
	Leads  int     `json:"leads"`
	Won    int     `json:"won"`
	Rate   float64 `json:"rate"`
}

// FirstContact is how fast leads created in the window were first called, messaged or
// emailed.
type FirstContact struct {
	Leads         int      `json:"leads" doc:"Leads created in the window."`
	Contacted     int      `json:"contacted" doc:"Of those, leads contacted so far."`
	WithinNorm    int      `json:"within_15_minutes" doc:"Of those, leads contacted within 15 minutes."`
	MedianMinutes *float64 `json:"median_minutes" doc:"Null without contacted leads."`
	P90Minutes    *float64 `json:"p90_minutes"`
	NotContacted  int      `json:"not_contacted" doc:"Leads created in the window never contacted."`
}

// TimeToClose is how long won deals closed in the window took from their lead's creation.
type TimeToClose struct {
	Deals      int      `json:"deals"`
	MedianDays *float64 `json:"median_days" doc:"Null without won deals."`
}

// Pipeline is the value of open deals now, by stage (whatever the window).
type Pipeline struct {
	Stages                []StageValue `json:"stages"`
	ValueAED              deal.Money   `json:"value_aed"`
	ExpectedCommissionAED deal.Money   `json:"expected_commission_aed"`
}

// StageValue is the open deals of one stage.
type StageValue struct {
	Stage                 deal.Stage `json:"stage"`
	Deals                 int        `json:"deals"`
	ValueAED              deal.Money `json:"value_aed" doc:"Sum of prices."`
	ExpectedCommissionAED deal.Money `json:"expected_commission_aed" doc:"Sum of our commission after co-broke splits."`
}

// AgentScore is one line of the leaderboard over the window.
type AgentScore struct {
	AgentID       string     `json:"agent_id"`
	FullName      string     `json:"full_name"`
	DealsWon      int        `json:"deals_won"`
	CommissionAED deal.Money `json:"commission_aed" doc:"Our commission on deals won."`
	LeadsHandled  int        `json:"leads_handled" doc:"Leads of the agent created in the window."`
}

// Store computes the raw numbers of a scope.
type Store interface {
	Conversion(ctx context.Context, brokerageID string, s Scope, r Range) ([]SourceConversion, error)
	FirstContact(ctx context.Context, brokerageID string, s Scope, r Range, norm time.Duration) (FirstContact, error)
	TimeToClose(ctx context.Context, brokerageID string, s Scope, r Range) (TimeToClose, error)
	Pipeline(ctx context.Context, brokerageID string, s Scope) ([]StageValue, error)
	Leaderboard(ctx context.Context, brokerageID string, s Scope, r Range) ([]AgentScore, error)
}

// Service answers the analytics and audit questions.
type Service struct {
	store Store
	trail Trail
	Now   func() time.Time
}

// New returns the service.
func New(store Store, trail Trail) *Service {
	return &Service{store: store, trail: trail, Now: time.Now}
}

// DefaultWindow is the window of a KPI request that gives no from.
const DefaultWindow = 30 * 24 * time.Hour

// maxWindow bounds one request's window.
const maxWindow = 5 * 366 * 24 * time.Hour

// KPIs computes the numbers the caller may see over [from, to): an agent's own, a manager's
// team's, the brokerage's for the others. Zero times default to the last 30 days.
func (s *Service) KPIs(ctx context.Context, a access.Actor, from, to time.Time) (KPIs, error) {
	r, err := s.window(from, to)
	if err != nil {
		return KPIs{}, err
	}
	sc, level := scopeOf(a)
	k := KPIs{From: r.From, To: r.To, Scope: level}
	if err := s.fill(ctx, a.BrokerageID, sc, r, &k); err != nil {
		return KPIs{}, err
	}
	return k, nil
}

func (s *Service) window(from, to time.Time) (Range, error) {
	if to.IsZero() {
		to = s.Now()
	}
	if from.IsZero() {
		from = to.Add(-DefaultWindow)
	}
	if !from.Before(to) {
		return Range{}, apperr.Validation(apperr.FieldError{Field: "from", Message: "must be before to"})
	}
	if to.Sub(from) > maxWindow {
		return Range{}, apperr.Validation(apperr.FieldError{Field: "from", Message: "the window may span at most five years"})
	}
	return Range{From: from.UTC(), To: to.UTC()}, nil
}

func scopeOf(a access.Actor) (Scope, string) {
	switch a.Role {
	case access.Agent:
		return Scope{Owners: []string{a.UserID}}, "self"
	case access.Manager:
		return Scope{Owners: a.Owners(), Unassigned: true}, "team"
	}
	return Scope{}, "brokerage"
}

func (s *Service) fill(ctx context.Context, brokerageID string, sc Scope, r Range, k *KPIs) error {
	bySource, err := s.store.Conversion(ctx, brokerageID, sc, r)
	if err != nil {
		return err
	}
	k.LeadConversion = Summarize(bySource)
	if k.SpeedToFirstContact, err = s.store.FirstContact(ctx, brokerageID, sc, r, FirstContactNorm); err != nil {
		return err
	}
	k.SpeedToFirstContact.MedianMinutes = round1(k.SpeedToFirstContact.MedianMinutes)
	k.SpeedToFirstContact.P90Minutes = round1(k.SpeedToFirstContact.P90Minutes)
	if k.TimeToClose, err = s.store.TimeToClose(ctx, brokerageID, sc, r); err != nil {
		return err
	}
	k.TimeToClose.MedianDays = round1(k.TimeToClose.MedianDays)
	stages, err := s.store.Pipeline(ctx, brokerageID, sc)
	if err != nil {
		return err
	}
	k.Pipeline = PipelineOf(stages)
	board, err := s.store.Leaderboard(ctx, brokerageID, sc, r)
	k.Leaderboard = Rank(board)
	return err
}

// Summarize totals conversion by source and computes every rate.
func Summarize(bySource []SourceConversion) Conversion {
	c := Conversion{BySource: []SourceConversion{}}
	for _, sc := range bySource {
		sc.Rate = Rate(sc.Won, sc.Leads)
		c.Leads += sc.Leads
		c.Won += sc.Won
		c.BySource = append(c.BySource, sc)
	}
	c.Rate = Rate(c.Won, c.Leads)
	slices.SortFunc(c.BySource, func(a, b SourceConversion) int {
		return cmp.Or(cmp.Compare(b.Leads, a.Leads), cmp.Compare(a.Source, b.Source))
	})
	return c
}

// Rate is part / whole to 4 decimals, 0 when whole is 0.
func Rate(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return math.Round(float64(part)/float64(whole)*10000) / 10000
}

// PipelineOf lists every open stage in pipeline order, empty ones included, with totals.
func PipelineOf(stages []StageValue) Pipeline {
	p := Pipeline{Stages: make([]StageValue, len(deal.OpenStages))}
	for i, st := range deal.OpenStages {
		p.Stages[i].Stage = st
		for _, v := range stages {
			if v.Stage == st {
				p.Stages[i] = v
			}
		}
		p.ValueAED += p.Stages[i].ValueAED
		p.ExpectedCommissionAED += p.Stages[i].ExpectedCommissionAED
	}
	return p
}

// Rank orders the leaderboard: commission, then deals won, then leads handled, then name.
func Rank(board []AgentScore) []AgentScore {
	out := slices.Clone(board)
	if out == nil {
		out = []AgentScore{}
	}
	slices.SortFunc(out, func(a, b AgentScore) int {
		return cmp.Or(cmp.Compare(b.CommissionAED, a.CommissionAED), cmp.Compare(b.DealsWon, a.DealsWon),
			cmp.Compare(b.LeadsHandled, a.LeadsHandled), cmp.Compare(a.FullName, b.FullName), cmp.Compare(a.AgentID, b.AgentID))
	})
	return out
}

func round1(v *float64) *float64 {
	if v == nil {
		return nil
	}
	r := math.Round(*v*10) / 10
	return &r
}
