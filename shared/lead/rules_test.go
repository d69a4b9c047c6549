package lead

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/propertypro/propertypro/shared/apperr"
)

var now = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

func fields(err error) []string {
	var out []string
	for _, f := range apperr.As(err).Fields {
		out = append(out, f.Field)
	}
	slices.Sort(out)
	return out
}

func TestBuild(t *testing.T) {
	l, err := Build("b1", NewLead{FullName: "  Ahmed Al Mansouri ", Phone: " 050 123 4567", Email: "Ahmed@Example.AE",
		ConsentWhatsApp: true, Preferences: PropertyPreferences{Communities: []string{"Dubai Marina", "dubai marina ", "JBR"},
			Bedrooms: []int{3, 2, 3}}}, now)
	if err != nil {
		t.Fatal(err)
	}
	want := Lead{BrokerageID: "b1", FullName: "Ahmed Al Mansouri", Phone: "+971501234567", PhoneRaw: "050 123 4567",
		Email: "ahmed@example.ae", Language: "en", Source: "other", Stage: StageNew, ConsentWhatsApp: true,
		WhatsAppOptInAt: &now, Preferences: PropertyPreferences{Communities: []string{"Dubai Marina", "JBR"}, Bedrooms: []int{2, 3}}}
	if d := cmp.Diff(want, l); d != "" {
		t.Fatalf("lead (-want +got):\n%s", d)
	}
	if l, _ := Build("b1", NewLead{Phone: "call me maybe"}, now); l.Phone != "" || l.PhoneRaw != "call me maybe" {
		t.Fatalf("unparseable phone: %+v", l)
	}
}

func TestBuildValidation(t *testing.T) {
	cases := []struct {
		name string
		in   NewLead
		want []string
	}{
		{"no contact", NewLead{FullName: "Sara"}, []string{"phone"}},
		{"bad email", NewLead{Email: "sara@"}, []string{"email"}},
		{"budget inverted", NewLead{Email: "a@b.ae", BudgetMin: ptr(3e6), BudgetMax: ptr(1e6)}, []string{"budget_min_aed"}},
		{"negative budget", NewLead{Email: "a@b.ae", BudgetMax: ptr(-1.0)}, []string{"budget_max_aed"}},
		{"score", NewLead{Email: "a@b.ae", Score: 101}, []string{"score"}},
		{"enums", NewLead{Email: "a@b.ae", Language: "de", Source: "billboard", Stage: "closed"}, []string{"language", "source", "stage"}},
		{"preferences", NewLead{Email: "a@b.ae", Preferences: PropertyPreferences{Purpose: "buy", Bedrooms: []int{99}}},
			[]string{"preferences.bedrooms", "preferences.purpose"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Build("b1", c.in, now)
			if apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("err = %v", err)
			}
			if d := cmp.Diff(c.want, fields(err)); d != "" {
				t.Fatalf("fields (-want +got):\n%s", d)
			}
		})
	}
}

func TestConsentTimestamps(t *testing.T) {
	l, _ := Build("b1", NewLead{Email: "a@b.ae", ConsentEmail: true}, now)
	if l.EmailUnsubscribedAt != nil || l.WhatsAppOptInAt != nil {
		t.Fatalf("fresh lead: %+v", l)
	}
	later := now.Add(time.Hour)
	if err := Apply(&l, LeadPatch{ConsentWhatsApp: ptr(true), ConsentEmail: ptr(false)}, later); err != nil {
		t.Fatal(err)
	}
	if l.WhatsAppOptInAt == nil || !l.WhatsAppOptInAt.Equal(later) || l.EmailUnsubscribedAt == nil || l.ConsentEmail {
		t.Fatalf("after opt-in and unsubscribe: %+v", l)
	}
	// Opting in again keeps the original opt-in time; withdrawing clears it.
	_ = Apply(&l, LeadPatch{ConsentWhatsApp: ptr(true)}, later.Add(time.Hour))
	if !l.WhatsAppOptInAt.Equal(later) {
		t.Fatalf("opt-in time moved: %v", l.WhatsAppOptInAt)
	}
	_ = Apply(&l, LeadPatch{ConsentWhatsApp: ptr(false), ConsentEmail: ptr(true)}, later)
	if l.WhatsAppOptInAt != nil || l.EmailUnsubscribedAt != nil || !l.ConsentEmail {
		t.Fatalf("after withdrawal and resubscribe: %+v", l)
	}
}

