package deal

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/propertypro/propertypro/shared/apperr"
)

func money(t *testing.T, s string) Money {
	t.Helper()
	m, err := ParseMoney(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestParseMoneyIsExactAndRoundsToFils(t *testing.T) {
	tests := []struct {
		in   string
		want Money
	}{
		{"1234.56", 123456},
		{"0.1", 10},
		{"0.005", 1},   // half a fils rounds away from zero
		{"0.00499", 0}, // below half
		{"-0.005", -1}, // symmetric
		{"1e6", 100_000_000},
		{"999999999999.99", MaxMoney},
		{"54999.99", 5_499_999},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := money(t, tt.in); got != tt.want {
				t.Fatalf("ParseMoney(%s) = %d fils, want %d", tt.in, got, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "abc", "1,000", "1000000000000"} {
		if _, err := ParseMoney(bad); err == nil {
			t.Errorf("ParseMoney(%q) accepted", bad)
		}
	}
}

func TestMoneyAndRateJSON(t *testing.T) {
	var p Payment
	if err := json.Unmarshal([]byte(`{"method":"cash","amount_aed":0.3}`), &p); err != nil || p.AmountAED != 30 {
		t.Fatalf("%+v %v", p, err)
	}
	b, _ := json.Marshal(struct {
		M Money
		R Rate
		S Rate
	}{M: 123450, R: 250, S: RateScale})
	if string(b) != `{"M":1234.50,"R":0.025,"S":1}` {
		t.Fatal(string(b))
	}
	var r Rate
	if err := json.Unmarshal([]byte(`0.02`), &r); err != nil || r != 200 {
		t.Fatal(r, err)
	}
	if got := Money(6_000_000).Grouped(); got != "60,000" {
		t.Fatal(got)
	}
	if got := Money(5_499_999).Grouped(); got != "54,999.99" {
		t.Fatal(got)
	}
	if got := Money(123_456_789_012).Grouped(); got != "1,234,567,890.12" {
		t.Fatal(got)
	}
}

// The money rules of a deal: commission, VAT on it, the Form I split, the DLD fee.
func TestComputeAmounts(t *testing.T) {
	set := DefaultSettings()
	tests := []struct {
		name                      string
		kind                      Kind
		price                     string
		rate                      Rate
		split                     Rate
		commission, vat, our, dld string
	}{
		{"sale 2%", Sale, "2450000", 200, 0, "49000.00", "2450.00", "49000.00", "98000.00"},
		{"rent 5% of annual rent, no DLD fee", Rent, "120000", 500, 0, "6000.00", "300.00", "6000.00", "0.00"},
		{"off-plan 2% with DLD fee", OffPlan, "1850000", 200, 0, "37000.00", "1850.00", "37000.00", "74000.00"},
		{"co-broke 50/50", Sale, "3000000", 200, 5000, "60000.00", "3000.00", "30000.00", "120000.00"},
		{"co-broke 40% to them", Sale, "1000000", 200, 4000, "20000.00", "1000.00", "12000.00", "40000.00"},
		{"rate override 1.5%", Sale, "999999.99", 150, 0, "15000.00", "750.00", "15000.00", "40000.00"},
		// 1,234,567.89 × 2% = 24,691.3578 → 24,691.36; × 5% VAT = 1,234.568 → 1,234.57;
		// × 4% DLD = 49,382.7156 → 49,382.72; ours 66.67% of 24,691.36 = 16,461.729… → 16,461.73.
		{"rounding to fils", Sale, "1234567.89", 200, 3333, "24691.36", "1234.57", "16461.73", "49382.72"},
		{"half a fils rounds up", Sale, "0.25", 200, 0, "0.01", "0.00", "0.01", "0.01"},
		{"whole commission to the other brokerage", Sale, "500000", 200, RateScale, "10000.00", "500.00", "0.00", "20000.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Deal{Kind: tt.kind, PriceAED: money(t, tt.price), CommissionRate: tt.rate, CoBrokeSplit: tt.split}
			set.Compute(&d)
			got := []string{d.CommissionAED.String(), d.VATAED.String(), d.OurCommissionAED.String(), d.DLDFeeAED.String()}
			want := []string{tt.commission, tt.vat, tt.our, tt.dld}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("commission, vat, ours, dld (-want +got):\n%s", diff)
			}
		})
	}
}

// Many small amounts never drift: 3 × 0.1 is exactly 0.30, as floats would not have it.
func TestNoFloatDrift(t *testing.T) {
	var total Money
	for range 3 {
		total += money(t, "0.1")
	}
	if total.String() != "0.30" {
		t.Fatal(total)
	}
	d := Deal{Kind: Sale, PriceAED: money(t, "0.3"), CommissionRate: RateScale}
	DefaultSettings().Compute(&d)
	if d.CommissionAED != total {
		t.Fatal(d.CommissionAED)
	}
}

func TestDefaultRates(t *testing.T) {
	set := DefaultSettings()
	if set.DefaultRate(Sale) != 200 || set.DefaultRate(Rent) != 500 || set.DefaultRate(OffPlan) != 200 {
		t.Fatal(set)
	}
	if RateOf(0.02) != 200 || RateOf(0.05) != 500 || RateOf(0.0425) != 425 {
		t.Fatal("RateOf")
	}
}

func TestAMLScreen(t *testing.T) {
	set := DefaultSettings()
	pay := func(m PaymentMethod, amount string) Payment { return Payment{Method: m, AmountAED: money(t, amount)} }
	tests := []struct {
		name     string
		payments []Payment
		want     []string
	}{
		{"no payments", nil, []string{}},
		{"cash just below the threshold", []Payment{pay(Cash, "54999.99")}, []string{}},
		{"cash at the threshold", []Payment{pay(Cash, "55000")}, []string{"cash payments AED 55,000 ≥ 55,000"}},
		{"split cash adding up", []Payment{pay(Cash, "30000"), pay(BankTransfer, "500000"), pay(Cash, "30000")},
			[]string{"cash payments AED 60,000 ≥ 55,000"}},
		{"split cash one fils short", []Payment{pay(Cash, "27500"), pay(Cash, "27499.99")}, []string{}},
		{"cheques are not cash", []Payment{pay(Cheque, "900000")}, []string{}},
		{"any virtual asset", []Payment{pay(Mortgage, "1500000"), pay(VirtualAsset, "1")}, []string{"virtual-asset payment"}},
		{"both", []Payment{pay(Cash, "75000.50"), pay(VirtualAsset, "20000")},
			[]string{"cash payments AED 75,000.50 ≥ 55,000", "virtual-asset payment"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Deal{Kind: Sale, PriceAED: AED(2_000_000), CommissionRate: 200, Payments: tt.payments}
			set.Compute(&d)
			if diff := cmp.Diff(tt.want, d.AMLReasons); diff != "" {
				t.Fatalf("reasons (-want +got):\n%s", diff)
			}
			if d.AMLFlag != (len(tt.want) > 0) {
				t.Fatalf("flag %v with reasons %v", d.AMLFlag, d.AMLReasons)
			}
		})
	}
}

// The AML screen shows only to compliance officers; for anyone else it is absent, not false.
func TestViewHidesAMLFromEveryoneElse(t *testing.T) {
	d := Deal{ID: "d1", Kind: Sale, PriceAED: AED(1), Payments: []Payment{}, AMLFlag: true, AMLReasons: []string{"virtual-asset payment"}}
	hidden, _ := json.Marshal(ViewOf(d, false))
	if strings.Contains(strings.ToLower(string(hidden)), "aml") {
		t.Fatalf("AML leaked: %s", hidden)
	}
	shown, _ := json.Marshal(ViewOf(d, true))
	if !strings.Contains(string(shown), `"aml_flag":true`) || !strings.Contains(string(shown), "virtual-asset payment") {
		t.Fatalf("AML missing for compliance: %s", shown)
	}
	clean, _ := json.Marshal(ViewOf(Deal{}, true))
	if !strings.Contains(string(clean), `"aml_flag":false`) {
		t.Fatalf("compliance sees an explicit false: %s", clean)
	}
}

func TestStageMachine(t *testing.T) {
	tests := []struct {
		kind     Kind
		from, to Stage
		ok       bool
	}{
		{Sale, Offer, Negotiation, true},
		{Sale, Negotiation, MOUSigned, true},
		{Sale, MOUSigned, Transfer, true},
		{Sale, Transfer, ClosedWon, true},
		{Sale, Offer, Offer, true},
		{Sale, Offer, MOUSigned, false},
		{Sale, Offer, ClosedWon, false},
		{Sale, MOUSigned, ClosedWon, false},
		{Sale, Negotiation, Offer, false},
		{Sale, Offer, ClosedLost, true},
		{Sale, Transfer, ClosedLost, true},
		{Sale, ClosedWon, ClosedLost, false},
		{Sale, ClosedLost, Offer, false},
		{Sale, ClosedWon, Transfer, false},
		{OffPlan, MOUSigned, Transfer, true},
		{Rent, MOUSigned, ClosedWon, true},
		{Rent, MOUSigned, Transfer, false},
		{Rent, Negotiation, ClosedLost, true},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind)+":"+string(tt.from)+"→"+string(tt.to), func(t *testing.T) {
			d := Deal{Kind: tt.kind, EjariNumber: "EJ-2026-001"}
			err := CheckTransition(d, tt.from, tt.to)
			if (err == nil) != tt.ok {
				t.Fatalf("got %v, want ok=%v", err, tt.ok)
			}
			if err != nil && (apperr.CodeOf(err) != apperr.Invalid || apperr.As(err).Fields[0].Field != "stage") {
				t.Fatalf("want a 422 naming stage: %v", err)
			}
		})
	}
}

