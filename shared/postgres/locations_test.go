package postgres_test

import (
	"context"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/location"
	"github.com/propertypro/propertypro/shared/page"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/testkit"
)

var reader = access.Actor{UserID: "u", BrokerageID: "b", Role: access.Agent}

func slugID(t *testing.T, db *pgxpool.Pool, slug string) string {
	t.Helper()
	var id string
	if err := db.QueryRow(context.Background(), `SELECT id::text FROM locations WHERE slug = $1`, slug).Scan(&id); err != nil {
		t.Fatalf("location %s: %v", slug, err)
	}
	return id
}

// The seeded tree is well formed and its aliases are stored exactly as Normalize makes them.
func TestLocationSeed(t *testing.T) {
	db := testkit.DB(t)
	ctx := context.Background()
	rows, _ := db.Query(ctx, `SELECT alias, l.slug, l.name_en, l.name_ar FROM location_aliases a JOIN locations l ON l.id = a.location_id`)
	type alias struct{ Alias, Slug, NameEN, NameAR string }
	aliases, err := pgx.CollectRows(rows, pgx.RowToStructByPos[alias])
	if err != nil {
		t.Fatal(err)
	}
	owner := map[string]string{}
	for _, a := range aliases {
		if location.Normalize(a.Alias) != a.Alias {
			t.Errorf("alias %q of %s is not normalised (%q)", a.Alias, a.Slug, location.Normalize(a.Alias))
		}
		owner[a.Alias] = a.Slug
	}
	rows, _ = db.Query(ctx, `SELECT l.slug, l.kind, l.name_en, l.name_ar, coalesce(p.kind, '')
		FROM locations l LEFT JOIN locations p ON p.id = l.parent_id`)
	type place struct{ Slug, Kind, NameEN, NameAR, ParentKind string }
	places, err := pgx.CollectRows(rows, pgx.RowToStructByPos[place])
	if err != nil {
		t.Fatal(err)
	}
	communities := 0
	for _, p := range places {
		if p.NameAR == "" {
			t.Errorf("%s has no Arabic name", p.Slug)
		}
		for _, n := range []string{p.NameEN, p.NameAR} {
			if owner[location.Normalize(n)] != p.Slug {
				t.Errorf("%s: its name %q does not resolve to it", p.Slug, n)
			}
		}
		if (p.Kind == "emirate") != (p.ParentKind == "") {
			t.Errorf("%s (%s) has parent kind %q", p.Slug, p.Kind, p.ParentKind)
		}
		if p.Kind == "community" {
			communities++
		}
	}
	if communities < 40 {
		t.Errorf("%d communities seeded, want at least 40", communities)
	}
	// Re-running the seed's statements changes nothing: ids are deterministic.
	var n int
	db.QueryRow(ctx, `SELECT count(*) FROM locations WHERE id <> md5('propertypro/location/' || slug)::uuid`).Scan(&n)
	if n != 0 {
		t.Errorf("%d locations without a deterministic id", n)
	}
}

func TestResolveAlias(t *testing.T) {
	db := testkit.DB(t)
	locs := postgres.NewLocations(db)
	tests := []struct{ text, slug string }{
		{"Al Awir", "al-aweer"},
		{"AL-AWEER", "al-aweer"},
		{"العوير", "al-aweer"},
		{"JVC", "jumeirah-village-circle"},
		{"jumeirah village circle", "jumeirah-village-circle"},
		{"JLT", "jumeirah-lake-towers"},
		{"jbr", "jumeirah-beach-residence"},
		{"Downtown", "downtown-dubai"},
		{"marina", "dubai-marina"},
		{"مرسى دبي", "dubai-marina"},
		{"Marina Gate, Dubai Marina", "dubai-marina-marina-gate"},
		{"Business Bay, Dubai, UAE", "business-bay"},
		{"Bur Dubai", "bur-dubai"},
		{"Palm Jumeirah, Dubai", "palm-jumeirah"},
		{"Atlantis Lost City", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			l, ok, err := locs.ResolveAlias(context.Background(), tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if tt.slug == "" {
				if ok {
					t.Fatalf("resolved to %s", l.Slug)
				}
				return
			}
			if !ok || l.Slug != tt.slug {
				t.Fatalf("resolved to %q (%v), want %s", l.Slug, ok, tt.slug)
			}
		})
	}
}

