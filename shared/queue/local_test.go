package queue_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/queue"
	"github.com/propertypro/propertypro/shared/testkit"
)

func TestLocalQueueSemantics(t *testing.T) {
	q := queue.NewLocal(testkit.DB(t))
	ctx := context.Background()
	id, err := q.Send(ctx, "work", "hello", map[string]string{"traceparent": "tp"})
	if err != nil {
		t.Fatal(err)
	}
	q.Send(ctx, "other", "not mine", nil)

	got, err := q.Receive(ctx, "work", 10, time.Hour)
	if err != nil || len(got) != 1 || got[0].ID != id || got[0].Attributes["traceparent"] != "tp" || got[0].ReceiveCount != 1 {
		t.Fatalf("receive = %+v, %v", got, err)
	}
	// Hidden while in flight.
	if again, _ := q.Receive(ctx, "work", 10, time.Hour); len(again) != 0 {
		t.Fatalf("in-flight message delivered twice: %+v", again)
	}
	if v, f, _ := q.Depth(ctx, "work"); v != 0 || f != 1 {
		t.Fatalf("depth = %d visible, %d in flight", v, f)
	}
	// Each failure makes it visible again, until MaxReceives dead-letters it.
	for i := 1; i <= queue.MaxReceives; i++ {
		dead, err := q.Fail(ctx, id, errors.New("boom"), 0)
		if err != nil || dead != (i == queue.MaxReceives) {
			t.Fatalf("fail %d: dead=%v err=%v", i, dead, err)
		}
		if !dead {
			if m, _ := q.Receive(ctx, "work", 1, time.Hour); len(m) != 1 {
				t.Fatalf("retry %d not delivered", i)
			}
		}
	}
	dl, _ := q.DeadLetters(ctx, "work", 10)
	if len(dl) != 1 || dl[0].LastError != "boom" {
		t.Fatalf("dead letters = %+v", dl)
	}
	if n, _ := q.Redrive(ctx, "work"); n != 1 {
		t.Fatalf("redrive moved %d", n)
	}
	m, _ := q.Receive(ctx, "work", 1, time.Hour)
	if len(m) != 1 || m[0].ReceiveCount != 1 {
		t.Fatalf("after redrive: %+v", m)
	}
	if err := q.Delete(ctx, m[0].ID); err != nil {
		t.Fatal(err)
	}
	if v, f, _ := q.Depth(ctx, "work"); v+f != 0 {
		t.Fatal("deleted message still counted")
	}
}

func TestConcurrentReceiversNeverShare(t *testing.T) {
	q := queue.NewLocal(testkit.DB(t))
	ctx := context.Background()
	for range 50 {
		if _, err := q.Send(ctx, "fan", "x", nil); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				ms, err := q.Receive(ctx, "fan", 3, time.Hour)
				if err != nil {
					t.Error(err)
					return
				}
				if len(ms) == 0 {
					return
				}
				mu.Lock()
				for _, m := range ms {
					if seen[m.ID] {
						t.Errorf("message %s delivered twice", m.ID)
					}
					seen[m.ID] = true
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != 50 {
		t.Fatalf("received %d of 50", len(seen))
	}
}

// A batch goes in as one statement, each message with its attributes; SendAll falls
// back to one Send per message for a sender without batches; Delete takes several ids.
func TestLocalSendMany(t *testing.T) {
	q := queue.NewLocal(testkit.DB(t))
	ctx := context.Background()
	msgs := []queue.Outgoing{{Body: "a", Attributes: map[string]string{"traceparent": "tp-a"}}, {Body: "b"}, {Body: "c"}}
	if err := queue.SendAll(ctx, q, "batch", msgs); err != nil {
		t.Fatal(err)
	}
	if err := queue.SendAll(ctx, onlySend{q}, "batch", []queue.Outgoing{{Body: "d"}}); err != nil {
		t.Fatal(err)
	}
	got, err := q.Receive(ctx, "batch", 10, time.Hour)
	if err != nil || len(got) != 4 {
		t.Fatalf("receive = %+v, %v", got, err)
	}
	byBody := map[string]queue.Message{} // like SQS, the queue promises no order
	for _, m := range got {
		byBody[m.Body] = m
	}
	if len(byBody) != 4 || byBody["a"].Attributes["traceparent"] != "tp-a" || len(byBody["b"].Attributes) != 0 {
		t.Fatalf("received %+v", got)
	}
	if err := q.Delete(ctx, got[0].ID, got[1].ID, got[2].ID, got[3].ID); err != nil {
		t.Fatal(err)
	}
	if v, f, _ := q.Depth(ctx, "batch"); v+f != 0 {
		t.Fatalf("left after deleting the batch: %d visible, %d in flight", v, f)
	}
}

// onlySend hides a queue's batch sending.
type onlySend struct{ s queue.Sender }

func (o onlySend) Send(ctx context.Context, q, body string, attrs map[string]string) (string, error) {
	return o.s.Send(ctx, q, body, attrs)
}
