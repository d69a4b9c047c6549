package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/location"
	"github.com/propertypro/propertypro/shared/page"
)

// Locations implements location.Store and location.Resolver over the seeded place tree, and
// tells the listings which community a place lies in.
type Locations struct{ db *pgxpool.Pool }

// NewLocations returns the place-tree repository.
func NewLocations(db *pgxpool.Pool) *Locations { return &Locations{db: db} }

const locationColumns = `l.id::text, coalesce(l.parent_id::text, ''), l.kind, l.name_en, l.name_ar, l.slug`

func scanLocation(row pgx.Row) (location.Location, error) {
	var l location.Location
	err := row.Scan(&l.ID, &l.ParentID, &l.Kind, &l.NameEN, &l.NameAR, &l.Slug)
	return l, err
}

// locationSorts maps the sorts location.Sorts allows to their columns.
var locationSorts = map[string]string{"name_en": "l.name_en", "kind": "l.kind"}

// ListLocations lists places matching f. Q (normalised) matches any word of an alias or a
// name from its start, so "jum" finds Jumeirah, JVC and JLT and "awir" finds Al Aweer.
func (s *Locations) ListLocations(ctx context.Context, f location.Filter, p page.Request) ([]location.Location, error) {
	col, ok := locationSorts[p.Sort.Field]
	if !ok {
		return nil, apperr.New(apperr.Invalid, "cannot sort locations by %s", p.Sort.Field)
	}
	var w pagedQuery
	if f.Kind != "" {
		w.add("l.kind = " + w.arg(string(f.Kind)))
	}
	if f.ParentID != "" {
		if !IsUUID(f.ParentID) {
			return []location.Location{}, nil
		}
		w.add("l.parent_id = " + w.arg(f.ParentID) + "::uuid")
	}
	if f.Q != "" {
		q := w.arg(f.Q)
		w.add(fmt.Sprintf(`(EXISTS (SELECT 1 FROM location_aliases a WHERE a.location_id = l.id
			AND (a.alias LIKE %[1]s || '%%' OR a.alias LIKE '%% ' || %[1]s || '%%'))
			OR lower(l.name_en) LIKE %[1]s || '%%' OR lower(l.name_en) LIKE '%% ' || %[1]s || '%%'
			OR l.name_ar LIKE %[1]s || '%%')`, q))
	}
	pos, err := p.Decode()
	if err != nil {
		return nil, err
	}
	w.keyset(col, "l.id", "text", pos, p.Sort.Desc, false)
	rows, err := s.db.Query(ctx, `SELECT `+locationColumns+` FROM locations l`+w.sql()+
		` ORDER BY `+w.order(col, "l.id", p.Sort.Desc, false)+fmt.Sprintf(` LIMIT %d`, p.Size()+1), w.args...)
	if err != nil {
		return nil, InvalidInput(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (location.Location, error) { return scanLocation(r) })
	return out, InvalidInput(err)
}

// LocationByID returns a place with its aliases and its ancestors, the emirate first.
func (s *Locations) LocationByID(ctx context.Context, id string) (location.Location, error) {
	if !IsUUID(id) {
		return location.Location{}, apperr.New(apperr.NotFound, "location %s not found", id)
	}
	l, err := scanLocation(s.db.QueryRow(ctx, `SELECT `+locationColumns+` FROM locations l WHERE l.id = $1`, id))
	if err != nil {
		return location.Location{}, NotFound(err, "location %s not found", id)
	}
	rows, err := s.db.Query(ctx, `SELECT alias FROM location_aliases WHERE location_id = $1 ORDER BY alias`, id)
	if err != nil {
		return location.Location{}, err
	}
	if l.Aliases, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return location.Location{}, err
	}
	l.Path, err = s.ancestors(ctx, id)
	return l, err
}

// ancestors walks up the tree from id (excluded) to its root.
func (s *Locations) ancestors(ctx context.Context, id string) ([]location.Ref, error) {
	rows, err := s.db.Query(ctx, `WITH RECURSIVE up (id, depth) AS (
			SELECT parent_id, 1 FROM locations WHERE id = $1 AND parent_id IS NOT NULL
			UNION ALL
			SELECT l.parent_id, up.depth + 1 FROM up JOIN locations l ON l.id = up.id
			WHERE l.parent_id IS NOT NULL AND up.depth < 16)
		SELECT l.id::text, l.kind, l.name_en, l.name_ar FROM up JOIN locations l ON l.id = up.id
		ORDER BY up.depth DESC`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (location.Ref, error) {
		var ref location.Ref
		err := r.Scan(&ref.ID, &ref.Kind, &ref.NameEN, &ref.NameAR)
		return ref, err
	})
}

