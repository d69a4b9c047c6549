package delivery

import (
	"context"
	"encoding/json"
	"github.com/propertypro/propertypro/shared/apperr"
	"time"

	"github.com/propertypro/propertypro/shared/ai"
	"github.com/propertypro/propertypro/shared/ai/providers"
	"github.com/propertypro/propertypro/shared/lambdasqs"
	"github.com/propertypro/propertypro/shared/metrics"
	"github.com/propertypro/propertypro/shared/nurture"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/postgres/nurturestore"
	"github.com/propertypro/propertypro/shared/queue"
)

// SendQueue is the queue task-nurture-send consumes, one outbox row per message.
const SendQueue = "nurture-send"

// sendBody is a nurture-send queue message.
type sendBody struct {
	OutboxID string `json:"outbox_id"`
}

// Announce puts outbox rows on the send queue, one message each, sent in batches.
func Announce(b *platform.Boot) nurture.Enqueuer {
	return func(ctx context.Context, ids ...string) error {
		msgs := make([]queue.Outgoing, len(ids))
		for i, id := range ids {
			body, _ := json.Marshal(sendBody{OutboxID: id})
			msgs[i] = queue.Outgoing{Body: string(body)}
		}
		return queue.SendAll(ctx, b.Queues, SendQueue, msgs)
	}
}

// NurtureDue builds cron-nurture-due: enroll leads by the sequences' entry rules, then move
// due steps into the outbox and announce each once, under an advisory lock.
func NurtureDue(b *platform.Boot) (platform.Handler, error) {
	store := nurturestore.NewNurture(b.DB)
	return platform.Handler{Job: func(ctx context.Context, now time.Time) error {
		if !b.Config.NurturingEnabled {
			b.Log.InfoContext(ctx, "nurturing is switched off (NURTURING_SCHEDULER_ENABLED=false)")
			return nil
		}
		var enrolled, queued int
		ran, err := postgres.WithJobLock(ctx, b.DB, b.Fn.Name, func(ctx context.Context) (err error) {
			enrolled, queued, err = nurture.RunDue(ctx, store, Announce(b), now, nurture.DueBatch)
			return err
		})
		b.Log.InfoContext(ctx, "nurture due", "ran", ran, "enrolled", enrolled, "queued", queued, "scheduled_for", now)
		return err
	}}, nil
}

// NurtureSend builds task-nurture-send: one outbox row per message through the rules and the
// delivery adapter.
func NurtureSend(b *platform.Boot) (platform.Handler, error) {
	s, err := NewSender(context.Background(), b)
	if err != nil {
		return platform.Handler{}, err
	}
	return SendHandler(b, s, time.Now), nil
}

// SendHandler is task-nurture-send's handler over a built sender; now is its clock (the
// injected one in simulations and benchmarks).
func SendHandler(b *platform.Boot, s *nurture.Sender, now func() time.Time) platform.Handler {
	return platform.Handler{Task: func(ctx context.Context, m lambdasqs.Message) error {
		var body sendBody
		if err := json.Unmarshal([]byte(m.Body), &body); err != nil || body.OutboxID == "" {
			b.Log.ErrorContext(ctx, "dropping a malformed nurture-send message", "body", m.Body)
			return nil // retrying cannot fix it
		}
		err := s.Process(ctx, body.OutboxID, now())
		if apperr.CodeOf(err) == apperr.NotFound {
			// The row is gone (purged, or never committed): no retry can bring it back.
			b.Log.WarnContext(ctx, "dropping a nurture-send message for a missing outbox row", "outbox_id", body.OutboxID)
			return nil
		}
		return err
	}}
}

// NewSender builds the send path from the configuration.
func NewSender(ctx context.Context, b *platform.Boot) (*nurture.Sender, error) {
	policy, err := nurture.ParsePolicy(b.Config.NurtureQuietHours, b.Config.NurtureWeekend, b.Config.NurtureMaxPerDay)
	if err != nil {
		return nil, err
	}
	d, err := FromConfig(ctx, b.Config, b.Log)
	if err != nil {
		return nil, err
	}
	s := &nurture.Sender{Store: observedStore{nurturestore.NewNurture(b.DB), metrics.Default}, Deliverer: d, Policy: policy, Key: SigningKey(b),
		BaseURL: b.Config.PublicBaseURL, MaxAttempts: b.Config.NurtureSendAttempts}
	if b.Config.DocGenEnabled {
		chain, err := providers.NewChain(ctx, providers.FromConfig(b.Config))
		if err != nil {
			return nil, err
		}
		s.Drafter = drafter{chain}
	}
	return s, nil
}

// SigningKey is SECRET_KEY; locally, where it may be unset, a fixed development key.
func SigningKey(b *platform.Boot) []byte {
	if b.Config.SecretKey == "" && !b.Config.Deployed() {
		return []byte("propertypro-local-signing-key")
	}
	return []byte(b.Config.SecretKey)
}

// drafter asks the assistant's provider chain for a personalised draft; the offline
// provider's extractive answer is no draft, so it yields the template instead.
type drafter struct{ chain *ai.Chain }

func (d drafter) Draft(ctx context.Context, prompt string) (string, error) {
	resp, err := d.chain.Generate(ctx, ai.Request{
		System:    "You write short, compliant follow-up messages for a Dubai real-estate agent. Answer with the message only.",
		Messages:  []ai.Message{{Role: ai.RoleUser, Content: prompt}},
		MaxTokens: 300, Temperature: 0.4, Template: "nurture-draft@1"})
	if err != nil || resp.Degraded {
		return "", err
	}
	return resp.Text, nil
}

// LeadSLA builds cron-lead-sla: new leads nobody contacted within LEAD_FIRST_CONTACT_SLA are
// escalated to a manager, once each.
func LeadSLA(b *platform.Boot) (platform.Handler, error) {
	store := nurturestore.NewNurture(b.DB)
	return platform.Handler{Job: func(ctx context.Context, now time.Time) error {
		var n int
		ran, err := postgres.WithJobLock(ctx, b.DB, b.Fn.Name, func(ctx context.Context) (err error) {
			n, err = store.EscalateSLA(ctx, now, b.Config.FirstContactSLA)
			return err
		})
		b.Log.InfoContext(ctx, "speed-to-lead", "ran", ran, "escalated", n)
		return err
	}}, nil
}

// StuckJobs builds cron-stuck-jobs: outbox messages stuck queued or sending are announced
// again, or dead-lettered after NURTURE_SEND_MAX_ATTEMPTS.
func StuckJobs(b *platform.Boot) (platform.Handler, error) {
	store := nurturestore.NewNurture(b.DB)
	return platform.Handler{Job: func(ctx context.Context, now time.Time) error {
		var requeued, dead int
		ran, err := postgres.WithJobLock(ctx, b.DB, b.Fn.Name, func(ctx context.Context) error {
			ids, d, err := store.Sweep(ctx, now, b.Config.StuckJobAfter, b.Config.NurtureSendAttempts)
			dead = d
			if err != nil {
				return err
			}
			requeued = len(ids)
			return Announce(b)(ctx, ids...)
		})
		b.Log.InfoContext(ctx, "stuck jobs", "ran", ran, "requeued", requeued, "dead_lettered", dead)
		return err
	}}, nil
}
