package task

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/page"
)

// Service manages tasks with the brokerage's access rules.
type Service struct {
	store Store
	// Now is the clock, replaceable in tests.
	Now func() time.Time
}

// New returns the task service.
func New(store Store) *Service { return &Service{store: store, Now: time.Now} }

// Sorts are the orders a task listing accepts; the default is the soonest due first.
var Sorts = []string{"due_at", "created_at"}

// DefaultSort puts the soonest due first (tasks without a due date last).
var DefaultSort = page.Sort{Field: "due_at"}

// NewTask is what creating a task takes.
type NewTask struct {
	Title      string     `json:"title" minLength:"1" maxLength:"200"`
	Notes      string     `json:"notes,omitempty" maxLength:"5000"`
	Kind       Kind       `json:"kind,omitempty" enum:"follow_up,first_contact,call,viewing,paperwork,other" doc:"Default follow_up."`
	DueAt      *time.Time `json:"due_at,omitempty"`
	Priority   Priority   `json:"priority,omitempty" enum:"low,normal,high" doc:"Default normal."`
	AssigneeID string     `json:"assignee_id,omitempty" maxLength:"64" doc:"Default: the caller. Agents assign only to themselves, managers within their team."`
	LeadID     string     `json:"lead_id,omitempty" maxLength:"64"`
	DealID     string     `json:"deal_id,omitempty" maxLength:"64"`
}

// TaskPatch is a partial update of a task; nil fields are left alone.
type TaskPatch struct {
	Title      *string    `json:"title,omitempty" minLength:"1" maxLength:"200"`
	Notes      *string    `json:"notes,omitempty" maxLength:"5000"`
	Kind       *Kind      `json:"kind,omitempty" enum:"follow_up,first_contact,call,viewing,paperwork,other"`
	DueAt      *time.Time `json:"due_at,omitempty"`
	Status     *Status    `json:"status,omitempty" enum:"open,done,cancelled" doc:"done stamps completed_at; open clears it."`
	Priority   *Priority  `json:"priority,omitempty" enum:"low,normal,high"`
	AssigneeID *string    `json:"assignee_id,omitempty" maxLength:"64"`
}

// List returns one page of the tasks the actor sees.
func (s *Service) List(ctx context.Context, a access.Actor, f Filter, p page.Request) (page.Result[Task], error) {
	if f.Status != "" && !f.Status.Valid() {
		return page.Result[Task]{}, apperr.Validation(apperr.FieldError{Field: "status", Message: "must be open, done or cancelled"})
	}
	if f.AssigneeID == "me" {
		f.AssigneeID = a.UserID
	}
	rows, err := s.store.Tasks(ctx, a.BrokerageID, ScopeOf(a), f, p)
	if err != nil {
		return page.Result[Task]{}, err
	}
	return page.Trim(rows, p, func(t Task) (string, string) { return SortValue(t, p.Sort.Field), t.ID }), nil
}

// SortValue is t's value of a sort field, as the cursor keeps it.
func SortValue(t Task, field string) string {
	switch {
	case field == "created_at":
		return t.CreatedAt.UTC().Format(time.RFC3339Nano)
	case t.DueAt == nil:
		return "infinity"
	}
	return t.DueAt.UTC().Format(time.RFC3339Nano)
}

// taskRecords loads tasks for a caller: a task belongs to its assignee, and roles that
// only read may not change it.
var taskRecords = access.Records[Task]{Kind: "task", ReadOnly: "may not change tasks",
	Owner:   func(t Task) (string, string) { return t.BrokerageID, t.AssigneeID },
	Version: func(t Task) int { return t.Version }}

// Get returns a task the actor sees; any other id is not found.
func (s *Service) Get(ctx context.Context, a access.Actor, id string) (Task, error) {
	return taskRecords.Visible(ctx, a, id, s.store.Task)
}

// Create adds a task. Agents create tasks for themselves, managers for their team, admins
// for anyone in the brokerage; a task about a lead or a deal needs the caller to see it.
func (s *Service) Create(ctx context.Context, a access.Actor, nt NewTask) (Task, error) {
	if err := a.Require(access.Admin, access.Manager, access.Agent); err != nil {
		return Task{}, err
	}
	t := Task{BrokerageID: a.BrokerageID, AssigneeID: nt.AssigneeID, LeadID: nt.LeadID, DealID: nt.DealID,
		Title: strings.TrimSpace(nt.Title), Notes: strings.TrimSpace(nt.Notes), Kind: nt.Kind, DueAt: nt.DueAt,
		Status: Open, Priority: nt.Priority}
	if t.AssigneeID == "" {
		t.AssigneeID = a.UserID
	}
	if t.Kind == "" {
		t.Kind = FollowUp
	}
	if t.Priority == "" {
		t.Priority = Normal
	}
	if err := s.check(ctx, a, t); err != nil {
		return Task{}, err
	}
	return s.store.CreateTask(ctx, t, audit.Entry{BrokerageID: a.BrokerageID, ActorID: a.UserID,
		Action: "create", Entity: "task"})
}

