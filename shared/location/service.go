package location

import (
	"context"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/page"
)

// Sorts are the orders a location listing accepts.
var Sorts = []string{"name_en", "kind"}

// DefaultSort orders places alphabetically by English name.
var DefaultSort = page.Sort{Field: "name_en"}

// Service reads the place tree. Places are global reference data: any authenticated user of
// any brokerage reads all of them, and nobody writes them through the API.
type Service struct{ store Store }

// New returns the location service.
func New(store Store) *Service { return &Service{store: store} }

// List returns one page of places matching f.
func (s *Service) List(ctx context.Context, a access.Actor, f Filter, p page.Request) (page.Result[Location], error) {
	if err := signedIn(a); err != nil {
		return page.Result[Location]{}, err
	}
	if f.Kind != "" && !f.Kind.Valid() {
		return page.Result[Location]{}, apperr.Validation(apperr.FieldError{Field: "kind",
			Message: "must be one of emirate, community, sub_community, building", Value: f.Kind})
	}
	if _, err := p.Decode(); err != nil {
		return page.Result[Location]{}, err
	}
	f.Q = Normalize(f.Q)
	rows, err := s.store.ListLocations(ctx, f, p)
	if err != nil {
		return page.Result[Location]{}, err
	}
	return page.Trim(rows, p, func(l Location) (string, string) { return SortValue(l, p.Sort), l.ID }), nil
}

// SortValue is l's value of the sort key, as cursors carry it.
func SortValue(l Location, s page.Sort) string {
	if s.Field == "kind" {
		return string(l.Kind)
	}
	return l.NameEN
}

// Get returns one place with its aliases and the path of its ancestors.
func (s *Service) Get(ctx context.Context, a access.Actor, id string) (Location, error) {
	if err := signedIn(a); err != nil {
		return Location{}, err
	}
	return s.store.LocationByID(ctx, id)
}

func signedIn(a access.Actor) error {
	if a.UserID == "" || a.BrokerageID == "" {
		return apperr.New(apperr.Unauthorized, "authentication required")
	}
	return nil
}
