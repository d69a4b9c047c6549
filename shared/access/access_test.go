package access

import "testing"

func TestVisibility(t *testing.T) {
	const b, other = "b1", "b2"
	agent := Actor{UserID: "a1", BrokerageID: b, Role: Agent}
	manager := Actor{UserID: "m1", BrokerageID: b, Role: Manager, Team: []string{"a1"}}
	admin := Actor{UserID: "ad", BrokerageID: b, Role: Admin}
	compliance := Actor{UserID: "c1", BrokerageID: b, Role: ComplianceOfficer}
	tests := []struct {
		name               string
		actor              Actor
		brokerage, owner   string
		see, write, seeAML bool
	}{
		{"agent own", agent, b, "a1", true, true, false},
		{"agent other's", agent, b, "a2", false, false, false},
		{"agent other brokerage", agent, other, "a1", false, false, false},
		{"manager team", manager, b, "a1", true, true, false},
		{"manager outside team", manager, b, "a2", false, false, false},
		{"manager unassigned", manager, b, "", true, true, false},
		{"admin any", admin, b, "a2", true, true, false},
		{"admin other brokerage", admin, other, "a2", false, false, false},
		{"compliance reads only", compliance, b, "a2", true, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.actor.CanSee(tt.brokerage, tt.owner); got != tt.see {
				t.Errorf("CanSee = %v", got)
			}
			if got := tt.actor.CanWrite(tt.brokerage, tt.owner); got != tt.write {
				t.Errorf("CanWrite = %v", got)
			}
			if got := tt.actor.SeesAML(); got != tt.seeAML {
				t.Errorf("SeesAML = %v", got)
			}
		})
	}
}
