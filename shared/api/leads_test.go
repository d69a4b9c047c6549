package api_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apitest"
	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/privacy"
)

// leadsFixture is a brokerage with a manager leading two agents, a third agent outside the
// team, a compliance officer, and a second brokerage.
type leadsFixture struct {
	a                      *apitest.API
	admin, manager, co     apitest.User
	agent1, agent2, agent3 apitest.User
	otherAdmin, otherAgent apitest.User
}

func newLeadsFixture(t *testing.T, tweaks ...func(*config.Config)) *leadsFixture {
	a := apitest.New(t, tweaks...)
	f := &leadsFixture{a: a, admin: a.Brokerage("Marina Crest Realty")}
	f.manager = a.User(f.admin, "manager@crest.ae", access.Manager, "")
	f.agent1 = a.User(f.admin, "agent1@crest.ae", access.Agent, f.manager.ID)
	f.agent2 = a.User(f.admin, "agent2@crest.ae", access.Agent, f.manager.ID)
	f.agent3 = a.User(f.admin, "agent3@crest.ae", access.Agent, "")
	f.co = a.User(f.admin, "compliance@crest.ae", access.ComplianceOfficer, "")
	f.otherAdmin = a.Brokerage("Palm Horizon Properties")
	f.otherAgent = a.User(f.otherAdmin, "agent@horizon.ae", access.Agent, "")
	return f
}

// create posts a lead as u and returns its id.
func (f *leadsFixture) create(t *testing.T, u apitest.User, body map[string]any) string {
	t.Helper()
	return f.a.Do(u, "POST", "/v1/leads", body).Expect(t, 201).Map(t)["id"].(string)
}

func leadItems(t *testing.T, r apitest.Response) []map[string]any {
	t.Helper()
	var page struct {
		Items      []map[string]any `json:"items"`
		NextCursor string           `json:"next_cursor"`
	}
	r.JSON(t, &page)
	return page.Items
}

func leadIDs(t *testing.T, r apitest.Response) []string {
	var out []string
	for _, it := range leadItems(t, r) {
		out = append(out, it["id"].(string))
	}
	return out
}

