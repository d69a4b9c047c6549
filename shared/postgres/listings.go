package postgres

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/listing"
	"github.com/propertypro/propertypro/shared/page"
)

// Listings implements listing.Store and listing.Members.
type Listings struct{ db *pgxpool.Pool }

// NewListings returns the listing repository.
func NewListings(db *pgxpool.Pool) *Listings { return &Listings{db: db} }

const listingColumns = `l.id::text, l.brokerage_id::text, coalesce(l.agent_id::text, ''), l.reference, l.title,
	l.description, l.purpose, l.completion, l.property_type, coalesce(l.location_id::text, ''),
	coalesce(l.community_id::text, ''), l.building, l.price_aed::float8, l.rent_cheques::int, l.size_sqft::float8,
	l.bedrooms::int, l.bathrooms::int, l.service_charge_aed_sqft::float8, l.furnished, l.view, l.amenities,
	l.developer, coalesce(to_char(l.handover_date, 'YYYY-MM-DD'), ''), l.permit_number,
	coalesce(to_char(l.permit_expiry, 'YYYY-MM-DD'), ''), l.status, l.version, l.created_at, l.updated_at`

func scanListing(row pgx.Row) (listing.Listing, error) {
	var l listing.Listing
	err := row.Scan(&l.ID, &l.BrokerageID, &l.AgentID, &l.Reference, &l.Title, &l.Description, &l.Purpose,
		&l.Completion, &l.PropertyType, &l.LocationID, &l.CommunityID, &l.Building, &l.PriceAED, &l.RentCheques,
		&l.SizeSqft, &l.Bedrooms, &l.Bathrooms, &l.ServiceChargeAEDSqft, &l.Furnished, &l.View, &l.Amenities,
		&l.Developer, &l.HandoverDate, &l.PermitNumber, &l.PermitExpiry, &l.Status, &l.Version, &l.CreatedAt,
		&l.UpdatedAt)
	if l.Amenities == nil {
		l.Amenities = []string{}
	}
	return l, err
}

// listingValues are the values of listingWritable, in its order.
func listingValues(l listing.Listing) []any {
	return []any{l.AgentID, l.Reference, l.Title, l.Description, l.Purpose, l.Completion, l.PropertyType,
		l.LocationID, l.CommunityID, l.Building, l.PriceAED, l.RentCheques, l.SizeSqft, l.Bedrooms, l.Bathrooms,
		l.ServiceChargeAEDSqft, l.Furnished, l.View, l.Amenities, l.Developer, l.HandoverDate, l.PermitNumber,
		l.PermitExpiry, string(l.Status)}
}

// listingPlaceholders are the writable columns' parameters, numbered from first, with the
// casts that let pgx's exec mode send them as plain values.
func listingPlaceholders(first int) string {
	casts := []string{"NULLIF(%s, '')::uuid", "%s", "%s", "%s", "%s", "%s", "%s", "NULLIF(%s, '')::uuid",
		"NULLIF(%s, '')::uuid", "%s", "%s::numeric", "%s::smallint", "%s::numeric", "%s::smallint", "%s::smallint",
		"%s::numeric", "%s::boolean", "%s", "coalesce(%s::text[], '{}')", "%s", "NULLIF(%s, '')::date", "%s",
		"NULLIF(%s, '')::date", "%s"}
	out := make([]string, len(casts))
	for i, c := range casts {
		out[i] = fmt.Sprintf(c, fmt.Sprintf("$%d", first+i))
	}
	return strings.Join(out, ", ")
}

const listingWritable = `agent_id, reference, title, description, purpose, completion, property_type, location_id,
	community_id, building, price_aed, rent_cheques, size_sqft, bedrooms, bathrooms, service_charge_aed_sqft,
	furnished, view, amenities, developer, handover_date, permit_number, permit_expiry, status`

// CreateListing inserts a listing; a reference the brokerage already uses answers conflict
// with the id of the listing holding it.
func (s *Listings) CreateListing(ctx context.Context, l listing.Listing, e audit.Entry) (listing.Listing, error) {
	var out listing.Listing
	err := InTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		args := append([]any{l.BrokerageID}, listingValues(l)...)
		out, err = scanListing(tx.QueryRow(ctx, `INSERT INTO listings AS l (brokerage_id, `+listingWritable+`)
			VALUES ($1::uuid, `+listingPlaceholders(2)+`) RETURNING `+listingColumns, args...))
		if err != nil {
			return err
		}
		e.EntityID, e.After = out.ID, out
		return WriteAudit(ctx, tx, e)
	})
	if err != nil {
		return listing.Listing{}, s.referenceConflict(ctx, err, l)
	}
	return out, nil
}

