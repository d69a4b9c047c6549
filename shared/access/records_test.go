package access

import (
	"context"
	"errors"
	"testing"

	"github.com/propertypro/propertypro/shared/apperr"
)

type note struct {
	brokerage, owner string
	version          int
}

var notes = Records[note]{
	Kind:     "note",
	Owner:    func(n note) (string, string) { return n.brokerage, n.owner },
	Version:  func(n note) int { return n.version },
	ReadOnly: "may read notes but not change them",
}

// storeOf loads from a map keyed by brokerage and id, the way stores answer: not_found for
// anything absent.
func storeOf(rows map[[2]string]note) Load[note] {
	return func(_ context.Context, brokerageID, id string) (note, error) {
		if n, ok := rows[[2]string{brokerageID, id}]; ok {
			return n, nil
		}
		return note{}, apperr.New(apperr.NotFound, "the store has no %s", id)
	}
}

func TestRecords(t *testing.T) {
	const b = "b1"
	agent := Actor{UserID: "a1", BrokerageID: b, Role: Agent}
	admin := Actor{UserID: "ad", BrokerageID: b, Role: Admin}
	compliance := Actor{UserID: "c1", BrokerageID: b, Role: ComplianceOfficer}
	// A brokerage-wide role of another brokerage whose store (wrongly) hands out b1's note:
	// the brokerage check still hides it.
	outsider := Actor{UserID: "x1", BrokerageID: "b2", Role: Admin}
	load := storeOf(map[[2]string]note{
		{b, "mine"}:    {b, "a1", 3},
		{b, "theirs"}:  {b, "a2", 1},
		{"b2", "leak"}: {b, "a1", 1},
	})
	down := errors.New("connection refused")
	failing := func(context.Context, string, string) (note, error) { return note{}, down }

	tests := []struct {
		name     string
		actor    Actor
		id       string
		version  int
		load     Load[note]
		visible  apperr.Code // "" for success
		writable apperr.Code
		message  string // of the writable error, when there is one
	}{
		{"own note", agent, "mine", 0, load, "", "", ""},
		{"own note at its version", agent, "mine", 3, load, "", "", ""},
		{"missing", agent, "nope", 0, load, apperr.NotFound, apperr.NotFound, "note nope not found"},
		{"another agent's", agent, "theirs", 0, load, apperr.NotFound, apperr.NotFound, "note theirs not found"},
		{"another brokerage's", outsider, "leak", 0, load, apperr.NotFound, apperr.NotFound, "note leak not found"},
		{"admin sees any", admin, "theirs", 1, load, "", "", ""},
		{"read-only role", compliance, "theirs", 0, load, "", apperr.Forbidden,
			"your role (compliance_officer) may read notes but not change them"},
		{"stale version", agent, "mine", 2, load, "", apperr.PreconditionFailed,
			"note mine changed since you read it (version 2, now 3)"},
		{"store failure", agent, "mine", 0, failing, apperr.Internal, apperr.Internal, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			n, err := notes.Visible(ctx, tt.actor, tt.id, tt.load)
			if got := apperr.CodeOf(err); got != tt.visible {
				t.Fatalf("Visible: code %q (%v), want %q", got, err, tt.visible)
			}
			if err == nil && n.version == 0 {
				t.Errorf("Visible returned no record")
			}
			n, err = notes.Writable(ctx, tt.actor, tt.id, tt.version, tt.load)
			if got := apperr.CodeOf(err); got != tt.writable {
				t.Fatalf("Writable: code %q (%v), want %q", got, err, tt.writable)
			}
			switch {
			case err == nil && n.version == 0:
				t.Errorf("Writable returned no record")
			case err != nil && n != (note{}):
				t.Errorf("Writable returned %+v with its error", n)
			case tt.message != "" && apperr.As(err).Message != tt.message:
				t.Errorf("message %q, want %q", apperr.As(err).Message, tt.message)
			case tt.writable == apperr.Internal && !errors.Is(err, down):
				t.Errorf("the store's error was not passed through: %v", err)
			}
		})
	}
}

func TestCheckVersion(t *testing.T) {
	for _, tt := range []struct {
		version, current int
		want             apperr.Code
	}{{0, 7, ""}, {7, 7, ""}, {6, 7, apperr.PreconditionFailed}} {
		if got := apperr.CodeOf(CheckVersion("user", "u1", tt.version, tt.current)); got != tt.want {
			t.Errorf("CheckVersion(%d, %d) = %q, want %q", tt.version, tt.current, got, tt.want)
		}
	}
}
