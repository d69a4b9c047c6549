package postgres_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/identity"
	"github.com/propertypro/propertypro/shared/lead"
	"github.com/propertypro/propertypro/shared/page"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/task"
	"github.com/propertypro/propertypro/shared/testkit"
)

// leadRepo is a brokerage with users, on a fresh schema.
type leadRepo struct {
	db    *pgxpool.Pool
	leads *postgres.Leads
	b     string
	users map[string]identity.User
}

func newLeadRepo(t *testing.T, roles map[string]access.Role) *leadRepo {
	t.Helper()
	db := testkit.DB(t)
	ctx := context.Background()
	store := postgres.NewUsers(db)
	b, err := store.EnsureBrokerage(ctx, "Marina Crest Realty")
	if err != nil {
		t.Fatal(err)
	}
	c := &leadRepo{db: db, leads: postgres.NewLeads(db), b: b.ID, users: map[string]identity.User{}}
	for _, name := range []string{"admin", "agent1", "agent2", "agent3", "manager"} {
		role, ok := roles[name]
		if !ok {
			continue
		}
		u, err := store.CreateUser(ctx, identity.User{BrokerageID: b.ID, Email: name + "@crest.ae", FullName: name, Role: role},
			"not-a-real-hash", audit.Entry{Action: "create", Entity: "user"})
		if err != nil {
			t.Fatal(err)
		}
		c.users[name] = u
	}
	return c
}