func (f *leadsFixture) auditCount(t *testing.T, entity, id, action string) int {
	t.Helper()
	var n int
	if err := f.a.DB.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE entity = $1 AND entity_id = $2 AND action = $3`,
		entity, id, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLeadDuplicates(t *testing.T) {
	f := newLeadsFixture(t)
	a := f.a
	first := a.Do(f.agent1, "POST", "/v1/leads", map[string]any{"full_name": "Ahmed Al Mansouri", "phone": "050 123 4567",
		"email": "Ahmed.M@Example.ae", "source": "property_finder"}).Expect(t, 201)
	if first.Header.Get("ETag") != `"1"` {
		t.Fatalf("ETag %q", first.Header.Get("ETag"))
	}
	lead := first.Map(t)
	id := lead["id"].(string)
	if lead["phone_e164"] != "+971501234567" || lead["phone_raw"] != "050 123 4567" || lead["email"] != "ahmed.m@example.ae" ||
		lead["agent_id"] != f.agent1.ID || lead["stage"] != "new" {
		t.Fatalf("created %v", lead)
	}
	if f.auditCount(t, "lead", id, "create") != 1 {
		t.Fatal("create not audited")
	}
	tests := []struct {
		name string
		as   apitest.User
		body map[string]any
	}{
		{"same lead again", f.agent1, map[string]any{"full_name": "Ahmed Al Mansouri", "phone": "050 123 4567"}},
		{"phone in another format", f.agent2, map[string]any{"phone": "+971-50-123-4567"}},
		{"phone with 00 prefix", f.admin, map[string]any{"phone": "00971501234567"}},
		{"phone in Arabic digits", f.agent3, map[string]any{"phone": "٠٥٠١٢٣٤٥٦٧"}},
		{"email in another case", f.manager, map[string]any{"email": " AHMED.m@example.AE"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := a.Do(tt.as, "POST", "/v1/leads", tt.body).Expect(t, 409).Map(t)
			if p["existing_id"] != id || p["code"] != "conflict" {
				t.Fatalf("problem %v", p)
			}
		})
	}
	// The same person in another brokerage is not a duplicate.
	f.create(t, f.otherAgent, map[string]any{"phone": "0501234567"})
	// A deleted lead no longer blocks its phone.
	a.Do(f.agent1, "DELETE", "/v1/leads/"+id, nil).Expect(t, 204)
	f.create(t, f.agent1, map[string]any{"phone": "0501234567"})
}

func TestConcurrentDuplicateCreates(t *testing.T) {
	f := newLeadsFixture(t)
	const n = 6
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := map[string]any{"full_name": "Sara Khan", "phone": []string{"055 987 6543", "+971559876543", "00971 55 987 6543"}[i%3]}
			statuses[i] = f.a.Do(f.admin, "POST", "/v1/leads", body).Status
		}()
	}
	wg.Wait()
	created, conflicts := 0, 0
	for _, s := range statuses {
		switch s {
		case 201:
			created++
		case 409:
			conflicts++
		}
	}
	if created != 1 || conflicts != n-1 {
		t.Fatalf("statuses %v: want exactly one 201 and %d 409", statuses, n-1)
	}
}

func TestRoundRobinAssignment(t *testing.T) {
	f := newLeadsFixture(t, func(c *config.Config) { c.FirstContactSLA = 30 * time.Minute })
	a := f.a
	agents := []string{f.agent1.ID, f.agent2.ID, f.agent3.ID}
	var got []string
	for i := range 6 {
		as := f.admin
		if i%2 == 1 {
			as = f.manager
		}
		before := time.Now()
		l := a.Do(as, "POST", "/v1/leads", map[string]any{"email": fmt.Sprintf("buyer%d@example.com", i)}).Expect(t, 201).Map(t)
		got = append(got, l["agent_id"].(string))
		tasks := leadItems(t, a.Do(f.admin, "GET", "/v1/tasks?lead_id="+l["id"].(string), nil).Expect(t, 200))
		if len(tasks) != 1 || tasks[0]["kind"] != "first_contact" || tasks[0]["assignee_id"] != l["agent_id"] || tasks[0]["status"] != "open" {
			t.Fatalf("first-contact task: %v", tasks)
		}
		due, _ := time.Parse(time.RFC3339, tasks[0]["due_at"].(string))
		if due.Before(before.Add(29*time.Minute)) || due.After(time.Now().Add(31*time.Minute)) {
			t.Fatalf("due %v, want about 30 minutes after %v", due, before)
		}
		acts := leadItems(t, a.Do(f.admin, "GET", "/v1/leads/"+l["id"].(string)+"/activities", nil).Expect(t, 200))
		if len(acts) != 1 || acts[0]["kind"] != "assignment" || !strings.Contains(acts[0]["body"].(string), "round robin") {
			t.Fatalf("activities %v", acts)
		}
	}
	// Agents in creation order, twice around; deactivated agents are skipped.
	want := append(append([]string{}, agents...), agents...)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("round robin %v, want %v", got, want)
	}
	a.Do(f.admin, "DELETE", "/v1/users/"+f.agent1.ID, nil).Expect(t, 200)
	l := a.Do(f.admin, "POST", "/v1/leads", map[string]any{"email": "next@example.com"}).Expect(t, 201).Map(t)
	if l["agent_id"] != f.agent2.ID {
		t.Fatalf("after deactivating agent1: %v", l["agent_id"])
	}
	// An agent owns what they create; naming someone else is refused.
	own := a.Do(f.agent3, "POST", "/v1/leads", map[string]any{"email": "own@example.com"}).Expect(t, 201).Map(t)
	if own["agent_id"] != f.agent3.ID {
		t.Fatalf("agent-created lead went to %v", own["agent_id"])
	}
	a.Do(f.agent3, "POST", "/v1/leads", map[string]any{"email": "x@example.com", "agent_id": f.agent2.ID}).Expect(t, 422)
}

func TestAssign(t *testing.T) {
	f := newLeadsFixture(t)
	a := f.a
	id := f.create(t, f.admin, map[string]any{"phone": "0521112233", "agent_id": f.agent1.ID})
	// Managers assign within their team; agents not at all; another brokerage's agent is invalid.
	a.Do(f.manager, "POST", "/v1/leads/"+id+"/assign", map[string]any{"agent_id": f.agent3.ID}).Expect(t, 422)
	a.Do(f.agent1, "POST", "/v1/leads/"+id+"/assign", map[string]any{"agent_id": f.agent2.ID}).Expect(t, 403)
	a.Do(f.admin, "POST", "/v1/leads/"+id+"/assign", map[string]any{"agent_id": f.otherAgent.ID}).Expect(t, 422)
	l := a.Do(f.manager, "POST", "/v1/leads/"+id+"/assign", map[string]any{"agent_id": f.agent2.ID}).Expect(t, 200).Map(t)
	if l["agent_id"] != f.agent2.ID {
		t.Fatalf("assigned %v", l)
	}
	tasks := leadItems(t, a.Do(f.admin, "GET", "/v1/tasks?lead_id="+id+"&sort=created_at", nil).Expect(t, 200))
	if len(tasks) != 2 || tasks[0]["status"] != "cancelled" || tasks[1]["assignee_id"] != f.agent2.ID || tasks[1]["status"] != "open" {
		t.Fatalf("tasks after reassignment: %v", tasks)
	}
	a.Do(f.agent1, "GET", "/v1/leads/"+id, nil).Expect(t, 404)
	a.Do(f.agent2, "GET", "/v1/leads/"+id, nil).Expect(t, 200)
	if f.auditCount(t, "lead", id, "assign") != 1 {
		t.Fatal("assignment not audited")
	}
	// A call is the first contact: the clock stops and the task is done.
	a.Do(f.agent2, "POST", "/v1/leads/"+id+"/activities", map[string]any{"kind": "call", "body": "Wants 2BR in JVC"}).Expect(t, 201)
	l = a.Do(f.agent2, "GET", "/v1/leads/"+id, nil).Expect(t, 200).Map(t)
	open := leadItems(t, a.Do(f.agent2, "GET", "/v1/tasks?lead_id="+id+"&status=open", nil).Expect(t, 200))
	if l["first_contacted_at"] == nil || len(open) != 0 {
		t.Fatalf("after first call: %v, open tasks %v", l, open)
	}
}

func TestLeadVisibility(t *testing.T) {
	f := newLeadsFixture(t)
	a := f.a
	l1 := f.create(t, f.agent1, map[string]any{"full_name": "Lead One", "phone": "0501000001"})
	l2 := f.create(t, f.agent2, map[string]any{"full_name": "Lead Two", "phone": "0501000002"})
	l3 := f.create(t, f.agent3, map[string]any{"full_name": "Lead Three", "phone": "0501000003"})
	if _, err := a.DB.Exec(context.Background(), `UPDATE leads SET agent_id = NULL WHERE id = $1`, l3); err != nil {
		t.Fatal(err)
	}
	l4 := f.create(t, f.agent3, map[string]any{"full_name": "Lead Four", "phone": "0501000004"})
	tests := []struct {
		who  apitest.User
		sees []string
	}{
		{f.agent1, []string{l1}},
		{f.agent2, []string{l2}},
		{f.agent3, []string{l4}},
		{f.manager, []string{l1, l2, l3}},
		{f.admin, []string{l1, l2, l3, l4}},
		{f.co, []string{l1, l2, l3, l4}},
		{f.otherAdmin, nil},
	}
	for _, tt := range tests {
		t.Run(tt.who.Email, func(t *testing.T) {
			got := leadIDs(t, a.Do(tt.who, "GET", "/v1/leads?sort=full_name", nil).Expect(t, 200))
			var want []string
			for _, id := range []string{l4, l1, l3, l2} { // by name: Four, One, Three, Two
				if slices.Contains(tt.sees, id) {
					want = append(want, id)
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("sees %v, want %v", got, want)
			}
			for _, id := range []string{l1, l2, l3, l4} {
				want := 404
				if slices.Contains(tt.sees, id) {
					want = 200
				}
				if status := a.Do(tt.who, "GET", "/v1/leads/"+id, nil).Status; status != want {
					t.Errorf("GET %s answered %d, want %d", id, status, want)
				}
			}
		})
	}
	// Read-only roles can see but not change.
	a.Do(f.co, "PATCH", "/v1/leads/"+l1, map[string]any{"score": 10}).Expect(t, 403)
	a.Do(f.co, "POST", "/v1/leads", map[string]any{"phone": "0509999999"}).Expect(t, 403)
	a.Do(f.agent2, "PATCH", "/v1/leads/"+l1, map[string]any{"score": 10}).Expect(t, 404)
	a.Do(f.manager, "PATCH", "/v1/leads/"+l1, map[string]any{"score": 10}).Expect(t, 200)
}

// Every lead route answers 404 for another brokerage's lead.
func TestLeadRoutesHideOtherBrokerages(t *testing.T) {
	f := newLeadsFixture(t)
	id := f.create(t, f.agent1, map[string]any{"phone": "0502223344", "email": "x@example.com"})
	other := f.create(t, f.otherAdmin, map[string]any{"phone": "0507778899"})
	routes := []struct {
		method, path string
		body         any
	}{
		{"GET", "/v1/leads/" + id, nil},
		{"PATCH", "/v1/leads/" + id, map[string]any{"score": 5}},
		{"DELETE", "/v1/leads/" + id, nil},
		{"POST", "/v1/leads/" + id + "/assign", map[string]any{"agent_id": f.otherAgent.ID}},
		{"POST", "/v1/leads/" + id + "/merge", map[string]any{"duplicate_id": other}},
		{"POST", "/v1/leads/" + other + "/merge", map[string]any{"duplicate_id": id}},
		{"GET", "/v1/leads/" + id + "/activities", nil},
		{"POST", "/v1/leads/" + id + "/activities", map[string]any{"kind": "note", "body": "hello"}},
		{"POST", "/v1/leads/" + id + "/export", nil},
		{"POST", "/v1/leads/" + id + "/erase", nil},
	}
	for _, r := range routes {
		t.Run(r.method+" "+strings.Replace(r.path, id, "{id}", 1), func(t *testing.T) {
			p := f.a.Do(f.otherAdmin, r.method, r.path, r.body).Expect(t, 404)
			if p.Header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("content type %q", p.Header.Get("Content-Type"))
			}
		})
	}
	f.a.Do(f.admin, "GET", "/v1/leads/"+id, nil).Expect(t, 200)
	f.a.Do(f.admin, "GET", "/v1/leads/not-a-uuid", nil).Expect(t, 404)
}

func TestLeadUpdateAndStages(t *testing.T) {
	f := newLeadsFixture(t)
	a := f.a
	id := f.create(t, f.agent1, map[string]any{"full_name": "Omar", "phone": "0503334455", "consent_email": true})
	a.Do(f.agent1, "PATCH", "/v1/leads/"+id, map[string]any{"score": 70}, `If-Match: "9"`).Expect(t, 412)
	r := a.Do(f.agent1, "PATCH", "/v1/leads/"+id, map[string]any{"stage": "contacted", "score": 70, "consent_whatsapp": true,
		"consent_email": false}, `If-Match: "1"`).Expect(t, 200)
	l := r.Map(t)
	if r.Header.Get("ETag") != `"2"` || l["stage"] != "contacted" || l["whatsapp_opt_in_at"] == nil || l["email_unsubscribed_at"] == nil ||
		l["first_contacted_at"] == nil {
		t.Fatalf("updated %v %v", r.Header, l)
	}
	bad := a.Do(f.agent1, "PATCH", "/v1/leads/"+id, map[string]any{"stage": "won"}).Expect(t, 422).Map(t)
	errs := bad["errors"].([]any)
	if e := errs[0].(map[string]any); e["field"] != "stage" || !strings.Contains(e["message"].(string), "qualified, lost, nurture") {
		t.Fatalf("invalid move: %v", bad)
	}
	a.Do(f.agent1, "PATCH", "/v1/leads/"+id, map[string]any{"budget_min_aed": 5e6, "budget_max_aed": 1e6}).Expect(t, 422)
	a.Do(f.agent1, "PATCH", "/v1/leads/"+id, map[string]any{"score": 101}).Expect(t, 422)
	a.Do(f.agent1, "PATCH", "/v1/leads/"+id, map[string]any{"nickname": "O"}).Expect(t, 422)
	for _, s := range []string{"qualified", "viewing", "offer", "won"} {
		a.Do(f.agent1, "PATCH", "/v1/leads/"+id, map[string]any{"stage": s}).Expect(t, 200)
	}
	a.Do(f.agent1, "PATCH", "/v1/leads/"+id, map[string]any{"stage": "nurture"}).Expect(t, 422)
	var changes []string
	for _, act := range leadItems(t, a.Do(f.agent1, "GET", "/v1/leads/"+id+"/activities?sort=at", nil).Expect(t, 200)) {
		if act["kind"] == "stage_change" {
			changes = append(changes, act["body"].(string))
		}
	}
	if strings.Join(changes, "; ") != "new → contacted; contacted → qualified; qualified → viewing; viewing → offer; offer → won" {
		t.Fatalf("stage changes %v", changes)
	}
	if n := f.auditCount(t, "lead", id, "update"); n != 5 {
		t.Fatalf("%d update audit entries, want 5", n)
	}
	// A phone that another lead has is a conflict too.
	other := f.create(t, f.agent1, map[string]any{"phone": "0504445566"})
	p := a.Do(f.agent1, "PATCH", "/v1/leads/"+other, map[string]any{"phone": "+971503334455"}).Expect(t, 409).Map(t)
	if p["existing_id"] != id {
		t.Fatalf("conflict %v", p)
	}
	// Soft delete: gone from gets and lists, audited.
	a.Do(f.agent1, "DELETE", "/v1/leads/"+other, nil, `If-Match: "1"`).Expect(t, 204)
	a.Do(f.agent1, "GET", "/v1/leads/"+other, nil).Expect(t, 404)
	if ids := leadIDs(t, a.Do(f.agent1, "GET", "/v1/leads", nil).Expect(t, 200)); len(ids) != 1 || ids[0] != id {
		t.Fatalf("list after delete %v", ids)
	}
	if f.auditCount(t, "lead", other, "delete") != 1 {
		t.Fatal("delete not audited")
	}
}

func TestLeadListFiltersSearchAndPages(t *testing.T) {
	f := newLeadsFixture(t)
	a := f.a
	f.create(t, f.agent1, map[string]any{"full_name": "Ahmed Al Mansouri", "phone": "0501234567", "source": "bayut", "score": 80})
	f.create(t, f.agent1, map[string]any{"full_name": "Sara Khan", "email": "sara.k@example.com", "source": "bayut", "score": 40})
	f.create(t, f.agent2, map[string]any{"full_name": "Олег Петров", "phone": "+7 916 123 4567", "source": "referral", "score": 60, "language": "ru"})
	f.create(t, f.agent2, map[string]any{"full_name": "محمد العلي", "phone": "04 123 4567", "source": "walk_in", "score": 20})
	count := func(q string) int { return len(leadItems(t, a.Do(f.admin, "GET", "/v1/leads?"+q, nil).Expect(t, 200))) }
	tests := map[string]int{
		"source=bayut":               2,
		"source=bayut&score_min=50":  1,
		"score_min=30&score_max=70":  2,
		"agent_id=" + f.agent2.ID:    2,
		"agent_id=none":              0,
		"stage=new":                  4,
		"stage=won":                  0,
		"q=ahm":                      1,
		"q=Ahmed+Mansouri":           1,
		"q=sara.k":                   1,
		"q=%D9%85%D8%AD%D9%85%D8%AF": 1, // محمد
		"q=050+123+4567":             1,
		"q=%2B971501234567":          1,
		"q=1234567":                  3, // digits anywhere in the phone
		"q=916+123":                  1,
		"q=%22Sara+Khan%22":          1,
		"q=nobody":                   0,
		"source=walk_in&q=%D9%85%D8%AD%D9%85%D8%AF": 1,
	}
	for q, want := range tests {
		t.Run(q, func(t *testing.T) {
			if got := count(q); got != want {
				t.Fatalf("%d leads, want %d", got, want)
			}
		})
	}
	for _, q := range []string{"limit=0", "limit=201", "sort=email", "score_min=101", "cursor=garbage", "stage=closed", "score_min=80&score_max=10"} {
		a.Do(f.admin, "GET", "/v1/leads?"+q, nil).Expect(t, 422)
	}
	// Pages by score, descending, two at a time, cover everything once.
	var seen []float64
	path := "/v1/leads?sort=-score&limit=2"
	for path != "" {
		var page struct {
			Items []struct {
				Score float64 `json:"score"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		a.Do(f.admin, "GET", path, nil).Expect(t, 200).JSON(t, &page)
		for _, it := range page.Items {
			seen = append(seen, it.Score)
		}
		path = ""
		if page.NextCursor != "" {
			path = "/v1/leads?sort=-score&limit=2&cursor=" + page.NextCursor
		}
	}
	if fmt.Sprint(seen) != "[80 60 40 20]" {
		t.Fatalf("pages %v", seen)
	}
	// A cursor of one sort is refused under another.
	var first struct {
		NextCursor string `json:"next_cursor"`
	}
	a.Do(f.admin, "GET", "/v1/leads?sort=-score&limit=1", nil).Expect(t, 200).JSON(t, &first)
	a.Do(f.admin, "GET", "/v1/leads?sort=full_name&cursor="+first.NextCursor, nil).Expect(t, 422)
}

