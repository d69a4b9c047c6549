// Package task is the to-do list of a brokerage: follow-ups, first contacts, calls and
// paperwork, each assigned to one user and usually about a lead or a deal. A task is seen by
// whoever sees its assignee's records, as a lead is seen by whoever sees its agent's.
package task

import (
	"context"
	"slices"
	"time"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/page"
)

// Status is where a task stands.
type Status string

// The statuses.
const (
	Open      Status = "open"
	Done      Status = "done"
	Cancelled Status = "cancelled"
)

// Kind says what a task is for.
type Kind string

// The kinds. FirstContact is created by lead assignment and measures speed-to-lead.
const (
	FollowUp     Kind = "follow_up"
	FirstContact Kind = "first_contact"
	Call         Kind = "call"
	Viewing      Kind = "viewing"
	Paperwork    Kind = "paperwork"
	Other        Kind = "other"
)

// Priority orders an assignee's work.
type Priority string

// The priorities.
const (
	Low    Priority = "low"
	Normal Priority = "normal"
	High   Priority = "high"
)

var (
	statuses   = []Status{Open, Done, Cancelled}
	kinds      = []Kind{FollowUp, FirstContact, Call, Viewing, Paperwork, Other}
	priorities = []Priority{Low, Normal, High}
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(statuses, s) }

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return slices.Contains(kinds, k) }

// Valid reports whether p is a known priority.
func (p Priority) Valid() bool { return slices.Contains(priorities, p) }

// Task is one thing someone has to do.
type Task struct {
	ID          string     `json:"id"`
	BrokerageID string     `json:"brokerage_id"`
	AssigneeID  string     `json:"assignee_id,omitempty"`
	LeadID      string     `json:"lead_id,omitempty"`
	DealID      string     `json:"deal_id,omitempty"`
	Title       string     `json:"title"`
	Notes       string     `json:"notes"`
	Kind        Kind       `json:"kind"`
	DueAt       *time.Time `json:"due_at,omitempty"`
	Status      Status     `json:"status"`
	Priority    Priority   `json:"priority"`
	CompletedAt *time.Time `json:"completed_at,omitempty"`
	Version     int        `json:"version"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	// DeletedAt marks a soft-deleted task; deleted tasks are never served.
	DeletedAt *time.Time `json:"-"`
}

// SetStatus changes the status, stamping completed_at when the task is done and clearing it
// when the task is reopened or cancelled.
func (t *Task) SetStatus(s Status, now time.Time) {
	if s == t.Status {
		return
	}
	t.Status = s
	t.CompletedAt = nil
	if s == Done {
		t.CompletedAt = &now
	}
}

// Scope is the part of a brokerage an actor sees: the records of Owners (nil for all), and
// unassigned ones when Unassigned is set.
type Scope struct {
	Owners     []string
	Unassigned bool
}

// ScopeOf is the scope of an actor's listings, the same rule as access.Actor.CanSee.
func ScopeOf(a access.Actor) Scope {
	return Scope{Owners: a.Owners(), Unassigned: a.Role == access.Manager}
}

// Filter narrows a task listing.
type Filter struct {
	Status     Status
	AssigneeID string
	LeadID     string
	DueBefore  time.Time
}

// Member is a user a task may be assigned to.
type Member struct {
	ID          string
	BrokerageID string
	FullName    string
	Role        access.Role
	Active      bool
}

// Store keeps tasks. Every method is scoped to one brokerage; another brokerage's ids are
// not found.
type Store interface {
	CreateTask(ctx context.Context, t Task, e audit.Entry) (Task, error)
	Task(ctx context.Context, brokerageID, id string) (Task, error)
	// UpdateTask writes t if its version is still t.Version, answering precondition_failed
	// when someone changed it in between.
	UpdateTask(ctx context.Context, t Task, e audit.Entry) (Task, error)
	Tasks(ctx context.Context, brokerageID string, s Scope, f Filter, p page.Request) ([]Task, error)
	Member(ctx context.Context, brokerageID, userID string) (Member, error)
	// LeadOwner returns the agent of a live lead of the brokerage ("" when unassigned).
	LeadOwner(ctx context.Context, brokerageID, leadID string) (string, error)
	// DealOwner returns the agent of a live deal of the brokerage ("" when unassigned).
	DealOwner(ctx context.Context, brokerageID, dealID string) (string, error)
}
