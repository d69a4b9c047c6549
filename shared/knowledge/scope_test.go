package knowledge

import (
	"slices"
	"testing"

	"github.com/propertypro/propertypro/shared/access"
)

// TestScopeFollowsCanSee checks, role by role, that the owner stamps a retrieval scope
// accepts are exactly the owners whose records access.Actor.CanSee shows: the rule of the
// listings API.
func TestScopeFollowsCanSee(t *testing.T) {
	const brokerage = "b1"
	owners := []string{"me", "teammate", "stranger"}
	for _, role := range access.Roles {
		t.Run(string(role), func(t *testing.T) {
			a := access.Actor{UserID: "me", BrokerageID: brokerage, Role: role}
			if role == access.Manager {
				a.Team = []string{"teammate"}
			}
			s := ScopeOf(a)
			values := s.OwnerValues()
			accepts := func(stamp string) bool { return values == nil || slices.Contains(values, stamp) }
			for _, o := range owners {
				if accepts(o) != a.CanSee(brokerage, o) {
					t.Errorf("owner %s: scope accepts %v, CanSee says %v", o, accepts(o), a.CanSee(brokerage, o))
				}
			}
			if accepts(Unassigned) != a.CanSee(brokerage, "") {
				t.Errorf("unassigned: scope accepts %v, CanSee says %v", accepts(Unassigned), a.CanSee(brokerage, ""))
			}
			if !accepts(NoOwner) {
				t.Error("the scope refuses knowledge of no one")
			}
		})
	}
}
