package awsx_test

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/propertypro/propertypro/shared/awsx"
)

func TestQueuesSendReceiveDelete(t *testing.T) {
	cfg := emulator(t)
	queue := unique("sqs")
	provisioned(t, cfg, nil, []string{queue}, 30*time.Second)
	qs := awsx.NewQueues(cfg, nil)

	cases := []struct {
		name  string
		body  string
		attrs map[string]string
	}{
		{"plain body", `{"lead_id":"L-1001"}`, nil},
		{"with attributes", `{"file":"drops/q1.csv"}`, map[string]string{"brokerage_id": "B-7", "trace": "abc"}},
		{"arabic body", `{"note":"شقة في دبي مارينا"}`, map[string]string{"lang": "ar"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := ctxFor(t)
			id, err := qs.Send(ctx, queue, tc.body, tc.attrs)
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			m := receiveOne(t, qs, queue)
			if m.ID != id || m.Body != tc.body || m.ReceiveCount() != 1 {
				t.Errorf("received %+v, want ID %s, body %s, receive count 1", m, id, tc.body)
			}
			if diff := cmp.Diff(tc.attrs, m.MessageAttributes, emptyIsNil); diff != "" {
				t.Errorf("message attributes (-sent +received):\n%s", diff)
			}
			assertDepth(t, qs, queue, 0, 1)
			if err := qs.Delete(ctx, queue, m.ReceiptHandle); err != nil {
				t.Fatalf("Delete: %v", err)
			}
			assertDepth(t, qs, queue, 0, 0)
		})
	}
}

// emptyIsNil treats a nil and an empty attribute map as equal: SQS does not tell them apart.
var emptyIsNil = cmp.FilterValues(func(a, b map[string]string) bool { return len(a) == 0 && len(b) == 0 }, cmp.Ignore())

func TestQueuesChangeVisibility(t *testing.T) {
	cfg := emulator(t)
	queue := unique("vis")
	provisioned(t, cfg, nil, []string{queue}, 30*time.Second)
	qs := awsx.NewQueues(cfg, nil)
	ctx := ctxFor(t)
	if _, err := qs.Send(ctx, queue, "again", nil); err != nil {
		t.Fatal(err)
	}

	first := receiveOne(t, qs, queue)
	if err := qs.ChangeVisibility(ctx, queue, first.ReceiptHandle, 0); err != nil {
		t.Fatalf("ChangeVisibility: %v", err)
	}
	second := receiveOne(t, qs, queue)
	if second.ID != first.ID || second.ReceiveCount() != 2 {
		t.Errorf("after handing back: got %s (count %d), want %s (count 2)", second.ID, second.ReceiveCount(), first.ID)
	}
}

func TestQueuesURLs(t *testing.T) {
	cfg := emulator(t)
	queue := unique("urls")
	provisioned(t, cfg, nil, []string{queue}, 30*time.Second)
	url, err := awsx.NewQueues(cfg, nil).URL(ctxFor(t), queue)
	if err != nil {
		t.Fatalf("URL: %v", err)
	}

	cases := []struct {
		name    string
		urls    map[string]string
		queue   string
		wantErr error
	}{
		{"looked up by name", nil, queue, nil},
		{"given by the environment's map", map[string]string{"ingest": url}, "ingest", nil},
		{"unknown queue", nil, queue + "-nope", awsx.ErrNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := awsx.NewQueues(cfg, tc.urls).Send(ctxFor(t), tc.queue, "hello", nil)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Send error = %v, want %v", err, tc.wantErr)
			}
		})
	}
}

