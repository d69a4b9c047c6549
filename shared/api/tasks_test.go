package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/apitest"
)

func TestTaskRoutes(t *testing.T) {
	f := newLeadsFixture(t)
	a := f.a
	lead1 := f.create(t, f.agent1, map[string]any{"phone": "0501112233"})
	lead2 := f.create(t, f.agent2, map[string]any{"phone": "0501112244"})
	due := time.Date(2030, 1, 2, 9, 0, 0, 0, time.UTC)

	created := a.Do(f.agent1, "POST", "/v1/tasks", map[string]any{"title": "Send Marina Gate brochure", "lead_id": lead1,
		"due_at": due.Format(time.RFC3339), "priority": "high"}).Expect(t, 201)
	tk := created.Map(t)
	id := tk["id"].(string)
	if created.Header.Get("ETag") != `"1"` || tk["assignee_id"] != f.agent1.ID || tk["kind"] != "follow_up" || tk["status"] != "open" {
		t.Fatalf("created %v", tk)
	}
	invalid := []struct {
		name string
		as   apitest.User
		body map[string]any
	}{
		{"no title", f.agent1, map[string]any{"notes": "x"}},
		{"someone else's lead", f.agent1, map[string]any{"title": "x", "lead_id": lead2}},
		{"assigning to another agent", f.agent1, map[string]any{"title": "x", "assignee_id": f.agent2.ID}},
		{"outside the manager's team", f.manager, map[string]any{"title": "x", "assignee_id": f.agent3.ID}},
		{"another brokerage's user", f.admin, map[string]any{"title": "x", "assignee_id": f.otherAgent.ID}},
		{"bad kind", f.agent1, map[string]any{"title": "x", "kind": "chore"}},
		{"unknown field", f.agent1, map[string]any{"title": "x", "colour": "red"}},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			a.Do(tt.as, "POST", "/v1/tasks", tt.body).Expect(t, 422)
		})
	}
	a.Do(f.co, "POST", "/v1/tasks", map[string]any{"title": "x"}).Expect(t, 403)
	a.Do(f.manager, "POST", "/v1/tasks", map[string]any{"title": "Call back", "assignee_id": f.agent2.ID, "lead_id": lead2}).Expect(t, 201)

	// Visibility follows the assignee.
	a.Do(f.agent2, "GET", "/v1/tasks/"+id, nil).Expect(t, 404)
	a.Do(f.otherAdmin, "GET", "/v1/tasks/"+id, nil).Expect(t, 404)
	a.Do(f.otherAdmin, "PATCH", "/v1/tasks/"+id, map[string]any{"status": "done"}).Expect(t, 404)
	a.Do(f.otherAdmin, "DELETE", "/v1/tasks/"+id, nil).Expect(t, 404)
	a.Do(f.manager, "GET", "/v1/tasks/"+id, nil).Expect(t, 200)
	a.Do(f.co, "PATCH", "/v1/tasks/"+id, map[string]any{"status": "done"}).Expect(t, 403)
	count := func(as apitest.User, q string) int {
		return len(leadItems(t, a.Do(as, "GET", "/v1/tasks?"+q, nil).Expect(t, 200)))
	}
	// Each lead brought a first-contact task; agent1 also has the brochure task.
	for _, c := range []struct {
		as   apitest.User
		q    string
		want int
	}{
		{f.agent1, "", 2},
		{f.agent2, "", 2},
		{f.manager, "", 4},
		{f.admin, "", 4},
		{f.agent1, "assignee_id=" + f.agent2.ID, 0},
		{f.admin, "lead_id=" + lead1, 2},
		{f.admin, "status=done", 0},
		{f.admin, "due_before=2029-01-01T00:00:00Z", 2},
		{f.agent1, "assignee_id=me&sort=-due_at", 2},
	} {
		if got := count(c.as, c.q); got != c.want {
			t.Errorf("GET /v1/tasks?%s: %d tasks, want %d", c.q, got, c.want)
		}
	}
	a.Do(f.admin, "GET", "/v1/tasks?sort=title", nil).Expect(t, 422)
	a.Do(f.admin, "GET", "/v1/tasks?status=later", nil).Expect(t, 422)

	// Undated tasks sort last by due date.
	a.Do(f.agent1, "POST", "/v1/tasks", map[string]any{"title": "Someday"}).Expect(t, 201)
	items := leadItems(t, a.Do(f.agent1, "GET", "/v1/tasks?sort=due_at", nil).Expect(t, 200))
	if len(items) != 3 || items[2]["title"] != "Someday" {
		t.Fatalf("by due date %v", items)
	}
	items = leadItems(t, a.Do(f.agent1, "GET", "/v1/tasks?sort=due_at&limit=1", nil).Expect(t, 200))
	if len(items) != 1 || items[0]["kind"] != "first_contact" {
		t.Fatalf("first page %v", items)
	}

	// Done stamps completed_at; a stale If-Match is refused; reopening clears it.
	a.Do(f.agent1, "PATCH", "/v1/tasks/"+id, map[string]any{"status": "done"}, `If-Match: "5"`).Expect(t, 412)
	done := a.Do(f.agent1, "PATCH", "/v1/tasks/"+id, map[string]any{"status": "done", "notes": "Sent on WhatsApp"}, `If-Match: "1"`).Expect(t, 200)
	if m := done.Map(t); m["completed_at"] == nil || m["status"] != "done" || done.Header.Get("ETag") != `"2"` {
		t.Fatalf("done %v", m)
	}
	if m := a.Do(f.agent1, "PATCH", "/v1/tasks/"+id, map[string]any{"status": "open"}).Expect(t, 200).Map(t); m["completed_at"] != nil {
		t.Fatalf("reopened %v", m)
	}
	a.Do(f.agent1, "PATCH", "/v1/tasks/"+id, map[string]any{"assignee_id": f.agent2.ID}).Expect(t, 422)
	a.Do(f.manager, "PATCH", "/v1/tasks/"+id, map[string]any{"assignee_id": f.agent2.ID}).Expect(t, 200)
	a.Do(f.agent1, "GET", "/v1/tasks/"+id, nil).Expect(t, 404)

	a.Do(f.agent2, "DELETE", "/v1/tasks/"+id, nil, `If-Match: "1"`).Expect(t, 412)
	a.Do(f.agent2, "DELETE", "/v1/tasks/"+id, nil).Expect(t, 204)
	a.Do(f.agent2, "GET", "/v1/tasks/"+id, nil).Expect(t, 404)
	for _, action := range []string{"create", "update", "delete"} {
		if n := f.auditCount(t, "task", id, action); n == 0 {
			t.Errorf("no %s audit entry", action)
		}
	}
	if strings.Contains(string(a.Do(f.admin, "GET", "/v1/tasks", nil).Body), id) {
		t.Fatal("deleted task listed")
	}
}
