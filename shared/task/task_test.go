package task

import (
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/access"
)

func TestSetStatus(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	tk := Task{Status: Open}
	tk.SetStatus(Done, now)
	if tk.CompletedAt == nil || !tk.CompletedAt.Equal(now) {
		t.Fatalf("done: %+v", tk)
	}
	tk.SetStatus(Done, now.Add(time.Hour))
	if !tk.CompletedAt.Equal(now) {
		t.Fatal("completing again moved completed_at")
	}
	tk.SetStatus(Open, now)
	if tk.CompletedAt != nil {
		t.Fatal("reopened task keeps completed_at")
	}
	tk.SetStatus(Cancelled, now)
	if tk.CompletedAt != nil || tk.Status != Cancelled {
		t.Fatalf("cancelled: %+v", tk)
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		task Task
		want int
	}{
		{"ok", Task{Title: "Call back", Kind: Call, Priority: High, Status: Open}, 0},
		{"no title", Task{Kind: Call, Priority: High, Status: Open}, 1},
		{"bad enums", Task{Title: "x", Kind: "chore", Priority: "urgent", Status: "later"}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Validate(c.task); len(got) != c.want {
				t.Fatalf("Validate = %v, want %d errors", got, c.want)
			}
		})
	}
}

func TestScopeOf(t *testing.T) {
	m := ScopeOf(access.Actor{UserID: "m", Role: access.Manager, Team: []string{"a"}})
	if !m.Unassigned || len(m.Owners) != 2 {
		t.Fatalf("manager: %+v", m)
	}
	if s := ScopeOf(access.Actor{UserID: "x", Role: access.Admin}); s.Owners != nil {
		t.Fatalf("admin: %+v", s)
	}
	if s := ScopeOf(access.Actor{UserID: "x", Role: access.Agent}); s.Unassigned || len(s.Owners) != 1 {
		t.Fatalf("agent: %+v", s)
	}
}