func TestLeadMerge(t *testing.T) {
	f := newLeadsFixture(t)
	a := f.a
	dup := f.create(t, f.agent1, map[string]any{"full_name": "A. Mansouri", "email": "ahmed@example.ae", "nationality": "Emirati",
		"preferences": map[string]any{"communities": []string{"JVC"}, "bedrooms": []int{3}}, "budget_min_aed": 1e6})
	survivor := f.create(t, f.agent1, map[string]any{"full_name": "Ahmed Al Mansouri", "phone": "0501234567",
		"preferences": map[string]any{"communities": []string{"Dubai Marina"}, "bedrooms": []int{2}}})
	a.Do(f.agent1, "POST", "/v1/leads/"+dup+"/activities", map[string]any{"kind": "note", "body": "Prefers high floors"}).Expect(t, 201)
	task := a.Do(f.agent1, "POST", "/v1/tasks", map[string]any{"title": "Send brochure", "lead_id": dup}).Expect(t, 201).Map(t)
	dupCreated := a.Do(f.agent1, "GET", "/v1/leads/"+dup, nil).Expect(t, 200).Map(t)["created_at"]

	a.Do(f.agent1, "POST", "/v1/leads/"+survivor+"/merge", map[string]any{"duplicate_id": survivor}).Expect(t, 422)
	a.Do(f.agent2, "POST", "/v1/leads/"+survivor+"/merge", map[string]any{"duplicate_id": dup}).Expect(t, 404)
	l := a.Do(f.agent1, "POST", "/v1/leads/"+survivor+"/merge", map[string]any{"duplicate_id": dup}).Expect(t, 200).Map(t)
	prefs := l["preferences"].(map[string]any)
	if l["email"] != "ahmed@example.ae" || l["full_name"] != "Ahmed Al Mansouri" || l["nationality"] != "Emirati" ||
		l["created_at"] != dupCreated || l["budget_min_aed"] != 1e6 ||
		fmt.Sprint(prefs["communities"]) != "[Dubai Marina JVC]" || fmt.Sprint(prefs["bedrooms"]) != "[2 3]" {
		t.Fatalf("merged %v", l)
	}
	var notes []string
	for _, act := range leadItems(t, a.Do(f.agent1, "GET", "/v1/leads/"+survivor+"/activities", nil).Expect(t, 200)) {
		notes = append(notes, act["kind"].(string))
	}
	if !strings.Contains(strings.Join(notes, ","), "note") {
		t.Fatalf("activities not moved: %v", notes)
	}
	if moved := a.Do(f.agent1, "GET", "/v1/tasks/"+task["id"].(string), nil).Expect(t, 200).Map(t); moved["lead_id"] != survivor {
		t.Fatalf("task not moved: %v", moved)
	}
	gone := a.Do(f.agent1, "GET", "/v1/leads/"+dup, nil).Expect(t, 200).Map(t)
	if gone["merged_into"] != survivor {
		t.Fatalf("duplicate %v", gone)
	}
	if ids := leadIDs(t, a.Do(f.agent1, "GET", "/v1/leads", nil).Expect(t, 200)); len(ids) != 1 || ids[0] != survivor {
		t.Fatalf("list after merge %v", ids)
	}
	p := a.Do(f.agent1, "PATCH", "/v1/leads/"+dup, map[string]any{"score": 1}).Expect(t, 409).Map(t)
	if p["existing_id"] != survivor {
		t.Fatalf("patching a merged lead: %v", p)
	}
	// The merged email now belongs to the survivor only.
	if p := a.Do(f.agent1, "POST", "/v1/leads", map[string]any{"email": "AHMED@example.ae"}).Expect(t, 409).Map(t); p["existing_id"] != survivor {
		t.Fatalf("duplicate after merge: %v", p)
	}
	if f.auditCount(t, "lead", survivor, "merge") != 1 || f.auditCount(t, "lead", dup, "merged") != 1 {
		t.Fatal("merge not audited")
	}
}

