package lead

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/page"
	"github.com/propertypro/propertypro/shared/task"
)

// Settings are the lead rules from configuration.
type Settings struct {
	// FirstContactSLA is how soon after assignment the first-contact task falls due
	// (LEAD_FIRST_CONTACT_SLA).
	FirstContactSLA time.Duration
}

// DefaultFirstContactSLA is the speed-to-lead norm agents are measured against in Dubai.
const DefaultFirstContactSLA = 15 * time.Minute

// Service manages leads with the brokerage's access rules.
type Service struct {
	store Store
	set   Settings
	// Now is the clock, replaceable in tests.
	Now func() time.Time
}

// New returns the lead service.
func New(store Store, s Settings) *Service {
	if s.FirstContactSLA <= 0 {
		s.FirstContactSLA = DefaultFirstContactSLA
	}
	return &Service{store: store, set: s, Now: time.Now}
}

// Sorts are the orders a lead listing accepts.
var Sorts = []string{"created_at", "score", "full_name"}

// DefaultSort lists the newest leads first.
var DefaultSort = page.Sort{Field: "created_at", Desc: true}

// SortValue is l's value of a sort field, as the cursor keeps it.
func SortValue(l Lead, field string) string {
	switch field {
	case "score":
		return strconv.Itoa(l.Score)
	case "full_name":
		return l.FullName
	}
	return l.CreatedAt.UTC().Format(time.RFC3339Nano)
}

// List returns one page of the live leads the actor sees.
func (s *Service) List(ctx context.Context, a access.Actor, f Filter, p page.Request) (page.Result[Lead], error) {
	if f.Q != "" {
		f.Phone = NormalizePhone(f.Q)
	}
	if f.AgentID == "me" {
		f.AgentID = a.UserID
	}
	if f.ScoreMin != nil && f.ScoreMax != nil && *f.ScoreMin > *f.ScoreMax {
		return page.Result[Lead]{}, apperr.Validation(apperr.FieldError{Field: "score_min", Message: "must not exceed score_max"})
	}
	rows, err := s.store.Leads(ctx, a.BrokerageID, scopeOf(a), f, p)
	if err != nil {
		return page.Result[Lead]{}, err
	}
	return page.Trim(rows, p, func(l Lead) (string, string) { return SortValue(l, p.Sort.Field), l.ID }), nil
}

// leadRecords loads leads for a caller: a lead belongs to its agent, and roles that only read
// may not change it.
var leadRecords = access.Records[Lead]{Kind: "lead", ReadOnly: "may not change leads",
	Owner:   func(l Lead) (string, string) { return l.BrokerageID, l.AgentID },
	Version: func(l Lead) int { return l.Version }}

// Get returns a lead the actor sees; any other id, another brokerage's included, is not
// found.
func (s *Service) Get(ctx context.Context, a access.Actor, id string) (Lead, error) {
	return leadRecords.Visible(ctx, a, id, s.store.Lead)
}

// Create adds a lead. An agent owns the leads they create; an admin or manager names the
// agent (managers within their team) or lets round robin pick one. The same person arriving
// twice (same phone or email) is a conflict naming the existing lead.
func (s *Service) Create(ctx context.Context, a access.Actor, nl NewLead) (Lead, error) {
	if err := a.Require(access.Admin, access.Manager, access.Agent); err != nil {
		return Lead{}, err
	}
	l, err := Build(a.BrokerageID, nl, s.Now())
	if err != nil {
		return Lead{}, err
	}
	var agent Member
	switch {
	case a.Role == access.Agent && nl.AgentID != "" && nl.AgentID != a.UserID:
		return Lead{}, apperr.Validation(apperr.FieldError{Field: "agent_id", Value: nl.AgentID,
			Message: "agents own the leads they create; omit agent_id or use your own id"})
	case a.Role == access.Agent:
		agent, err = s.store.Member(ctx, a.BrokerageID, a.UserID)
	case nl.AgentID != "":
		agent, err = s.assignee(ctx, a, nl.AgentID)
	}
	if err != nil {
		return Lead{}, err
	}
	l.AgentID = agent.ID
	return s.create(ctx, l, agent, a.UserID, "by "+string(a.Role))
}

