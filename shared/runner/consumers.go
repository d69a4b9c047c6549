package runner

import (
	"context"
	"math"
	"time"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/awsx"
	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/lambdasqs"
	"github.com/propertypro/propertypro/shared/queue"
)

// inbox is what a consumer needs of a queue: the local durable queue or SQS.
type inbox interface {
	Receive(ctx context.Context, queue string, n int, visibility time.Duration) ([]queue.Message, error)
	Ack(ctx context.Context, queue string, done []queue.Message) error
	// Retry makes m visible again after retryAfter; dead reports whether it was dead-lettered.
	Retry(ctx context.Context, queue string, m queue.Message, cause error, retryAfter time.Duration) (dead bool, err error)
	// Wake signals that a message may be waiting, so consumers need not wait for a poll.
	Wake() <-chan struct{}
}

// consume runs fn on its queue's messages until ctx ends, as Lambda's event source mapping
// does: batches of up to 10, each message handled in turn, the successes deleted together at
// the end of the batch. A failure is retried with backoff and dead-lettered after
// queue.MaxReceives deliveries, as SQS would. Several consumers (LOCAL_QUEUE_CONSUMERS) run one
// queue at once, as Lambda runs several batches of a queue concurrently.
func (p *Platform) consume(ctx context.Context, fn functions.Function) {
	h := p.handlers[fn.Name].Task
	for ctx.Err() == nil {
		msgs, err := p.inbox.Receive(ctx, fn.Queue, 10, fn.Timeout)
		if err != nil {
			p.log.ErrorContext(ctx, "receiving from queue", "queue", fn.Queue, "err", err)
		}
		var done []queue.Message
		for _, m := range msgs {
			if p.deliver(ctx, fn, h, m) {
				done = append(done, m)
			}
		}
		if err := p.inbox.Ack(ctx, fn.Queue, done); err != nil {
			p.log.ErrorContext(ctx, "deleting processed messages", "queue", fn.Queue, "err", err)
		}
		if len(msgs) == 0 {
			select {
			case <-ctx.Done():
			case <-p.inbox.Wake():
			case <-time.After(time.Second):
			}
		}
	}
}

// deliver runs h on m and reports success; a failure is handed back to the queue for retry.
func (p *Platform) deliver(ctx context.Context, fn functions.Function, h lambdasqs.Handler, m queue.Message) bool {
	runCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fn.Timeout)
	defer cancel()
	err := lambdasqs.Safe(runCtx, h, lambdasqs.Message{ID: m.ID, Body: m.Body, Attributes: m.Attributes,
		ReceiveCount: m.ReceiveCount})
	if err == nil {
		return true
	}
	backoff := time.Duration(math.Min(math.Pow(2, float64(m.ReceiveCount)), fn.Timeout.Seconds())) * time.Second
	dead, rerr := p.inbox.Retry(ctx, fn.Queue, m, err, backoff)
	p.log.ErrorContext(ctx, "task failed", "function", fn.Name, "message_id", m.ID,
		"receive_count", m.ReceiveCount, "dead_lettered", dead, "err", err, "retry_err", rerr)
	return false
}

type localInbox struct{ q *queue.Local }

func (l localInbox) Receive(ctx context.Context, name string, n int, vis time.Duration) ([]queue.Message, error) {
	return l.q.Receive(ctx, name, n, vis)
}

func (l localInbox) Ack(ctx context.Context, _ string, done []queue.Message) error {
	ids := make([]string, len(done))
	for i, m := range done {
		ids[i] = m.ID
	}
	return l.q.Delete(ctx, ids...)
}

func (l localInbox) Retry(ctx context.Context, _ string, m queue.Message, cause error, after time.Duration) (bool, error) {
	return l.q.Fail(ctx, m.ID, cause, after)
}

func (l localInbox) Wake() <-chan struct{} { return l.q.Sent() }

// sqsInbox consumes SQS on an emulator (AWS_ENDPOINT_URL): dead-lettering is SQS's own
// redrive policy.
type sqsInbox struct {
	q        *awsx.Queues
	receipts map[string]string
}

func newSQSInbox(ctx context.Context, cfg config.Config) (*sqsInbox, error) {
	awsCfg, err := awsx.Config(ctx, awsx.Settings{Region: cfg.AWSRegion, Endpoint: cfg.AWSEndpointURL})
	if err != nil {
		return nil, err
	}
	return &sqsInbox{q: awsx.NewQueues(awsCfg, nil)}, nil
}

func (s *sqsInbox) Receive(ctx context.Context, name string, n int, vis time.Duration) ([]queue.Message, error) {
	msgs, err := s.q.Receive(ctx, name, n, time.Second, vis)
	out := make([]queue.Message, len(msgs))
	for i, m := range msgs {
		out[i] = queue.Message{ID: m.ID, Receipt: m.ReceiptHandle, Body: m.Body,
			Attributes: m.MessageAttributes, ReceiveCount: m.ReceiveCount()}
	}
	return out, err
}

func (s *sqsInbox) Ack(ctx context.Context, name string, done []queue.Message) error {
	for _, m := range done {
		if err := s.q.Delete(ctx, name, m.Receipt); err != nil {
			return err
		}
	}
	return nil
}

func (s *sqsInbox) Retry(ctx context.Context, name string, m queue.Message, _ error, after time.Duration) (bool, error) {
	return false, s.q.ChangeVisibility(ctx, name, m.Receipt, after)
}

func (s *sqsInbox) Wake() <-chan struct{} { return nil }