func TestLeaseNeedsEjariToClose(t *testing.T) {
	err := CheckTransition(Deal{Kind: Rent}, MOUSigned, ClosedWon)
	if apperr.CodeOf(err) != apperr.Invalid || apperr.As(err).Fields[0].Field != "ejari_number" {
		t.Fatalf("closing a lease without Ejari: %v", err)
	}
	if err := CheckTransition(Deal{Kind: Rent}, Negotiation, ClosedLost); err != nil {
		t.Fatalf("losing a lease needs no Ejari: %v", err)
	}
}

func TestNextStages(t *testing.T) {
	if got := NextStages(Sale, Transfer); !slices.Equal(got, []Stage{ClosedWon, ClosedLost}) {
		t.Fatal(got)
	}
	if got := NextStages(Sale, ClosedWon); got != nil {
		t.Fatal(got)
	}
}

func TestValidateNamesFields(t *testing.T) {
	d := Deal{Kind: "lease", PriceAED: 0, CommissionRate: -1, CoBrokeSplit: 2000,
		Payments: []Payment{{Method: "gold", AmountAED: 0}}}
	err := validate(d)
	var fields []string
	for _, f := range apperr.As(err).Fields {
		fields = append(fields, f.Field)
	}
	want := []string{"kind", "price_aed", "commission_rate", "co_broke_brokerage", "payments[0].method", "payments[0].amount_aed"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Fatalf("fields (-want +got):\n%s", diff)
	}
}

