package listing

import (
	"context"
	"slices"
	"time"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/page"
)

// Service manages listings with the brokerage's rules of access: agents see and change their
// own listings, managers their team's, admins the whole brokerage's; compliance officers and
// reviewers read everything and change nothing.
type Service struct {
	store   Store
	places  Places
	members Members
	// Now is the clock the permit rule reads; tests replace it.
	Now func() time.Time
}

// New returns the listing service.
func New(store Store, places Places, members Members) *Service {
	return &Service{store: store, places: places, members: members, Now: time.Now}
}

// NewListing is what creating a listing takes.
type NewListing struct {
	AgentID              string   `json:"agent_id,omitempty" doc:"The owning agent; admins and managers may name one of their brokerage or team, agents own what they create."`
	Reference            string   `json:"reference" minLength:"1" maxLength:"40" doc:"The brokerage's own reference, unique within the brokerage."`
	Title                string   `json:"title,omitempty" maxLength:"200"`
	Description          string   `json:"description,omitempty" maxLength:"10000"`
	Purpose              string   `json:"purpose" enum:"sale,rent"`
	Completion           string   `json:"completion,omitempty" enum:"ready,off_plan" doc:"ready (default) or off_plan."`
	PropertyType         string   `json:"property_type" enum:"apartment,villa,townhouse,penthouse,duplex,studio,office,retail,warehouse,land,hotel_apartment"`
	LocationID           string   `json:"location_id,omitempty" maxLength:"64" doc:"A place of /v1/locations; the community is derived from it."`
	Building             string   `json:"building,omitempty" maxLength:"200"`
	PriceAED             float64  `json:"price_aed" exclusiveMinimum:"0" maximum:"999999999999" doc:"Sale price, or annual rent, in AED."`
	RentCheques          *int     `json:"rent_cheques,omitempty" minimum:"1" maximum:"12" doc:"Rent only."`
	SizeSqft             *float64 `json:"size_sqft,omitempty" exclusiveMinimum:"0" maximum:"99999999"`
	Bedrooms             *int     `json:"bedrooms,omitempty" minimum:"0" maximum:"50" doc:"0 is a studio."`
	Bathrooms            *int     `json:"bathrooms,omitempty" minimum:"0" maximum:"50"`
	ServiceChargeAEDSqft *float64 `json:"service_charge_aed_sqft,omitempty" minimum:"0" maximum:"999999" doc:"AED per sq ft per year."`
	Furnished            bool     `json:"furnished,omitempty"`
	View                 string   `json:"view,omitempty" maxLength:"200"`
	Amenities            []string `json:"amenities,omitempty" maxItems:"50"`
	Developer            string   `json:"developer,omitempty" maxLength:"200"`
	HandoverDate         string   `json:"handover_date,omitempty" format:"date" doc:"Off-plan handover date."`
	PermitNumber         string   `json:"permit_number,omitempty" maxLength:"12" doc:"DLD Trakheesi permit number (6 to 12 digits); required to be active."`
	PermitExpiry         string   `json:"permit_expiry,omitempty" format:"date" doc:"Permit expiry; must be in the future to be active."`
	Status               Status   `json:"status,omitempty" enum:"draft,active" doc:"draft (default) or active."`
}

