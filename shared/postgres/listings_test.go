package postgres_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/identity"
	"github.com/propertypro/propertypro/shared/listing"
	"github.com/propertypro/propertypro/shared/page"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/testkit"
)

type listingFixture struct {
	db                 *pgxpool.Pool
	store              *postgres.Listings
	brokerage, other   string
	agent1, agent2     string
	marina, jvc, dist  string
	rows               []listing.Listing // the brokerage's listings, as stored
	otherBrokerageRows int
}

// newListingFixture stores 60 listings with repeated prices and bedrooms (ties), missing sizes
// and bedrooms (NULLs), three owners and two communities, plus a few of another brokerage.
func newListingFixture(t *testing.T) *listingFixture {
	t.Helper()
	ctx := context.Background()
	db := testkit.DB(t)
	users := postgres.NewUsers(db)
	b, _ := users.EnsureBrokerage(ctx, "Marina Crest Realty")
	o, _ := users.EnsureBrokerage(ctx, "Palm Horizon")
	mk := func(email string) string {
		u, err := users.CreateUser(ctx, identity.User{BrokerageID: b.ID, Email: email, Role: access.Agent, Active: true}, "x", audit.Entry{Action: "create", Entity: "user"})
		if err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	f := &listingFixture{db: db, store: postgres.NewListings(db), brokerage: b.ID, other: o.ID,
		agent1: mk("a1@crest.ae"), agent2: mk("a2@crest.ae"),
		marina: slugID(t, db, "dubai-marina"), jvc: slugID(t, db, "jumeirah-village-circle"), dist: slugID(t, db, "jvc-district-12")}
	bloom := slugID(t, db, "jvc-bloom-heights")
	for i := range 60 {
		l := listing.Listing{BrokerageID: b.ID, Reference: fmt.Sprintf("MC-%03d", i), Purpose: []string{"sale", "rent"}[i%2],
			Completion: []string{"ready", "off_plan", "ready"}[i%3], PropertyType: []string{"apartment", "villa", "townhouse", "penthouse"}[i%4],
			PriceAED: float64(500_000 + (i*37%20)*50_000), Status: []listing.Status{listing.Draft, listing.Active, listing.UnderOffer}[i%3],
			Title:     []string{"Marina view apartment", "Family villa near park", "Golf course townhouse"}[i%3],
			Developer: []string{"Emaar", "Nakheel", "Select Group", "Sobha"}[i%4], Amenities: []string{"Pool"}}
		switch i % 3 {
		case 0:
			l.LocationID, l.CommunityID = f.marina, f.marina
		case 1:
			l.LocationID, l.CommunityID = bloom, f.jvc
		default:
			l.LocationID, l.CommunityID = f.jvc, f.jvc
		}
		l.AgentID = []string{f.agent1, f.agent2, ""}[i%3]
		if i%11 != 0 {
			beds := i % 5
			l.Bedrooms = &beds
		}
		if i%7 != 0 {
			size := float64(700 + (i*13%9)*100)
			l.SizeSqft = &size
		}
		if l.Status == listing.Active {
			l.PermitNumber, l.PermitExpiry = "7102938475", "2099-12-31"
		}
		stored, err := f.store.CreateListing(ctx, l, audit.Entry{BrokerageID: b.ID, Action: "create", Entity: "listing"})
		if err != nil {
			t.Fatalf("listing %d: %v", i, err)
		}
		f.rows = append(f.rows, stored)
	}
	for i := range 3 {
		if _, err := f.store.CreateListing(ctx, listing.Listing{BrokerageID: o.ID, Reference: fmt.Sprintf("MC-%03d", i),
			Purpose: "sale", Completion: "ready", PropertyType: "villa", PriceAED: 900_000, CommunityID: f.marina,
			LocationID: f.marina, Title: "Marina view apartment", Status: listing.Draft}, audit.Entry{BrokerageID: o.ID}); err != nil {
			t.Fatal(err)
		}
		f.otherBrokerageRows++
	}
	return f
}

// all pages through a search and returns every id, failing on a page larger than asked.
func (f *listingFixture) all(t *testing.T, filter listing.Filter, sort page.Sort, limit int) []string {
	t.Helper()
	var ids []string
	r := page.Request{Limit: limit, Sort: sort}
	for range 1000 {
		rows, err := f.store.SearchListings(context.Background(), f.brokerage, filter, r)
		if err != nil {
			t.Fatal(err)
		}
		res := page.Trim(rows, r, func(l listing.Listing) (string, string) { return listing.SortValue(l, sort), l.ID })
		if len(res.Items) > limit {
			t.Fatalf("page of %d, limit %d", len(res.Items), limit)
		}
		for _, l := range res.Items {
			ids = append(ids, l.ID)
		}
		if res.NextCursor == "" {
			return ids
		}
		r.Cursor = res.NextCursor
	}
	t.Fatal("pagination does not end")
	return nil
}

// expected sorts the fixture's matching rows as Postgres must: NULLs last, ties by id.
func (f *listingFixture) expected(match func(listing.Listing) bool, s page.Sort) []string {
	var rows []listing.Listing
	for _, l := range f.rows {
		if match(l) {
			rows = append(rows, l)
		}
	}
	key := func(l listing.Listing) (float64, bool) {
		switch s.Field {
		case "price_aed":
			return l.PriceAED, true
		case "size_sqft":
			if l.SizeSqft == nil {
				return 0, false
			}
			return *l.SizeSqft, true
		case "bedrooms":
			if l.Bedrooms == nil {
				return 0, false
			}
			return float64(*l.Bedrooms), true
		}
		return float64(l.CreatedAt.UnixMicro()), true
	}
	slices.SortFunc(rows, func(a, b listing.Listing) int {
		ka, oka := key(a)
		kb, okb := key(b)
		if oka != okb {
			if oka {
				return -1
			}
			return 1
		}
		c := cmp.Compare(ka, kb)
		if c == 0 {
			c = strings.Compare(a.ID, b.ID)
		}
		if s.Desc {
			return -c
		}
		return c
	})
	ids := make([]string, len(rows))
	for i, l := range rows {
		ids[i] = l.ID
	}
	return ids
}

func TestSearchListingsSortsAndPages(t *testing.T) {
	f := newListingFixture(t)
	for _, field := range listing.Sorts {
		for _, desc := range []bool{false, true} {
			s := page.Sort{Field: field, Desc: desc}
			t.Run(s.String(), func(t *testing.T) {
				want := f.expected(func(listing.Listing) bool { return true }, s)
				for _, limit := range []int{7, 60, 200} {
					got := f.all(t, listing.Filter{}, s, limit)
					if !slices.Equal(got, want) {
						t.Fatalf("limit %d: %d ids in another order than the %d expected (duplicates or gaps)", limit, len(got), len(want))
					}
				}
			})
		}
	}
}

func TestSearchListingsFilters(t *testing.T) {
	f := newListingFixture(t)
	n := func(v int) *int { return &v }
	p := func(v float64) *float64 { return &v }
	tests := []struct {
		name   string
		filter listing.Filter
		match  func(listing.Listing) bool
	}{
		{"everything", listing.Filter{}, func(listing.Listing) bool { return true }},
		{"community", listing.Filter{CommunityID: f.jvc}, func(l listing.Listing) bool { return l.CommunityID == f.jvc }},
		{"place and below", listing.Filter{LocationID: f.dist}, func(l listing.Listing) bool { return l.LocationID != f.jvc && l.CommunityID == f.jvc }},
		{"community as place", listing.Filter{LocationID: f.jvc}, func(l listing.Listing) bool { return l.CommunityID == f.jvc }},
		{"type", listing.Filter{PropertyType: "villa"}, func(l listing.Listing) bool { return l.PropertyType == "villa" }},
		{"purpose", listing.Filter{Purpose: "rent"}, func(l listing.Listing) bool { return l.Purpose == "rent" }},
		{"off-plan", listing.Filter{Completion: "off_plan"}, func(l listing.Listing) bool { return l.Completion == "off_plan" }},
		{"status", listing.Filter{Status: listing.Active}, func(l listing.Listing) bool { return l.Status == listing.Active }},
		{"studios", listing.Filter{BedsMin: n(0), BedsMax: n(0)}, func(l listing.Listing) bool { return l.Bedrooms != nil && *l.Bedrooms == 0 }},
		{"beds range", listing.Filter{BedsMin: n(2), BedsMax: n(3)}, func(l listing.Listing) bool { return l.Bedrooms != nil && *l.Bedrooms >= 2 && *l.Bedrooms <= 3 }},
		{"beds min", listing.Filter{BedsMin: n(3)}, func(l listing.Listing) bool { return l.Bedrooms != nil && *l.Bedrooms >= 3 }},
		{"price range", listing.Filter{PriceMin: p(700_000), PriceMax: p(1_000_000)}, func(l listing.Listing) bool { return l.PriceAED >= 700_000 && l.PriceAED <= 1_000_000 }},
		{"agent", listing.Filter{AgentID: f.agent2}, func(l listing.Listing) bool { return l.AgentID == f.agent2 }},
		{"an agent's own", listing.Filter{Owners: []string{f.agent1}}, func(l listing.Listing) bool { return l.AgentID == f.agent1 }},
		{"a manager's team and unassigned", listing.Filter{Owners: []string{f.agent1}, Unassigned: true}, func(l listing.Listing) bool { return l.AgentID == f.agent1 || l.AgentID == "" }},
		{"three filters", listing.Filter{CommunityID: f.jvc, BedsMin: n(1), BedsMax: n(1), PriceMin: p(600_000), PriceMax: p(1_200_000)},
			func(l listing.Listing) bool {
				return l.CommunityID == f.jvc && l.Bedrooms != nil && *l.Bedrooms == 1 && l.PriceAED >= 600_000 && l.PriceAED <= 1_200_000
			}},
		{"full text prefix", listing.Filter{Q: "Mari Vie"}, func(l listing.Listing) bool { return strings.HasPrefix(l.Title, "Marina view") }},
		{"full text reference", listing.Filter{Q: "mc-007"}, func(l listing.Listing) bool { return l.Reference == "MC-007" }},
		{"full text developer", listing.Filter{Q: "nakheel"}, func(l listing.Listing) bool { return l.Developer == "Nakheel" }},
		{"web search syntax", listing.Filter{Q: `villa -sobha`}, func(l listing.Listing) bool { return strings.Contains(l.Title, "villa") && l.Developer != "Sobha" }},
		{"quoted phrase", listing.Filter{Q: `"golf course"`}, func(l listing.Listing) bool { return strings.HasPrefix(l.Title, "Golf course") }},
		{"no word", listing.Filter{Q: " -- "}, func(listing.Listing) bool { return true }},
		{"malformed id", listing.Filter{CommunityID: "nope"}, func(listing.Listing) bool { return false }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := page.Sort{Field: "price_aed", Desc: true}
			want := f.expected(tt.match, s)
			got := f.all(t, tt.filter, s, 9)
			if !slices.Equal(got, want) {
				t.Fatalf("%d results, want %d", len(got), len(want))
			}
			if tt.name != "malformed id" && tt.name != "web search syntax" && len(want) == 0 {
				t.Fatal("the fixture has no listing for this filter; the test proves nothing")
			}
		})
	}
}

