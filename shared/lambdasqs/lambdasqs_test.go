package lambdasqs

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func TestPartialBatchFailures(t *testing.T) {
	seen := map[string]int{}
	h := func(ctx context.Context, m Message) error {
		seen[m.ID]++
		switch m.Body {
		case "fail":
			return errors.New("boom")
		case "panic":
			var p *Message
			_ = p.Body // nil dereference: must not take the batch down
		}
		if m.ID == "ok1" && (m.Attributes["traceparent"] != "tp" || m.ReceiveCount != 3) {
			t.Errorf("attributes lost: %+v", m)
		}
		return nil
	}
	tp := "tp"
	ev := events.SQSEvent{Records: []events.SQSMessage{
		{MessageId: "ok1", Body: "fine", Attributes: map[string]string{"ApproximateReceiveCount": "3"},
			MessageAttributes: map[string]events.SQSMessageAttribute{"traceparent": {StringValue: &tp, DataType: "String"}}},
		{MessageId: "bad", Body: "fail"},
		{MessageId: "crash", Body: "panic"},
		{MessageId: "ok2", Body: "fine"},
	}}
	resp, err := Batch(slog.New(slog.NewTextHandler(io.Discard, nil)), h)(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	for _, f := range resp.BatchItemFailures {
		failed = append(failed, f.ItemIdentifier)
	}
	if len(failed) != 2 || failed[0] != "bad" || failed[1] != "crash" {
		t.Fatalf("failures = %v, want [bad crash]", failed)
	}
	if len(seen) != 4 {
		t.Fatalf("every record must be tried once, got %v", seen)
	}
}