// Create adds a listing. It starts as a draft unless it asks to be active, which needs a
// valid permit.
func (s *Service) Create(ctx context.Context, a access.Actor, in NewListing) (Listing, error) {
	if err := a.Require(access.Admin, access.Manager, access.Agent); err != nil {
		return Listing{}, err
	}
	l := Listing{BrokerageID: a.BrokerageID, AgentID: in.AgentID, Reference: in.Reference, Title: in.Title,
		Description: in.Description, Purpose: in.Purpose, Completion: in.Completion, PropertyType: in.PropertyType,
		LocationID: in.LocationID, Building: in.Building, PriceAED: in.PriceAED, RentCheques: in.RentCheques,
		SizeSqft: in.SizeSqft, Bedrooms: in.Bedrooms, Bathrooms: in.Bathrooms,
		ServiceChargeAEDSqft: in.ServiceChargeAEDSqft, Furnished: in.Furnished, View: in.View,
		Amenities: in.Amenities, Developer: in.Developer, HandoverDate: in.HandoverDate,
		PermitNumber: in.PermitNumber, PermitExpiry: in.PermitExpiry, Status: in.Status}
	if l.Completion == "" {
		l.Completion = "ready"
	}
	if l.Status == "" {
		l.Status = Draft
	}
	if l.Status != Draft && l.Status != Active {
		return Listing{}, apperr.Validation(apperr.FieldError{Field: "status", Message: "a new listing is draft or active", Value: l.Status})
	}
	tidy(&l)
	owner, err := s.owner(ctx, a, l.AgentID)
	if err != nil {
		return Listing{}, err
	}
	l.AgentID = owner
	if err := s.derive(ctx, &l); err != nil {
		return Listing{}, err
	}
	if err := Validate(l, s.Now()); err != nil {
		return Listing{}, err
	}
	return s.store.CreateListing(ctx, l, audit.Entry{BrokerageID: a.BrokerageID, ActorID: a.UserID,
		Action: "create", Entity: "listing"})
}

// owner decides who owns a listing the actor creates or reassigns: agents own what they list;
// managers may name a member of their team, admins any agent or manager of the brokerage.
func (s *Service) owner(ctx context.Context, a access.Actor, agentID string) (string, error) {
	if agentID == "" || agentID == a.UserID {
		return a.UserID, nil
	}
	invalid := func(msg string) error {
		return apperr.Validation(apperr.FieldError{Field: "agent_id", Message: msg, Value: agentID})
	}
	switch a.Role {
	case access.Agent:
		return "", invalid("agents list under their own name")
	case access.Manager:
		if !slices.Contains(a.Owners(), agentID) {
			return "", invalid("must be an agent of your team")
		}
	}
	role, found, err := s.members.Member(ctx, a.BrokerageID, agentID)
	if err != nil {
		return "", err
	}
	if !found || (role != access.Agent && role != access.Manager) {
		return "", invalid("must be an active agent or manager of your brokerage")
	}
	return agentID, nil
}

// derive sets the community from the location.
func (s *Service) derive(ctx context.Context, l *Listing) error {
	l.CommunityID = ""
	if l.LocationID == "" {
		return nil
	}
	community, found, err := s.places.CommunityOf(ctx, l.LocationID)
	if err != nil {
		return err
	}
	if !found {
		return apperr.Validation(apperr.FieldError{Field: "location_id", Message: "is not a place of /v1/locations", Value: l.LocationID})
	}
	l.CommunityID = community
	return nil
}

// listingRecords loads listings for a caller: a listing belongs to its agent, and roles
// that only read may not change it.
var listingRecords = access.Records[Listing]{Kind: "listing", ReadOnly: "may read listings but not change them",
	Owner:   func(l Listing) (string, string) { return l.BrokerageID, l.AgentID },
	Version: func(l Listing) int { return l.Version }}

// Get returns a listing the actor may see; any other id, including another brokerage's, is
// not found.
func (s *Service) Get(ctx context.Context, a access.Actor, id string) (Listing, error) {
	return listingRecords.Visible(ctx, a, id, s.store.ListingByID)
}