// ResolveAlias maps free text to a place, trying location.Candidates(text) in order in one
// round trip.
func (s *Locations) ResolveAlias(ctx context.Context, text string) (location.Location, bool, error) {
	c := location.Candidates(text)
	if len(c) == 0 {
		return location.Location{}, false, nil
	}
	l, err := scanLocation(s.db.QueryRow(ctx, `SELECT `+locationColumns+`
		FROM unnest($1::text[]) WITH ORDINALITY AS c (alias, n)
		JOIN location_aliases a ON a.alias = c.alias JOIN locations l ON l.id = a.location_id
		ORDER BY c.n LIMIT 1`, c))
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return location.Location{}, false, nil
		}
		return location.Location{}, false, err
	}
	return l, true, nil
}

// CommunityOf returns the community a place lies in: the place itself when it is one, else
// its nearest ancestor of kind community ("" above community level, such as the emirate).
// found is false when no such place exists.
func (s *Locations) CommunityOf(ctx context.Context, locationID string) (communityID string, found bool, err error) {
	if !IsUUID(locationID) {
		return "", false, nil
	}
	err = s.db.QueryRow(ctx, `WITH RECURSIVE up (id, parent_id, kind, depth) AS (
			SELECT id, parent_id, kind, 0 FROM locations WHERE id = $1
			UNION ALL
			SELECT l.id, l.parent_id, l.kind, up.depth + 1 FROM up JOIN locations l ON l.id = up.parent_id
			WHERE up.kind <> 'community' AND up.depth < 16)
		SELECT coalesce((SELECT id::text FROM up WHERE kind = 'community' LIMIT 1), '')
		WHERE EXISTS (SELECT 1 FROM up)`, locationID).Scan(&communityID)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return communityID, err == nil, err
}

// pagedQuery collects the conditions and arguments of a query built from optional filters,
// so that only the filters a request sets reach the planner.
type pagedQuery struct {
	conds []string
	args  []any
}

// arg adds an argument and returns its placeholder.
func (w *pagedQuery) arg(v any) string {
	w.args = append(w.args, v)
	return fmt.Sprintf("$%d", len(w.args))
}

func (w *pagedQuery) add(cond string) { w.conds = append(w.conds, cond) }

func (w *pagedQuery) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// keyset adds the condition "after the cursor's row" for ORDER BY col, id, both in the same
// direction. castTo is the SQL type the cursor's text value casts to. A nullable column sorts
// its NULLs last either way and an empty cursor value stands for NULL; a NOT NULL column gets
// a plain row comparison, which an index on (col, id) answers directly.
func (w *pagedQuery) keyset(col, id, castTo string, pos *page.Position, desc, nullable bool) {
	if pos == nil {
		return
	}
	op := ">"
	if desc {
		op = "<"
	}
	pid := w.arg(pos.ID) + "::uuid"
	switch {
	case !nullable:
		w.add(fmt.Sprintf("(%s, %s) %s (%s::%s, %s)", col, id, op, w.arg(pos.Value), castTo, pid))
	case pos.Value == "":
		w.add(fmt.Sprintf("(%s IS NULL AND %s %s %s)", col, id, op, pid))
	default:
		v := w.arg(pos.Value) + "::" + castTo
		w.add(fmt.Sprintf("(%[1]s %[2]s %[3]s OR (%[1]s = %[3]s AND %[4]s %[2]s %[5]s) OR %[1]s IS NULL)",
			col, op, v, id, pid))
	}
}

// order is the ORDER BY matching keyset.
func (w *pagedQuery) order(col, id string, desc, nullable bool) string {
	switch {
	case desc && nullable:
		return col + " DESC NULLS LAST, " + id + " DESC"
	case desc:
		return col + " DESC, " + id + " DESC"
	}
	return col + ", " + id
}
