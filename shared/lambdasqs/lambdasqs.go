// Package lambdasqs runs a task function's per-message handler over an SQS batch and reports
// partial batch failures, so one bad record is retried (and dead-lettered) alone while the
// rest of the batch succeeds.
package lambdasqs

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"

	"github.com/aws/aws-lambda-go/events"
	"github.com/propertypro/propertypro/shared/logging"
)

// Message is one queue message as a task handler sees it, independent of SQS.
type Message struct {
	ID           string
	Body         string
	Attributes   map[string]string // message attributes (string values), e.g. trace context
	ReceiveCount int               // deliveries so far, including this one
}

// Handler processes one message. It must be idempotent: SQS delivers at least once.
type Handler func(ctx context.Context, m Message) error

// Batch turns a per-message handler into a Lambda SQS handler with partial batch failures.
func Batch(log *slog.Logger, h Handler) func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
	return func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		var resp events.SQSEventResponse
		for _, rec := range ev.Records {
			if err := Safe(ctx, h, FromSQS(rec)); err != nil {
				log.ErrorContext(ctx, "message failed; it will be retried", "message_id", rec.MessageId,
					"receive_count", rec.Attributes["ApproximateReceiveCount"], "err", err)
				resp.BatchItemFailures = append(resp.BatchItemFailures,
					events.SQSBatchItemFailure{ItemIdentifier: rec.MessageId})
			}
		}
		return resp, nil
	}
}

// Safe calls h, turning a panic into an error so that one record never crashes the batch.
func Safe(ctx context.Context, h Handler, m Message) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic handling message %s: %v\n%s", m.ID, p, debug.Stack())
		}
	}()
	ctx = logging.WithFields(ctx, logging.Fields{RequestID: m.ID})
	return h(ctx, m)
}

// FromSQS converts an SQS record from a Lambda event.
func FromSQS(rec events.SQSMessage) Message {
	attrs := make(map[string]string, len(rec.MessageAttributes))
	for k, v := range rec.MessageAttributes {
		if v.StringValue != nil {
			attrs[k] = *v.StringValue
		}
	}
	n, _ := strconv.Atoi(rec.Attributes["ApproximateReceiveCount"])
	return Message{ID: rec.MessageId, Body: rec.Body, Attributes: attrs, ReceiveCount: n}
}
