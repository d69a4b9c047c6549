package api

import (
	"reflect"

	"github.com/danielgtaylor/huma/v2"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/listing"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres"
)

func listingRoutes() map[string]Route {
	return map[string]Route{
		"api-listings-list":   ListingsList,
		"api-listings-create": ListingsCreate,
		"api-listings-get":    ListingsGet,
		"api-listings-update": ListingsUpdate,
		"api-listings-delete": ListingsDelete,
	}
}

// listingService builds the listing service of a function from its boot.
func listingService(b *platform.Boot) *listing.Service {
	store := postgres.NewListings(b.DB)
	return listing.New(store, postgres.NewLocations(b.DB), store)
}

// listingParam is an optional query parameter: huma cannot take pointers there, and a zero
// must stay distinguishable from an absent value (beds_max=0 means studios only).
type listingParam[T any] struct {
	Value T
	Set   bool
}

// Receiver tells huma where to parse the value.
func (o *listingParam[T]) Receiver() reflect.Value { return reflect.ValueOf(o).Elem().Field(0) }

// Schema documents the parameter as the value it wraps.
func (listingParam[T]) Schema(r huma.Registry) *huma.Schema {
	return r.Schema(reflect.TypeFor[T](), false, "")
}

// OnParamSet records whether the request carried the parameter.
func (o *listingParam[T]) OnParamSet(isSet bool, _ any) { o.Set = isSet }

func (o listingParam[T]) ptr() *T {
	if !o.Set {
		return nil
	}
	v := o.Value
	return &v
}

type listingsInput struct {
	CommunityID  string                `query:"community_id" format:"uuid" doc:"A community of /v1/locations."`
	LocationID   string                `query:"location_id" format:"uuid" doc:"A place of /v1/locations; matches listings there or anywhere below it."`
	PropertyType string                `query:"property_type" enum:"apartment,villa,townhouse,penthouse,duplex,studio,office,retail,warehouse,land,hotel_apartment"`
	Purpose      string                `query:"purpose" enum:"sale,rent"`
	Completion   string                `query:"completion" enum:"ready,off_plan" doc:"off_plan for off-plan listings."`
	Status       string                `query:"status" enum:"draft,active,under_offer,sold,rented,withdrawn"`
	Beds         listingParam[int]     `query:"beds" minimum:"0" maximum:"50" doc:"Exactly this many bedrooms (0: studio)."`
	BedsMin      listingParam[int]     `query:"beds_min" minimum:"0" maximum:"50"`
	BedsMax      listingParam[int]     `query:"beds_max" minimum:"0" maximum:"50"`
	PriceMin     listingParam[float64] `query:"price_min" minimum:"0" doc:"AED."`
	PriceMax     listingParam[float64] `query:"price_max" minimum:"0" doc:"AED."`
	AgentID      string                `query:"agent_id" format:"uuid"`
	Q            string                `query:"q" maxLength:"200" doc:"Full text over reference, title, building, developer and description; words match as prefixes; quotes, or and -word work as in web search."`
	Sort         string                `query:"sort" maxLength:"20" doc:"created_at (default -created_at), price_aed, size_sqft or bedrooms; prefix - for descending."`
	Limit        int                   `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor       string                `query:"cursor" maxLength:"512" doc:"next_cursor of the previous page."`
}

func (in *listingsInput) filter() (listing.Filter, error) {
	f := listing.Filter{CommunityID: in.CommunityID, LocationID: in.LocationID, PropertyType: in.PropertyType,
		Purpose: in.Purpose, Completion: in.Completion, Status: listing.Status(in.Status), AgentID: in.AgentID,
		Q: in.Q, BedsMin: in.BedsMin.ptr(), BedsMax: in.BedsMax.ptr(), PriceMin: in.PriceMin.ptr(),
		PriceMax: in.PriceMax.ptr()}
	if in.Beds.Set {
		if in.BedsMin.Set || in.BedsMax.Set {
			return f, apperr.Validation(apperr.FieldError{Field: "beds", Message: "use beds, or beds_min and beds_max, not both"})
		}
		f.BedsMin, f.BedsMax = in.Beds.ptr(), in.Beds.ptr()
	}
	return f, nil
}

func (in *listingsInput) paging() (string, int, string) { return in.Sort, in.Limit, in.Cursor }

// ListingsList is GET /v1/listings: the search over the listings the caller may see.
func ListingsList(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 422)
	listRecords[listingsInput](api, op, Lazy(b, listingService), listing.Sorts, listing.DefaultSort, (*listing.Service).Search)
}

// listingRef is a listing's id and version, for its ETag and Location.
func listingRef(l listing.Listing) (string, int) { return l.ID, l.Version }

// ListingsCreate is POST /v1/listings.
func ListingsCreate(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Description = "A listing starts as a draft. Creating it active needs a DLD Trakheesi permit number (6 to 12 digits) " +
		"whose expiry date is in the future; otherwise the answer is 422 naming permit_number and permit_expiry."
	op.Errors = append(op.Errors, 409, 422)
	createRecord(api, op, Lazy(b, listingService), (*listing.Service).Create, located(op.Path, listingRef))
}

// listingKey is a listing id in a path; its schema describes the parameter.
type listingKey string

// Schema describes the {id} parameter in the OpenAPI document.
func (listingKey) Schema(huma.Registry) *huma.Schema { return idSchema("Listing id.") }

// ListingsGet is GET /v1/listings/{id}.
func ListingsGet(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404)
	getRecord[listingKey](api, op, Lazy(b, listingService), (*listing.Service).Get, tagged(listingRef))
}

// ListingsUpdate is PATCH /v1/listings/{id}.
func ListingsUpdate(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Description = "Changes only the fields sent. Status changes follow draft → active → under_offer → sold | rented, " +
		"withdrawn from any status, and back to active from under_offer or withdrawn; an active listing always needs a valid permit."
	op.Errors = append(op.Errors, 404, 409, 412, 422)
	patchRecord[listingKey](api, op, Lazy(b, listingService), (*listing.Service).Update, tagged(listingRef))
}

// ListingsDelete is DELETE /v1/listings/{id}: a soft delete.
func ListingsDelete(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404, 412)
	deleteRecord[listingKey](api, op, Lazy(b, listingService), (*listing.Service).Delete)
}
