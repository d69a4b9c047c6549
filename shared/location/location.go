// Package location is the Dubai place tree (emirate › community › sub-community › building):
// global reference data that every brokerage reads, with the many spellings a place goes by
// in the wild mapped to one location id.
package location

import (
	"context"
	"slices"

	"github.com/propertypro/propertypro/shared/page"
)

// Kind is a level of the place tree.
type Kind string

// The levels, from the top.
const (
	Emirate      Kind = "emirate"
	Community    Kind = "community"
	SubCommunity Kind = "sub_community"
	Building     Kind = "building"
)

// Kinds lists every level, top first.
var Kinds = []Kind{Emirate, Community, SubCommunity, Building}

// Valid reports whether k is a known level.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Location is one place of the tree.
type Location struct {
	ID       string `json:"id"`
	ParentID string `json:"parent_id,omitempty"`
	Kind     Kind   `json:"kind" enum:"emirate,community,sub_community,building"`
	NameEN   string `json:"name_en"`
	NameAR   string `json:"name_ar"`
	Slug     string `json:"slug"`
	// Aliases are the normalised spellings that resolve to this place (single reads only).
	Aliases []string `json:"aliases,omitempty"`
	// Path is the chain of ancestors, the emirate first (single reads only).
	Path []Ref `json:"path,omitempty"`
}

// Ref names an ancestor in a location's path.
type Ref struct {
	ID     string `json:"id"`
	Kind   Kind   `json:"kind"`
	NameEN string `json:"name_en"`
	NameAR string `json:"name_ar"`
}

// Filter narrows a location listing.
type Filter struct {
	// Q matches English and Arabic names and aliases, word by word from their start.
	Q        string
	Kind     Kind
	ParentID string
}

// Store reads the place tree.
type Store interface {
	// ListLocations returns up to p.Size()+1 locations matching f, in p.Sort order, after
	// p's cursor. Q arrives already normalised.
	ListLocations(ctx context.Context, f Filter, p page.Request) ([]Location, error)
	// LocationByID returns one location with its aliases and ancestors; not_found otherwise.
	LocationByID(ctx context.Context, id string) (Location, error)
}

// Resolver maps free text ("Al Awir", "JVC", "مرسى دبي") to a location of the tree. It is the
// port ingestion uses to turn a customer's spelling into one location id; implementations try
// the spellings of Candidates(text) in order.
type Resolver interface {
	// ResolveAlias returns the location the text names and true, or false when no alias
	// matches; err is only for failures of the store itself.
	ResolveAlias(ctx context.Context, text string) (Location, bool, error)
}