// referenceConflict turns a clash on the brokerage's reference into a conflict naming the
// listing that holds it.
func (s *Listings) referenceConflict(ctx context.Context, err error, l listing.Listing) error {
	if c, dup := UniqueViolation(err); dup && c == "listings_reference_key" {
		var id string
		_ = s.db.QueryRow(ctx, `SELECT id::text FROM listings WHERE brokerage_id = $1 AND reference = $2
			AND deleted_at IS NULL`, l.BrokerageID, l.Reference).Scan(&id)
		return &apperr.Error{Code: apperr.Conflict, ExistingID: id,
			Message: fmt.Sprintf("the reference %s is already used by another listing", l.Reference)}
	}
	return InvalidInput(err)
}

// ListingByID returns a listing of the brokerage that is not deleted.
func (s *Listings) ListingByID(ctx context.Context, brokerageID, id string) (listing.Listing, error) {
	if !IsUUID(id) {
		return listing.Listing{}, apperr.New(apperr.NotFound, "listing %s not found", id)
	}
	l, err := scanListing(s.db.QueryRow(ctx, `SELECT `+listingColumns+` FROM listings l
		WHERE l.id = $1 AND l.brokerage_id = $2 AND l.deleted_at IS NULL`, id, brokerageID))
	return l, NotFound(err, "listing %s not found", id)
}

// UpdateListing writes l if its version is still expectVersion.
func (s *Listings) UpdateListing(ctx context.Context, l listing.Listing, expectVersion int, e audit.Entry) (listing.Listing, error) {
	var out listing.Listing
	err := InTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		args := append([]any{l.ID, l.BrokerageID, expectVersion}, listingValues(l)...)
		out, err = scanListing(tx.QueryRow(ctx, `UPDATE listings AS l SET (`+listingWritable+`) =
			ROW (`+listingPlaceholders(4)+`), version = l.version + 1, updated_at = now()
			WHERE l.id = $1 AND l.brokerage_id = $2::uuid AND l.version = $3 AND l.deleted_at IS NULL
			RETURNING `+listingColumns, args...))
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.New(apperr.PreconditionFailed, "listing %s changed since it was read", l.ID)
		} else if err != nil {
			return err
		}
		e.After = out
		return WriteAudit(ctx, tx, e)
	})
	if err != nil {
		return listing.Listing{}, s.referenceConflict(ctx, err, l)
	}
	return out, nil
}

