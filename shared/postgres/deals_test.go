package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/deal"
	"github.com/propertypro/propertypro/shared/page"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/testkit"
)

// salesWorld is two brokerages with users, leads and listings written straight into the
// tables, so that these tests depend on no other area's code.
type salesWorld struct {
	t       *testing.T
	db      *pgxpool.Pool
	ctx     context.Context
	b, ob   string // our brokerage, another
	admin   access.Actor
	manager access.Actor
	agent   access.Actor // in the manager's team
	agent2  access.Actor // no team
	co      access.Actor // compliance officer
	outside access.Actor // the other brokerage's admin
	n       int
}

func newSalesWorld(t *testing.T) *salesWorld {
	w := &salesWorld{t: t, db: testkit.DB(t), ctx: context.Background()}
	w.b, w.ob = w.exec1(`INSERT INTO brokerages (name) VALUES ('Marina Crest') RETURNING id::text`),
		w.exec1(`INSERT INTO brokerages (name) VALUES ('Palm Horizon') RETURNING id::text`)
	w.admin = w.user(w.b, access.Admin, "")
	w.manager = w.user(w.b, access.Manager, "")
	w.agent = w.user(w.b, access.Agent, w.manager.UserID)
	w.manager.Team = []string{w.agent.UserID}
	w.agent2 = w.user(w.b, access.Agent, "")
	w.co = w.user(w.b, access.ComplianceOfficer, "")
	w.outside = w.user(w.ob, access.Admin, "")
	return w
}

func (w *salesWorld) exec1(sql string, args ...any) string {
	w.t.Helper()
	var id string
	if err := w.db.QueryRow(w.ctx, sql, args...).Scan(&id); err != nil {
		w.t.Fatalf("%s: %v", sql, err)
	}
	return id
}

func (w *salesWorld) user(brokerage string, role access.Role, manager string) access.Actor {
	w.n++
	id := w.exec1(`INSERT INTO users (brokerage_id, email, full_name, password_hash, role, manager_id)
		VALUES ($1, $2, $3, 'x', $4, NULLIF($5, '')::uuid) RETURNING id::text`,
		brokerage, fmt.Sprintf("u%d@crest.ae", w.n), fmt.Sprintf("%s %d", role, w.n), string(role), manager)
	return access.Actor{UserID: id, BrokerageID: brokerage, Role: role}
}

func (w *salesWorld) lead(brokerage, agent, source string, created time.Time) string {
	return w.exec1(`INSERT INTO leads (brokerage_id, agent_id, full_name, source, created_at)
		VALUES ($1, NULLIF($2, '')::uuid, 'Aisha Rahman', $3, $4) RETURNING id::text`, brokerage, agent, source, created)
}

func (w *salesWorld) listing(brokerage, agent string) string {
	w.n++
	return w.exec1(`INSERT INTO listings (brokerage_id, agent_id, reference, purpose, property_type, price_aed)
		VALUES ($1, NULLIF($2, '')::uuid, $3, 'sale', 'apartment', 2450000) RETURNING id::text`,
		brokerage, agent, fmt.Sprintf("MC-%d", w.n))
}

func (w *salesWorld) service() *deal.Service {
	deals := postgres.NewDeals(w.db)
	return deal.New(deals, postgres.NewViewings(w.db), deals, deal.DefaultSettings())
}

func (w *salesWorld) auditCount(entity, id string) int {
	var n int
	w.db.QueryRow(w.ctx, `SELECT count(*) FROM audit_log WHERE entity = $1 AND entity_id = $2`, entity, id).Scan(&n)
	return n
}

