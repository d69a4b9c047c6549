package awsx_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/awsx"
	"github.com/propertypro/propertypro/shared/telemetry"
)

// Every AWS SDK call is a client span named for its service and operation, and a failed call
// is marked as an error.
func TestSDKCallsAreTraced(t *testing.T) {
	var printed bytes.Buffer
	shutdown, err := telemetry.Setup(context.Background(), telemetry.Settings{Service: "awsx-test", Exporter: "stdout", Writer: &printed})
	if err != nil {
		t.Fatal(err)
	}
	cfg := emulator(t)
	queue := unique("traced")
	provisioned(t, cfg, nil, []string{queue}, 30*time.Second)
	qs := awsx.NewQueues(cfg, nil)
	if _, err := qs.Send(ctxFor(t), queue, `{"ok":true}`, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := qs.Send(ctxFor(t), unique("missing"), `{}`, nil); err == nil {
		t.Fatal("sending to a queue that does not exist succeeded")
	}
	if err := shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := printed.String()
	for _, want := range []string{`"Name":"aws SQS.GetQueueUrl"`, `"Name":"aws SQS.SendMessage"`, `"Code":"Error"`} {
		if !strings.Contains(out, want) {
			t.Errorf("no %s among the printed spans:\n%.2000s", want, out)
		}
	}
}