// Update changes a task the actor may write. version is the If-Match version, 0 for none.
func (s *Service) Update(ctx context.Context, a access.Actor, id string, p TaskPatch, version int) (Task, error) {
	t, err := taskRecords.Writable(ctx, a, id, version, s.store.Task)
	if err != nil {
		return Task{}, err
	}
	before := t
	apply(&t, p, s.Now())
	if fe := Validate(t); len(fe) > 0 {
		return Task{}, apperr.Validation(fe...)
	}
	if t.AssigneeID != before.AssigneeID {
		if err := s.checkAssignee(ctx, a, t.AssigneeID); err != nil {
			return Task{}, err
		}
	}
	return s.store.UpdateTask(ctx, t, audit.Entry{BrokerageID: a.BrokerageID, ActorID: a.UserID,
		Action: "update", Entity: "task", EntityID: id, Before: before})
}

// Delete soft-deletes a task the actor may write.
func (s *Service) Delete(ctx context.Context, a access.Actor, id string, version int) error {
	t, err := taskRecords.Writable(ctx, a, id, version, s.store.Task)
	if err != nil {
		return err
	}
	before, now := t, s.Now()
	t.DeletedAt = &now
	_, err = s.store.UpdateTask(ctx, t, audit.Entry{BrokerageID: a.BrokerageID, ActorID: a.UserID,
		Action: "delete", Entity: "task", EntityID: id, Before: before})
	return err
}

func apply(t *Task, p TaskPatch, now time.Time) {
	if p.Title != nil {
		t.Title = strings.TrimSpace(*p.Title)
	}
	if p.Notes != nil {
		t.Notes = strings.TrimSpace(*p.Notes)
	}
	if p.Kind != nil {
		t.Kind = *p.Kind
	}
	if p.DueAt != nil {
		t.DueAt = p.DueAt
	}
	if p.Priority != nil {
		t.Priority = *p.Priority
	}
	if p.AssigneeID != nil {
		t.AssigneeID = *p.AssigneeID
	}
	if p.Status != nil {
		t.SetStatus(*p.Status, now)
	}
}

// check validates a task about to be written: its values, its assignee and what it is about.
func (s *Service) check(ctx context.Context, a access.Actor, t Task) error {
	if fe := Validate(t); len(fe) > 0 {
		return apperr.Validation(fe...)
	}
	if err := s.checkAssignee(ctx, a, t.AssigneeID); err != nil {
		return err
	}
	if t.LeadID != "" {
		owner, err := s.store.LeadOwner(ctx, a.BrokerageID, t.LeadID)
		if apperr.CodeOf(err) == apperr.NotFound || (err == nil && !a.CanSee(a.BrokerageID, owner)) {
			return apperr.Validation(apperr.FieldError{Field: "lead_id", Message: "is not a lead you can see", Value: t.LeadID})
		} else if err != nil {
			return err
		}
	}
	if t.DealID != "" {
		owner, err := s.store.DealOwner(ctx, a.BrokerageID, t.DealID)
		if apperr.CodeOf(err) == apperr.NotFound || (err == nil && !a.CanSee(a.BrokerageID, owner)) {
			return apperr.Validation(apperr.FieldError{Field: "deal_id", Message: "is not a deal you can see", Value: t.DealID})
		} else if err != nil {
			return err
		}
	}
	return nil
}

// Validate checks a task's own values, field by field.
func Validate(t Task) []apperr.FieldError {
	var fe []apperr.FieldError
	if t.Title == "" {
		fe = append(fe, apperr.FieldError{Field: "title", Message: "is required"})
	}
	if !t.Kind.Valid() {
		fe = append(fe, apperr.FieldError{Field: "kind", Message: "is not a task kind", Value: t.Kind})
	}
	if !t.Priority.Valid() {
		fe = append(fe, apperr.FieldError{Field: "priority", Message: "must be low, normal or high", Value: t.Priority})
	}
	if !t.Status.Valid() {
		fe = append(fe, apperr.FieldError{Field: "status", Message: "must be open, done or cancelled", Value: t.Status})
	}
	return fe
}

// checkAssignee allows an active user of the brokerage within the actor's reach: agents
// themselves, managers their team, admins anyone. "" leaves a task unassigned (admins and
// managers only, as they are the ones who see unassigned tasks).
func (s *Service) checkAssignee(ctx context.Context, a access.Actor, id string) error {
	bad := func(msg string) error {
		return apperr.Validation(apperr.FieldError{Field: "assignee_id", Message: msg, Value: id})
	}
	if id == "" {
		if a.Role == access.Agent {
			return bad("is required: agents assign tasks to themselves")
		}
		return nil
	}
	m, err := s.store.Member(ctx, a.BrokerageID, id)
	if apperr.CodeOf(err) == apperr.NotFound || (err == nil && !m.Active) {
		return bad("is not an active user of your brokerage")
	} else if err != nil {
		return err
	}
	if owners := a.Owners(); owners != nil && !slices.Contains(owners, id) {
		return bad("is outside your team")
	}
	return nil
}