func TestViewingStatus(t *testing.T) {
	tests := []struct {
		from, to ViewingStatus
		ok       bool
	}{
		{Scheduled, Done, true},
		{Scheduled, Cancelled, true},
		{Scheduled, NoShow, true},
		{Scheduled, Scheduled, true},
		{Done, Scheduled, false},
		{Cancelled, Done, false},
		{NoShow, Done, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.from)+"→"+string(tt.to), func(t *testing.T) {
			if err := CheckViewingStatus(tt.from, tt.to); (err == nil) != tt.ok {
				t.Fatalf("got %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

// A lease has no DLD transfer: a deal switched to rent while at transfer is refused.
func TestStageMustBelongToTheKind(t *testing.T) {
	err := validate(Deal{Kind: Rent, Stage: Transfer, PriceAED: AED(100_000), Payments: []Payment{}})
	if apperr.CodeOf(err) != apperr.Invalid || apperr.As(err).Fields[0].Field != "stage" {
		t.Fatalf("rent at transfer: %v", err)
	}
	for _, st := range []Stage{Offer, ClosedLost, ClosedWon} {
		d := Deal{Kind: Rent, Stage: st, PriceAED: AED(100_000), EjariNumber: "EJ-1"}
		if err := validate(d); err != nil {
			t.Errorf("rent at %s: %v", st, err)
		}
	}
}