func TestListAndGetLocations(t *testing.T) {
	db := testkit.DB(t)
	ctx := context.Background()
	svc := location.New(postgres.NewLocations(db))
	names := func(res page.Result[location.Location]) []string {
		var out []string
		for _, l := range res.Items {
			out = append(out, l.NameEN)
		}
		return out
	}
	list := func(f location.Filter, sort string, limit int) page.Result[location.Location] {
		t.Helper()
		s, err := page.ParseSort(sort, location.Sorts, location.DefaultSort)
		if err != nil {
			t.Fatal(err)
		}
		res, err := svc.List(ctx, reader, f, page.Request{Limit: limit, Sort: s})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	t.Run("q matches aliases and word starts", func(t *testing.T) {
		got := names(list(location.Filter{Q: "awir"}, "", 50))
		if !slices.Equal(got, []string{"Al Aweer"}) {
			t.Fatalf("awir: %v", got)
		}
		got = names(list(location.Filter{Q: "jum", Kind: location.Community}, "", 50))
		for _, want := range []string{"Jumeirah", "Jumeirah Village Circle", "Jumeirah Lake Towers", "Palm Jumeirah"} {
			if !slices.Contains(got, want) {
				t.Errorf("jum: %v lacks %s", got, want)
			}
		}
		if got := names(list(location.Filter{Q: "مرسى"}, "", 50)); !slices.Equal(got, []string{"Dubai Marina"}) {
			t.Errorf("arabic: %v", got)
		}
	})
	t.Run("parent and kind", func(t *testing.T) {
		jbr := slugID(t, db, "jumeirah-beach-residence")
		got := names(list(location.Filter{ParentID: jbr}, "", 50))
		if !slices.Equal(got, []string{"Amwaj", "Bahar", "Murjan", "Rimal", "Sadaf", "Shams"}) {
			t.Fatalf("children of JBR: %v", got)
		}
		if res := list(location.Filter{Kind: location.Emirate}, "", 50); len(res.Items) != 1 || res.Items[0].Slug != "dubai" {
			t.Fatalf("emirates: %v", names(res))
		}
		if _, err := svc.List(ctx, reader, location.Filter{Kind: "planet"}, page.Request{Sort: location.DefaultSort}); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("bad kind: %v", err)
		}
	})
	for _, sort := range []string{"name_en", "-name_en", "kind", "-kind"} {
		t.Run("pages sorted by "+sort, func(t *testing.T) {
			all := list(location.Filter{}, sort, 200)
			s, _ := page.ParseSort(sort, location.Sorts, location.DefaultSort)
			var paged []string
			req := page.Request{Limit: 7, Sort: s}
			for range 100 {
				res, err := svc.List(ctx, reader, location.Filter{}, req)
				if err != nil {
					t.Fatal(err)
				}
				for _, l := range res.Items {
					paged = append(paged, l.ID)
				}
				if res.NextCursor == "" {
					break
				}
				req.Cursor = res.NextCursor
			}
			var ids []string
			for _, l := range all.Items {
				ids = append(ids, l.ID)
			}
			if !slices.Equal(paged, ids) || len(ids) < 90 {
				t.Fatalf("paged %d ids, listed %d in one page", len(paged), len(ids))
			}
		})
	}
	t.Run("get with path and aliases", func(t *testing.T) {
		l, err := svc.Get(ctx, reader, slugID(t, db, "jvc-bloom-heights"))
		if err != nil {
			t.Fatal(err)
		}
		var path []string
		for _, r := range l.Path {
			path = append(path, r.NameEN)
		}
		if !slices.Equal(path, []string{"Dubai", "Jumeirah Village Circle", "JVC District 12"}) || !slices.Contains(l.Aliases, "bloom heights") {
			t.Fatalf("%+v", l)
		}
		for _, id := range []string{"00000000-0000-4000-8000-000000000001", "not-a-uuid"} {
			if _, err := svc.Get(ctx, reader, id); apperr.CodeOf(err) != apperr.NotFound {
				t.Fatalf("%s: %v", id, err)
			}
		}
		if _, err := svc.Get(ctx, access.Actor{}, l.ID); apperr.CodeOf(err) != apperr.Unauthorized {
			t.Fatalf("anonymous: %v", err)
		}
	})
}

func TestCommunityOf(t *testing.T) {
	db := testkit.DB(t)
	locs := postgres.NewLocations(db)
	jvc := slugID(t, db, "jumeirah-village-circle")
	tests := []struct {
		slug, community string
	}{
		{"jvc-bloom-heights", jvc},
		{"jvc-district-10", jvc},
		{"jumeirah-village-circle", jvc},
		{"dubai", ""},
	}
	for _, tt := range tests {
		t.Run(tt.slug, func(t *testing.T) {
			c, found, err := locs.CommunityOf(context.Background(), slugID(t, db, tt.slug))
			if err != nil || !found || c != tt.community {
				t.Fatalf("community %q found %v err %v", c, found, err)
			}
		})
	}
	if _, found, err := locs.CommunityOf(context.Background(), "00000000-0000-4000-8000-000000000001"); found || err != nil {
		t.Fatalf("unknown place found %v err %v", found, err)
	}
}