func TestDealLifecycle(t *testing.T) {
	w := newSalesWorld(t)
	svc := w.service()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	svc.Now = func() time.Time { return now }
	lead := w.lead(w.b, w.agent.UserID, "bayut", now.AddDate(0, -1, 0))
	listing := w.listing(w.b, w.agent.UserID)
	split := deal.Rate(5000)
	created, err := svc.CreateDeal(w.ctx, w.agent, deal.NewDeal{LeadID: lead, ListingID: listing, Kind: deal.Sale,
		PriceAED: 245_000_050, CoBrokeBrokerage: "Palm Horizon", CoBrokeSplit: split,
		Payments: []deal.Payment{{Method: deal.Cash, AmountAED: deal.AED(30_000)}, {Method: deal.Cash, AmountAED: deal.AED(25_000)},
			{Method: deal.Mortgage, AmountAED: 240_000_050}},
		Parties: deal.Parties{Buyer: "Aisha Rahman", Seller: "Daniel Okafor"}})
	if err != nil {
		t.Fatal(err)
	}
	if created.AMLFlag != nil || created.AgentID != w.agent.UserID || created.Version != 1 {
		t.Fatalf("agent's view: %+v", created)
	}
	// Exact round trip through numeric columns: 2,450,000.50 × 2% = 49,000.01.
	got, err := svc.GetDeal(w.ctx, w.co, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.PriceAED.String() != "2450000.50" || got.CommissionAED.String() != "49000.01" || got.VATAED.String() != "2450.00" ||
		got.OurCommissionAED.String() != "24500.01" || got.DLDFeeAED.String() != "98000.02" || got.CommissionRate != 200 ||
		got.CoBrokeSplit != split || len(got.Payments) != 3 || got.Parties.Seller != "Daniel Okafor" {
		t.Fatalf("stored deal: %+v", got.Deal)
	}
	if got.AMLFlag == nil || !*got.AMLFlag || got.AMLReasons[0] != "cash payments AED 55,000 ≥ 55,000" {
		t.Fatalf("compliance view: %v %v", got.AMLFlag, got.AMLReasons)
	}
	// Moving along the pipeline; a skipped stage is refused; closing stamps closed_at.
	step := func(to deal.Stage, version int) (deal.DealView, error) {
		return svc.UpdateDeal(w.ctx, w.agent, created.ID, deal.DealChanges{Stage: &to}, version)
	}
	if _, err := step(deal.Transfer, 1); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("offer → transfer: %v", err)
	}
	v := created
	for _, to := range []deal.Stage{deal.Negotiation, deal.MOUSigned, deal.Transfer, deal.ClosedWon} {
		if v, err = step(to, v.Version); err != nil {
			t.Fatalf("→ %s: %v", to, err)
		}
	}
	if v.ClosedAt == nil || !v.ClosedAt.Equal(now) || v.Version != 5 {
		t.Fatalf("closed: %+v", v.Deal)
	}
	if _, err := step(deal.ClosedLost, 1); apperr.CodeOf(err) != apperr.PreconditionFailed {
		t.Fatalf("stale version: %v", err)
	}
	if err := svc.DeleteDeal(w.ctx, w.agent, created.ID, 0); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("deleting a won deal: %v", err)
	}
	if n := w.auditCount("deal", created.ID); n != 5 {
		t.Fatalf("%d audit entries, want 5", n)
	}
}

func TestDealAccess(t *testing.T) {
	w := newSalesWorld(t)
	svc := w.service()
	lead := w.lead(w.b, w.agent.UserID, "referral", time.Now())
	otherLead := w.lead(w.b, w.agent2.UserID, "referral", time.Now())
	foreignLead := w.lead(w.ob, w.outside.UserID, "referral", time.Now())
	d, err := svc.CreateDeal(w.ctx, w.agent, deal.NewDeal{LeadID: lead, Kind: deal.Rent, PriceAED: deal.AED(120_000)})
	if err != nil {
		t.Fatal(err)
	}
	if d.CommissionAED != deal.AED(6_000) || d.DLDFeeAED != 0 {
		t.Fatalf("rent amounts: %+v", d.Deal)
	}
	tests := []struct {
		name string
		nd   deal.NewDeal
		who  access.Actor
		code apperr.Code
		fld  string
	}{
		{"another agent's lead", deal.NewDeal{LeadID: otherLead, Kind: deal.Sale, PriceAED: 1}, w.agent, apperr.Invalid, "lead_id"},
		{"another brokerage's lead", deal.NewDeal{LeadID: foreignLead, Kind: deal.Sale, PriceAED: 1}, w.admin, apperr.Invalid, "lead_id"},
		{"not a uuid", deal.NewDeal{LeadID: "nope", Kind: deal.Sale, PriceAED: 1}, w.admin, apperr.Invalid, "lead_id"},
		{"another brokerage's listing", deal.NewDeal{LeadID: lead, ListingID: w.listing(w.ob, ""), Kind: deal.Sale, PriceAED: 1}, w.admin, apperr.Invalid, "listing_id"},
		{"an agent assigning someone else", deal.NewDeal{LeadID: lead, AgentID: w.agent2.UserID, Kind: deal.Sale, PriceAED: 1}, w.agent, apperr.Invalid, "agent_id"},
		{"a compliance officer creating", deal.NewDeal{LeadID: lead, Kind: deal.Sale, PriceAED: 1}, w.co, apperr.Forbidden, ""},
		{"a lease starting at transfer", deal.NewDeal{LeadID: lead, Kind: deal.Rent, Stage: deal.Transfer, PriceAED: 1}, w.agent, apperr.Invalid, "stage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.CreateDeal(w.ctx, tt.who, tt.nd)
			if apperr.CodeOf(err) != tt.code || (tt.fld != "" && apperr.As(err).Fields[0].Field != tt.fld) {
				t.Fatalf("got %v", err)
			}
		})
	}
	for _, who := range []access.Actor{w.agent2, w.outside} {
		if _, err := svc.GetDeal(w.ctx, who, d.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("%s sees the deal: %v", who.Role, err)
		}
	}
	for _, who := range []access.Actor{w.agent, w.manager, w.admin, w.co} {
		if _, err := svc.GetDeal(w.ctx, who, d.ID); err != nil {
			t.Errorf("%s cannot see the deal: %v", who.Role, err)
		}
	}
	price := deal.AED(130_000)
	if _, err := svc.UpdateDeal(w.ctx, w.co, d.ID, deal.DealChanges{PriceAED: &price}, 0); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("compliance officer edits: %v", err)
	}
	won := deal.ClosedWon
	neg, mou := deal.Negotiation, deal.MOUSigned
	svc.UpdateDeal(w.ctx, w.agent, d.ID, deal.DealChanges{Stage: &neg}, 0)
	svc.UpdateDeal(w.ctx, w.agent, d.ID, deal.DealChanges{Stage: &mou}, 0)
	if _, err := svc.UpdateDeal(w.ctx, w.agent, d.ID, deal.DealChanges{Stage: &won}, 0); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("lease closed without Ejari: %v", err)
	}
	ejari := "EJ-2026-0042"
	if v, err := svc.UpdateDeal(w.ctx, w.agent, d.ID, deal.DealChanges{Stage: &won, EjariNumber: &ejari}, 0); err != nil || v.ClosedAt == nil {
		t.Fatalf("lease closed with Ejari: %v", err)
	}
	if err := svc.DeleteDeal(w.ctx, w.agent2, d.ID, 0); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("another agent deletes: %v", err)
	}
}

