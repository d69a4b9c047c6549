package deal

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/page"
)

// ViewingStatus is what became of a viewing.
type ViewingStatus string

// The viewing statuses: scheduled until it happens, then one of the others for good.
const (
	Scheduled ViewingStatus = "scheduled"
	Done      ViewingStatus = "done"
	Cancelled ViewingStatus = "cancelled"
	NoShow    ViewingStatus = "no_show"
)

// Viewing is a lead shown a listing by an agent.
type Viewing struct {
	ID          string        `json:"id"`
	BrokerageID string        `json:"brokerage_id"`
	AgentID     string        `json:"agent_id,omitempty"`
	LeadID      string        `json:"lead_id"`
	ListingID   string        `json:"listing_id"`
	ScheduledAt time.Time     `json:"scheduled_at"`
	Status      ViewingStatus `json:"status"`
	Feedback    string        `json:"feedback"`
	Version     int           `json:"version"`
	CreatedAt   time.Time     `json:"created_at"`
	UpdatedAt   time.Time     `json:"updated_at"`
}

// CheckViewingStatus validates a status change: a scheduled viewing ends as done, cancelled
// or no_show, and an ended one stays ended.
func CheckViewingStatus(from, to ViewingStatus) error {
	if from == to {
		return nil
	}
	if from != Scheduled || !slices.Contains([]ViewingStatus{Done, Cancelled, NoShow}, to) {
		allowed := "none: the viewing has ended"
		if from == Scheduled {
			allowed = "done, cancelled, no_show"
		}
		return apperr.Validation(apperr.FieldError{Field: "status", Value: string(to),
			Message: "cannot move from " + string(from) + " to " + string(to) + "; allowed: " + allowed})
	}
	return nil
}

// ViewingStore keeps viewings. Reads answer not_found for another brokerage's or a deleted
// viewing.
type ViewingStore interface {
	CreateViewing(ctx context.Context, v Viewing, e audit.Entry) (Viewing, error)
	Viewing(ctx context.Context, brokerageID, id string) (Viewing, error)
	ListViewings(ctx context.Context, brokerageID string, f ViewingFilter) ([]Viewing, error)
	// UpdateViewing writes v if its version is still expectVersion, else precondition_failed.
	UpdateViewing(ctx context.Context, v Viewing, expectVersion int, e audit.Entry) (Viewing, error)
	DeleteViewing(ctx context.Context, v Viewing, e audit.Entry) error
}

// ViewingFilter narrows a viewing listing.
type ViewingFilter struct {
	Scope     Scope
	LeadID    string
	ListingID string
	AgentID   string
	Status    ViewingStatus
	From, To  time.Time // scheduled_at in [From, To)
	Page      page.Request
	After     *page.Position
}

// ViewingSorts are the fields a viewing listing sorts by.
var ViewingSorts = []string{"scheduled_at", "created_at"}

// NewViewing is what scheduling a viewing takes.
type NewViewing struct {
	LeadID      string    `json:"lead_id" maxLength:"64" doc:"A lead you can see."`
	ListingID   string    `json:"listing_id" maxLength:"64" doc:"A listing you can see."`
	AgentID     string    `json:"agent_id,omitempty" maxLength:"64" doc:"Who shows the property; defaults to you."`
	ScheduledAt time.Time `json:"scheduled_at" doc:"RFC 3339."`
	Feedback    string    `json:"feedback,omitempty" maxLength:"4000"`
}

