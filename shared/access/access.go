// Package access decides who may see and change what: every row belongs to one brokerage,
// agents own their records, managers see their team's, admins and compliance officers the
// whole brokerage's, and only compliance officers see AML flags.
package access

import (
	"context"
	"slices"

	"github.com/propertypro/propertypro/shared/apperr"
)

// Role is a user's role inside a brokerage.
type Role string

// The roles.
const (
	Admin             Role = "admin"
	Manager           Role = "manager"
	Agent             Role = "agent"
	ComplianceOfficer Role = "compliance_officer"
	Reviewer          Role = "reviewer"
)

// Roles lists every role, for validation and documentation.
var Roles = []Role{Admin, Manager, Agent, ComplianceOfficer, Reviewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Actor is the authenticated caller.
type Actor struct {
	UserID      string
	BrokerageID string
	Role        Role
	// Team is the users a manager leads (the manager included); empty for other roles.
	Team []string
}

// Owners lists the users whose records the actor sees, or nil for the whole brokerage.
func (a Actor) Owners() []string {
	switch a.Role {
	case Admin, ComplianceOfficer, Reviewer:
		return nil
	case Manager:
		return append([]string{a.UserID}, a.Team...)
	}
	return []string{a.UserID}
}

// CanSee reports whether a record owned by ownerID in brokerageID is visible to the actor.
// Unassigned records ("" owner) are visible to managers and the brokerage-wide roles.
func (a Actor) CanSee(brokerageID, ownerID string) bool {
	if brokerageID != a.BrokerageID {
		return false
	}
	owners := a.Owners()
	return owners == nil || slices.Contains(owners, ownerID) || (ownerID == "" && a.Role == Manager)
}

// CanWrite reports whether the actor may change a record it can see. Compliance officers
// and reviewers read; they do not edit CRM records.
func (a Actor) CanWrite(brokerageID, ownerID string) bool {
	return a.CanSee(brokerageID, ownerID) && a.Role != ComplianceOfficer && a.Role != Reviewer
}

// SeesAML reports whether AML flags are shown: never to agents (tipping off a client is a
// crime), only to compliance officers.
func (a Actor) SeesAML() bool { return a.Role == ComplianceOfficer }

// Require fails with forbidden unless the actor has one of roles.
func (a Actor) Require(roles ...Role) error {
	if slices.Contains(roles, a.Role) {
		return nil
	}
	return apperr.New(apperr.Forbidden, "your role (%s) may not do this", a.Role)
}

type ctxKey struct{}

// With returns a context carrying the actor.
func With(ctx context.Context, a Actor) context.Context { return context.WithValue(ctx, ctxKey{}, a) }

// From returns the actor of an authenticated request, or an unauthorized error.
func From(ctx context.Context) (Actor, error) {
	a, ok := ctx.Value(ctxKey{}).(Actor)
	if !ok {
		return Actor{}, apperr.New(apperr.Unauthorized, "authentication required")
	}
	return a, nil
}
