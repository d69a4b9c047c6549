package api_test

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apitest"
)

// place returns the id of the only place the text finds.
func place(t *testing.T, a *apitest.API, as apitest.User, q string) string {
	t.Helper()
	var res struct {
		Items []struct{ ID string } `json:"items"`
	}
	a.Do(as, "GET", "/v1/locations?q="+url.QueryEscape(q), nil).Expect(t, 200).JSON(t, &res)
	if len(res.Items) != 1 {
		t.Fatalf("%s finds %d places", q, len(res.Items))
	}
	return res.Items[0].ID
}

func errorFields(t *testing.T, r apitest.Response) []string {
	t.Helper()
	var p struct {
		Errors []struct{ Field string } `json:"errors"`
	}
	r.JSON(t, &p)
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

func ids(t *testing.T, r apitest.Response) []string {
	t.Helper()
	var res struct {
		Items []struct{ ID string } `json:"items"`
	}
	r.JSON(t, &res)
	var out []string
	for _, l := range res.Items {
		out = append(out, l.ID)
	}
	return out
}

func TestListingRoutes(t *testing.T) {
	a := apitest.New(t)
	admin := a.Brokerage("Marina Crest")
	other := a.Brokerage("Palm Horizon")
	manager := a.User(admin, "manager@crest.ae", access.Manager, "")
	agent := a.User(admin, "sara@crest.ae", access.Agent, manager.ID)
	rival := a.User(admin, "omar@crest.ae", access.Agent, "")
	compliance := a.User(admin, "compliance@crest.ae", access.ComplianceOfficer, "")
	marina := place(t, a, admin, "Dubai Marina")
	marinaGate := place(t, a, admin, "Marina Gate")
	nextYear := time.Now().AddDate(1, 0, 0).Format(time.DateOnly)
	lastWeek := time.Now().AddDate(0, 0, -7).Format(time.DateOnly)
	body := func(ref string, extra map[string]any) map[string]any {
		b := map[string]any{"reference": ref, "title": "2BR marina view, high floor", "purpose": "sale",
			"property_type": "apartment", "location_id": marinaGate, "price_aed": 2_850_000, "bedrooms": 2,
			"size_sqft": 1302.5, "amenities": []string{"Pool", "Gym"}}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}

	t.Run("the permit rule on create", func(t *testing.T) {
		r := a.Do(agent, "POST", "/v1/listings", body("P-1", map[string]any{"status": "active"})).Expect(t, 422)
		if f := errorFields(t, r); !slices.Equal(f, []string{"permit_number", "permit_expiry"}) {
			t.Fatalf("fields %v: %s", f, r.Body)
		}
		r = a.Do(agent, "POST", "/v1/listings", body("P-1", map[string]any{"status": "active", "permit_number": "7102938475", "permit_expiry": lastWeek})).Expect(t, 422)
		if f := errorFields(t, r); !slices.Equal(f, []string{"permit_expiry"}) {
			t.Fatalf("expired: %v", f)
		}
		r = a.Do(agent, "POST", "/v1/listings", body("P-1", map[string]any{"status": "active", "permit_number": "TRK-12", "permit_expiry": nextYear})).Expect(t, 422)
		if f := errorFields(t, r); !slices.Equal(f, []string{"permit_number"}) {
			t.Fatalf("malformed: %v", f)
		}
	})

	t.Run("a missing property is named", func(t *testing.T) {
		b := body("M-1", nil)
		delete(b, "reference")
		r := a.Do(agent, "POST", "/v1/listings", b).Expect(t, 422)
		if f := errorFields(t, r); !slices.Equal(f, []string{"reference"}) {
			t.Fatalf("fields %v: %s", f, r.Body)
		}
	})

	created := a.Do(agent, "POST", "/v1/listings", body("MC-S-1", map[string]any{"status": "active", "permit_number": "7102938475", "permit_expiry": nextYear})).Expect(t, 201)
	l := created.Map(t)
	id := l["id"].(string)
	if created.Header.Get("ETag") != `"1"` || created.Header.Get("Location") != "/v1/listings/"+id ||
		l["community_id"] != marina || l["agent_id"] != agent.ID || l["status"] != "active" || l["price_aed"] != 2_850_000.0 {
		t.Fatalf("created: %v %s", created.Header, created.Body)
	}
	rivals := a.Do(rival, "POST", "/v1/listings", body("MC-S-2", map[string]any{"bedrooms": 0, "property_type": "studio", "price_aed": 650_000})).Expect(t, 201).Map(t)["id"].(string)

	t.Run("create refusals", func(t *testing.T) {
		dup := a.Do(rival, "POST", "/v1/listings", body("MC-S-1", nil)).Expect(t, 409).Map(t)
		if dup["existing_id"] != id {
			t.Fatalf("conflict: %v", dup)
		}
		a.Do(agent, "POST", "/v1/listings", body("X-1", map[string]any{"colour": "blue"})).Expect(t, 422)
		a.Do(agent, "POST", "/v1/listings", body("X-1", map[string]any{"price_aed": 0})).Expect(t, 422)
		a.Do(agent, "POST", "/v1/listings", body("X-1", map[string]any{"rent_cheques": 4})).Expect(t, 422)
		a.Do(agent, "POST", "/v1/listings", body("X-1", map[string]any{"status": "sold"})).Expect(t, 422)
		if f := errorFields(t, a.Do(agent, "POST", "/v1/listings", body("X-1", map[string]any{"agent_id": rival.ID})).Expect(t, 422)); !slices.Equal(f, []string{"agent_id"}) {
			t.Fatalf("agent lists for another: %v", f)
		}
		a.Do(compliance, "POST", "/v1/listings", body("X-1", nil)).Expect(t, 403)
		a.Do(apitest.User{}, "POST", "/v1/listings", body("X-1", nil)).Expect(t, 401)
	})

	t.Run("who sees what", func(t *testing.T) {
		a.Do(rival, "GET", "/v1/listings/"+id, nil).Expect(t, 404)
		a.Do(manager, "GET", "/v1/listings/"+id, nil).Expect(t, 200)
		a.Do(manager, "GET", "/v1/listings/"+rivals, nil).Expect(t, 404)
		a.Do(admin, "GET", "/v1/listings/"+rivals, nil).Expect(t, 200)
		a.Do(compliance, "GET", "/v1/listings/"+id, nil).Expect(t, 200)
		a.Do(compliance, "PATCH", "/v1/listings/"+id, map[string]any{"title": "x"}).Expect(t, 403)
		for _, method := range []string{"GET", "PATCH", "DELETE"} {
			a.Do(other, method, "/v1/listings/"+id, map[string]any{"title": "x"}).Expect(t, 404)
		}
		a.Do(rival, "PATCH", "/v1/listings/"+id, map[string]any{"title": "x"}).Expect(t, 404)
		a.Do(agent, "GET", "/v1/listings/not-an-id", nil).Expect(t, 404)
		if got := ids(t, a.Do(agent, "GET", "/v1/listings", nil).Expect(t, 200)); !slices.Equal(got, []string{id}) {
			t.Fatalf("agent's search: %v", got)
		}
		if got := ids(t, a.Do(manager, "GET", "/v1/listings", nil).Expect(t, 200)); !slices.Equal(got, []string{id}) {
			t.Fatalf("manager's search: %v", got)
		}
		if got := ids(t, a.Do(admin, "GET", "/v1/listings?sort=price_aed", nil).Expect(t, 200)); !slices.Equal(got, []string{rivals, id}) {
			t.Fatalf("admin's search: %v", got)
		}
		if got := ids(t, a.Do(other, "GET", "/v1/listings", nil).Expect(t, 200)); len(got) != 0 {
			t.Fatalf("other brokerage's search: %v", got)
		}
	})

	t.Run("search filters", func(t *testing.T) {
		q := url.Values{"community_id": {marina}, "beds": {"2"}, "price_min": {"2000000"}, "price_max": {"3000000"}, "purpose": {"sale"}}
		if got := ids(t, a.Do(admin, "GET", "/v1/listings?"+q.Encode(), nil).Expect(t, 200)); !slices.Equal(got, []string{id}) {
			t.Fatalf("three filters: %v", got)
		}
		if got := ids(t, a.Do(admin, "GET", "/v1/listings?beds_max=0", nil).Expect(t, 200)); !slices.Equal(got, []string{rivals}) {
			t.Fatalf("studios: %v", got)
		}
		if got := ids(t, a.Do(admin, "GET", "/v1/listings?q=mari+vie&location_id="+marina, nil).Expect(t, 200)); len(got) != 2 {
			t.Fatalf("full text under a place: %v", got)
		}
		if got := ids(t, a.Do(admin, "GET", "/v1/listings?status=active&agent_id="+agent.ID, nil).Expect(t, 200)); !slices.Equal(got, []string{id}) {
			t.Fatalf("status and agent: %v", got)
		}
		page1 := a.Do(admin, "GET", "/v1/listings?limit=1&sort=-price_aed", nil).Expect(t, 200).Map(t)
		page2 := a.Do(admin, "GET", "/v1/listings?limit=1&sort=-price_aed&cursor="+page1["next_cursor"].(string), nil).Expect(t, 200).Map(t)
		if page2["next_cursor"] != nil || fmt.Sprint(page2["items"]) == fmt.Sprint(page1["items"]) {
			t.Fatalf("pages: %v / %v", page1, page2)
		}
		for _, bad := range []string{"sort=title", "community_id=nope", "beds=2&beds_min=1", "price_min=5&price_max=1", "limit=0", "cursor=forged", "purpose=lease", "price_min=-1", "beds_max=51", "beds=two"} {
			a.Do(admin, "GET", "/v1/listings?"+bad, nil).Expect(t, 422)
		}
	})

	t.Run("odd input is a client error, never a server one", func(t *testing.T) {
		forged := base64.RawURLEncoding.EncodeToString([]byte(`{"v":"not a time","id":"not-a-uuid","s":"-created_at"}`))
		for _, q := range []string{"q=" + url.QueryEscape(`o'neil\ "unclosed -`), "q=" + url.QueryEscape("'&|!():*<->"),
			"q=%00", "q=" + url.QueryEscape("مرسى دبي"), "price_min=NaN", "price_max=Infinity", "beds=99999999999999999999",
			"cursor=" + forged, "sort=-size_sqft&cursor=" + forged} {
			if r := a.Do(admin, "GET", "/v1/listings?"+q, nil); r.Status >= 500 {
				t.Errorf("%s: %d %s", q, r.Status, r.Body)
			}
		}
		forgedPlace := base64.RawURLEncoding.EncodeToString([]byte(`{"v":"x","id":"not-a-uuid","s":"name_en"}`))
		for _, q := range []string{"q=%00", "q=" + url.QueryEscape("'\\"), "parent_id=x", "cursor=" + forgedPlace} {
			if r := a.Do(admin, "GET", "/v1/locations?"+q, nil); r.Status >= 500 {
				t.Errorf("locations %s: %d %s", q, r.Status, r.Body)
			}
		}
		for _, b := range []map[string]any{body("NUL\u0000", nil), body("X-2", map[string]any{"title": "a\u0000b"}),
			body("X-3", map[string]any{"price_aed": 1e300}), body("X-4", map[string]any{"handover_date": "2027-02-30"})} {
			if r := a.Do(agent, "POST", "/v1/listings", b); r.Status >= 500 || r.Status == 201 {
				t.Errorf("%v: %d %s", b, r.Status, r.Body)
			}
		}
	})

	t.Run("updates", func(t *testing.T) {
		a.Do(agent, "PATCH", "/v1/listings/"+id, map[string]any{"price_aed": 2_750_000}, `If-Match: "7"`).Expect(t, 412)
		up := a.Do(agent, "PATCH", "/v1/listings/"+id, map[string]any{"price_aed": 2_750_000}, `If-Match: "1"`).Expect(t, 200)
		if up.Header.Get("ETag") != `"2"` || up.Map(t)["price_aed"] != 2_750_000.0 {
			t.Fatalf("update: %v %s", up.Header, up.Body)
		}
		a.Do(agent, "PATCH", "/v1/listings/"+id, map[string]any{"price_aed": 1}, `If-Match: "1"`).Expect(t, 412)
		patched := a.Do(agent, "PATCH", "/v1/listings/"+id, map[string]any{"amenities": []string{"Pool", "Pool", "Sea view"},
			"location_id": marina, "bedrooms": 3}, `If-Match: "2"`).Expect(t, 200).Map(t)
		if fmt.Sprint(patched["amenities"]) != "[Pool Sea view]" || patched["community_id"] != marina || patched["title"] != "2BR marina view, high floor" {
			t.Fatalf("partial update: %v", patched)
		}
		a.Do(agent, "PATCH", "/v1/listings/"+id, map[string]any{"colour": "blue"}).Expect(t, 422)
		if f := errorFields(t, a.Do(agent, "PATCH", "/v1/listings/"+id, map[string]any{"status": "sold"}).Expect(t, 422)); !slices.Equal(f, []string{"status"}) {
			t.Fatalf("active → sold: %v", f)
		}
		if f := errorFields(t, a.Do(agent, "PATCH", "/v1/listings/"+id, map[string]any{"permit_expiry": lastWeek}).Expect(t, 422)); !slices.Equal(f, []string{"permit_expiry"}) {
			t.Fatalf("active with an expired permit: %v", f)
		}
		a.Do(agent, "PATCH", "/v1/listings/"+id, map[string]any{"status": "under_offer"}).Expect(t, 200)
		if f := errorFields(t, a.Do(agent, "PATCH", "/v1/listings/"+id, map[string]any{"status": "rented"}).Expect(t, 422)); !slices.Equal(f, []string{"status"}) {
			t.Fatalf("sale listing rented: %v", f)
		}
		sold := a.Do(agent, "PATCH", "/v1/listings/"+id, map[string]any{"status": "sold"}).Expect(t, 200).Map(t)
		if sold["status"] != "sold" || sold["version"] != 5.0 {
			t.Fatalf("sold: %v", sold)
		}
		// Managers reassign within their team; agents cannot.
		a.Do(agent, "PATCH", "/v1/listings/"+id, map[string]any{"agent_id": rival.ID}).Expect(t, 422)
		a.Do(manager, "PATCH", "/v1/listings/"+id, map[string]any{"agent_id": rival.ID}).Expect(t, 422)
		moved := a.Do(admin, "PATCH", "/v1/listings/"+id, map[string]any{"agent_id": rival.ID}).Expect(t, 200).Map(t)
		if moved["agent_id"] != rival.ID {
			t.Fatalf("reassigned: %v", moved)
		}
		a.Do(agent, "GET", "/v1/listings/"+id, nil).Expect(t, 404)
	})

	t.Run("soft delete", func(t *testing.T) {
		a.Do(rival, "DELETE", "/v1/listings/"+rivals, nil, `If-Match: "9"`).Expect(t, 412)
		a.Do(compliance, "DELETE", "/v1/listings/"+rivals, nil).Expect(t, 403)
		a.Do(rival, "DELETE", "/v1/listings/"+rivals, nil, `If-Match: "1"`).Expect(t, 204)
		a.Do(rival, "GET", "/v1/listings/"+rivals, nil).Expect(t, 404)
		a.Do(rival, "DELETE", "/v1/listings/"+rivals, nil).Expect(t, 404)
		if got := ids(t, a.Do(admin, "GET", "/v1/listings", nil).Expect(t, 200)); slices.Contains(got, rivals) {
			t.Fatalf("deleted listing searched: %v", got)
		}
		var audits int
		a.DB.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE entity = 'listing' AND entity_id = $1`, rivals).Scan(&audits)
		if audits != 2 {
			t.Fatalf("%d audit entries for a created and deleted listing", audits)
		}
	})
	if strings.Contains(string(created.Body), "deleted_at") {
		t.Fatal("internal column leaked")
	}
}