// Patch is a partial update of a listing; nil fields are left alone. Text fields and dates
// are cleared with "".
type Patch struct {
	AgentID              *string   `json:"agent_id,omitempty" maxLength:"64" doc:"Reassigns the listing (admins and managers)."`
	Reference            *string   `json:"reference,omitempty" minLength:"1" maxLength:"40"`
	Title                *string   `json:"title,omitempty" maxLength:"200"`
	Description          *string   `json:"description,omitempty" maxLength:"10000"`
	Purpose              *string   `json:"purpose,omitempty" enum:"sale,rent" doc:"Changing to sale drops rent_cheques."`
	Completion           *string   `json:"completion,omitempty" enum:"ready,off_plan"`
	PropertyType         *string   `json:"property_type,omitempty" enum:"apartment,villa,townhouse,penthouse,duplex,studio,office,retail,warehouse,land,hotel_apartment"`
	LocationID           *string   `json:"location_id,omitempty" maxLength:"64"`
	Building             *string   `json:"building,omitempty" maxLength:"200"`
	PriceAED             *float64  `json:"price_aed,omitempty" exclusiveMinimum:"0" maximum:"999999999999"`
	RentCheques          *int      `json:"rent_cheques,omitempty" minimum:"1" maximum:"12"`
	SizeSqft             *float64  `json:"size_sqft,omitempty" exclusiveMinimum:"0" maximum:"99999999"`
	Bedrooms             *int      `json:"bedrooms,omitempty" minimum:"0" maximum:"50"`
	Bathrooms            *int      `json:"bathrooms,omitempty" minimum:"0" maximum:"50"`
	ServiceChargeAEDSqft *float64  `json:"service_charge_aed_sqft,omitempty" minimum:"0" maximum:"999999"`
	Furnished            *bool     `json:"furnished,omitempty"`
	View                 *string   `json:"view,omitempty" maxLength:"200"`
	Amenities            *[]string `json:"amenities,omitempty" maxItems:"50"`
	Developer            *string   `json:"developer,omitempty" maxLength:"200"`
	HandoverDate         *string   `json:"handover_date,omitempty" maxLength:"10" doc:"YYYY-MM-DD, or \"\" to clear."`
	PermitNumber         *string   `json:"permit_number,omitempty" maxLength:"12" doc:"6 to 12 digits, or \"\" to clear (not while active)."`
	PermitExpiry         *string   `json:"permit_expiry,omitempty" maxLength:"10" doc:"YYYY-MM-DD, or \"\" to clear (not while active)."`
	Status               *Status   `json:"status,omitempty" enum:"draft,active,under_offer,sold,rented,withdrawn" doc:"draft → active → under_offer → sold | rented; withdrawn from any; back to active from under_offer or withdrawn."`
}

// Update applies a patch. version is the If-Match version, 0 for none. Status changes follow
// the transitions, and the result must pass Validate, so an active listing can never be left
// without a valid permit.
func (s *Service) Update(ctx context.Context, a access.Actor, id string, p Patch, version int) (Listing, error) {
	l, err := listingRecords.Writable(ctx, a, id, version, s.store.ListingByID)
	if err != nil {
		return Listing{}, err
	}
	before := l
	before.Amenities = slices.Clone(l.Amenities)
	if p.Status != nil {
		if err := Transition(l.Status, *p.Status); err != nil {
			return Listing{}, err
		}
	}
	apply(&l, p)
	tidy(&l)
	if p.AgentID != nil && l.AgentID != before.AgentID {
		if a.Role == access.Agent {
			return Listing{}, apperr.Validation(apperr.FieldError{Field: "agent_id", Message: "agents cannot reassign listings", Value: l.AgentID})
		}
		if l.AgentID != "" {
			if l.AgentID, err = s.owner(ctx, a, l.AgentID); err != nil {
				return Listing{}, err
			}
		}
	}
	if p.LocationID != nil {
		if err := s.derive(ctx, &l); err != nil {
			return Listing{}, err
		}
	}
	if err := Validate(l, s.Now()); err != nil {
		return Listing{}, err
	}
	return s.store.UpdateListing(ctx, l, l.Version, audit.Entry{BrokerageID: a.BrokerageID, ActorID: a.UserID,
		Action: "update", Entity: "listing", EntityID: id, Before: before})
}

