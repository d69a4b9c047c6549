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