func TestLeadExport(t *testing.T) {
	f := newLeadsFixture(t)
	a := f.a
	id := f.create(t, f.agent1, map[string]any{"full_name": "Fatima Noor", "phone": "0551112222"})
	a.Do(f.agent1, "POST", "/v1/leads/"+id+"/activities", map[string]any{"kind": "whatsapp", "body": "Sent Marina Gate floor plans"}).Expect(t, 201)
	if _, err := a.DB.Exec(context.Background(), `INSERT INTO deals (brokerage_id, agent_id, lead_id, kind, commission_rate, aml_flag, aml_reasons)
		VALUES ($1, $2, $3, 'sale', 0.02, true, '{cash_over_threshold}')`, f.admin.BrokerageID, f.agent1.ID, id); err != nil {
		t.Fatal(err)
	}
	a.Do(f.agent2, "POST", "/v1/leads/"+id+"/export", nil).Expect(t, 404)
	a.Do(f.co, "POST", "/v1/leads/"+id+"/export", nil).Expect(t, 403)
	for _, who := range []apitest.User{f.agent1, f.manager, f.admin} {
		r := a.Do(who, "POST", "/v1/leads/"+id+"/export", nil).Expect(t, 200)
		var x struct {
			Lead       map[string]any   `json:"lead"`
			Activities []map[string]any `json:"activities"`
			Tasks      []map[string]any `json:"tasks"`
			Deals      []map[string]any `json:"deals"`
			Audit      []map[string]any `json:"audit"`
		}
		r.JSON(t, &x)
		if x.Lead["full_name"] != "Fatima Noor" || len(x.Activities) != 2 || len(x.Tasks) != 1 || len(x.Deals) != 1 || len(x.Audit) < 3 {
			t.Fatalf("export: %s", r.Body)
		}
		if _, leaked := x.Deals[0]["aml_flag"]; leaked || strings.Contains(string(r.Body), "cash_over_threshold") {
			t.Fatalf("AML flag exported to %s", who.Role)
		}
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Fatal("export may be cached")
		}
	}
	if f.auditCount(t, "lead", id, "export") != 3 {
		t.Fatal("exports not audited")
	}
}