// earliest and latest bound scheduled_at to dates a person could mean.
var (
	earliest = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	latest   = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

func checkScheduledAt(t time.Time) error {
	if t.Before(earliest) || !t.Before(latest) {
		return apperr.Validation(apperr.FieldError{Field: "scheduled_at", Message: "must be a date and time between 2000 and 2100"})
	}
	return nil
}

// CreateViewing schedules a viewing of a listing for a lead, both visible to the caller.
func (s *Service) CreateViewing(ctx context.Context, a access.Actor, nv NewViewing) (Viewing, error) {
	if err := a.Require(access.Admin, access.Manager, access.Agent); err != nil {
		return Viewing{}, err
	}
	if err := checkScheduledAt(nv.ScheduledAt); err != nil {
		return Viewing{}, err
	}
	if nv.ListingID == "" {
		return Viewing{}, apperr.Validation(apperr.FieldError{Field: "listing_id", Message: "is required"})
	}
	if _, err := s.checkLinks(ctx, a, nv.LeadID, nv.ListingID); err != nil {
		return Viewing{}, err
	}
	v := Viewing{BrokerageID: a.BrokerageID, AgentID: cmp.Or(nv.AgentID, a.UserID), LeadID: nv.LeadID,
		ListingID: nv.ListingID, ScheduledAt: nv.ScheduledAt.UTC(), Status: Scheduled, Feedback: strings.TrimSpace(nv.Feedback)}
	if err := s.checkAgent(ctx, a, v.AgentID); err != nil {
		return Viewing{}, err
	}
	return s.viewings.CreateViewing(ctx, v, audit.Entry{BrokerageID: a.BrokerageID, ActorID: a.UserID,
		Action: "create", Entity: "viewing"})
}

// viewingRecords loads viewings for a caller: a viewing belongs to the agent who shows the
// property, and roles that only read may not change it.
var viewingRecords = access.Records[Viewing]{Kind: "viewing", ReadOnly: "may read viewings but not change them",
	Owner:   func(v Viewing) (string, string) { return v.BrokerageID, v.AgentID },
	Version: func(v Viewing) int { return v.Version }}

// GetViewing returns a viewing the caller can see; any other id is not found.
func (s *Service) GetViewing(ctx context.Context, a access.Actor, id string) (Viewing, error) {
	return viewingRecords.Visible(ctx, a, id, s.viewings.Viewing)
}

// ViewingQuery is a viewing listing as a client asks for it.
type ViewingQuery struct {
	LeadID    string
	ListingID string
	AgentID   string
	Status    ViewingStatus
	From, To  time.Time
	Page      page.Request
}

// ListViewings lists the viewings the caller can see.
func (s *Service) ListViewings(ctx context.Context, a access.Actor, q ViewingQuery) (page.Result[Viewing], error) {
	after, err := q.Page.Decode()
	if err != nil {
		return page.Result[Viewing]{}, err
	}
	rows, err := s.viewings.ListViewings(ctx, a.BrokerageID, ViewingFilter{Scope: ScopeOf(a), LeadID: q.LeadID,
		ListingID: q.ListingID, AgentID: q.AgentID, Status: q.Status, From: q.From, To: q.To, Page: q.Page, After: after})
	if err != nil {
		return page.Result[Viewing]{}, err
	}
	return page.Trim(rows, q.Page, func(v Viewing) (string, string) { return ViewingSortKey(v, q.Page.Sort), v.ID }), nil
}

// ViewingSortKey is a viewing's value under a sort, as a cursor keeps it.
func ViewingSortKey(v Viewing, s page.Sort) string {
	if s.Field == "created_at" {
		return v.CreatedAt.UTC().Format(time.RFC3339Nano)
	}
	return v.ScheduledAt.UTC().Format(time.RFC3339Nano)
}

// ViewingChanges is a partial update of a viewing; nil fields are left alone.
type ViewingChanges struct {
	ScheduledAt *time.Time     `json:"scheduled_at,omitempty" doc:"Reschedules; only while scheduled."`
	Status      *ViewingStatus `json:"status,omitempty" enum:"scheduled,done,cancelled,no_show"`
	Feedback    *string        `json:"feedback,omitempty" maxLength:"4000"`
	AgentID     *string        `json:"agent_id,omitempty" maxLength:"64"`
}

// UpdateViewing reschedules, reassigns, records the outcome or the feedback of a viewing the
// caller may write. version is the If-Match version, 0 for none.
func (s *Service) UpdateViewing(ctx context.Context, a access.Actor, id string, c ViewingChanges, version int) (Viewing, error) {
	v, err := viewingRecords.Writable(ctx, a, id, version, s.viewings.Viewing)
	if err != nil {
		return Viewing{}, err
	}
	before := v
	if c.Status != nil {
		if err := CheckViewingStatus(v.Status, *c.Status); err != nil {
			return Viewing{}, err
		}
		v.Status = *c.Status
	}
	if c.ScheduledAt != nil && !c.ScheduledAt.Equal(v.ScheduledAt) {
		if before.Status != Scheduled {
			return Viewing{}, apperr.Validation(apperr.FieldError{Field: "scheduled_at", Message: "an ended viewing cannot be rescheduled"})
		}
		if err := checkScheduledAt(*c.ScheduledAt); err != nil {
			return Viewing{}, err
		}
		v.ScheduledAt = c.ScheduledAt.UTC()
	}
	if c.AgentID != nil && *c.AgentID != v.AgentID {
		if err := s.checkAgent(ctx, a, *c.AgentID); err != nil {
			return Viewing{}, err
		}
		v.AgentID = *c.AgentID
	}
	if c.Feedback != nil {
		v.Feedback = strings.TrimSpace(*c.Feedback)
	}
	return s.viewings.UpdateViewing(ctx, v, before.Version, audit.Entry{BrokerageID: a.BrokerageID, ActorID: a.UserID,
		Action: "update", Entity: "viewing", EntityID: id, Before: before})
}

// DeleteViewing soft-deletes a viewing. version is the If-Match version, 0 for none.
func (s *Service) DeleteViewing(ctx context.Context, a access.Actor, id string, version int) error {
	v, err := viewingRecords.Writable(ctx, a, id, version, s.viewings.Viewing)
	if err != nil {
		return err
	}
	return s.viewings.DeleteViewing(ctx, v, audit.Entry{BrokerageID: a.BrokerageID, ActorID: a.UserID,
		Action: "delete", Entity: "viewing", EntityID: id, Before: v})
}