// Capture adds a lead that arrived without a signed-in user (a portal webhook, the website
// form, a data drop): it is routed round robin unless it names an active member.
func (s *Service) Capture(ctx context.Context, brokerageID string, nl NewLead) (Lead, error) {
	l, err := Build(brokerageID, nl, s.Now())
	if err != nil {
		return Lead{}, err
	}
	var agent Member
	if nl.AgentID != "" {
		if agent, err = s.store.Member(ctx, brokerageID, nl.AgentID); err != nil || !agent.Active {
			agent = Member{}
		}
	}
	l.AgentID = agent.ID
	return s.create(ctx, l, agent, "", "by integration")
}

// create inserts l under its identity locks; without an agent it is routed round robin.
func (s *Service) create(ctx context.Context, l Lead, agent Member, actorID, how string) (Lead, error) {
	var out Lead
	err := s.store.InTx(ctx, func(tx Tx) error {
		if err := tx.Lock(ctx, l.BrokerageID, IdentityKeys(l)); err != nil {
			return err
		}
		if id, err := tx.Duplicate(ctx, l.BrokerageID, l.Phone, l.Email, ""); err != nil {
			return err
		} else if id != "" {
			return Duplicate(id)
		}
		var err error
		if l.AgentID == "" {
			if agent, err = tx.NextAgent(ctx, l.BrokerageID); err != nil {
				return err
			}
			l.AgentID, how = agent.ID, "by round robin"
		}
		if out, err = tx.Insert(ctx, l); err != nil {
			return err
		}
		if err := tx.Audit(ctx, entry(l.BrokerageID, actorID, "create", out.ID, nil, out)); err != nil {
			return err
		}
		if out.AgentID == "" {
			return nil
		}
		return s.assigned(ctx, tx, out, agent, actorID, how)
	})
	return out, err
}

// assigned is what follows an assignment: the agent's first-contact task, due within the
// SLA (unless the lead was already contacted), and an entry on the lead's timeline.
func (s *Service) assigned(ctx context.Context, tx Tx, l Lead, agent Member, actorID, how string) error {
	if l.FirstContactedAt == nil {
		due := s.Now().Add(s.set.FirstContactSLA)
		t, err := tx.AddTask(ctx, task.Task{BrokerageID: l.BrokerageID, AssigneeID: agent.ID, LeadID: l.ID,
			Title: "First contact with new lead", Kind: task.FirstContact, DueAt: &due, Status: task.Open,
			Priority: task.High})
		if err != nil {
			return err
		}
		e := audit.Entry{BrokerageID: l.BrokerageID, ActorID: actorID, Action: "create", Entity: "task", EntityID: t.ID, After: t}
		if err := tx.Audit(ctx, e); err != nil {
			return err
		}
	}
	name := agent.FullName
	if name == "" {
		name = agent.ID
	}
	_, err := tx.AddActivity(ctx, LeadActivity{LeadID: l.ID, ActorID: actorID, Kind: Assignment,
		Body: "Assigned to " + name + " " + how}, l.BrokerageID)
	return err
}

// assignee checks that a lead may be given to id: an active agent or manager of the
// brokerage, within a manager's team.
func (s *Service) assignee(ctx context.Context, a access.Actor, id string) (Member, error) {
	bad := func(msg string) error {
		return apperr.Validation(apperr.FieldError{Field: "agent_id", Message: msg, Value: id})
	}
	m, err := s.store.Member(ctx, a.BrokerageID, id)
	if apperr.CodeOf(err) == apperr.NotFound || (err == nil && (!m.Active || (m.Role != access.Agent && m.Role != access.Manager))) {
		return Member{}, bad("is not an active agent of your brokerage")
	} else if err != nil {
		return Member{}, err
	}
	if owners := a.Owners(); owners != nil && !slices.Contains(owners, id) {
		return Member{}, bad("is outside your team")
	}
	return m, nil
}