func TestQueuesURLIsSafeForConcurrentFirstUse(t *testing.T) {
	cfg := emulator(t)
	queue := unique("conc")
	provisioned(t, cfg, nil, []string{queue}, 30*time.Second)
	qs := awsx.NewQueues(cfg, nil)

	var wg sync.WaitGroup
	urls := make([]string, 16)
	errs := make([]error, len(urls))
	for i := range urls {
		wg.Go(func() { urls[i], errs[i] = qs.URL(ctxFor(t), queue) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if urls[0] == "" || slices.ContainsFunc(urls, func(u string) bool { return u != urls[0] }) {
		t.Fatalf("URLs differ or are empty: %v", urls)
	}
}

func TestQueuesSendBatch(t *testing.T) {
	cfg := emulator(t)
	for _, count := range []int{1, awsx.MaxBatch, 23} {
		t.Run(fmt.Sprintf("%d messages", count), func(t *testing.T) {
			queue := unique("batch")
			provisioned(t, cfg, nil, []string{queue}, 30*time.Second)
			qs := awsx.NewQueues(cfg, nil)
			msgs := outgoing(count, nil)
			for i := range msgs {
				msgs[i].Attributes = map[string]string{"n": fmt.Sprint(i)}
			}
			res, err := qs.SendBatch(ctxFor(t), queue, msgs)
			if err != nil {
				t.Fatalf("SendBatch: %v", err)
			}
			assertBatch(t, res, count, nil)
			assertBodies(t, qs, queue, sentBodies(msgs, res))
		})
	}
}

// TestQueuesSendBatchReportsRefusedEntries uses a fake SQS because moto answers a batch with
// refused entries in a form the SDK cannot decode (SenderFault as a string).
func TestQueuesSendBatchReportsRefusedEntries(t *testing.T) {
	cases := []struct {
		name      string
		count     int
		refuse    []int // indexes given an impossible delay, which SQS refuses per entry
		wantCalls int
	}{
		{"one refused in one batch", 4, []int{2}, 1},
		{"refused across batches keep their index", 23, []int{3, 11, 22}, 3},
		{"all refused", 2, []int{0, 1}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake := &fakeSQS{}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			cfg, err := awsx.Config(ctxFor(t), awsx.Settings{Region: testRegion, Endpoint: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			qs := awsx.NewQueues(cfg, map[string]string{"ingest": srv.URL + "/000000000000/ingest"})
			res, err := qs.SendBatch(ctxFor(t), "ingest", outgoing(tc.count, tc.refuse))
			if err != nil {
				t.Fatalf("SendBatch: %v", err)
			}
			assertBatch(t, res, tc.count, tc.refuse)
			if fake.calls != tc.wantCalls || fake.largest > awsx.MaxBatch {
				t.Errorf("%d calls of up to %d entries, want %d calls of up to %d", fake.calls, fake.largest, tc.wantCalls, awsx.MaxBatch)
			}
		})
	}
}

// outgoing makes count messages, giving those at refuse a delay SQS does not allow.
func outgoing(count int, refuse []int) []awsx.Outgoing {
	msgs := make([]awsx.Outgoing, count)
	for i := range msgs {
		msgs[i] = awsx.Outgoing{Body: fmt.Sprintf("msg-%02d", i)}
		if slices.Contains(refuse, i) {
			msgs[i].Delay = time.Hour
		}
	}
	return msgs
}

// fakeSQS answers SendMessageBatch in SQS's JSON protocol, refusing entries delayed beyond
// SQS's 15 minutes, as real SQS does.
type fakeSQS struct {
	mu             sync.Mutex
	calls, largest int
}

func (f *fakeSQS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Entries []struct {
			ID           string `json:"Id"`
			MessageBody  string
			DelaySeconds int
		}
	}
	if r.Header.Get("X-Amz-Target") != "AmazonSQS.SendMessageBatch" || json.NewDecoder(r.Body).Decode(&in) != nil {
		http.Error(w, `{"__type":"InvalidAction"}`, http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.calls, f.largest = f.calls+1, max(f.largest, len(in.Entries))
	f.mu.Unlock()
	out := map[string][]map[string]any{"Successful": {}, "Failed": {}}
	for _, e := range in.Entries {
		if e.DelaySeconds > 900 {
			out["Failed"] = append(out["Failed"], map[string]any{
				"Id": e.ID, "Code": "InvalidParameterValue", "Message": "DelaySeconds is invalid", "SenderFault": true,
			})
			continue
		}
		sum := md5.Sum([]byte(e.MessageBody))
		out["Successful"] = append(out["Successful"], map[string]any{
			"Id": e.ID, "MessageId": "m-" + e.ID, "MD5OfMessageBody": hex.EncodeToString(sum[:]),
		})
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	_ = json.NewEncoder(w).Encode(out)
}

func assertBatch(t *testing.T, res awsx.BatchResult, count int, wantFailed []int) {
	t.Helper()
	var failed []int
	for _, f := range res.Failed {
		failed = append(failed, f.Index)
		if f.Code == "" || res.IDs[f.Index] != "" {
			t.Errorf("failure %+v: want a code and no ID", f)
		}
	}
	slices.Sort(failed)
	if !slices.Equal(failed, wantFailed) {
		t.Errorf("failed indexes = %v, want %v", failed, wantFailed)
	}
	if len(res.IDs) != count {
		t.Fatalf("%d IDs, want %d", len(res.IDs), count)
	}
}

func sentBodies(msgs []awsx.Outgoing, res awsx.BatchResult) []string {
	var bodies []string
	for i, m := range msgs {
		if res.IDs[i] != "" {
			bodies = append(bodies, m.Body)
		}
	}
	return bodies
}

// assertBodies drains the queue and compares what arrived with want, in any order.
func assertBodies(t *testing.T, qs *awsx.Queues, queue string, want []string) {
	t.Helper()
	var got []string
	for range 20 {
		msgs, err := qs.Receive(ctxFor(t), queue, awsx.MaxBatch, 0, 30*time.Second)
		if err != nil {
			t.Fatalf("Receive: %v", err)
		}
		if len(msgs) == 0 && len(got) >= len(want) {
			break
		}
		for _, m := range msgs {
			got = append(got, m.Body)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("bodies received (-sent +received):\n%s", diff)
	}
}

// receiveOne long-polls until one message arrives, because delivery is not instant on
// every emulator.
func receiveOne(t *testing.T, qs *awsx.Queues, queue string) awsx.Message {
	t.Helper()
	msgs, err := qs.Receive(ctxFor(t), queue, 1, 5*time.Second, 30*time.Second)
	if err != nil {
		t.Fatalf("Receive: %v", err)
	}
	if len(msgs) != 1 {
		t.Fatalf("Receive got %d messages, want 1", len(msgs))
	}
	return msgs[0]
}

func assertDepth(t *testing.T, qs *awsx.Queues, queue string, visible, inFlight int) {
	t.Helper()
	v, f, err := qs.Depth(ctxFor(t), queue)
	if err != nil {
		t.Fatalf("Depth: %v", err)
	}
	if v != visible || f != inFlight {
		t.Errorf("%s depth = (%d visible, %d in flight), want (%d, %d)", queue, v, f, visible, inFlight)
	}
}