// Listing by every sort walks all rows once, in order, across pages; filters and scope hold.
func TestListDealsSortsFiltersAndPages(t *testing.T) {
	w := newSalesWorld(t)
	svc := w.service()
	lead := w.lead(w.b, w.agent.UserID, "bayut", time.Now())
	lead2 := w.lead(w.b, w.agent2.UserID, "bayut", time.Now())
	var ids []string
	for i := range 7 {
		nd := deal.NewDeal{LeadID: lead, Kind: deal.Sale, PriceAED: deal.AED(int64(1_000_000 + (i%3)*250_000))}
		if i == 6 {
			nd.Payments = []deal.Payment{{Method: deal.VirtualAsset, AmountAED: deal.AED(10)}}
		}
		d, err := svc.CreateDeal(w.ctx, w.agent, nd)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	lost := deal.ClosedLost
	for i, id := range ids[:3] {
		svc.Now = func() time.Time { return time.Date(2026, 10, 1+i, 0, 0, 0, 0, time.UTC) }
		if _, err := svc.UpdateDeal(w.ctx, w.agent, id, deal.DealChanges{Stage: &lost}, 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.CreateDeal(w.ctx, w.agent2, deal.NewDeal{LeadID: lead2, Kind: deal.Rent, PriceAED: deal.AED(90_000)}); err != nil {
		t.Fatal(err)
	}
	for _, sort := range []string{"created_at", "-created_at", "price_aed", "-price_aed", "closed_at", "-closed_at"} {
		t.Run(sort, func(t *testing.T) {
			s, _ := page.ParseSort(sort, deal.DealSorts, page.Sort{})
			var seen []deal.DealView
			req := page.Request{Limit: 3, Sort: s}
			for range 10 {
				res, err := svc.ListDeals(w.ctx, w.agent, deal.DealQuery{Page: req})
				if err != nil {
					t.Fatal(err)
				}
				seen = append(seen, res.Items...)
				if res.NextCursor == "" {
					break
				}
				req.Cursor = res.NextCursor
			}
			var got []string
			for _, v := range seen {
				got = append(got, v.ID)
			}
			if len(got) != 7 || len(slices.Compact(slices.Sorted(slices.Values(got)))) != 7 {
				t.Fatalf("%d rows, duplicates or strangers: %v", len(got), got)
			}
			if !slices.IsSortedFunc(seen, func(a, b deal.DealView) int { return salesCompareDeals(a, b, s) }) {
				t.Fatalf("not sorted by %s", sort)
			}
			if s.Field == "closed_at" && seen[6].ClosedAt != nil {
				t.Fatal("open deals must come last")
			}
		})
	}
	count := func(who access.Actor, q deal.DealQuery) int {
		t.Helper()
		res, err := svc.ListDeals(w.ctx, who, q)
		if err != nil {
			t.Fatal(err)
		}
		return len(res.Items)
	}
	yes := true
	checks := []struct {
		name string
		who  access.Actor
		q    deal.DealQuery
		want int
	}{
		{"admin sees all", w.admin, deal.DealQuery{}, 8},
		{"manager sees the team", w.manager, deal.DealQuery{}, 7},
		{"agent2 sees their own", w.agent2, deal.DealQuery{}, 1},
		{"other brokerage sees none", w.outside, deal.DealQuery{}, 0},
		{"stage", w.admin, deal.DealQuery{Stage: deal.ClosedLost}, 3},
		{"kind", w.admin, deal.DealQuery{Kind: deal.Rent}, 1},
		{"agent_id", w.admin, deal.DealQuery{AgentID: w.agent2.UserID}, 1},
		{"lead_id", w.admin, deal.DealQuery{LeadID: lead}, 7},
		{"bad lead_id", w.admin, deal.DealQuery{LeadID: "x"}, 0},
		{"closed range", w.admin, deal.DealQuery{ClosedFrom: time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC),
			ClosedTo: time.Date(2026, 10, 3, 0, 0, 0, 0, time.UTC)}, 1},
		{"aml_flag for compliance", w.co, deal.DealQuery{AMLFlag: &yes}, 1},
	}
	for _, c := range checks {
		if got := count(c.who, c.q); got != c.want {
			t.Errorf("%s: %d deals, want %d", c.name, got, c.want)
		}
	}
	for _, who := range []access.Actor{w.agent, w.manager, w.admin} {
		if _, err := svc.ListDeals(w.ctx, who, deal.DealQuery{AMLFlag: &yes}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("%s filtered on aml_flag: %v", who.Role, err)
		}
	}
}

func salesCompareDeals(a, b deal.DealView, s page.Sort) int {
	var c int
	switch s.Field {
	case "price_aed":
		c = int(a.PriceAED - b.PriceAED)
	case "closed_at":
		c = salesCompareClosed(a.ClosedAt, b.ClosedAt, s.Desc)
	default:
		c = a.CreatedAt.Compare(b.CreatedAt)
	}
	if c == 0 {
		return 0 // ties are broken by id, which the check does not need
	}
	if s.Desc {
		return -c
	}
	return c
}

// salesCompareClosed orders closing times with open deals last in either direction.
func salesCompareClosed(a, b *time.Time, desc bool) int {
	last := 1
	if desc {
		last = -1
	}
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return last
	case b == nil:
		return -last
	}
	return a.Compare(*b)
}

func TestViewings(t *testing.T) {
	w := newSalesWorld(t)
	svc := w.service()
	lead := w.lead(w.b, w.agent.UserID, "website", time.Now())
	listing := w.listing(w.b, w.agent.UserID)
	at := time.Date(2026, 11, 27, 14, 30, 0, 0, time.UTC)
	v, err := svc.CreateViewing(w.ctx, w.agent, deal.NewViewing{LeadID: lead, ListingID: listing, ScheduledAt: at})
	if err != nil {
		t.Fatal(err)
	}
	if v.AgentID != w.agent.UserID || v.Status != deal.Scheduled || !v.ScheduledAt.Equal(at) {
		t.Fatalf("%+v", v)
	}
	if _, err := svc.CreateViewing(w.ctx, w.agent2, deal.NewViewing{LeadID: lead, ListingID: listing, ScheduledAt: at}); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("someone else's lead: %v", err)
	}
	if _, err := svc.GetViewing(w.ctx, w.agent2, v.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatal(err)
	}
	if _, err := svc.GetViewing(w.ctx, w.outside, v.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatal(err)
	}
	later := at.Add(24 * time.Hour)
	v, err = svc.UpdateViewing(w.ctx, w.agent, v.ID, deal.ViewingChanges{ScheduledAt: &later}, 1)
	if err != nil || !v.ScheduledAt.Equal(later) || v.Version != 2 {
		t.Fatalf("%+v %v", v, err)
	}
	done, feedback := deal.Done, "Liked the marina view"
	if v, err = svc.UpdateViewing(w.ctx, w.agent, v.ID, deal.ViewingChanges{Status: &done, Feedback: &feedback}, 2); err != nil {
		t.Fatal(err)
	}
	back := deal.Scheduled
	if _, err := svc.UpdateViewing(w.ctx, w.agent, v.ID, deal.ViewingChanges{Status: &back}, 0); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("done → scheduled: %v", err)
	}
	if _, err := svc.UpdateViewing(w.ctx, w.agent, v.ID, deal.ViewingChanges{ScheduledAt: &at}, 0); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("rescheduling a done viewing: %v", err)
	}
	if _, err := svc.UpdateViewing(w.ctx, w.agent, v.ID, deal.ViewingChanges{Feedback: &feedback}, 1); apperr.CodeOf(err) != apperr.PreconditionFailed {
		t.Fatalf("stale: %v", err)
	}
	second, _ := svc.CreateViewing(w.ctx, w.manager, deal.NewViewing{LeadID: lead, ListingID: listing, ScheduledAt: at.Add(time.Hour),
		AgentID: w.agent.UserID})
	res, err := svc.ListViewings(w.ctx, w.agent, deal.ViewingQuery{Status: deal.Scheduled, Page: page.Request{Sort: page.Sort{Field: "scheduled_at"}}})
	if err != nil || len(res.Items) != 1 || res.Items[0].ID != second.ID {
		t.Fatalf("%+v %v", res, err)
	}
	res, _ = svc.ListViewings(w.ctx, w.agent, deal.ViewingQuery{From: at, To: at.Add(2 * time.Hour),
		Page: page.Request{Sort: page.Sort{Field: "scheduled_at", Desc: true}}})
	if len(res.Items) != 1 {
		t.Fatalf("window: %+v", res)
	}
	if err := svc.DeleteViewing(w.ctx, w.agent, second.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.GetViewing(w.ctx, w.agent, second.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatal("deleted viewing still visible")
	}
	if n := w.auditCount("viewing", v.ID); n != 3 {
		t.Fatalf("%d audit entries", n)
	}
}

