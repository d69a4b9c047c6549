package e2e_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apitest"
	"github.com/propertypro/propertypro/shared/testkit"
)

// Every route of the manifest that names a record, called by another brokerage's admin with
// the first brokerage's ids, answers 404; every list shows none of those ids. The table is
// the manifest itself, so a new route is covered the day it is added.
func TestNoRouteCrossesBrokerages(t *testing.T) {
	a := apitest.New(t)
	owner := a.Brokerage("Owner Realty")
	agent := a.User(owner, "agent@owner.ae", access.Agent, "")
	intruder := a.Brokerage("Intruder Realty")
	ids := seed(t, a, owner, agent)

	param := regexp.MustCompile(`\{[a-z_]+\}`)
	for _, fn := range functions.Manifest {
		// Locations are the public place tree, shared by every brokerage by design.
		// Locations and market data are public reference data, shared by every brokerage by design.
		if fn.Kind() != functions.KindHTTP || fn.Public || resourceOf(fn.Path()) == "locations" ||
			resourceOf(fn.Path()) == "market" {
			continue
		}
		path := fn.Path()
		t.Run(fn.Name, func(t *testing.T) {
			if !param.MatchString(path) {
				if fn.Method() == "GET" {
					body := string(a.Do(intruder, "GET", path, nil).Body)
					for kind, id := range ids {
						if strings.Contains(body, id) {
							t.Errorf("%s lists the other brokerage's %s %s", path, kind, id)
						}
					}
				}
				return
			}
			id, ok := ids[resourceOf(path)]
			if !ok {
				// Not seeded yet (see seed): an id that exists nowhere must still be a 404.
				id = "00000000-0000-4000-8000-00000000dead"
			}
			concrete := param.ReplaceAllString(path, id)
			r := a.Do(intruder, fn.Method(), concrete, bodyFor(fn.Name, ids))
			if r.Status != 404 {
				t.Fatalf("%s %s as another brokerage: %d, want 404: %s", fn.Method(), concrete, r.Status, r.Body)
			}
		})
	}
	// And the owner still sees everything untouched.
	for kind, id := range ids {
		if p, ok := readPath[kind]; ok {
			a.Do(owner, "GET", p+id, nil).Expect(t, 200)
		}
	}
}

var readPath = map[string]string{"listings": "/v1/listings/", "leads": "/v1/leads/", "viewings": "/v1/viewings/",
	"deals": "/v1/deals/", "tasks": "/v1/tasks/", "users": "/v1/users/"}

// resourceOf names the collection a path's id belongs to: /v1/leads/{id}/merge → leads.
func resourceOf(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) > 1 {
		return parts[1]
	}
	return parts[0]
}

// bodyFor gives writes a plausible body, so that a 404 cannot come from a missing body: the
// ids it needs, else the function's own sample event's body.
func bodyFor(name string, ids map[string]string) any {
	switch {
	case strings.HasSuffix(name, "-merge"):
		return map[string]any{"duplicate_id": ids["leads2"]}
	case strings.HasSuffix(name, "-assign"):
		return map[string]any{"agent_id": ids["users"]}
	case strings.HasSuffix(name, "-decide"):
		return map[string]any{"action": "approve"}
	case strings.HasSuffix(name, "-activities-create"):
		return map[string]any{"kind": "note", "body": "hello"}
	}
	root, _ := testkit.RepoRoot()
	raw, err := os.ReadFile(filepath.Join(root, "events", name, "request.json"))
	var ev struct{ Body string }
	if err == nil && json.Unmarshal(raw, &ev) == nil && ev.Body != "" {
		return []byte(ev.Body)
	}
	if strings.HasSuffix(name, "-update") {
		return map[string]any{}
	}
	return nil
}

// seed creates one record of each kind in the owner's brokerage.
func seed(t *testing.T, a *apitest.API, owner, agent apitest.User) map[string]string {
	id := func(r apitest.Response) string { return r.Expect(t, 201).Map(t)["id"].(string) }
	loc := a.Do(agent, "GET", "/v1/locations?q=marina", nil).Expect(t, 200).Map(t)["items"].([]any)[0].(map[string]any)
	ids := map[string]string{"users": agent.ID}
	ids["listings"] = id(a.Do(agent, "POST", "/v1/listings", map[string]any{"reference": "T-1", "purpose": "sale",
		"property_type": "apartment", "location_id": loc["id"], "price_aed": 1500000, "size_sqft": 900,
		"bedrooms": 1, "bathrooms": 1}))
	ids["leads"] = id(a.Do(agent, "POST", "/v1/leads", map[string]any{"full_name": "Owner's Lead", "phone": "0501112233"}))
	ids["leads2"] = id(a.Do(agent, "POST", "/v1/leads", map[string]any{"full_name": "Second Lead", "phone": "0504445566"}))
	ids["viewings"] = id(a.Do(agent, "POST", "/v1/viewings", map[string]any{"lead_id": ids["leads"],
		"listing_id": ids["listings"], "scheduled_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}))
	ids["deals"] = id(a.Do(agent, "POST", "/v1/deals", map[string]any{"lead_id": ids["leads"],
		"listing_id": ids["listings"], "kind": "sale", "price_aed": 1500000}))
	ids["tasks"] = id(a.Do(agent, "POST", "/v1/tasks", map[string]any{"title": "Call back", "lead_id": ids["leads"]}))
	return ids
}
