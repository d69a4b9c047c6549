package api

import (
	"github.com/danielgtaylor/huma/v2"
	"github.com/propertypro/propertypro/shared/location"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres"
)

func locationRoutes() map[string]Route {
	return map[string]Route{
		"api-locations-list": LocationsList,
		"api-locations-get":  LocationsGet,
	}
}

// locationService builds the place-tree service of a function from its boot.
func locationService(b *platform.Boot) *location.Service {
	return location.New(postgres.NewLocations(b.DB))
}

type locationsInput struct {
	Q        string        `query:"q" maxLength:"200" doc:"Matches English and Arabic names and known spellings, each word from its start (\"jvc\", \"al awir\", \"مرسى دبي\")."`
	Kind     location.Kind `query:"kind" enum:"emirate,community,sub_community,building"`
	ParentID string        `query:"parent_id" maxLength:"64" doc:"Only the direct children of this place."`
	Sort     string        `query:"sort" maxLength:"20" doc:"name_en (default) or kind; prefix - for descending."`
	Limit    int           `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor   string        `query:"cursor" maxLength:"512" doc:"next_cursor of the previous page."`
}

func (in *locationsInput) paging() (string, int, string) { return in.Sort, in.Limit, in.Cursor }

func (in *locationsInput) filter() (location.Filter, error) {
	return location.Filter{Q: in.Q, Kind: in.Kind, ParentID: in.ParentID}, nil
}

// LocationsList is GET /v1/locations: the place tree, for any signed-in user.
func LocationsList(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 422)
	listRecords[locationsInput](api, op, Lazy(b, locationService), location.Sorts, location.DefaultSort,
		(*location.Service).List)
}

// locationKey is a place id in a path; its schema describes the parameter.
type locationKey string

// Schema describes the {id} parameter in the OpenAPI document.
func (locationKey) Schema(huma.Registry) *huma.Schema { return idSchema("Location id.") }

// LocationsGet is GET /v1/locations/{id}: one place with its aliases and ancestors. Places
// are reference data without versions: the answer has no ETag.
func LocationsGet(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404)
	getRecord[locationKey](api, op, Lazy(b, locationService), (*location.Service).Get, bodyOf[location.Location])
}
