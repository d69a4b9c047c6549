package api_test

import (
	"net/url"
	"testing"

	"github.com/propertypro/propertypro/shared/apitest"
)

func TestLocationRoutes(t *testing.T) {
	a := apitest.New(t)
	admin := a.Brokerage("Marina Crest")
	a.Do(apitest.User{}, "GET", "/v1/locations", nil).Expect(t, 401)

	var list struct {
		Items []struct {
			ID, NameEN, Kind string
		} `json:"items"`
		NextCursor string `json:"next_cursor"`
	}
	a.Do(admin, "GET", "/v1/locations?q="+url.QueryEscape("Al-Awir"), nil).Expect(t, 200).JSON(t, &list)
	if len(list.Items) != 1 {
		t.Fatalf("al awir: %+v", list)
	}
	var one struct {
		NameEN  string   `json:"name_en"`
		NameAR  string   `json:"name_ar"`
		Aliases []string `json:"aliases"`
		Path    []struct {
			NameEN string `json:"name_en"`
		} `json:"path"`
	}
	a.Do(admin, "GET", "/v1/locations/"+list.Items[0].ID, nil).Expect(t, 200).JSON(t, &one)
	if one.NameEN != "Al Aweer" || one.NameAR != "العوير" || len(one.Path) != 1 || one.Path[0].NameEN != "Dubai" {
		t.Fatalf("%+v", one)
	}
	a.Do(admin, "GET", "/v1/locations?kind=community&limit=10", nil).Expect(t, 200).JSON(t, &list)
	if len(list.Items) != 10 || list.NextCursor == "" {
		t.Fatalf("first page: %+v", list)
	}
	a.Do(admin, "GET", "/v1/locations?kind=community&limit=10&cursor="+list.NextCursor, nil).Expect(t, 200)
	a.Do(admin, "GET", "/v1/locations?kind=planet", nil).Expect(t, 422)
	a.Do(admin, "GET", "/v1/locations?sort=slug", nil).Expect(t, 422)
	a.Do(admin, "GET", "/v1/locations?limit=500", nil).Expect(t, 422)
	a.Do(admin, "GET", "/v1/locations/00000000-0000-4000-8000-000000000001", nil).Expect(t, 404)
}
