package delivery

import (
	"context"

	"github.com/propertypro/propertypro/shared/metrics"
	"github.com/propertypro/propertypro/shared/nurture"
)

// observedStore counts the messages the send path settles (nurture_messages_total by channel
// and outcome) as their outcome is committed, so a duplicate delivery that loses the
// compare-and-set is not counted twice.
type observedStore struct {
	nurture.Store
	m *metrics.Registry
}

func (s observedStore) Transition(ctx context.Context, o nurture.Outcome) (bool, error) {
	moved, err := s.Store.Transition(ctx, o)
	if err == nil && moved && o.Kind == nurture.StepMessage {
		s.m.Inc(metrics.NurtureMessages, "channel", channelOf(o), "outcome", messageOutcome(o.Status))
	}
	return moved, err
}

func channelOf(o nurture.Outcome) string {
	if o.Message != nil && o.Message.Channel != "" {
		return string(o.Message.Channel)
	}
	return "unknown"
}

// messageOutcome folds the outbox statuses into what an operator watches: sent; suppressed
// for good by a rule (no consent, opted out, cancelled); deferred to a later time (quiet
// hours, weekend, frequency cap); held for review; or failed.
func messageOutcome(status string) string {
	switch status {
	case nurture.StatusSent, nurture.StatusDelivered:
		return "sent"
	case nurture.StatusFailed, nurture.StatusBounced:
		return "failed"
	case nurture.StatusDeferred:
		return "deferred"
	case nurture.StatusReview:
		return "review"
	default:
		return "suppressed"
	}
}
