// Package listing is a brokerage's property listings: what an advert may say, the DLD
// Trakheesi permit without which it may not go live, the life of a listing from draft to sold
// or rented, and who may see and change which listing.
package listing

import (
	"context"
	"time"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/page"
)

// Status is where a listing is in its life.
type Status string

// The statuses. Only active listings are advertised.
const (
	Draft      Status = "draft"
	Active     Status = "active"
	UnderOffer Status = "under_offer"
	Sold       Status = "sold"
	Rented     Status = "rented"
	Withdrawn  Status = "withdrawn"
)

// Purposes, completions and property types a listing may have.
var (
	Purposes      = []string{"sale", "rent"}
	Completions   = []string{"ready", "off_plan"}
	PropertyTypes = []string{"apartment", "villa", "townhouse", "penthouse", "duplex", "studio", "office",
		"retail", "warehouse", "land", "hotel_apartment"}
	Statuses = []Status{Draft, Active, UnderOffer, Sold, Rented, Withdrawn}
)

// Listing is one property advert of a brokerage: a row of the listings table.
type Listing struct {
	ID          string `json:"id"`
	BrokerageID string `json:"brokerage_id"`
	// AgentID owns the listing; "" when nobody does (imported, or its agent left).
	AgentID      string `json:"agent_id,omitempty"`
	Reference    string `json:"reference" doc:"The brokerage's own reference, unique within the brokerage."`
	Title        string `json:"title"`
	Description  string `json:"description"`
	Purpose      string `json:"purpose" enum:"sale,rent"`
	Completion   string `json:"completion" enum:"ready,off_plan"`
	PropertyType string `json:"property_type"`
	LocationID   string `json:"location_id,omitempty"`
	// CommunityID is derived from LocationID: the community the place lies in.
	CommunityID          string    `json:"community_id,omitempty"`
	Building             string    `json:"building"`
	PriceAED             float64   `json:"price_aed" doc:"Sale price, or annual rent, in AED."`
	RentCheques          *int      `json:"rent_cheques,omitempty" doc:"Number of cheques the annual rent is paid in (rent only)."`
	SizeSqft             *float64  `json:"size_sqft,omitempty"`
	Bedrooms             *int      `json:"bedrooms,omitempty" doc:"0 is a studio."`
	Bathrooms            *int      `json:"bathrooms,omitempty"`
	ServiceChargeAEDSqft *float64  `json:"service_charge_aed_sqft,omitempty" doc:"AED per sq ft per year."`
	Furnished            bool      `json:"furnished"`
	View                 string    `json:"view"`
	Amenities            []string  `json:"amenities"`
	Developer            string    `json:"developer"`
	HandoverDate         string    `json:"handover_date,omitempty" format:"date"`
	PermitNumber         string    `json:"permit_number,omitempty" doc:"DLD Trakheesi permit number."`
	PermitExpiry         string    `json:"permit_expiry,omitempty" format:"date"`
	Status               Status    `json:"status" enum:"draft,active,under_offer,sold,rented,withdrawn"`
	Version              int       `json:"version"`
	CreatedAt            time.Time `json:"created_at"`
	UpdatedAt            time.Time `json:"updated_at"`
}

// Filter narrows a listing search. Zero fields do not filter.
type Filter struct {
	CommunityID string
	// LocationID matches listings at the place or anywhere below it.
	LocationID   string
	PropertyType string
	Purpose      string
	Completion   string
	Status       Status
	BedsMin      *int
	BedsMax      *int
	PriceMin     *float64
	PriceMax     *float64
	AgentID      string
	// Q is full text over reference, title, building, developer and description.
	Q string

	// Owners restricts to listings of these agents; nil for the whole brokerage. The service
	// sets it from the caller, never the client.
	Owners []string
	// Unassigned also includes listings with no agent (managers see them).
	Unassigned bool
}

// Sorts are the orders a search accepts; prefix - for descending.
var Sorts = []string{"created_at", "price_aed", "size_sqft", "bedrooms"}

// DefaultSort shows the newest listings first.
var DefaultSort = page.Sort{Field: "created_at", Desc: true}

// Store keeps listings. Every method is scoped to one brokerage; soft-deleted listings do not
// exist for any of them.
type Store interface {
	// CreateListing inserts l; a reference in use answers conflict with the existing id.
	CreateListing(ctx context.Context, l Listing, e audit.Entry) (Listing, error)
	ListingByID(ctx context.Context, brokerageID, id string) (Listing, error)
	// UpdateListing writes l if its version is still expectVersion, else precondition_failed.
	UpdateListing(ctx context.Context, l Listing, expectVersion int, e audit.Entry) (Listing, error)
	// DeleteListing soft-deletes the listing if its version is still expectVersion.
	DeleteListing(ctx context.Context, brokerageID, id string, expectVersion int, e audit.Entry) error
	// SearchListings returns up to p.Size()+1 listings of the brokerage matching f, in
	// p.Sort order, after p's cursor.
	SearchListings(ctx context.Context, brokerageID string, f Filter, p page.Request) ([]Listing, error)
}

// Places tells which community a place lies in.
type Places interface {
	// CommunityOf returns the community of a place ("" above community level); found is
	// false when there is no such place.
	CommunityOf(ctx context.Context, locationID string) (communityID string, found bool, err error)
}

// Members tells who belongs to a brokerage, to check the agent a listing is given to.
type Members interface {
	// Member returns the role of an active user of the brokerage; found is false otherwise.
	Member(ctx context.Context, brokerageID, userID string) (role access.Role, found bool, err error)
}