func TestListingWrites(t *testing.T) {
	f := newListingFixture(t)
	ctx := context.Background()
	first := f.rows[0]
	// The reference is unique within a brokerage; the conflict names the holder.
	dup := first
	dup.ID = ""
	_, err := f.store.CreateListing(ctx, dup, audit.Entry{BrokerageID: f.brokerage})
	if e := apperr.As(err); e.Code != apperr.Conflict || e.ExistingID != first.ID {
		t.Fatalf("duplicate reference: %v (existing %q)", err, e.ExistingID)
	}
	// Another brokerage's id is not found, whatever the id.
	if _, err := f.store.ListingByID(ctx, f.other, first.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("cross-brokerage read: %v", err)
	}
	// Optimistic concurrency.
	changed := first
	changed.Title, changed.PriceAED = "Renovated", 1_234_567.89
	updated, err := f.store.UpdateListing(ctx, changed, first.Version, audit.Entry{BrokerageID: f.brokerage, Action: "update", Entity: "listing", EntityID: first.ID, Before: first})
	if err != nil || updated.Version != first.Version+1 || updated.PriceAED != 1_234_567.89 || updated.Title != "Renovated" {
		t.Fatalf("update: %+v %v", updated, err)
	}
	if _, err := f.store.UpdateListing(ctx, changed, first.Version, audit.Entry{}); apperr.CodeOf(err) != apperr.PreconditionFailed {
		t.Fatalf("stale update: %v", err)
	}
	changed.Reference = f.rows[1].Reference
	if _, err := f.store.UpdateListing(ctx, changed, updated.Version, audit.Entry{}); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("update onto a used reference: %v", err)
	}
	// Soft delete: gone from reads and searches; the reference is free again.
	if err := f.store.DeleteListing(ctx, f.brokerage, first.ID, 1, audit.Entry{}); apperr.CodeOf(err) != apperr.PreconditionFailed {
		t.Fatalf("stale delete: %v", err)
	}
	if err := f.store.DeleteListing(ctx, f.brokerage, first.ID, updated.Version, audit.Entry{BrokerageID: f.brokerage, Action: "delete", Entity: "listing", EntityID: first.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.ListingByID(ctx, f.brokerage, first.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("deleted listing read: %v", err)
	}
	if ids := f.all(t, listing.Filter{}, listing.DefaultSort, 200); len(ids) != len(f.rows)-1 || slices.Contains(ids, first.ID) {
		t.Fatalf("deleted listing searched: %d", len(ids))
	}
	if _, err := f.store.CreateListing(ctx, dup, audit.Entry{BrokerageID: f.brokerage}); err != nil {
		t.Fatalf("reference of a deleted listing: %v", err)
	}
	// Every write left its trail, with the state before and after.
	var creates, updates, deletes int
	f.db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE action = 'create'), count(*) FILTER (WHERE action = 'update' AND before IS NOT NULL AND after IS NOT NULL),
		count(*) FILTER (WHERE action = 'delete') FROM audit_log WHERE entity = 'listing' AND brokerage_id = $1`, f.brokerage).Scan(&creates, &updates, &deletes)
	if creates != 60 || updates != 1 || deletes != 1 {
		t.Fatalf("audit: %d creates, %d updates, %d deletes", creates, updates, deletes)
	}
	// Members: active users of the brokerage only.
	if role, ok, err := f.store.Member(ctx, f.brokerage, f.agent1); err != nil || !ok || role != access.Agent {
		t.Fatalf("member: %v %v %v", role, ok, err)
	}
	if _, ok, _ := f.store.Member(ctx, f.other, f.agent1); ok {
		t.Fatal("agent of another brokerage is a member")
	}
}