// writable returns a lead the actor may change, locked for the transaction: invisible ids
// are not found, read-only roles are forbidden, a stale version fails the precondition, and
// a merged lead points at its survivor.
func (s *Service) writable(ctx context.Context, tx Tx, a access.Actor, id string, version int) (Lead, error) {
	l, err := leadRecords.Writable(ctx, a, id, version, tx.Lead)
	if err != nil {
		return Lead{}, err
	}
	if l.MergedInto != "" {
		return Lead{}, &apperr.Error{Code: apperr.Conflict, ExistingID: l.MergedInto,
			Message: "lead " + id + " was merged into " + l.MergedInto + "; change that one"}
	}
	return l, nil
}

// Update changes a lead. version is the If-Match version, 0 for none. A stage change must
// follow the stage machine and is written to the timeline; a new phone or email must not
// match another lead.
func (s *Service) Update(ctx context.Context, a access.Actor, id string, p LeadPatch, version int) (Lead, error) {
	var out Lead
	err := s.store.InTx(ctx, func(tx Tx) error {
		l, err := s.writable(ctx, tx, a, id, version)
		if err != nil {
			return err
		}
		if l.ErasedAt != nil {
			return apperr.New(apperr.Conflict, "lead %s was erased on request; it takes no new personal data", id)
		}
		before, now := l, s.Now()
		if err := Apply(&l, p, now); err != nil {
			return err
		}
		if err := s.checkIdentity(ctx, tx, l, before); err != nil {
			return err
		}
		if l.Stage != before.Stage {
			if err := s.stageChanged(ctx, tx, &l, before.Stage, a.UserID, now); err != nil {
				return err
			}
		}
		if out, err = tx.Save(ctx, l); err != nil {
			return err
		}
		return tx.Audit(ctx, entry(a.BrokerageID, a.UserID, "update", id, before, out))
	})
	return out, err
}

// checkIdentity refuses a phone or email that another lead already has.
func (s *Service) checkIdentity(ctx context.Context, tx Tx, l, before Lead) error {
	if l.Phone == before.Phone && l.Email == before.Email {
		return nil
	}
	if err := tx.Lock(ctx, l.BrokerageID, IdentityKeys(l)); err != nil {
		return err
	}
	id, err := tx.Duplicate(ctx, l.BrokerageID, l.Phone, l.Email, l.ID)
	if err == nil && id != "" {
		return Duplicate(id)
	}
	return err
}

func (s *Service) stageChanged(ctx context.Context, tx Tx, l *Lead, from Stage, actorID string, now time.Time) error {
	_, err := tx.AddActivity(ctx, LeadActivity{LeadID: l.ID, ActorID: actorID, Kind: StageChange,
		Body: string(from) + " → " + string(l.Stage)}, l.BrokerageID)
	if err == nil && l.Stage == StageContacted && l.FirstContactedAt == nil {
		err = s.firstContact(ctx, tx, l, actorID, now)
	}
	return err
}

// firstContact stops the speed-to-lead clock: the time is kept and the open first-contact
// tasks are done.
func (s *Service) firstContact(ctx context.Context, tx Tx, l *Lead, actorID string, at time.Time) error {
	l.FirstContactedAt = &at
	done, err := tx.CloseTasks(ctx, l.BrokerageID, l.ID, task.FirstContact, task.Done)
	if err != nil {
		return err
	}
	for _, t := range done {
		if err := tx.Audit(ctx, audit.Entry{BrokerageID: l.BrokerageID, ActorID: actorID, Action: "update",
			Entity: "task", EntityID: t.ID, After: t}); err != nil {
			return err
		}
	}
	return nil
}

