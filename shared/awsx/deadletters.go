package awsx

import (
	"context"
	"time"
)

// deadLetterHold hides the messages a listing or redrive has taken long enough that one pass
// never meets the same message twice.
const deadLetterHold = 30 * time.Second

// deadLetterWait long-polls the dead-letter queue because a short poll of real SQS samples only
// some servers and may answer "empty" while messages remain.
const deadLetterWait = time.Second

// DeadLetters works on the dead-letter queue ("<queue>-dlq") of one queue: the messages its
// consumer failed MaxReceiveCount times. The dead-letter queue is addressed by that name, so a
// deployment that maps queue URLs (QUEUE_URL_<NAME>) maps QUEUE_URL_<NAME>_DLQ too.
type DeadLetters struct {
	q     *Queues
	queue string
}

// DeadLetters returns the helpers for queue's dead-letter queue.
func (q *Queues) DeadLetters(queue string) DeadLetters { return DeadLetters{q: q, queue: queue} }

// Queue is the dead-letter queue's name.
func (d DeadLetters) Queue() string { return DeadLetterQueue(d.queue) }

// List returns up to n dead letters without removing them. Each is received and handed back
// at once, so its receive count in the dead-letter queue goes up, which is harmless there.
func (d DeadLetters) List(ctx context.Context, n int) ([]Message, error) {
	var seen []Message
	ids := map[string]bool{}
	defer func() { d.release(context.WithoutCancel(ctx), seen) }()
	for len(seen) < n {
		batch, err := d.q.Receive(ctx, d.Queue(), n-len(seen), deadLetterWait, deadLetterHold)
		if err != nil || len(batch) == 0 {
			return seen, err
		}
		for _, m := range batch {
			if !ids[m.ID] {
				ids[m.ID] = true
				seen = append(seen, m)
			}
		}
	}
	return seen, nil
}

// release makes listed messages visible again; a failure only delays them by deadLetterHold.
func (d DeadLetters) release(ctx context.Context, msgs []Message) {
	for _, m := range msgs {
		_ = d.q.ChangeVisibility(ctx, d.Queue(), m.ReceiptHandle, 0)
	}
}

// Redrive moves up to n dead letters back to the queue (n ≤ 0: as many as the dead-letter
// queue holds when it starts), keeping body and attributes. A message is deleted from the
// dead-letter queue only after it was sent, so a failure can duplicate but never lose one;
// consumers are idempotent.
func (d DeadLetters) Redrive(ctx context.Context, n int) (moved int, err error) {
	if n <= 0 {
		if n, _, err = d.q.Depth(ctx, d.Queue()); err != nil {
			return 0, err
		}
	}
	for moved < n {
		batch, err := d.q.Receive(ctx, d.Queue(), n-moved, deadLetterWait, deadLetterHold)
		if err != nil || len(batch) == 0 {
			return moved, err
		}
		for _, m := range batch {
			if err := d.move(ctx, m); err != nil {
				return moved, err
			}
			moved++
		}
	}
	return moved, nil
}

func (d DeadLetters) move(ctx context.Context, m Message) error {
	if _, err := d.q.Send(ctx, d.queue, m.Body, m.MessageAttributes); err != nil {
		return err
	}
	return d.q.Delete(ctx, d.Queue(), m.ReceiptHandle)
}
