package stack

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBackups proves that every environment's database has automated backups, and with them
// point-in-time recovery, for at least its minimum retention, and that production cannot be
// deleted by accident and leaves a final snapshot and its backups when it is.
func TestBackups(t *testing.T) {
	minDays := map[Env]float64{Dev: 1, Staging: 7, Prod: 30}
	covered := map[Env]bool{}
	for _, c := range synthCases {
		t.Run(c.name, func(t *testing.T) {
			instances := resources(t, c.template(t), "AWS::RDS::DBInstance")
			if len(instances) == 0 {
				return // no function uses the database; TestDatabase checks that none is made
			}
			covered[c.env] = true
			for id, r := range instances {
				p := props(r)
				if days := num(p["BackupRetentionPeriod"]); days < minDays[c.env] || days > 35 {
					t.Errorf("%s: BackupRetentionPeriod %v days, want %v to 35 (RDS's maximum)", id, days, minDays[c.env])
				}
				if p["PreferredBackupWindow"] == nil {
					t.Errorf("%s: no PreferredBackupWindow; backups would run at a random hour", id)
				}
				prod := c.env == Prod
				got := map[string]any{
					"DeletionProtection": p["DeletionProtection"], "DeleteAutomatedBackups": p["DeleteAutomatedBackups"],
					"DeletionPolicy": r["DeletionPolicy"], "UpdateReplacePolicy": r["UpdateReplacePolicy"],
				}
				want := map[string]any{
					"DeletionProtection": prod, "DeleteAutomatedBackups": !prod,
					"DeletionPolicy": "Snapshot", "UpdateReplacePolicy": "Snapshot",
				}
				if c.env == Dev {
					want["DeletionPolicy"], want["UpdateReplacePolicy"] = "Delete", "Delete"
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", id, diff)
				}
			}
		})
	}
	for _, e := range Envs {
		if !covered[e] {
			t.Errorf("no test case synthesizes a database for %s", e)
		}
	}
}