// Delete soft-deletes a lead: it disappears from lists and gets; its records stay.
func (s *Service) Delete(ctx context.Context, a access.Actor, id string, version int) error {
	return s.store.InTx(ctx, func(tx Tx) error {
		l, err := s.writable(ctx, tx, a, id, version)
		if err != nil {
			return err
		}
		before, now := l, s.Now()
		l.DeletedAt = &now
		if _, err := tx.Save(ctx, l); err != nil {
			return err
		}
		return tx.Audit(ctx, entry(a.BrokerageID, a.UserID, "delete", id, before, nil))
	})
}

// Assign gives a lead to an agent (admins; managers within their team). The previous
// agent's open first-contact task is cancelled and the new agent gets one.
func (s *Service) Assign(ctx context.Context, a access.Actor, id, agentID string) (Lead, error) {
	if err := a.Require(access.Admin, access.Manager); err != nil {
		return Lead{}, err
	}
	// An id the caller cannot see is not found before anything about the body is judged.
	if _, err := s.Get(ctx, a, id); err != nil {
		return Lead{}, err
	}
	agent, err := s.assignee(ctx, a, agentID)
	if err != nil {
		return Lead{}, err
	}
	var out Lead
	err = s.store.InTx(ctx, func(tx Tx) error {
		l, err := s.writable(ctx, tx, a, id, 0)
		if err != nil || l.AgentID == agent.ID {
			out = l
			return err
		}
		before := l
		cancelled, err := tx.CloseTasks(ctx, l.BrokerageID, l.ID, task.FirstContact, task.Cancelled)
		if err != nil {
			return err
		}
		for _, t := range cancelled {
			if err := tx.Audit(ctx, audit.Entry{BrokerageID: a.BrokerageID, ActorID: a.UserID, Action: "update",
				Entity: "task", EntityID: t.ID, After: t}); err != nil {
				return err
			}
		}
		l.AgentID = agent.ID
		if out, err = tx.Save(ctx, l); err != nil {
			return err
		}
		if err := tx.Audit(ctx, entry(a.BrokerageID, a.UserID, "assign", id, before, out)); err != nil {
			return err
		}
		return s.assigned(ctx, tx, out, agent, a.UserID, "by "+string(a.Role))
	})
	return out, err
}

// Merge folds duplicateID into id (see Fold): the duplicate's activities, tasks, viewings
// and deals move to the survivor and the duplicate points at it. One transaction, audited on
// both leads.
func (s *Service) Merge(ctx context.Context, a access.Actor, id, duplicateID string) (Lead, error) {
	if id == duplicateID {
		return Lead{}, apperr.Validation(apperr.FieldError{Field: "duplicate_id", Message: "must be another lead", Value: duplicateID})
	}
	var out Lead
	err := s.store.InTx(ctx, func(tx Tx) error {
		survivor, dup, err := s.lockPair(ctx, tx, a, id, duplicateID)
		if err != nil {
			return err
		}
		merged := Fold(survivor, dup)
		if err := tx.MoveRecords(ctx, a.BrokerageID, dup.ID, survivor.ID); err != nil {
			return err
		}
		dupBefore := dup
		dup.MergedInto = survivor.ID
		if dup, err = tx.Save(ctx, dup); err != nil {
			return err
		}
		if out, err = tx.Save(ctx, merged); err != nil {
			return err
		}
		if err := tx.Audit(ctx, entry(a.BrokerageID, a.UserID, "merge", id, survivor, out)); err != nil {
			return err
		}
		return tx.Audit(ctx, entry(a.BrokerageID, a.UserID, "merged", dup.ID, dupBefore, dup))
	})
	return out, err
}

