package api_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/propertypro/propertypro/shared/apitest"
)

// TestRecordContract holds every record kind to the same GET / PATCH / DELETE by id
// contract: the version as a strong ETag, 404 for another brokerage's record, a malformed
// If-Match named as the field, 412 for a stale version, and gone after a soft delete.
func TestRecordContract(t *testing.T) {
	f := newSalesFixture(t)
	a := f.a
	task := a.Do(f.agent, "POST", "/v1/tasks", map[string]any{"title": "Call back", "lead_id": f.lead}).Expect(t, 201)
	viewing := a.Do(f.agent, "POST", "/v1/viewings", map[string]any{"lead_id": f.lead, "listing_id": f.listing,
		"scheduled_at": "2026-11-27T18:30:00+04:00"}).Expect(t, 201)
	lead := a.Do(f.agent, "POST", "/v1/leads", map[string]any{"full_name": "Mariam Haddad", "phone": "050 765 4321",
		"source": "website"}).Expect(t, 201)
	deal := a.Do(f.agent, "POST", "/v1/deals", map[string]any{"lead_id": f.lead, "listing_id": f.listing,
		"kind": "sale", "price_aed": 2450000}).Expect(t, 201)
	cases := []struct {
		name, path string
		as         apitest.User
		patch      map[string]any
		deletable  bool
	}{
		{"users", "/v1/users/" + f.agent2.ID, f.admin, map[string]any{"full_name": "Omar Haddad"}, false},
		{"listings", "/v1/listings/" + f.insertListing(t, f.agent), f.agent, map[string]any{"price_aed": 2_500_000}, true},
		{"leads", "/v1/leads/" + lead.Map(t)["id"].(string), f.agent, map[string]any{"score": 70}, true},
		{"tasks", "/v1/tasks/" + task.Map(t)["id"].(string), f.agent, map[string]any{"title": "Call back today"}, true},
		{"viewings", "/v1/viewings/" + viewing.Map(t)["id"].(string), f.agent, map[string]any{"feedback": "Liked the view"}, true},
		{"deals", "/v1/deals/" + deal.Map(t)["id"].(string), f.agent, map[string]any{"stage": "negotiation"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := a.Do(c.as, "GET", c.path, nil).Expect(t, 200).Header.Get("ETag"); got != `"1"` {
				t.Fatalf("ETag %q", got)
			}
			problem(t, a.Do(f.outsider, "GET", c.path, nil).Expect(t, 404))
			problem(t, a.Do(f.outsider, "PATCH", c.path, c.patch, `If-Match: "1"`).Expect(t, 404))
			bad := a.Do(c.as, "PATCH", c.path, c.patch, "If-Match: yesterday").Expect(t, 422)
			if fields := errorFields(t, bad); !slices.Equal(fields, []string{"If-Match"}) {
				t.Fatalf("fields %v: %s", fields, bad.Body)
			}
			problem(t, a.Do(c.as, "PATCH", c.path, c.patch, `If-Match: "9"`).Expect(t, 412))
			if got := a.Do(c.as, "PATCH", c.path, c.patch, `If-Match: W/"1"`).Expect(t, 200).Header.Get("ETag"); got != `"2"` {
				t.Fatalf("ETag after PATCH %q", got)
			}
			if !c.deletable {
				return
			}
			problem(t, a.Do(c.as, "DELETE", c.path, nil, `If-Match: "1"`).Expect(t, 412))
			a.Do(c.as, "DELETE", c.path, nil, `If-Match: "2"`).Expect(t, 204)
			problem(t, a.Do(c.as, "GET", c.path, nil).Expect(t, 404))
		})
	}
}

// problem fails unless r is an RFC 9457 problem with its status.
func problem(t *testing.T, r apitest.Response) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("Content-Type %q: %s", ct, r.Body)
	}
	if got := r.Map(t)["status"]; got != float64(r.Status) {
		t.Fatalf("problem status %v, response %d", got, r.Status)
	}
}