// DeleteListing soft-deletes a listing if its version is still expectVersion.
func (s *Listings) DeleteListing(ctx context.Context, brokerageID, id string, expectVersion int, e audit.Entry) error {
	return InTx(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE listings SET deleted_at = now(), updated_at = now(), version = version + 1
			WHERE id = $1 AND brokerage_id = $2 AND version = $3 AND deleted_at IS NULL`, id, brokerageID, expectVersion)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return apperr.New(apperr.PreconditionFailed, "listing %s changed since it was read", id)
		}
		return WriteAudit(ctx, tx, e)
	})
}

// listingSortColumns maps listing.Sorts to columns, the type a cursor value casts to, and
// whether the column may be NULL.
var listingSortColumns = map[string]struct {
	col, cast string
	nullable  bool
}{
	"created_at": {"l.created_at", "timestamptz", false},
	"price_aed":  {"l.price_aed", "numeric", false},
	"size_sqft":  {"l.size_sqft", "numeric", true},
	"bedrooms":   {"l.bedrooms", "smallint", true},
}

// SearchListings runs a search with only the filters that are set, so that the planner sees
// plain equality and range conditions it can match to the listings indexes.
func (s *Listings) SearchListings(ctx context.Context, brokerageID string, f listing.Filter, p page.Request) ([]listing.Listing, error) {
	sc, ok := listingSortColumns[p.Sort.Field]
	if !ok {
		return nil, apperr.New(apperr.Invalid, "cannot sort listings by %s", p.Sort.Field)
	}
	pos, err := p.Decode()
	if err != nil {
		return nil, err
	}
	var w pagedQuery
	w.add("l.brokerage_id = " + w.arg(brokerageID) + "::uuid")
	w.add("l.deleted_at IS NULL")
	if !listingFilter(&w, f) {
		return []listing.Listing{}, nil
	}
	w.keyset(sc.col, "l.id", sc.cast, pos, p.Sort.Desc, sc.nullable)
	// A deferred join: the page's ids come first, from an index alone when one covers the
	// filters and the sort (migration 00008), and only those rows are read from the table;
	// a search matching 800 listings reads 51 rows instead of 800.
	order := w.order(sc.col, "l.id", p.Sort.Desc, sc.nullable)
	rows, err := s.db.Query(ctx, `SELECT `+listingColumns+` FROM listings l WHERE l.id IN (SELECT l.id FROM listings l`+
		w.sql()+` ORDER BY `+order+fmt.Sprintf(` LIMIT %d`, p.Size()+1)+`) ORDER BY `+order, w.args...)
	if err != nil {
		return nil, InvalidInput(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (listing.Listing, error) { return scanListing(r) })
	return out, InvalidInput(err)
}

// listingFilter adds f's conditions to w; false means nothing can match (a malformed id).
func listingFilter(w *pagedQuery, f listing.Filter) bool {
	for _, id := range append([]string{f.CommunityID, f.LocationID, f.AgentID}, f.Owners...) {
		if id != "" && !IsUUID(id) {
			return false
		}
	}
	eq := func(col, v, cast string) {
		if v != "" {
			w.add(col + " = " + w.arg(v) + cast)
		}
	}
	eq("l.community_id", f.CommunityID, "::uuid")
	eq("l.property_type", f.PropertyType, "")
	eq("l.purpose", f.Purpose, "")
	eq("l.completion", f.Completion, "")
	eq("l.status", string(f.Status), "")
	eq("l.agent_id", f.AgentID, "::uuid")
	if f.LocationID != "" {
		w.add(`l.location_id IN (WITH RECURSIVE sub (id) AS (SELECT id FROM locations WHERE id = ` + w.arg(f.LocationID) +
			`::uuid UNION ALL SELECT c.id FROM locations c JOIN sub ON c.parent_id = sub.id) SELECT id FROM sub)`)
	}
	if f.BedsMin != nil && f.BedsMax != nil && *f.BedsMin == *f.BedsMax {
		w.add("l.bedrooms = " + w.arg(*f.BedsMin) + "::smallint")
	} else {
		if f.BedsMin != nil {
			w.add("l.bedrooms >= " + w.arg(*f.BedsMin) + "::smallint")
		}
		if f.BedsMax != nil {
			w.add("l.bedrooms <= " + w.arg(*f.BedsMax) + "::smallint")
		}
	}
	if f.PriceMin != nil {
		w.add("l.price_aed >= " + w.arg(*f.PriceMin) + "::numeric")
	}
	if f.PriceMax != nil {
		w.add("l.price_aed <= " + w.arg(*f.PriceMax) + "::numeric")
	}
	if cond := listingTextMatch(w, f.Q); cond != "" {
		w.add(cond)
	}
	if f.Owners != nil {
		owners := "l.agent_id = ANY(" + w.arg(f.Owners) + "::uuid[])"
		if f.Unassigned {
			owners = "(" + owners + " OR l.agent_id IS NULL)"
		}
		w.add(owners)
	}
	return true
}

// listingTextMatch turns a search box into a condition on the search column. Plain words
// match as prefixes, all of them ("marina vi" finds "Marina View"), cut into lexemes by the
// same parser that built the column, so that "MC-007" finds reference MC-007 (the parser reads
// "-007" as a number). Text in web-search syntax (quotes, or, -word) goes to
// websearch_to_tsquery as it is. "" when q holds no word at all.
func listingTextMatch(w *pagedQuery, q string) string {
	q = strings.TrimSpace(q)
	if !strings.ContainsFunc(q, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return ""
	}
	if listingWebSearch.MatchString(q) {
		return "l.search @@ websearch_to_tsquery('simple', " + w.arg(q) + ")"
	}
	return `l.search @@ to_tsquery('simple', (SELECT string_agg(
		'''' || replace(replace(lexeme, '\', '\\'), '''', '\''') || ''':*', ' & ')
		FROM unnest(to_tsvector('simple', ` + w.arg(q) + `))))`
}

// listingWebSearch spots web-search syntax: a quote, "or" between words, or a -word.
var listingWebSearch = regexp.MustCompile(`"|(?i)\sor\s|(^|\s)-\pL`)

// Member returns the role of an active user of the brokerage.
func (s *Listings) Member(ctx context.Context, brokerageID, userID string) (access.Role, bool, error) {
	if !IsUUID(userID) {
		return "", false, nil
	}
	var role access.Role
	err := s.db.QueryRow(ctx, `SELECT role FROM users WHERE id = $1 AND brokerage_id = $2 AND active`,
		userID, brokerageID).Scan(&role)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return role, err == nil, err
}