func TestDirectory(t *testing.T) {
	w := newSalesWorld(t)
	dir := postgres.NewDeals(w.db)
	lead := w.lead(w.b, w.agent.UserID, "bayut", time.Now())
	merged := w.lead(w.b, w.agent.UserID, "bayut", time.Now())
	w.db.Exec(w.ctx, `UPDATE leads SET merged_into = $1 WHERE id = $2`, lead, merged)
	if owner, err := dir.LeadOwner(w.ctx, w.b, lead); err != nil || owner != w.agent.UserID {
		t.Fatal(owner, err)
	}
	for _, c := range []struct{ b, id string }{{w.b, merged}, {w.ob, lead}, {w.b, "x"}} {
		if _, err := dir.LeadOwner(w.ctx, c.b, c.id); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("lead %s in %s: %v", c.id, c.b, err)
		}
	}
	unassigned := w.listing(w.b, "")
	if owner, err := dir.ListingOwner(w.ctx, w.b, unassigned); err != nil || owner != "" {
		t.Fatal(owner, err)
	}
	w.db.Exec(w.ctx, `UPDATE users SET active = false WHERE id = $1`, w.agent2.UserID)
	for _, c := range []struct {
		b, id string
		want  bool
	}{{w.b, w.agent.UserID, true}, {w.b, w.admin.UserID, true}, {w.b, w.agent2.UserID, false}, {w.b, w.co.UserID, false},
		{w.ob, w.agent.UserID, false}, {w.b, "x", false}} {
		if ok, err := dir.Assignable(w.ctx, c.b, c.id); ok != c.want || err != nil {
			t.Errorf("Assignable(%s) = %v, %v", c.id, ok, err)
		}
	}
}

// The audit entry is part of the write: a failed audit insert leaves no deal behind.
func TestDealAuditIsInTheSameTransaction(t *testing.T) {
	w := newSalesWorld(t)
	lead := w.lead(w.b, w.agent.UserID, "bayut", time.Now())
	d := deal.Deal{BrokerageID: w.b, LeadID: lead, AgentID: w.agent.UserID, Kind: deal.Sale, Stage: deal.Offer,
		PriceAED: deal.AED(1_000_000), CommissionRate: 200, Payments: []deal.Payment{}}
	_, err := postgres.NewDeals(w.db).CreateDeal(w.ctx, d, audit.Entry{BrokerageID: "not-a-uuid", Action: "create", Entity: "deal"})
	if err == nil {
		t.Fatal("audit failure ignored")
	}
	var n int
	w.db.QueryRow(w.ctx, `SELECT count(*) FROM deals`).Scan(&n)
	if n != 0 {
		t.Fatal("deal written without its audit entry")
	}
}