func TestApply(t *testing.T) {
	l, _ := Build("b1", NewLead{Phone: "0501234567", BudgetMax: ptr(2e6)}, now)
	if err := Apply(&l, LeadPatch{Stage: ptr(StageOffer)}, now); err == nil || fields(err)[0] != "stage" {
		t.Fatalf("skipping stages: %v", err)
	}
	if err := Apply(&l, LeadPatch{BudgetMin: ptr(3e6)}, now); err == nil || fields(err)[0] != "budget_min_aed" {
		t.Fatalf("budget: %v", err)
	}
	l, _ = Build("b1", NewLead{Phone: "0501234567"}, now)
	if err := Apply(&l, LeadPatch{Phone: ptr("+44 20 7946 0958"), Email: ptr(" X@Y.AE"), Stage: ptr(StageContacted)}, now); err != nil {
		t.Fatal(err)
	}
	if l.Phone != "+442079460958" || l.Email != "x@y.ae" || l.Stage != StageContacted {
		t.Fatalf("%+v", l)
	}
	if err := Apply(&l, LeadPatch{Phone: ptr(""), Email: ptr("")}, now); err == nil || fields(err)[0] != "phone" {
		t.Fatalf("clearing every contact: %v", err)
	}
}

func TestFold(t *testing.T) {
	early, late := now.Add(-48*time.Hour), now.Add(-time.Hour)
	survivor := Lead{ID: "s", FullName: "Ahmed", Phone: "+971501234567", PhoneRaw: "0501234567", Source: "other",
		Score: 30, CreatedAt: late, BudgetMax: ptr(2e6), ConsentEmail: true,
		Preferences: PropertyPreferences{Communities: []string{"Dubai Marina"}, Bedrooms: []int{2}}}
	dup := Lead{ID: "d", FullName: "Ahmed Al Mansouri", Email: "ahmed@example.ae", Nationality: "Emirati", Source: "bayut",
		Score: 55, CreatedAt: early, BudgetMin: ptr(1e6), AgentID: "agent-2", ConsentWhatsApp: true, WhatsAppOptInAt: &early,
		EmailUnsubscribedAt: &late, FirstContactedAt: &late,
		Preferences: PropertyPreferences{Purpose: "sale", Communities: []string{"dubai marina", "JVC"}, Bedrooms: []int{3, 2}}}
	got := Fold(survivor, dup)
	want := Lead{ID: "s", AgentID: "agent-2", FullName: "Ahmed", Phone: "+971501234567", PhoneRaw: "0501234567",
		Email: "ahmed@example.ae", Nationality: "Emirati", Source: "bayut", Score: 55, CreatedAt: early,
		BudgetMin: ptr(1e6), BudgetMax: ptr(2e6), ConsentWhatsApp: true, WhatsAppOptInAt: &early,
		ConsentEmail: false, EmailUnsubscribedAt: &late, FirstContactedAt: &late,
		Preferences: PropertyPreferences{Purpose: "sale", Communities: []string{"Dubai Marina", "JVC"}, Bedrooms: []int{2, 3}}}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("fold (-want +got):\n%s", d)
	}
	// A budget band that would invert keeps the survivor's own.
	got = Fold(Lead{BudgetMax: ptr(1e6)}, Lead{BudgetMin: ptr(5e6)})
	if got.BudgetMin != nil || *got.BudgetMax != 1e6 {
		t.Fatalf("inverted budget: %v %v", got.BudgetMin, got.BudgetMax)
	}
}

