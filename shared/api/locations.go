package api

import (
	"context"

	"github.com/danielgtaylor/huma/v2"
	"github.com/propertypro/propertypro/shared/location"
	"github.com/propertypro/propertypro/shared/page"
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

type locationsOutput struct {
	Body page.Result[location.Location]
}

// LocationsList is GET /v1/locations: the place tree, for any signed-in user.
func LocationsList(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 422)
	svc := Lazy(b, locationService)
	Handle(api, op, func(ctx context.Context, in *locationsInput) (*locationsOutput, error) {
		a, err := actor(ctx)
		if err != nil {
			return nil, err
		}
		sort, err := page.ParseSort(in.Sort, location.Sorts, location.DefaultSort)
		if err != nil {
			return nil, err
		}
		res, err := svc().List(ctx, a, location.Filter{Q: in.Q, Kind: in.Kind, ParentID: in.ParentID},
			page.Request{Cursor: in.Cursor, Limit: in.Limit, Sort: sort})
		if err != nil {
			return nil, err
		}
		return &locationsOutput{Body: res}, nil
	})
}

type locationOutput struct {
	Body location.Location
}

// LocationsGet is GET /v1/locations/{id}: one place with its aliases and ancestors.
func LocationsGet(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404)
	svc := Lazy(b, locationService)
	Handle(api, op, func(ctx context.Context, in *struct {
		ID string `path:"id" maxLength:"64" doc:"Location id."`
	}) (*locationOutput, error) {
		a, err := actor(ctx)
		if err != nil {
			return nil, err
		}
		l, err := svc().Get(ctx, a, in.ID)
		if err != nil {
			return nil, err
		}
		return &locationOutput{Body: l}, nil
	})
}
