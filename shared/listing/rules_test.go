package listing

import (
	"slices"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/apperr"
)

// 23:30 UTC on 30 June is already 1 July in Dubai.
var now = time.Date(2026, 6, 30, 23, 30, 0, 0, time.UTC)

func fields(err error) []string {
	if err == nil {
		return nil
	}
	var out []string
	for _, f := range apperr.As(err).Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestCheckPermit(t *testing.T) {
	tests := []struct {
		name, number, expiry string
		want                 []string
	}{
		{"valid", "7102938475", "2026-07-02", nil},
		{"six digits", "123456", "2027-01-01", nil},
		{"twelve digits", "123456789012", "2027-01-01", nil},
		{"missing both", "", "", []string{"permit_number", "permit_expiry"}},
		{"missing number", "", "2027-01-01", []string{"permit_number"}},
		{"missing expiry", "7102938475", "", []string{"permit_expiry"}},
		{"too short", "12345", "2027-01-01", []string{"permit_number"}},
		{"too long", "1234567890123", "2027-01-01", []string{"permit_number"}},
		{"letters", "71029A8475", "2027-01-01", []string{"permit_number"}},
		{"with spaces", "710 293 847", "2027-01-01", []string{"permit_number"}},
		{"expired long ago", "7102938475", "2025-01-01", []string{"permit_expiry"}},
		{"expires today in Dubai", "7102938475", "2026-07-01", []string{"permit_expiry"}},
		{"expired yesterday in UTC terms", "7102938475", "2026-06-30", []string{"permit_expiry"}},
		{"not a date", "7102938475", "30/06/2027", []string{"permit_expiry"}},
		{"impossible date", "7102938475", "2027-02-30", []string{"permit_expiry"}},
		{"malformed and expired", "abc", "2020-01-01", []string{"permit_number", "permit_expiry"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range CheckPermit(tt.number, tt.expiry, now) {
				got = append(got, f.Field)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("fields %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTransitions(t *testing.T) {
	allowed := map[Status][]Status{
		Draft:      {Draft, Active, Withdrawn},
		Active:     {Active, UnderOffer, Withdrawn},
		UnderOffer: {UnderOffer, Active, Sold, Rented, Withdrawn},
		Sold:       {Sold, Withdrawn},
		Rented:     {Rented, Withdrawn},
		Withdrawn:  {Withdrawn, Active},
	}
	for _, from := range Statuses {
		for _, to := range Statuses {
			t.Run(string(from)+"→"+string(to), func(t *testing.T) {
				want := slices.Contains(allowed[from], to)
				if got := CanTransition(from, to); got != want {
					t.Fatalf("CanTransition = %v, want %v", got, want)
				}
				err := Transition(from, to)
				if want != (err == nil) || (err != nil && !slices.Equal(fields(err), []string{"status"})) {
					t.Fatalf("Transition: %v", err)
				}
			})
		}
	}
	if err := Transition(Draft, "published"); !slices.Equal(fields(err), []string{"status"}) {
		t.Fatalf("unknown status: %v", err)
	}
}

func valid() Listing {
	two, size, charge := 2, 1302.5, 19.5
	return Listing{Reference: "MC-1", Purpose: "sale", Completion: "ready", PropertyType: "apartment",
		PriceAED: 2_850_000, SizeSqft: &size, Bedrooms: &two, ServiceChargeAEDSqft: &charge, Status: Draft,
		Amenities: []string{}}
}

func TestValidate(t *testing.T) {
	ptr := func(n int) *int { return &n }
	fptr := func(f float64) *float64 { return &f }
	tests := []struct {
		name   string
		change func(*Listing)
		want   []string
	}{
		{"valid draft without permit", func(*Listing) {}, nil},
		{"active with permit", func(l *Listing) { l.Status, l.PermitNumber, l.PermitExpiry = Active, "7102938475", "2027-06-30" }, nil},
		{"active without permit", func(l *Listing) { l.Status = Active }, []string{"permit_number", "permit_expiry"}},
		{"active with expired permit", func(l *Listing) { l.Status, l.PermitNumber, l.PermitExpiry = Active, "7102938475", "2026-01-01" }, []string{"permit_expiry"}},
		{"draft with malformed permit", func(l *Listing) { l.PermitNumber = "TRK-1" }, []string{"permit_number"}},
		{"draft with expired permit is fine", func(l *Listing) { l.PermitNumber, l.PermitExpiry = "7102938475", "2020-01-01" }, nil},
		{"no reference", func(l *Listing) { l.Reference = "" }, []string{"reference"}},
		{"bad purpose", func(l *Listing) { l.Purpose = "lease" }, []string{"purpose"}},
		{"bad completion", func(l *Listing) { l.Completion = "soon" }, []string{"completion"}},
		{"bad type", func(l *Listing) { l.PropertyType = "castle" }, []string{"property_type"}},
		{"zero price", func(l *Listing) { l.PriceAED = 0 }, []string{"price_aed"}},
		{"negative price", func(l *Listing) { l.PriceAED = -5 }, []string{"price_aed"}},
		{"cheques on a sale", func(l *Listing) { l.RentCheques = ptr(4) }, []string{"rent_cheques"}},
		{"cheques on a rent", func(l *Listing) { l.Purpose, l.RentCheques = "rent", ptr(4) }, nil},
		{"thirteen cheques", func(l *Listing) { l.Purpose, l.RentCheques = "rent", ptr(13) }, []string{"rent_cheques"}},
		{"zero size", func(l *Listing) { l.SizeSqft = fptr(0) }, []string{"size_sqft"}},
		{"studio with 0 bedrooms", func(l *Listing) { l.PropertyType, l.Bedrooms = "studio", ptr(0) }, nil},
		{"studio with bedrooms", func(l *Listing) { l.PropertyType, l.Bedrooms = "studio", ptr(1) }, []string{"bedrooms"}},
		{"51 bedrooms", func(l *Listing) { l.Bedrooms = ptr(51) }, []string{"bedrooms"}},
		{"negative bathrooms", func(l *Listing) { l.Bathrooms = ptr(-1) }, []string{"bathrooms"}},
		{"free service charge", func(l *Listing) { l.ServiceChargeAEDSqft = fptr(0) }, nil},
		{"negative service charge", func(l *Listing) { l.ServiceChargeAEDSqft = fptr(-1) }, []string{"service_charge_aed_sqft"}},
		{"bad handover date", func(l *Listing) { l.HandoverDate = "Q4 2027" }, []string{"handover_date"}},
		{"sold sale", func(l *Listing) { l.Status = Sold }, nil},
		{"sold rent", func(l *Listing) { l.Purpose, l.Status = "rent", Sold }, []string{"status"}},
		{"rented sale", func(l *Listing) { l.Status = Rented }, []string{"status"}},
		{"rented rent", func(l *Listing) { l.Purpose, l.Status = "rent", Rented }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := valid()
			tt.change(&l)
			err := Validate(l, now)
			if got := fields(err); !slices.Equal(got, tt.want) {
				t.Fatalf("fields %v, want %v (%v)", got, tt.want, err)
			}
			if err != nil && apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("code %s", apperr.CodeOf(err))
			}
		})
	}
}

func TestTidy(t *testing.T) {
	l := Listing{Reference: " MC-1 ", PropertyType: "studio", Amenities: []string{"Pool", " ", "Pool", "Gym "}}
	tidy(&l)
	if l.Reference != "MC-1" || !slices.Equal(l.Amenities, []string{"Pool", "Gym"}) || l.Bedrooms == nil || *l.Bedrooms != 0 {
		t.Fatalf("%+v", l)
	}
}
