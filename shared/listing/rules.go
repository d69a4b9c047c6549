package listing

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/page"
)

// dubai is Asia/Dubai: UTC+4 all year (no daylight saving), fixed so that no time zone
// database is needed in a Lambda.
var dubai = time.FixedZone("Asia/Dubai", 4*60*60)

// Today is the calendar date in Dubai at now, as YYYY-MM-DD: permits expire on Dubai dates.
func Today(now time.Time) string { return now.In(dubai).Format(time.DateOnly) }

// Limits of the columns that hold money and sizes.
const (
	maxPrice         = 999_999_999_999.0
	maxSize          = 99_999_999.0
	maxServiceCharge = 999_999.0
	maxReference     = 40
)

// transitions lists where each status may go. Withdrawn is reachable from anywhere (a listing
// can always come off the market); active is reachable again from under offer (the offer
// fell through) and from withdrawn (relisted).
var transitions = map[Status][]Status{
	Draft:      {Active, Withdrawn},
	Active:     {UnderOffer, Withdrawn},
	UnderOffer: {Active, Sold, Rented, Withdrawn},
	Withdrawn:  {Active},
	Sold:       {Withdrawn},
	Rented:     {Withdrawn},
}

// CanTransition reports whether a listing may go from one status to another. Staying in the
// same status is not a transition and is always allowed.
func CanTransition(from, to Status) bool {
	return from == to || slices.Contains(transitions[from], to)
}

// Transition checks a status change, naming the field when it is not allowed.
func Transition(from, to Status) error {
	if !slices.Contains(Statuses, to) {
		return apperr.Validation(apperr.FieldError{Field: "status", Message: "is not a status", Value: to})
	}
	if !CanTransition(from, to) {
		next := make([]string, 0, len(transitions[from]))
		for _, s := range transitions[from] {
			next = append(next, string(s))
		}
		return apperr.Validation(apperr.FieldError{Field: "status", Value: to,
			Message: fmt.Sprintf("a %s listing can only become %s", from, strings.Join(next, " or "))})
	}
	return nil
}

// CheckPermit is THE rule of advertising in Dubai: a listing is active only with a DLD
// Trakheesi permit number (6 to 12 digits) whose expiry date is still ahead in Dubai at now.
// It returns one error per field at fault.
func CheckPermit(number, expiry string, now time.Time) []apperr.FieldError {
	var fe []apperr.FieldError
	switch {
	case number == "":
		fe = append(fe, apperr.FieldError{Field: "permit_number",
			Message: "an active listing needs its DLD Trakheesi permit number"})
	case !validPermitNumber(number):
		fe = append(fe, apperr.FieldError{Field: "permit_number", Message: "must be 6 to 12 digits", Value: number})
	}
	switch {
	case expiry == "":
		fe = append(fe, apperr.FieldError{Field: "permit_expiry",
			Message: "an active listing needs the expiry date of its permit"})
	case !validDate(expiry):
		fe = append(fe, apperr.FieldError{Field: "permit_expiry", Message: "must be a date (YYYY-MM-DD)", Value: expiry})
	case expiry <= Today(now):
		fe = append(fe, apperr.FieldError{Field: "permit_expiry", Value: expiry,
			Message: "the permit has expired; renew it before the listing goes (or stays) active"})
	}
	return fe
}

