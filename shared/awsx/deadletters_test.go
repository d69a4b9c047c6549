package awsx_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/propertypro/propertypro/shared/awsx"
)

func TestDeadLettersListAndRedrive(t *testing.T) {
	cfg := emulator(t)
	queue := unique("dlq")
	provisioned(t, cfg, nil, []string{queue}, 30*time.Second)
	qs := awsx.NewQueues(cfg, nil)
	dl := qs.DeadLetters(queue)
	attrs := map[string]string{"brokerage_id": "B-7"}
	if _, err := qs.Send(ctxFor(t), queue, "poison", attrs); err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"failing consumer sends it to the dead-letter queue", func(t *testing.T) {
			if got := failUntilDeadLettered(t, qs, queue); got != awsx.MaxReceiveCount {
				t.Errorf("received %d times before dead-lettering, want %d", got, awsx.MaxReceiveCount)
			}
			assertDepth(t, qs, queue, 0, 0)
			assertDepth(t, qs, dl.Queue(), 1, 0)
		}},
		{"listing shows it and leaves it there", func(t *testing.T) {
			for range 2 {
				msgs, err := dl.List(ctxFor(t), 10)
				if err != nil {
					t.Fatalf("List: %v", err)
				}
				if len(msgs) != 1 || msgs[0].Body != "poison" || !cmp.Equal(msgs[0].MessageAttributes, attrs) {
					t.Fatalf("List = %+v, want the poison message with its attributes", msgs)
				}
			}
			assertDepth(t, qs, dl.Queue(), 1, 0)
		}},
		{"redrive moves it back with its attributes", func(t *testing.T) {
			moved, err := dl.Redrive(ctxFor(t), 0)
			if err != nil || moved != 1 {
				t.Fatalf("Redrive = %d, %v; want 1, nil", moved, err)
			}
			assertDepth(t, qs, dl.Queue(), 0, 0)
			m := receiveOne(t, qs, queue)
			if m.Body != "poison" || !cmp.Equal(m.MessageAttributes, attrs) || m.ReceiveCount() != 1 {
				t.Errorf("redriven message = %+v, want the poison message, received once", m)
			}
		}},
		{"redrive of an empty dead-letter queue moves nothing", func(t *testing.T) {
			if moved, err := dl.Redrive(ctxFor(t), 5); err != nil || moved != 0 {
				t.Fatalf("Redrive = %d, %v; want 0, nil", moved, err)
			}
		}},
	}
	for _, step := range steps {
		if !t.Run(step.name, step.run) {
			break
		}
	}
}

// failUntilDeadLettered plays a consumer that never deletes: it receives the message and hands
// it straight back, until SQS stops delivering it. It returns the highest receive count seen.
func failUntilDeadLettered(t *testing.T, qs *awsx.Queues, queue string) int {
	t.Helper()
	highest := 0
	for range 3 * awsx.MaxReceiveCount {
		msgs, err := qs.Receive(ctxFor(t), queue, 1, time.Second, 30*time.Second)
		if err != nil {
			t.Fatalf("Receive: %v", err)
		}
		if len(msgs) == 0 {
			return highest
		}
		highest = max(highest, msgs[0].ReceiveCount())
		if err := qs.ChangeVisibility(ctxFor(t), queue, msgs[0].ReceiptHandle, 0); err != nil {
			t.Fatalf("ChangeVisibility: %v", err)
		}
	}
	t.Fatalf("message still delivered after %d receives", 3*awsx.MaxReceiveCount)
	return 0
}
