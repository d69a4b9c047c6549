package nurture

import (
	"context"
	"time"
)

// DueStore is the due finder's port to the database.
type DueStore interface {
	// Enroll enters leads that match an active sequence's entry rule and are not in it yet.
	Enroll(ctx context.Context, now time.Time) (int, error)
	// ClaimDue moves up to limit due enrollments' next steps into the outbox (once per
	// enrollment and step) and returns the outbox ids to send.
	ClaimDue(ctx context.Context, now time.Time, limit int) ([]string, error)
}

// Enqueuer announces outbox rows to the send queue, all at once where the queue allows.
type Enqueuer func(ctx context.Context, outboxIDs ...string) error

// DueBatch is how many due steps one claim moves into the outbox: large enough that a run
// over 10,000 due steps is a handful of statements, small enough that the ids held in memory
// and the rows one statement locks stay bounded.
const DueBatch = 5000

// RunDue is one firing of the due finder: enroll, then claim and enqueue due steps in
// batches. Firing twice claims nothing twice: a claimed enrollment is no longer due.
func RunDue(ctx context.Context, st DueStore, enqueue Enqueuer, now time.Time, batch int) (enrolled, queued int, err error) {
	if enrolled, err = st.Enroll(ctx, now); err != nil {
		return enrolled, 0, err
	}
	for {
		ids, err := st.ClaimDue(ctx, now, batch)
		if err != nil {
			return enrolled, queued, err
		}
		if len(ids) > 0 {
			if err := enqueue(ctx, ids...); err != nil {
				return enrolled, queued, err // the stuck-job sweeper re-announces what was not sent
			}
			queued += len(ids)
		}
		if len(ids) < batch {
			return enrolled, queued, nil
		}
	}
}