func validPermitNumber(s string) bool {
	if len(s) < 6 || len(s) > 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// Validate checks a whole listing as it would be stored, at now: the field rules, the rules
// between fields, and the permit rule when it is active.
func Validate(l Listing, now time.Time) error {
	var fe []apperr.FieldError
	bad := func(field, msg string, v any) {
		fe = append(fe, apperr.FieldError{Field: field, Message: msg, Value: v})
	}
	if l.Reference == "" || len(l.Reference) > maxReference {
		bad("reference", fmt.Sprintf("is required, at most %d characters", maxReference), l.Reference)
	}
	if !slices.Contains(Purposes, l.Purpose) {
		bad("purpose", "must be sale or rent", l.Purpose)
	}
	if !slices.Contains(Completions, l.Completion) {
		bad("completion", "must be ready or off_plan", l.Completion)
	}
	if !slices.Contains(PropertyTypes, l.PropertyType) {
		bad("property_type", "must be one of "+strings.Join(PropertyTypes, ", "), l.PropertyType)
	}
	if l.PriceAED <= 0 || l.PriceAED > maxPrice {
		bad("price_aed", "must be more than 0 AED (and at most 999,999,999,999)", l.PriceAED)
	}
	fe = append(fe, checkSizes(l)...)
	if l.HandoverDate != "" && !validDate(l.HandoverDate) {
		bad("handover_date", "must be a date (YYYY-MM-DD)", l.HandoverDate)
	}
	if l.Status == Active {
		fe = append(fe, CheckPermit(l.PermitNumber, l.PermitExpiry, now)...)
	} else {
		if l.PermitNumber != "" && !validPermitNumber(l.PermitNumber) {
			bad("permit_number", "must be 6 to 12 digits", l.PermitNumber)
		}
		if l.PermitExpiry != "" && !validDate(l.PermitExpiry) {
			bad("permit_expiry", "must be a date (YYYY-MM-DD)", l.PermitExpiry)
		}
	}
	switch {
	case !slices.Contains(Statuses, l.Status):
		bad("status", "is not a status", l.Status)
	case l.Status == Sold && l.Purpose != "sale":
		bad("status", "only a listing for sale can be sold", l.Status)
	case l.Status == Rented && l.Purpose != "rent":
		bad("status", "only a listing for rent can be rented", l.Status)
	}
	if len(fe) > 0 {
		return apperr.Validation(fe...)
	}
	return nil
}

// checkSizes checks the counts and measures, which may each be absent.
func checkSizes(l Listing) []apperr.FieldError {
	var fe []apperr.FieldError
	bad := func(field, msg string, v any) {
		fe = append(fe, apperr.FieldError{Field: field, Message: msg, Value: v})
	}
	if l.RentCheques != nil {
		if l.Purpose != "rent" {
			bad("rent_cheques", "only a rent is paid in cheques", *l.RentCheques)
		} else if *l.RentCheques < 1 || *l.RentCheques > 12 {
			bad("rent_cheques", "must be 1 to 12", *l.RentCheques)
		}
	}
	if l.SizeSqft != nil && (*l.SizeSqft <= 0 || *l.SizeSqft > maxSize) {
		bad("size_sqft", "must be more than 0 sq ft", *l.SizeSqft)
	}
	if l.Bedrooms != nil && (*l.Bedrooms < 0 || *l.Bedrooms > 50) {
		bad("bedrooms", "must be 0 (studio) to 50", *l.Bedrooms)
	} else if l.PropertyType == "studio" && l.Bedrooms != nil && *l.Bedrooms != 0 {
		bad("bedrooms", "a studio has 0 bedrooms", *l.Bedrooms)
	}
	if l.Bathrooms != nil && (*l.Bathrooms < 0 || *l.Bathrooms > 50) {
		bad("bathrooms", "must be 0 to 50", *l.Bathrooms)
	}
	if l.ServiceChargeAEDSqft != nil && (*l.ServiceChargeAEDSqft < 0 || *l.ServiceChargeAEDSqft > maxServiceCharge) {
		bad("service_charge_aed_sqft", "must be 0 or more AED per sq ft", *l.ServiceChargeAEDSqft)
	}
	return fe
}

// tidy trims text and drops empty or repeated amenities, so that what is stored is what a
// portal shows.
func tidy(l *Listing) {
	for _, s := range []*string{&l.Reference, &l.Title, &l.Description, &l.Building, &l.View, &l.Developer,
		&l.PermitNumber, &l.PermitExpiry, &l.HandoverDate, &l.AgentID, &l.LocationID} {
		*s = strings.TrimSpace(*s)
	}
	amenities := make([]string, 0, len(l.Amenities))
	for _, a := range l.Amenities {
		if a = strings.TrimSpace(a); a != "" && !slices.Contains(amenities, a) {
			amenities = append(amenities, a)
		}
	}
	l.Amenities = amenities
	if l.PropertyType == "studio" && l.Bedrooms == nil {
		zero := 0
		l.Bedrooms = &zero
	}
}

// SortValue is l's value of the sort key as a cursor carries it; "" stands for NULL.
func SortValue(l Listing, s page.Sort) string {
	switch s.Field {
	case "price_aed":
		return strconv.FormatFloat(l.PriceAED, 'f', -1, 64)
	case "size_sqft":
		if l.SizeSqft != nil {
			return strconv.FormatFloat(*l.SizeSqft, 'f', -1, 64)
		}
	case "bedrooms":
		if l.Bedrooms != nil {
			return strconv.Itoa(*l.Bedrooms)
		}
	default:
		return l.CreatedAt.UTC().Format(time.RFC3339Nano)
	}
	return ""
}