// lockPair locks two leads in id order, so that two merges of the same pair cannot deadlock.
func (s *Service) lockPair(ctx context.Context, tx Tx, a access.Actor, id, other string) (Lead, Lead, error) {
	first, second := id, other
	if second < first {
		first, second = second, first
	}
	l1, err := s.writable(ctx, tx, a, first, 0)
	if err != nil {
		return Lead{}, Lead{}, err
	}
	l2, err := s.writable(ctx, tx, a, second, 0)
	if err != nil {
		return Lead{}, Lead{}, err
	}
	if l1.ID == id {
		return l1, l2, nil
	}
	return l2, l1, nil
}

// NewLeadActivity is an activity a user records on a lead.
type NewLeadActivity struct {
	Kind ActivityKind `json:"kind" enum:"note,call,email,whatsapp,sms,meeting"`
	Body string       `json:"body,omitempty" maxLength:"5000"`
	At   *time.Time   `json:"at,omitempty" doc:"When it happened; default now. Not in the future."`
}

// Activities returns one page of a visible lead's timeline, newest first.
func (s *Service) Activities(ctx context.Context, a access.Actor, id string, p page.Request) (page.Result[LeadActivity], error) {
	l, err := s.Get(ctx, a, id)
	if err != nil {
		return page.Result[LeadActivity]{}, err
	}
	rows, err := s.store.Activities(ctx, a.BrokerageID, l.ID, p)
	if err != nil {
		return page.Result[LeadActivity]{}, err
	}
	return page.Trim(rows, p, func(x LeadActivity) (string, string) {
		return x.At.UTC().Format(time.RFC3339Nano), strconv.FormatInt(x.ID, 10)
	}), nil
}

// AddActivity records a note, call, message or meeting on a lead. The first contact stops
// the speed-to-lead clock and completes the first-contact task.
func (s *Service) AddActivity(ctx context.Context, a access.Actor, id string, na NewLeadActivity) (LeadActivity, error) {
	now := s.Now()
	if err := validActivity(na, now); err != nil {
		return LeadActivity{}, err
	}
	at := now
	if na.At != nil {
		at = *na.At
	}
	var out LeadActivity
	err := s.store.InTx(ctx, func(tx Tx) error {
		l, err := s.writable(ctx, tx, a, id, 0)
		if err != nil {
			return err
		}
		if out, err = tx.AddActivity(ctx, LeadActivity{LeadID: l.ID, ActorID: a.UserID, Kind: na.Kind, Body: na.Body, At: at}, a.BrokerageID); err != nil {
			return err
		}
		if err := tx.Audit(ctx, audit.Entry{BrokerageID: a.BrokerageID, ActorID: a.UserID, Action: "create",
			Entity: "activity", EntityID: strconv.FormatInt(out.ID, 10), After: out}); err != nil {
			return err
		}
		if !na.Kind.Contact() || l.FirstContactedAt != nil {
			return nil
		}
		if err := s.firstContact(ctx, tx, &l, a.UserID, at); err != nil {
			return err
		}
		_, err = tx.Save(ctx, l)
		return err
	})
	return out, err
}

func validActivity(na NewLeadActivity, now time.Time) error {
	var fe []apperr.FieldError
	if !na.Kind.Contact() && na.Kind != Note {
		fe = append(fe, apperr.FieldError{Field: "kind", Message: "must be one of note, call, email, whatsapp, sms, meeting", Value: na.Kind})
	}
	if na.Kind == Note && len(na.Body) == 0 {
		fe = append(fe, apperr.FieldError{Field: "body", Message: "a note needs a body"})
	}
	if na.At != nil && na.At.After(now.Add(time.Minute)) {
		fe = append(fe, apperr.FieldError{Field: "at", Message: "must not be in the future", Value: na.At})
	}
	if len(fe) > 0 {
		return apperr.Validation(fe...)
	}
	return nil
}

// entry is an audit entry about a lead.
func entry(brokerageID, actorID, action, id string, before, after any) audit.Entry {
	return audit.Entry{BrokerageID: brokerageID, ActorID: actorID, Action: action, Entity: "lead", EntityID: id,
		Before: before, After: after}
}