func TestHold(t *testing.T) {
	closed := now.AddDate(-2, 0, 0)
	longAgo := now.AddDate(-8, 0, 0)
	cases := []struct {
		name  string
		deals []DealFacts
		held  bool
		until time.Time
	}{
		{"no deals", nil, false, time.Time{}},
		{"old lost deal", []DealFacts{{Stage: "closed_lost", CreatedAt: longAgo, ClosedAt: &longAgo}}, false, time.Time{}},
		{"recent open deal", []DealFacts{{Stage: "offer", CreatedAt: now.AddDate(-1, 0, 0)}}, true, now.AddDate(5, 0, 0)},
		{"won two years ago", []DealFacts{{Stage: "closed_won", CreatedAt: longAgo, ClosedAt: &closed}}, true, closed.AddDate(5, 0, 0)},
		{"AML flag on an open deal", []DealFacts{{Stage: "negotiation", AMLFlag: true, CreatedAt: longAgo}}, true, now.AddDate(5, 0, 0)},
		{"won long ago, retention over", []DealFacts{{Stage: "closed_won", CreatedAt: longAgo, ClosedAt: &longAgo}}, false, time.Time{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			until, held := Hold(c.deals, now)
			if held != c.held || !until.Equal(c.until) {
				t.Fatalf("Hold = %v %v, want %v %v", until, held, c.until, c.held)
			}
		})
	}
}

func TestPlanErasureAndAnonymise(t *testing.T) {
	l := Lead{ID: "l1", FullName: "Ahmed", Phone: "+971501234567", PhoneRaw: "050 123 4567", Email: "a@b.ae",
		Nationality: "Emirati", BudgetMax: ptr(2e6), ConsentWhatsApp: true, WhatsAppOptInAt: &now,
		Preferences: PropertyPreferences{Purpose: "sale"}}

	report, plan := PlanErasure(l, nil, now)
	if report.LegalHold != nil || plan.KeepDeals || !slices.Contains(report.Erased, "full_name") ||
		!slices.Contains(report.Erased, "deals.parties") {
		t.Fatalf("without hold: %+v %+v", report, plan)
	}
	x := l
	Anonymise(&x, plan.LeadFields, now)
	if x.FullName != ErasedName || x.Phone != "" || x.PhoneRaw != "" || x.Email != "" || x.Nationality != "" ||
		x.BudgetMax != nil || x.Preferences.Purpose != "" || x.ConsentWhatsApp || !x.DoNotCall || x.ErasedAt == nil {
		t.Fatalf("anonymised: %+v", x)
	}

	report, plan = PlanErasure(l, []DealFacts{{Stage: "closed_won", CreatedAt: now.AddDate(-1, 0, 0), ClosedAt: &now}}, now)
	if report.LegalHold == nil || report.LegalHold.Until != "2031-11-25" || !plan.KeepDeals ||
		report.LegalHold.Reason != "AML record keeping (5 years)" {
		t.Fatalf("with hold: %+v", report)
	}
	if slices.Contains(report.Erased, "full_name") || !slices.Contains(report.LegalHold.Fields, "full_name") {
		t.Fatalf("hold fields: %+v", report)
	}
	x = l
	Anonymise(&x, plan.LeadFields, now)
	if x.FullName != "Ahmed" || x.Phone == "" || x.Email == "" || x.PhoneRaw != "" || x.BudgetMax != nil {
		t.Fatalf("anonymised under hold: %+v", x)
	}
}

func TestActivityKinds(t *testing.T) {
	if !Call.Contact() || Note.Contact() || StageChange.Contact() {
		t.Fatal("contact kinds")
	}
	if err := validActivity(NewLeadActivity{Kind: Assignment}, now); fields(err)[0] != "kind" {
		t.Fatalf("system kind accepted: %v", err)
	}
	if err := validActivity(NewLeadActivity{Kind: Note}, now); fields(err)[0] != "body" {
		t.Fatalf("empty note: %v", err)
	}
	if err := validActivity(NewLeadActivity{Kind: Call, At: ptr(now.Add(time.Hour))}, now); fields(err)[0] != "at" {
		t.Fatalf("future call: %v", err)
	}
}
