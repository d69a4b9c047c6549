package listing

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/page"
)

// memStore keeps listings in a map; it is enough for the service's own rules.
type memStore struct{ rows map[string]Listing }

func (m *memStore) CreateListing(_ context.Context, l Listing, _ audit.Entry) (Listing, error) {
	l.ID, l.Version = "l"+string(rune('0'+len(m.rows))), 1
	m.rows[l.ID] = l
	return l, nil
}

func (m *memStore) ListingByID(_ context.Context, brokerageID, id string) (Listing, error) {
	l, ok := m.rows[id]
	if !ok || l.BrokerageID != brokerageID {
		return Listing{}, apperr.New(apperr.NotFound, "no listing")
	}
	return l, nil
}

func (m *memStore) UpdateListing(_ context.Context, l Listing, v int, _ audit.Entry) (Listing, error) {
	l.Version = v + 1
	m.rows[l.ID] = l
	return l, nil
}

func (m *memStore) DeleteListing(_ context.Context, _, id string, _ int, _ audit.Entry) error {
	delete(m.rows, id)
	return nil
}

func (m *memStore) SearchListings(context.Context, string, Filter, page.Request) ([]Listing, error) {
	return nil, nil
}

type fakePlaces func(string) (string, bool)

func (f fakePlaces) CommunityOf(_ context.Context, id string) (string, bool, error) {
	c, ok := f(id)
	return c, ok, nil
}

type fakeMembers map[string]access.Role

func (f fakeMembers) Member(_ context.Context, _ string, id string) (access.Role, bool, error) {
	r, ok := f[id]
	return r, ok, nil
}

func newService() *Service {
	places := fakePlaces(func(id string) (string, bool) {
		return map[string]string{"bldg": "comm", "comm": "comm"}[id], id != "nowhere"
	})
	members := fakeMembers{"a1": access.Agent, "a2": access.Agent, "m1": access.Manager, "c1": access.ComplianceOfficer}
	s := New(&memStore{rows: map[string]Listing{}}, places, members)
	s.Now = func() time.Time { return now }
	return s
}

func TestCreateOwnershipAndAccess(t *testing.T) {
	agent := access.Actor{UserID: "a1", BrokerageID: "b", Role: access.Agent}
	manager := access.Actor{UserID: "m1", BrokerageID: "b", Role: access.Manager, Team: []string{"a1"}}
	admin := access.Actor{UserID: "ad", BrokerageID: "b", Role: access.Admin}
	compliance := access.Actor{UserID: "c1", BrokerageID: "b", Role: access.ComplianceOfficer}
	tests := []struct {
		name      string
		actor     access.Actor
		agentID   string
		wantOwner string
		wantCode  apperr.Code
		wantField string
	}{
		{"agent owns by default", agent, "", "a1", "", ""},
		{"agent names self", agent, "a1", "a1", "", ""},
		{"agent names another", agent, "a2", "", apperr.Invalid, "agent_id"},
		{"manager for team member", manager, "a1", "a1", "", ""},
		{"manager outside team", manager, "a2", "", apperr.Invalid, "agent_id"},
		{"admin for any agent", admin, "a2", "a2", "", ""},
		{"admin for compliance officer", admin, "c1", "", apperr.Invalid, "agent_id"},
		{"admin for a stranger", admin, "zz", "", apperr.Invalid, "agent_id"},
		{"compliance cannot create", compliance, "", "", apperr.Forbidden, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := newService().Create(context.Background(), tt.actor, NewListing{AgentID: tt.agentID,
				Reference: "R1", Purpose: "sale", PropertyType: "villa", PriceAED: 5_000_000, LocationID: "bldg"})
			if apperr.CodeOf(err) != tt.wantCode {
				t.Fatalf("code %q, want %q (%v)", apperr.CodeOf(err), tt.wantCode, err)
			}
			if tt.wantField != "" && !slices.Equal(fields(err), []string{tt.wantField}) {
				t.Fatalf("fields %v", fields(err))
			}
			if err == nil && (l.AgentID != tt.wantOwner || l.CommunityID != "comm" || l.Status != Draft || l.Completion != "ready") {
				t.Fatalf("%+v", l)
			}
		})
	}
}

func TestUpdateRules(t *testing.T) {
	ctx := context.Background()
	agent := access.Actor{UserID: "a1", BrokerageID: "b", Role: access.Agent}
	other := access.Actor{UserID: "a2", BrokerageID: "b", Role: access.Agent}
	reviewer := access.Actor{UserID: "r1", BrokerageID: "b", Role: access.Reviewer}
	s := newService()
	l, err := s.Create(ctx, agent, NewListing{Reference: "R1", Purpose: "rent", PropertyType: "apartment",
		PriceAED: 120_000, RentCheques: new(4)})
	if err != nil {
		t.Fatal(err)
	}
	active, sale, nowhere := Active, "sale", "nowhere"
	if _, err := s.Update(ctx, agent, l.ID, Patch{Status: &active}, 0); !slices.Equal(fields(err), []string{"permit_number", "permit_expiry"}) {
		t.Fatalf("activate without permit: %v", err)
	}
	num, exp := "7102938475", "2027-01-31"
	l, err = s.Update(ctx, agent, l.ID, Patch{Status: &active, PermitNumber: &num, PermitExpiry: &exp}, 1)
	if err != nil || l.Status != Active {
		t.Fatalf("activate with permit: %v", err)
	}
	empty := ""
	if _, err := s.Update(ctx, agent, l.ID, Patch{PermitNumber: &empty}, 0); !slices.Equal(fields(err), []string{"permit_number"}) {
		t.Fatalf("active listing lost its permit: %v", err)
	}
	if _, err := s.Update(ctx, agent, l.ID, Patch{Title: &empty}, 1); apperr.CodeOf(err) != apperr.PreconditionFailed {
		t.Fatalf("stale version: %v", err)
	}
	if _, err := s.Update(ctx, other, l.ID, Patch{Title: &empty}, 0); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("another agent's listing: %v", err)
	}
	if _, err := s.Update(ctx, reviewer, l.ID, Patch{Title: &empty}, 0); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("reviewer writes: %v", err)
	}
	if _, err := s.Update(ctx, agent, l.ID, Patch{LocationID: &nowhere}, 0); !slices.Equal(fields(err), []string{"location_id"}) {
		t.Fatalf("unknown place: %v", err)
	}
	l, err = s.Update(ctx, agent, l.ID, Patch{Purpose: &sale}, 0)
	if err != nil || l.RentCheques != nil {
		t.Fatalf("changing to sale keeps cheques: %+v %v", l, err)
	}
	a2 := "a2"
	if _, err := s.Update(ctx, agent, l.ID, Patch{AgentID: &a2}, 0); !slices.Equal(fields(err), []string{"agent_id"}) {
		t.Fatalf("agent reassigns: %v", err)
	}
}
