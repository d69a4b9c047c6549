package access

import (
	"context"

	"github.com/propertypro/propertypro/shared/apperr"
)

// Records describes one kind of record to the checks that load it for a caller. The
// services declare one per kind, so every kind answers the same errors in the same words.
type Records[T any] struct {
	// Kind names the record in errors: "deal" gives "deal <id> not found".
	Kind string
	// Owner returns the brokerage a record belongs to and the user who owns it ("" for none):
	// what CanSee and CanWrite decide on.
	Owner func(T) (brokerageID, ownerID string)
	// Version returns the record's version, the one an If-Match names.
	Version func(T) int
	// ReadOnly follows "your role (<role>) " in the forbidden error of a role that may see
	// the record but not change it.
	ReadOnly string
}

// Load reads a record of a brokerage by id, answering not_found when there is none.
type Load[T any] func(ctx context.Context, brokerageID, id string) (T, error)

// Visible loads a record of the actor's brokerage that the actor can see. A missing record
// and one the actor may not see are the same not_found, so that no answer tells another
// brokerage's or another agent's records apart from ids that do not exist. Other errors pass
// through.
func (r Records[T]) Visible(ctx context.Context, a Actor, id string, load Load[T]) (T, error) {
	var none T
	rec, err := load(ctx, a.BrokerageID, id)
	if err != nil && apperr.CodeOf(err) != apperr.NotFound {
		return none, err
	}
	if err != nil || !a.CanSee(r.Owner(rec)) {
		return none, apperr.New(apperr.NotFound, "%s %s not found", r.Kind, id)
	}
	return rec, nil
}

// Writable loads a record the actor may change: visible (else not_found), writable by the
// actor's role (else forbidden), and still at the If-Match version (0: none) the caller read.
func (r Records[T]) Writable(ctx context.Context, a Actor, id string, version int, load Load[T]) (T, error) {
	var none T
	rec, err := r.Visible(ctx, a, id, load)
	if err != nil {
		return none, err
	}
	if !a.CanWrite(r.Owner(rec)) {
		return none, apperr.New(apperr.Forbidden, "your role (%s) %s", a.Role, r.ReadOnly)
	}
	if err := CheckVersion(r.Kind, id, version, r.Version(rec)); err != nil {
		return none, err
	}
	return rec, nil
}

// CheckVersion fails with precondition_failed when an If-Match version (0: none) is not the
// record's current one, so that nobody overwrites a change they have not seen.
func CheckVersion(kind, id string, version, current int) error {
	if version != 0 && version != current {
		return apperr.New(apperr.PreconditionFailed, "%s %s changed since you read it (version %d, now %d)",
			kind, id, version, current)
	}
	return nil
}
