package api_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/apitest"
)

// TestListContract holds every paged list to the same contract: items always an array,
// next_cursor only while more pages follow, a walk by cursor that sees every item once and
// in the order of one large page, limit bounded to 1..200 (default 50), and a cursor that is
// not the list's own refused naming the field.
func TestListContract(t *testing.T) {
	f := newSalesFixture(t)
	a := f.a
	for i := range 3 {
		f.insertListing(t, f.agent)
		a.Do(f.agent, "POST", "/v1/leads", map[string]any{"full_name": fmt.Sprintf("Buyer %d", i),
			"phone": fmt.Sprintf("050 700 000%d", i), "source": "website"}).Expect(t, 201)
		a.Do(f.agent, "POST", "/v1/tasks", map[string]any{"title": fmt.Sprintf("Call back %d", i), "lead_id": f.lead}).Expect(t, 201)
		a.Do(f.agent, "POST", "/v1/viewings", map[string]any{"lead_id": f.lead, "listing_id": f.listing,
			"scheduled_at": fmt.Sprintf("2026-11-2%dT18:30:00+04:00", i+1)}).Expect(t, 201)
		a.Do(f.agent, "POST", "/v1/deals", map[string]any{"lead_id": f.lead, "listing_id": f.listing,
			"kind": "sale", "price_aed": 2_000_000 + i}).Expect(t, 201)
		a.Do(f.agent, "POST", "/v1/leads/"+f.lead+"/activities", map[string]any{"kind": "note",
			"body": fmt.Sprintf("Note %d", i)}).Expect(t, 201)
	}
	cases := []struct {
		name, path string // path ends in ? or in & after its own filters
		empty      string // a query that finds nothing; "" for none
	}{
		{"leads", "/v1/leads?", "/v1/leads?stage=lost"},
		{"listings", "/v1/listings?", "/v1/listings?status=sold"},
		{"locations", "/v1/locations?kind=community&", "/v1/locations?q=nowhere-at-all"},
		{"tasks", "/v1/tasks?", "/v1/tasks?status=cancelled"},
		{"deals", "/v1/deals?", "/v1/deals?stage=closed_lost"},
		{"viewings", "/v1/viewings?", "/v1/viewings?status=no_show"},
		{"lead activities", "/v1/leads/" + f.lead + "/activities?", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			all := a.Do(f.agent, "GET", c.path+"limit=200", nil).Expect(t, 200)
			want := pageOf(t, all)
			if want.next != nil || len(want.ids) < 3 {
				t.Fatalf("one large page: %d items, next_cursor %v", len(want.ids), want.next)
			}
			if ct := all.Header.Get("Content-Type"); ct != "application/json" {
				t.Fatalf("Content-Type %q", ct)
			}
			var walked []string
			path := c.path + "limit=2"
			for pages := 0; ; pages++ {
				if pages > len(want.ids) {
					t.Fatalf("the walk does not end: %v", walked)
				}
				p := pageOf(t, a.Do(f.agent, "GET", path, nil).Expect(t, 200))
				walked = append(walked, p.ids...)
				if p.next == nil {
					break
				}
				if len(p.ids) != 2 || *p.next == "" {
					t.Fatalf("a page before the last: %d items, next_cursor %q", len(p.ids), *p.next)
				}
				path = c.path + "limit=2&cursor=" + *p.next
			}
			if !slices.Equal(walked, want.ids) {
				t.Fatalf("walked %v, want %v", walked, want.ids)
			}
			if def := pageOf(t, a.Do(f.agent, "GET", c.path, nil).Expect(t, 200)); !slices.Equal(def.ids, want.ids[:min(50, len(want.ids))]) {
				t.Fatalf("default page %v", def.ids)
			}
			if c.empty != "" {
				if none := a.Do(f.agent, "GET", c.empty, nil).Expect(t, 200); strings.TrimSpace(string(none.Body)) != `{"items":[]}` {
					t.Fatalf("empty page: %s", none.Body)
				}
			}
			for _, q := range []string{"limit=0", "limit=201", "limit=-1"} {
				r := a.Do(f.agent, "GET", c.path+q, nil).Expect(t, 422)
				problem(t, r)
				if fields := errorFields(t, r); !slices.Equal(fields, []string{"query.limit"}) {
					t.Fatalf("%s: fields %v: %s", q, fields, r.Body)
				}
			}
			problem(t, a.Do(f.agent, "GET", c.path+"limit=ten", nil).Expect(t, 422))
			r := a.Do(f.agent, "GET", c.path+"cursor=forged", nil).Expect(t, 422)
			problem(t, r)
			if fields := errorFields(t, r); !slices.Equal(fields, []string{"cursor"}) {
				t.Fatalf("forged cursor: fields %v: %s", fields, r.Body)
			}
			problem(t, a.Do(f.agent, "GET", c.path+"cursor="+strings.Repeat("c", 1025), nil).Expect(t, 422))
			problem(t, a.Do(apitest.User{}, "GET", c.path, nil).Expect(t, 401))
		})
	}
}

