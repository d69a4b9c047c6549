package knowledgeapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apitest"
	"github.com/propertypro/propertypro/shared/knowledgewire"
	"github.com/propertypro/propertypro/shared/platform"
)

// syncKnowledge runs cron-reembed once, as its schedule would.
func syncKnowledge(t *testing.T, a *apitest.API) {
	t.Helper()
	fn, _ := functions.Lookup("cron-reembed")
	h, err := knowledgewire.Reembed(&platform.Boot{Fn: fn, Config: a.Config, DB: a.DB, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Job(context.Background(), time.Now()); err != nil {
		t.Fatal(err)
	}
}

// TestAssistantShowsOnlyListingsTheListingsAPIShows creates a listing through the API and
// asks the assistant about it as users of every role: whoever gets 404 from GET
// /v1/listings/{id} gets no citation of it and no quote from it; whoever reads it finds it.
func TestAssistantShowsOnlyListingsTheListingsAPIShows(t *testing.T) {
	for name, tweak := range vectorStoreTweaks(t) {
		t.Run(name, func(t *testing.T) {
			a := apitest.New(t, tweak)
			admin := a.Brokerage("Keystone Homes")
			manager := a.User(admin, "maha@keystone.ae", access.Manager, "")
			agent := a.User(admin, "amal@keystone.ae", access.Agent, manager.ID)
			rival := a.User(admin, "chen@keystone.ae", access.Agent, "")
			var places struct {
				Items []struct{ ID string } `json:"items"`
			}
			a.Do(admin, "GET", "/v1/locations?q="+url.QueryEscape("Business Bay"), nil).Expect(t, 200).JSON(t, &places)
			if len(places.Items) == 0 {
				t.Fatal("no Business Bay location")
			}
			created := a.Do(agent, "POST", "/v1/listings", map[string]any{"reference": "KS-77", "title": "Obsidian crown residence",
				"purpose": "sale", "property_type": "penthouse", "location_id": places.Items[0].ID, "price_aed": 9_100_000,
				"bedrooms": 4, "developer": "Falconcrest", "description": "Moonlit terrace with a private plunge pool.",
				"status": "active", "permit_number": "7102938475", "permit_expiry": time.Now().AddDate(1, 0, 0).Format(time.DateOnly)}).
				Expect(t, 201).Map(t)
			id := created["id"].(string)
			syncKnowledge(t, a)

			question := "What do we know about the Obsidian crown residence by Falconcrest?"
			for _, tt := range []struct {
				name string
				user apitest.User
				sees bool
			}{
				{"the agent who listed it", agent, true},
				{"their manager", manager, true},
				{"an admin", admin, true},
				{"an agent of another team", rival, false},
			} {
				t.Run(tt.name, func(t *testing.T) {
					status := a.Do(tt.user, "GET", "/v1/listings/"+id, nil).Status
					if (status == 200) != tt.sees {
						t.Fatalf("GET the listing: status %d, the premise of this case is wrong", status)
					}
					ans := a.Do(tt.user, "POST", "/v1/assistant/chat", map[string]any{"message": question}).Expect(t, 200).Map(t)
					cited := false
					for _, c := range ans["citations"].([]any) {
						cited = cited || c.(map[string]any)["id"] == id
					}
					answer := ans["answer"].(string)
					quoted := strings.Contains(answer, "KS-77") || strings.Contains(answer, "plunge pool")
					if cited != tt.sees || (quoted && !tt.sees) {
						t.Errorf("GET status %d but the assistant cites it %v, quotes it %v (retrieval %v):\n%s",
							status, cited, quoted, ans["retrieval"], answer)
					}
				})
			}
		})
	}
}