func TestLeadErase(t *testing.T) {
	f := newLeadsFixture(t)
	a := f.a
	plain := f.create(t, f.agent1, map[string]any{"full_name": "Khalid Rahman", "phone": "0561234567", "email": "khalid@example.com",
		"nationality": "Pakistani", "budget_max_aed": 900000, "consent_whatsapp": true})
	a.Do(f.agent1, "POST", "/v1/leads/"+plain+"/activities", map[string]any{"kind": "note", "body": "Khalid's wife prefers villas"}).Expect(t, 201)
	if _, err := a.DB.Exec(context.Background(), `INSERT INTO nurture_outbox (brokerage_id, lead_id, channel, recipient, subject,
		body, created_at, updated_at) VALUES ($1, $2, 'email', 'khalid@example.com', 'Villas for Khalid', 'Dear Khalid', now(), now())`,
		f.admin.BrokerageID, plain); err != nil {
		t.Fatal(err)
	}

	a.Do(f.agent1, "POST", "/v1/leads/"+plain+"/erase", nil).Expect(t, 403)
	a.Do(f.manager, "POST", "/v1/leads/"+plain+"/erase", nil).Expect(t, 403)
	r := a.Do(f.admin, "POST", "/v1/leads/"+plain+"/erase", nil).Expect(t, 200).Map(t)
	if r["legal_hold"] != nil || !strings.Contains(fmt.Sprint(r["erased"]), "full_name") {
		t.Fatalf("report %v", r)
	}
	l := a.Do(f.admin, "GET", "/v1/leads/"+plain, nil).Expect(t, 200).Map(t)
	if l["full_name"] != "Erased lead" || l["phone_e164"] != "" || l["phone_raw"] != "" || l["email"] != "" || l["nationality"] != "" ||
		l["erased_at"] == nil || l["consent_whatsapp"] != false || l["budget_max_aed"] != nil {
		t.Fatalf("erased lead %v", l)
	}
	for _, act := range leadItems(t, a.Do(f.admin, "GET", "/v1/leads/"+plain+"/activities", nil).Expect(t, 200)) {
		if act["body"] != "" {
			t.Fatalf("activity body kept: %v", act)
		}
	}
	var leaks int
	if err := a.DB.QueryRow(context.Background(), `SELECT count(*) FROM audit_log
		WHERE coalesce(before::text, '') || coalesce(after::text, '') ~* 'khalid|0561234567|Pakistani|villas'`).Scan(&leaks); err != nil {
		t.Fatal(err)
	}
	if leaks != 0 {
		t.Fatalf("%d audit entries still hold the erased data", leaks)
	}
	assertErasedEverywhere(t, a.DB, plain, "khalid|0561234567|Pakistani|villas")
	if f.auditCount(t, "lead", plain, "erase") != 1 {
		t.Fatal("erase not audited")
	}
	// The erased phone is free for a new lead, and the erased lead takes no new personal data.
	f.create(t, f.agent1, map[string]any{"phone": "0561234567"})
	a.Do(f.agent1, "PATCH", "/v1/leads/"+plain, map[string]any{"full_name": "Khalid"}).Expect(t, 409)

	// A won deal keeps the identity under an AML legal hold.
	held := f.create(t, f.agent2, map[string]any{"full_name": "Li Wei", "phone": "+86 139 1234 5678", "email": "li.wei@example.cn",
		"nationality": "Chinese", "preferences": map[string]any{"purpose": "sale", "communities": []string{"Palm Jumeirah"}}})
	closed := time.Now().UTC().AddDate(0, -1, 0)
	if _, err := a.DB.Exec(context.Background(), `INSERT INTO deals (brokerage_id, agent_id, lead_id, kind, stage, price_aed,
		commission_rate, parties, closed_at) VALUES ($1, $2, $3, 'sale', 'closed_won', 4200000, 0.02, '{"buyer": "Li Wei"}', $4)`,
		f.admin.BrokerageID, f.agent2.ID, held, closed); err != nil {
		t.Fatal(err)
	}
	var report struct {
		Erased    []string `json:"erased"`
		LegalHold struct {
			Fields []string `json:"fields"`
			Reason string   `json:"reason"`
			Until  string   `json:"until"`
		} `json:"legal_hold"`
	}
	a.Do(f.admin, "POST", "/v1/leads/"+held+"/erase", nil).Expect(t, 200).JSON(t, &report)
	if report.LegalHold.Reason != "AML record keeping (5 years)" || report.LegalHold.Until != closed.AddDate(5, 0, 0).Format(time.DateOnly) ||
		!strings.Contains(strings.Join(report.LegalHold.Fields, ","), "full_name") || strings.Contains(strings.Join(report.Erased, ","), "full_name") ||
		!strings.Contains(strings.Join(report.Erased, ","), "preferences") {
		t.Fatalf("report %+v", report)
	}
	l = a.Do(f.admin, "GET", "/v1/leads/"+held, nil).Expect(t, 200).Map(t)
	if l["full_name"] != "Li Wei" || l["phone_e164"] != "+8613912345678" || l["erased_at"] == nil ||
		len(l["preferences"].(map[string]any)) != 0 || l["phone_raw"] != "" {
		t.Fatalf("held lead %v", l)
	}
	var parties string
	if err := a.DB.QueryRow(context.Background(), `SELECT parties::text FROM deals WHERE lead_id = $1`, held).Scan(&parties); err != nil || !strings.Contains(parties, "Li Wei") {
		t.Fatalf("deal parties under hold: %q %v", parties, err)
	}
}

// assertErasedEverywhere checks every column that shared/privacy marks for erasure, in each
// table that holds data about a lead, for what an erased lead's data looked like: a column
// classified for erasure that the erase code forgets fails here.
func assertErasedEverywhere(t *testing.T, db *pgxpool.Pool, leadID, pattern string) {
	t.Helper()
	linked := map[string]string{
		"leads":          "id = $1",
		"activities":     "entity = 'lead' AND entity_id = $1",
		"tasks":          "lead_id = $1",
		"viewings":       "lead_id = $1",
		"nurture_outbox": "lead_id = $1",
	}
	for _, c := range privacy.Columns() {
		where, ok := linked[c.Table]
		if !c.Erase {
			continue
		}
		if !ok {
			t.Errorf("%s.%s is erased on request, but this test does not know how %s links to a lead", c.Table, c.Name, c.Table)
			continue
		}
		var n int
		q := fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s AND %s::text ~* $2`, c.Table, where, c.Name)
		if err := db.QueryRow(context.Background(), q, leadID, pattern).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if n != 0 {
			t.Errorf("%s.%s still holds the erased lead's data in %d rows", c.Table, c.Name, n)
		}
	}
}
