package queue

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Local is the durable in-database queue used by the local platform.
type Local struct {
	db     *pgxpool.Pool
	notify chan struct{}
}

// NewLocal returns a queue over the queue_messages table.
func NewLocal(db *pgxpool.Pool) *Local {
	return &Local{db: db, notify: make(chan struct{}, 1)}
}

// Send enqueues a message, visible at once.
func (q *Local) Send(ctx context.Context, queue, body string, attrs map[string]string) (string, error) {
	if attrs == nil {
		attrs = map[string]string{}
	}
	js, err := json.Marshal(attrs)
	if err != nil {
		return "", err
	}
	var id int64
	err = q.db.QueryRow(ctx,
		"INSERT INTO queue_messages (queue, body, attributes) VALUES ($1, $2, $3::jsonb) RETURNING id",
		queue, body, string(js)).Scan(&id)
	if err != nil {
		return "", err
	}
	select {
	case q.notify <- struct{}{}:
	default:
	}
	return strconv.FormatInt(id, 10), nil
}

// SendMany enqueues msgs in one statement, visible at once.
func (q *Local) SendMany(ctx context.Context, queue string, msgs []Outgoing) error {
	if len(msgs) == 0 {
		return nil
	}
	bodies, attrs := make([]string, len(msgs)), make([]string, len(msgs))
	for i, m := range msgs {
		if m.Attributes == nil {
			m.Attributes = map[string]string{}
		}
		js, err := json.Marshal(m.Attributes)
		if err != nil {
			return err
		}
		bodies[i], attrs[i] = m.Body, string(js)
	}
	_, err := q.db.Exec(ctx, `INSERT INTO queue_messages (queue, body, attributes)
		SELECT $1, b, a::jsonb FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS m(b, a, n) ORDER BY n`,
		queue, bodies, attrs)
	if err != nil {
		return err
	}
	select {
	case q.notify <- struct{}{}:
	default:
	}
	return nil
}

// Sent returns a channel that receives a signal after each Send, so consumers wake at once
// instead of waiting for their next poll.
func (q *Local) Sent() <-chan struct{} { return q.notify }

// Receive takes up to n visible messages and hides them for visibility. Concurrent
// receivers never get the same message (SKIP LOCKED).
func (q *Local) Receive(ctx context.Context, queue string, n int, visibility time.Duration) ([]Message, error) {
	rows, err := q.db.Query(ctx, `
		UPDATE queue_messages SET receive_count = receive_count + 1,
		       visible_at = now() + make_interval(secs => $3)
		WHERE id IN (SELECT id FROM queue_messages
		             WHERE queue = $1 AND NOT dead AND visible_at <= now()
		             ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
		RETURNING id, body, attributes, receive_count, last_error, sent_at`,
		queue, n, visibility.Seconds())
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanMessage)
}

// Delete removes processed messages, all in one statement as SQS's DeleteMessageBatch does
// for a Lambda batch: one commit per batch rather than per message.
func (q *Local) Delete(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := q.db.Exec(ctx, "DELETE FROM queue_messages WHERE id = ANY($1::bigint[])", ids)
	return err
}

// Fail records a failed delivery: the message becomes visible again after retryAfter, or is
// dead-lettered once it has been received MaxReceives times.
func (q *Local) Fail(ctx context.Context, id string, cause error, retryAfter time.Duration) (dead bool, err error) {
	err = q.db.QueryRow(ctx, `
		UPDATE queue_messages SET last_error = left($2, 2000),
		       dead = receive_count >= $3,
		       visible_at = now() + make_interval(secs => $4)
		WHERE id = $1 RETURNING dead`, id, cause.Error(), MaxReceives, retryAfter.Seconds()).Scan(&dead)
	return dead, err
}

// Depth counts visible and in-flight (received, not yet visible again) messages.
func (q *Local) Depth(ctx context.Context, queue string) (visible, inFlight int, err error) {
	err = q.db.QueryRow(ctx, `
		SELECT count(*) FILTER (WHERE visible_at <= now()), count(*) FILTER (WHERE visible_at > now())
		FROM queue_messages WHERE queue = $1 AND NOT dead`, queue).Scan(&visible, &inFlight)
	return visible, inFlight, err
}

// DeadLetters lists a queue's dead-lettered messages, oldest first.
func (q *Local) DeadLetters(ctx context.Context, queue string, limit int) ([]Message, error) {
	rows, err := q.db.Query(ctx, `
		SELECT id, body, attributes, receive_count, last_error, sent_at FROM queue_messages
		WHERE queue = $1 AND dead ORDER BY id LIMIT $2`, queue, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanMessage)
}

// Redrive returns a queue's dead letters to it with a fresh receive count.
func (q *Local) Redrive(ctx context.Context, queue string) (int, error) {
	tag, err := q.db.Exec(ctx, `UPDATE queue_messages SET dead = false, receive_count = 0,
		visible_at = now() WHERE queue = $1 AND dead`, queue)
	return int(tag.RowsAffected()), err
}

func scanMessage(row pgx.CollectableRow) (Message, error) {
	var m Message
	var id int64
	var attrs []byte
	err := row.Scan(&id, &m.Body, &attrs, &m.ReceiveCount, &m.LastError, &m.SentAt)
	m.ID = strconv.FormatInt(id, 10)
	m.Receipt = m.ID
	if err == nil {
		err = json.Unmarshal(attrs, &m.Attributes)
	}
	return m, err
}