func (c *leadRepo) insert(t *testing.T, l lead.Lead) lead.Lead {
	t.Helper()
	l.BrokerageID = c.b
	if l.Language == "" {
		l.Language, l.Source, l.Stage = "en", "other", lead.StageNew
	}
	var out lead.Lead
	err := c.leads.InTx(context.Background(), func(tx lead.Tx) error {
		var err error
		out, err = tx.Insert(context.Background(), l)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLeadRepositoryRoundTripAndVersions(t *testing.T) {
	c := newLeadRepo(t, map[string]access.Role{"agent1": access.Agent})
	ctx := context.Background()
	opt := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	min, max := 1.5e6, 2.25e6
	in := lead.Lead{AgentID: c.users["agent1"].ID, FullName: "Ahmed", Phone: "+971501234567", PhoneRaw: "050 123 4567",
		Email: "ahmed@example.ae", Language: "ar", Source: "bayut", Stage: lead.StageQualified, Score: 70,
		BudgetMin: &min, BudgetMax: &max, ConsentWhatsApp: true, WhatsAppOptInAt: &opt,
		Preferences: lead.PropertyPreferences{Purpose: "sale", Communities: []string{"Dubai Marina"}, Bedrooms: []int{2}}}
	l := c.insert(t, in)
	got, err := c.leads.Lead(ctx, c.b, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Phone != in.Phone || *got.BudgetMax != max || !got.WhatsAppOptInAt.Equal(opt) || got.Preferences.Communities[0] != "Dubai Marina" ||
		got.Version != 1 || got.AgentID != in.AgentID || got.Stage != lead.StageQualified {
		t.Fatalf("round trip %+v", got)
	}
	if _, err := c.leads.Lead(ctx, "00000000-0000-4000-8000-000000000000", l.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("other brokerage: %v", err)
	}
	// Save bumps the version; saving the old version again is a precondition failure.
	stale := got
	err = c.leads.InTx(ctx, func(tx lead.Tx) error {
		got.Score = 80
		saved, err := tx.Save(ctx, got)
		if err == nil && saved.Version != 2 {
			t.Errorf("version %d", saved.Version)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = c.leads.InTx(ctx, func(tx lead.Tx) error { _, err := tx.Save(ctx, stale); return err })
	if apperr.CodeOf(err) != apperr.PreconditionFailed {
		t.Fatalf("stale save: %v", err)
	}
}

func TestDuplicateIgnoresDeletedMergedAndErased(t *testing.T) {
	c := newLeadRepo(t, nil)
	ctx := context.Background()
	now := time.Now()
	live := c.insert(t, lead.Lead{Phone: "+971501111111", Email: "live@example.com"})
	deleted := c.insert(t, lead.Lead{Phone: "+971502222222"})
	merged := c.insert(t, lead.Lead{Phone: "+971503333333"})
	erased := c.insert(t, lead.Lead{Phone: "+971504444444"})
	_, err := c.db.Exec(ctx, `UPDATE leads SET deleted_at = $2 WHERE id = $1`, deleted.ID, now)
	if err == nil {
		_, err = c.db.Exec(ctx, `UPDATE leads SET merged_into = $2 WHERE id = $1`, merged.ID, live.ID)
	}
	if err == nil {
		_, err = c.db.Exec(ctx, `UPDATE leads SET erased_at = $2 WHERE id = $1`, erased.ID, now)
	}
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		phone, email, except, want string
	}{
		{"+971501111111", "", "", live.ID},
		{"", "LIVE@example.com", "", live.ID},
		{"+971509999999", "live@example.com", "", live.ID},
		{"+971501111111", "", live.ID, ""},
		{"+971502222222", "", "", ""},
		{"+971503333333", "", "", ""},
		{"+971504444444", "", "", ""},
		{"", "", "", ""},
	}
	for _, tt := range tests {
		var got string
		err := c.leads.InTx(ctx, func(tx lead.Tx) error {
			var err error
			got, err = tx.Duplicate(ctx, c.b, tt.phone, tt.email, tt.except)
			return err
		})
		if err != nil || got != tt.want {
			t.Errorf("Duplicate(%q, %q, except %q) = %q, %v; want %q", tt.phone, tt.email, tt.except, got, err, tt.want)
		}
	}
}

func TestNextAgentRoundRobin(t *testing.T) {
	c := newLeadRepo(t, map[string]access.Role{"admin": access.Admin, "agent1": access.Agent, "agent2": access.Agent,
		"agent3": access.Agent, "manager": access.Manager})
	ctx := context.Background()
	next := func() string {
		var m lead.Member
		if err := c.leads.InTx(ctx, func(tx lead.Tx) error {
			var err error
			m, err = tx.NextAgent(ctx, c.b)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	a1, a2, a3 := c.users["agent1"].ID, c.users["agent2"].ID, c.users["agent3"].ID
	for i, want := range []string{a1, a2, a3, a1, a2} {
		if got := next(); got != want {
			t.Fatalf("pick %d = %s, want %s", i, got, want)
		}
	}
	// The last pick (agent2) leaves: the rotation continues after it.
	if _, err := c.db.Exec(ctx, `UPDATE users SET active = false WHERE id = $1`, a2); err != nil {
		t.Fatal(err)
	}
	if got := next(); got != a3 {
		t.Fatalf("after deactivation: %s", got)
	}
	if got := next(); got != a1 {
		t.Fatalf("wrap around: %s", got)
	}
	if _, err := c.db.Exec(ctx, `UPDATE users SET active = false WHERE role = 'agent'`); err != nil {
		t.Fatal(err)
	}
	if got := next(); got != "" {
		t.Fatalf("no active agent: %s", got)
	}
}

// Concurrent picks take turns on the routing row: six picks over three agents give each two.
func TestNextAgentUnderConcurrency(t *testing.T) {
	c := newLeadRepo(t, map[string]access.Role{"agent1": access.Agent, "agent2": access.Agent, "agent3": access.Agent})
	ctx := context.Background()
	var mu sync.Mutex
	counts := map[string]int{}
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := c.leads.InTx(ctx, func(tx lead.Tx) error {
				m, err := tx.NextAgent(ctx, c.b)
				mu.Lock()
				counts[m.ID]++
				mu.Unlock()
				return err
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for _, name := range []string{"agent1", "agent2", "agent3"} {
		if counts[c.users[name].ID] != 2 {
			t.Fatalf("picks %v", counts)
		}
	}
}

// The identity lock holds a second transaction until the first ends, so its duplicate check
// sees the first one's lead.
func TestIdentityLockSerialisesCreates(t *testing.T) {
	c := newLeadRepo(t, nil)
	ctx := context.Background()
	locked, release := make(chan struct{}), make(chan struct{})
	errDup := errors.New("duplicate seen")
	first := make(chan error, 1)
	go func() {
		first <- c.leads.InTx(ctx, func(tx lead.Tx) error {
			if err := tx.Lock(ctx, c.b, []string{"phone:+971505555555"}); err != nil {
				return err
			}
			close(locked)
			<-release
			_, err := tx.Insert(ctx, lead.Lead{BrokerageID: c.b, Phone: "+971505555555", Language: "en", Source: "other", Stage: lead.StageNew})
			return err
		})
	}()
	<-locked
	second := make(chan error, 1)
	go func() {
		second <- c.leads.InTx(ctx, func(tx lead.Tx) error {
			if err := tx.Lock(ctx, c.b, []string{"phone:+971505555555"}); err != nil {
				return err
			}
			if id, err := tx.Duplicate(ctx, c.b, "+971505555555", "", ""); err != nil || id != "" {
				return errDup
			}
			return nil
		})
	}()
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; !errors.Is(err, errDup) {
		t.Fatalf("second transaction did not see the first's lead: %v", err)
	}
}

func TestLeadListAndActivitiesPaging(t *testing.T) {
	c := newLeadRepo(t, map[string]access.Role{"agent1": access.Agent, "agent2": access.Agent})
	ctx := context.Background()
	a1, a2 := c.users["agent1"].ID, c.users["agent2"].ID
	names := []string{"Ahmed Al Mansouri", "Sara Khan", "Omar Farouk", "Layla Haddad", "Ahmad Said"}
	var ids []string
	for i, n := range names {
		owner := a1
		if i%2 == 1 {
			owner = a2
		}
		ids = append(ids, c.insert(t, lead.Lead{AgentID: owner, FullName: n, Score: i * 10}).ID)
	}
	list := func(sc task.Scope, f lead.Filter, p page.Request) []lead.Lead {
		t.Helper()
		rows, err := c.leads.Leads(ctx, c.b, sc, f, p)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	byScore := page.Request{Limit: 2, Sort: page.Sort{Field: "score", Desc: true}}
	if rows := list(task.Scope{}, lead.Filter{}, byScore); len(rows) != 3 || rows[0].Score != 40 {
		t.Fatalf("first page (limit+1 rows) %v", rows)
	}
	if rows := list(task.Scope{Owners: []string{a2}}, lead.Filter{}, byScore); len(rows) != 2 || rows[0].AgentID != a2 {
		t.Fatalf("scoped %v", rows)
	}
	if rows := list(task.Scope{}, lead.Filter{Q: "ahm"}, page.Request{Sort: lead.DefaultSort}); len(rows) != 2 {
		t.Fatalf("prefix search %v", rows)
	}
	byName := page.Request{Limit: 2, Sort: page.Sort{Field: "full_name"}}
	rows := list(task.Scope{}, lead.Filter{}, byName)
	byName.Cursor = page.Encode(byName.Sort, rows[1].FullName, rows[1].ID)
	if next := list(task.Scope{}, lead.Filter{}, byName); next[0].FullName != "Layla Haddad" {
		t.Fatalf("second page by name %v", next)
	}

	err := c.leads.InTx(ctx, func(tx lead.Tx) error {
		for i := range 5 {
			at := time.Date(2026, 11, 20+i, 9, 0, 0, 0, time.UTC)
			if _, err := tx.AddActivity(ctx, lead.LeadActivity{LeadID: ids[0], Kind: lead.Note, Body: "note", At: at}, c.b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	p := page.Request{Limit: 2, Sort: page.Sort{Field: "at", Desc: true}}
	var days []int
	for {
		acts, err := c.leads.Activities(ctx, c.b, ids[0], p)
		if err != nil {
			t.Fatal(err)
		}
		res := page.Trim(acts, p, func(a lead.LeadActivity) (string, string) {
			return a.At.Format(time.RFC3339Nano), strconv.FormatInt(a.ID, 10)
		})
		for _, a := range res.Items {
			days = append(days, a.At.Day())
		}
		if res.NextCursor == "" {
			break
		}
		p.Cursor = res.NextCursor
	}
	if len(days) != 5 || days[0] != 24 || days[4] != 20 {
		t.Fatalf("activity pages %v", days)
	}
}

func TestMoveRecordsAndErase(t *testing.T) {
	c := newLeadRepo(t, map[string]access.Role{"agent1": access.Agent})
	ctx := context.Background()
	keep := c.insert(t, lead.Lead{FullName: "Survivor", Phone: "+971506666666"})
	dup := c.insert(t, lead.Lead{FullName: "Duplicate", Email: "dup@example.com"})
	older := c.insert(t, lead.Lead{FullName: "Older duplicate"})
	if _, err := c.db.Exec(ctx, `UPDATE leads SET merged_into = $2 WHERE id = $1`, older.ID, dup.ID); err != nil {
		t.Fatal(err)
	}
	var tk task.Task
	err := c.leads.InTx(ctx, func(tx lead.Tx) error {
		if _, err := tx.AddActivity(ctx, lead.LeadActivity{LeadID: dup.ID, Kind: lead.Note, Body: "Duplicate likes villas"}, c.b); err != nil {
			return err
		}
		var err error
		tk, err = tx.AddTask(ctx, task.Task{BrokerageID: c.b, LeadID: dup.ID, Title: "Call Duplicate", Notes: "Duplicate's mobile",
			Kind: task.Call, Status: task.Open, Priority: task.Normal})
		if err != nil {
			return err
		}
		if err := tx.Audit(ctx, audit.Entry{BrokerageID: c.b, Action: "create", Entity: "lead", EntityID: dup.ID, After: dup}); err != nil {
			return err
		}
		return tx.MoveRecords(ctx, c.b, dup.ID, keep.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	var moved lead.Records
	var merged []lead.Lead
	err = c.leads.InTx(ctx, func(tx lead.Tx) error {
		var err error
		if merged, err = tx.MergedInto(ctx, c.b, keep.ID); err != nil {
			return err
		}
		moved, err = tx.Records(ctx, c.b, []string{keep.ID}, false)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(moved.Activities) != 1 || len(moved.Tasks) != 1 || moved.Tasks[0].ID != tk.ID || len(merged) != 1 || merged[0].ID != older.ID {
		t.Fatalf("after move: %+v merged %v", moved, merged)
	}

	err = c.leads.InTx(ctx, func(tx lead.Tx) error {
		return tx.Erase(ctx, c.b, lead.Erasing{LeadIDs: []string{keep.ID, dup.ID}, LeadFields: []string{"full_name", "email"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	var body, title, notes, after string
	err = c.db.QueryRow(ctx, `SELECT a.body, t.title, t.notes, (SELECT after::text FROM audit_log WHERE entity_id = $2)
		FROM activities a, tasks t WHERE a.entity_id = $1 AND t.id = $3`, keep.ID, dup.ID, tk.ID).Scan(&body, &title, &notes, &after)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" || title != "Call" || notes != "" {
		t.Fatalf("after erase: body %q title %q notes %q", body, title, notes)
	}
	if want := `"full_name": "[erased]"`; !strings.Contains(after, want) || strings.Contains(after, "dup@example.com") || !strings.Contains(after, `"stage": "new"`) {
		t.Fatalf("audit snapshot %s", after)
	}
}

// Leads captured by integrations (portal webhooks, data drops) are routed round robin and get
// their first-contact task; the same person captured again is a conflict naming the lead.
func TestCaptureRoutesAndDeduplicates(t *testing.T) {
	c := newLeadRepo(t, map[string]access.Role{"agent1": access.Agent, "agent2": access.Agent})
	ctx := context.Background()
	svc := lead.New(c.leads, lead.Settings{FirstContactSLA: 20 * time.Minute})
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	svc.Now = func() time.Time { return now }
	first, err := svc.Capture(ctx, c.b, lead.NewLead{FullName: "Portal Lead", Phone: "+971 55 000 1111", Source: "bayut"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := svc.Capture(ctx, c.b, lead.NewLead{Email: "web@example.com", Source: "website"})
	if err != nil {
		t.Fatal(err)
	}
	if first.AgentID != c.users["agent1"].ID || second.AgentID != c.users["agent2"].ID {
		t.Fatalf("routed to %s, %s", first.AgentID, second.AgentID)
	}
	_, err = svc.Capture(ctx, c.b, lead.NewLead{Phone: "0550001111"})
	if e := apperr.As(err); e.Code != apperr.Conflict || e.ExistingID != first.ID {
		t.Fatalf("recapture: %v", err)
	}
	var due time.Time
	if err := c.db.QueryRow(ctx, `SELECT due_at FROM tasks WHERE lead_id = $1 AND kind = 'first_contact'`, first.ID).Scan(&due); err != nil {
		t.Fatal(err)
	}
	if !due.Equal(now.Add(20 * time.Minute)) {
		t.Fatalf("due %v", due)
	}
}