// apply copies the patch's fields onto l.
func apply(l *Listing, p Patch) {
	set(&l.AgentID, p.AgentID)
	set(&l.Reference, p.Reference)
	set(&l.Title, p.Title)
	set(&l.Description, p.Description)
	if p.Purpose != nil && *p.Purpose == "sale" && p.RentCheques == nil {
		l.RentCheques = nil
	}
	set(&l.Purpose, p.Purpose)
	set(&l.Completion, p.Completion)
	set(&l.PropertyType, p.PropertyType)
	set(&l.LocationID, p.LocationID)
	set(&l.Building, p.Building)
	set(&l.PriceAED, p.PriceAED)
	setPtr(&l.RentCheques, p.RentCheques)
	setPtr(&l.SizeSqft, p.SizeSqft)
	setPtr(&l.Bedrooms, p.Bedrooms)
	setPtr(&l.Bathrooms, p.Bathrooms)
	setPtr(&l.ServiceChargeAEDSqft, p.ServiceChargeAEDSqft)
	set(&l.Furnished, p.Furnished)
	set(&l.View, p.View)
	set(&l.Amenities, p.Amenities)
	set(&l.Developer, p.Developer)
	set(&l.HandoverDate, p.HandoverDate)
	set(&l.PermitNumber, p.PermitNumber)
	set(&l.PermitExpiry, p.PermitExpiry)
	set(&l.Status, p.Status)
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func setPtr[T any](dst **T, v *T) {
	if v != nil {
		c := *v
		*dst = &c
	}
}

// Delete soft-deletes a listing: it disappears from searches and reads, its row stays for
// the audit trail and the deals that refer to it.
func (s *Service) Delete(ctx context.Context, a access.Actor, id string, version int) error {
	l, err := listingRecords.Writable(ctx, a, id, version, s.store.ListingByID)
	if err != nil {
		return err
	}
	return s.store.DeleteListing(ctx, a.BrokerageID, id, l.Version, audit.Entry{BrokerageID: a.BrokerageID,
		ActorID: a.UserID, Action: "delete", Entity: "listing", EntityID: id, Before: l})
}

// Search returns one page of the listings the actor may see that match f.
func (s *Service) Search(ctx context.Context, a access.Actor, f Filter, p page.Request) (page.Result[Listing], error) {
	if a.UserID == "" || a.BrokerageID == "" {
		return page.Result[Listing]{}, apperr.New(apperr.Unauthorized, "authentication required")
	}
	if err := checkFilter(f); err != nil {
		return page.Result[Listing]{}, err
	}
	if !slices.Contains(Sorts, p.Sort.Field) {
		return page.Result[Listing]{}, apperr.Validation(apperr.FieldError{Field: "sort", Message: "is not a listing sort", Value: p.Sort.Field})
	}
	if _, err := p.Decode(); err != nil {
		return page.Result[Listing]{}, err
	}
	f.Owners, f.Unassigned = a.Owners(), a.Role == access.Manager
	rows, err := s.store.SearchListings(ctx, a.BrokerageID, f, p)
	if err != nil {
		return page.Result[Listing]{}, err
	}
	return page.Trim(rows, p, func(l Listing) (string, string) { return SortValue(l, p.Sort), l.ID }), nil
}

func checkFilter(f Filter) error {
	var fe []apperr.FieldError
	if f.BedsMin != nil && f.BedsMax != nil && *f.BedsMin > *f.BedsMax {
		fe = append(fe, apperr.FieldError{Field: "beds_max", Message: "is below beds_min", Value: *f.BedsMax})
	}
	if f.PriceMin != nil && f.PriceMax != nil && *f.PriceMin > *f.PriceMax {
		fe = append(fe, apperr.FieldError{Field: "price_max", Message: "is below price_min", Value: *f.PriceMax})
	}
	if f.Status != "" && !slices.Contains(Statuses, f.Status) {
		fe = append(fe, apperr.FieldError{Field: "status", Message: "is not a status", Value: f.Status})
	}
	if len(fe) > 0 {
		return apperr.Validation(fe...)
	}
	return nil
}
