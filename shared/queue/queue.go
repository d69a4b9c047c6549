// Package queue is the platform's queue port and its local implementation: a durable queue in
// Postgres with SQS semantics (at-least-once delivery, visibility timeout, receive count,
// dead-letter after MaxReceives), so the local platform loses nothing on Ctrl-C and behaves
// as SQS does in AWS.
package queue

import (
	"context"
	"time"
)

// Sender puts messages on a named queue. SQS (awsx.Queues) and Local implement it.
type Sender interface {
	Send(ctx context.Context, queue, body string, attrs map[string]string) (id string, err error)
}

// Outgoing is one message of a batch.
type Outgoing struct {
	Body       string
	Attributes map[string]string
}

// BatchSender sends many messages to one queue in few calls: SQS's SendMessageBatch (ten a
// call), one INSERT locally. A schedule that fans out thousands of messages needs it: one call
// per message would outlast the run.
type BatchSender interface {
	SendMany(ctx context.Context, queue string, msgs []Outgoing) error
}

// SendAll sends msgs to queue through s, in batches when s is a BatchSender, else one by one.
func SendAll(ctx context.Context, s Sender, queue string, msgs []Outgoing) error {
	if b, ok := s.(BatchSender); ok {
		return b.SendMany(ctx, queue, msgs)
	}
	for _, m := range msgs {
		if _, err := s.Send(ctx, queue, m.Body, m.Attributes); err != nil {
			return err
		}
	}
	return nil
}

// Stats reports a queue's depth. SQS (awsx.Queues) and Local implement it.
type Stats interface {
	Depth(ctx context.Context, queue string) (visible, inFlight int, err error)
}

// Message is a received message.
type Message struct {
	ID string
	// Receipt identifies this delivery to delete or retry it (SQS's receipt handle); locally
	// it is the ID.
	Receipt      string
	Body         string
	Attributes   map[string]string
	ReceiveCount int
	LastError    string
	SentAt       time.Time
}

// MaxReceives is how many deliveries a message gets before it is dead-lettered, as the
// SQS redrive policy in the CDK stack (maxReceiveCount 5).
const MaxReceives = 5
