package delivery

import (
	"context"
	"testing"

	"github.com/propertypro/propertypro/shared/metrics"
	"github.com/propertypro/propertypro/shared/nurture"
)

// casStore answers Transition like the outbox's compare-and-set: only the first move of a
// row succeeds.
type casStore struct {
	nurture.Store
	moved map[string]bool
}

func (s *casStore) Transition(_ context.Context, o nurture.Outcome) (bool, error) {
	if s.moved[o.OutboxID] {
		return false, nil
	}
	s.moved[o.OutboxID] = true
	return true, nil
}

func TestObservedStoreCountsSettledMessagesOnce(t *testing.T) {
	m := metrics.New()
	s := observedStore{&casStore{moved: map[string]bool{}}, m}
	msg := &nurture.Message{Channel: nurture.Channel("whatsapp")}
	for _, o := range []nurture.Outcome{
		{OutboxID: "a", Kind: nurture.StepMessage, Status: nurture.StatusSent, Message: msg},
		{OutboxID: "a", Kind: nurture.StepMessage, Status: nurture.StatusSent, Message: msg}, // a duplicate delivery
		{OutboxID: "b", Kind: nurture.StepMessage, Status: nurture.StatusBlocked, Message: msg},
		{OutboxID: "c", Kind: nurture.StepMessage, Status: nurture.StatusDeferred, Message: msg},
		{OutboxID: "d", Kind: nurture.StepTask, Status: nurture.StatusDone},
	} {
		if _, err := s.Transition(context.Background(), o); err != nil {
			t.Fatal(err)
		}
	}
	for outcome, want := range map[string]float64{"sent": 1, "suppressed": 1, "deferred": 1, "failed": 0} {
		if got := m.Value(metrics.NurtureMessages, "channel", "whatsapp", "outcome", outcome); got != want {
			t.Errorf("%s: %v, want %v", outcome, got, want)
		}
	}
}