// listPage is one page of a list: its item ids and its next_cursor, nil when absent.
type listPage struct {
	ids  []string
	next *string
}

func pageOf(t *testing.T, r apitest.Response) listPage {
	t.Helper()
	var raw map[string]json.RawMessage
	r.JSON(t, &raw)
	var items []struct{ ID json.RawMessage } // a string, or a number for activities
	if err := json.Unmarshal(raw["items"], &items); err != nil || items == nil {
		t.Fatalf("items is not an array (%v): %s", err, r.Body)
	}
	p := listPage{}
	for _, it := range items {
		p.ids = append(p.ids, string(it.ID))
	}
	if c, ok := raw["next_cursor"]; ok {
		var s string
		if err := json.Unmarshal(c, &s); err != nil {
			t.Fatalf("next_cursor is not a string: %s", r.Body)
		}
		p.next = &s
	}
	if len(raw) != 1+btoi(p.next != nil) {
		t.Fatalf("a page has items and next_cursor only: %s", r.Body)
	}
	return p
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestCreateContract holds every create route to its answer: 201 with the record, its
// version as a strong ETag where the record has one, and Location where the route gives it
// (listings, deals and viewings; not leads, tasks, users or activities).
func TestCreateContract(t *testing.T) {
	f := newSalesFixture(t)
	a := f.a
	gate := place(t, a, f.admin, "Marina Gate")
	cases := []struct {
		name, path   string
		as           apitest.User
		body         map[string]any
		etag, locate bool
	}{
		{"listings", "/v1/listings", f.agent, map[string]any{"reference": "MC-C-1", "title": "2BR marina view",
			"purpose": "sale", "property_type": "apartment", "location_id": gate, "price_aed": 2_850_000, "bedrooms": 2}, true, true},
		{"deals", "/v1/deals", f.agent, map[string]any{"lead_id": f.lead, "listing_id": f.listing, "kind": "sale",
			"price_aed": 2450000}, true, true},
		{"viewings", "/v1/viewings", f.agent, map[string]any{"lead_id": f.lead, "listing_id": f.listing,
			"scheduled_at": "2026-11-27T18:30:00+04:00"}, true, true},
		{"leads", "/v1/leads", f.agent, map[string]any{"full_name": "Mariam Haddad", "phone": "050 765 4321",
			"source": "website"}, true, false},
		{"tasks", "/v1/tasks", f.agent, map[string]any{"title": "Call back", "lead_id": f.lead,
			"due_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}, true, false},
		{"users", "/v1/users", f.admin, map[string]any{"email": "new@crest.ae", "password": "a-long-password",
			"role": "agent", "full_name": "New Agent"}, true, false},
		{"lead activities", "/v1/leads/" + f.lead + "/activities", f.agent, map[string]any{"kind": "note",
			"body": "Prefers a high floor."}, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := a.Do(c.as, "POST", c.path, c.body).Expect(t, 201)
			id := fmt.Sprint(r.Map(t)["id"]) // an activity's id is a number
			if id == "" || id == "<nil>" {
				t.Fatalf("no id: %s", r.Body)
			}
			if got, want := r.Header.Get("ETag"), map[bool]string{true: `"1"`}[c.etag]; got != want {
				t.Fatalf("ETag %q, want %q", got, want)
			}
			loc := r.Header.Get("Location")
			if got, want := loc, map[bool]string{true: c.path + "/" + id}[c.locate]; got != want {
				t.Fatalf("Location %q, want %q", got, want)
			}
			if c.locate {
				if got := a.Do(c.as, "GET", loc, nil).Expect(t, 200).Map(t)["id"]; got != id {
					t.Fatalf("Location finds %v", got)
				}
			}
			bad := map[string]any{"no_such_field": 1}
			for k, v := range c.body {
				bad[k] = v
			}
			problem(t, a.Do(c.as, "POST", c.path, bad).Expect(t, 422))
			problem(t, a.Do(c.as, "POST", c.path, "{").Expect(t, 400))
			problem(t, a.Do(apitest.User{}, "POST", c.path, c.body).Expect(t, 401))
		})
	}
}
