package awsx

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/queue"
)

// MaxBatch is the most messages SQS takes or gives in one call.
const MaxBatch = 10

// maxWait is SQS's longest long poll.
const maxWait = 20 * time.Second

// Message is one message received from a queue.
type Message struct {
	ID string
	// ReceiptHandle identifies this receipt (not the message) to Delete and ChangeVisibility.
	ReceiptHandle string
	Body          string
	// Attributes are SQS's system attributes, e.g. ApproximateReceiveCount, SentTimestamp.
	Attributes map[string]string
	// MessageAttributes are the sender's string attributes.
	MessageAttributes map[string]string
}

// ReceiveCount is how many times the message has been received, this time included; 0 when
// SQS did not say.
func (m Message) ReceiveCount() int {
	n, _ := strconv.Atoi(m.Attributes[string(types.MessageSystemAttributeNameApproximateReceiveCount)])
	return n
}

// Outgoing is one message for SendBatch.
type Outgoing struct {
	Body       string
	Attributes map[string]string
	// Delay hides the message for this long after sending (whole seconds, at most 15 minutes).
	Delay time.Duration
}

// BatchResult says what happened to each message given to SendBatch.
type BatchResult struct {
	// IDs holds, at each message's index, the ID SQS gave it, or "" if it was not sent.
	IDs []string
	// Failed lists the messages SQS refused; the others were sent.
	Failed []BatchFailure
}

// BatchFailure is one message SQS refused in a batch.
type BatchFailure struct {
	Index int // position in the slice given to SendBatch
	Code  string
	// Message is SQS's explanation.
	Message string
	// SenderFault is true when resending the same message cannot succeed.
	SenderFault bool
}

// Queues sends to and receives from SQS queues addressed by name.
type Queues struct {
	client *sqs.Client
	mu     sync.Mutex
	urls   map[string]*queueURL
}

// queueURL lets concurrent first uses of one queue share one GetQueueUrl call without
// holding up callers of other queues.
type queueURL struct {
	mu  sync.Mutex
	url string
}

// NewQueues returns queues over cfg. urls maps queue names to URLs (see NamesFromEnv with
// QueueURLEnvPrefix); any other queue's URL is looked up once by name and remembered.
func NewQueues(cfg aws.Config, urls map[string]string) *Queues {
	q := &Queues{client: sqs.NewFromConfig(cfg), urls: make(map[string]*queueURL, len(urls))}
	for name, u := range urls {
		q.urls[name] = &queueURL{url: u}
	}
	return q
}

// URL returns the queue's URL, asking SQS only the first time.
func (q *Queues) URL(ctx context.Context, queue string) (string, error) {
	q.mu.Lock()
	e, ok := q.urls[queue]
	if !ok {
		e = &queueURL{}
		q.urls[queue] = e
	}
	q.mu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	if e.url != "" {
		return e.url, nil
	}
	out, err := q.client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(queue)})
	if err != nil {
		return "", queueErr("resolve", queue, err)
	}
	e.url = aws.ToString(out.QueueUrl)
	return e.url, nil
}

// Send puts one message on the queue with string attributes and returns its ID.
func (q *Queues) Send(ctx context.Context, queue, body string, attrs map[string]string) (string, error) {
	url, err := q.URL(ctx, queue)
	if err != nil {
		return "", err
	}
	out, err := q.client.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl: aws.String(url), MessageBody: aws.String(body), MessageAttributes: toAttributes(attrs),
	})
	if err != nil {
		return "", queueErr("send to", queue, err)
	}
	return aws.ToString(out.MessageId), nil
}

// SendBatch sends any number of messages, MaxBatch per call. A refused message is reported in
// the result and does not stop the others; the error is for a call that failed as a whole,
// in which case the result still tells what was sent before it.
func (q *Queues) SendBatch(ctx context.Context, queue string, msgs []Outgoing) (BatchResult, error) {
	res := BatchResult{IDs: make([]string, len(msgs))}
	if len(msgs) == 0 {
		return res, nil // nothing to send: no need to reach SQS (a quiet sweep stays offline)
	}
	url, err := q.URL(ctx, queue)
	if err != nil {
		return res, err
	}
	for start := 0; start < len(msgs); start += MaxBatch {
		end := min(start+MaxBatch, len(msgs))
		if err := q.sendChunk(ctx, url, msgs[start:end], start, &res); err != nil {
			return res, queueErr("send batch to", queue, err)
		}
	}
	return res, nil
}

// SendMany implements queue.BatchSender over SendBatch: any refused message fails the call,
// naming the first refusal (what was accepted stays sent; consumers are idempotent).
func (q *Queues) SendMany(ctx context.Context, name string, msgs []queue.Outgoing) error {
	out := make([]Outgoing, len(msgs))
	for i, m := range msgs {
		out[i] = Outgoing{Body: m.Body, Attributes: m.Attributes}
	}
	res, err := q.SendBatch(ctx, name, out)
	if err == nil && len(res.Failed) > 0 {
		f := res.Failed[0]
		err = apperr.New(apperr.Unavailable, "send batch to queue %s: %d of %d messages refused, first %s: %s",
			name, len(res.Failed), len(msgs), f.Code, f.Message)
	}
	return err
}

// sendChunk uses each entry's overall index as its batch ID, which maps SQS's answers back.
func (q *Queues) sendChunk(ctx context.Context, url string, msgs []Outgoing, offset int, res *BatchResult) error {
	entries := make([]types.SendMessageBatchRequestEntry, len(msgs))
	for i, m := range msgs {
		entries[i] = types.SendMessageBatchRequestEntry{
			Id: aws.String(strconv.Itoa(offset + i)), MessageBody: aws.String(m.Body),
			MessageAttributes: toAttributes(m.Attributes), DelaySeconds: int32(m.Delay / time.Second),
		}
	}
	out, err := q.client.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: entries})
	if err != nil {
		return err
	}
	for _, ok := range out.Successful {
		i, _ := strconv.Atoi(aws.ToString(ok.Id))
		res.IDs[i] = aws.ToString(ok.MessageId)
	}
	for _, f := range out.Failed {
		i, _ := strconv.Atoi(aws.ToString(f.Id))
		res.Failed = append(res.Failed, BatchFailure{
			Index: i, Code: aws.ToString(f.Code), Message: aws.ToString(f.Message), SenderFault: f.SenderFault,
		})
	}
	return nil
}

// Receive takes up to n messages (at most MaxBatch), long-polling for up to wait (at most
// SQS's 20 seconds) and hiding them from other consumers for visibility; a zero visibility
// keeps the queue's own timeout.
func (q *Queues) Receive(ctx context.Context, queue string, n int, wait, visibility time.Duration) ([]Message, error) {
	url, err := q.URL(ctx, queue)
	if err != nil {
		return nil, err
	}
	in := &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(url), MaxNumberOfMessages: int32(min(max(n, 1), MaxBatch)),
		WaitTimeSeconds:             int32(min(wait, maxWait) / time.Second),
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
		MessageAttributeNames:       []string{"All"},
	}
	if visibility > 0 {
		in.VisibilityTimeout = int32(visibility / time.Second)
	}
	out, err := q.client.ReceiveMessage(ctx, in)
	if err != nil {
		return nil, queueErr("receive from", queue, err)
	}
	msgs := make([]Message, len(out.Messages))
	for i, m := range out.Messages {
		msgs[i] = fromSQS(m)
	}
	return msgs, nil
}

// Delete removes a received message for good: the consumer is done with it.
func (q *Queues) Delete(ctx context.Context, queue, receiptHandle string) error {
	url, err := q.URL(ctx, queue)
	if err != nil {
		return err
	}
	_, err = q.client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: aws.String(receiptHandle)})
	if err != nil {
		return queueErr("delete from", queue, err)
	}
	return nil
}

// ChangeVisibility hides a received message for timeout from now: longer to keep working on
// it, zero to give it back to the queue at once.
func (q *Queues) ChangeVisibility(ctx context.Context, queue, receiptHandle string, timeout time.Duration) error {
	url, err := q.URL(ctx, queue)
	if err != nil {
		return err
	}
	_, err = q.client.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
		QueueUrl: aws.String(url), ReceiptHandle: aws.String(receiptHandle), VisibilityTimeout: int32(timeout / time.Second),
	})
	if err != nil {
		return queueErr("change visibility in", queue, err)
	}
	return nil
}

// Depth reports the approximate number of messages waiting (visible) and being worked on
// (in flight) in the queue.
func (q *Queues) Depth(ctx context.Context, queue string) (visible, inFlight int, err error) {
	url, err := q.URL(ctx, queue)
	if err != nil {
		return 0, 0, err
	}
	out, err := q.client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{
			types.QueueAttributeNameApproximateNumberOfMessages, types.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
		},
	})
	if err != nil {
		return 0, 0, queueErr("read depth of", queue, err)
	}
	visible, _ = strconv.Atoi(out.Attributes[string(types.QueueAttributeNameApproximateNumberOfMessages)])
	inFlight, _ = strconv.Atoi(out.Attributes[string(types.QueueAttributeNameApproximateNumberOfMessagesNotVisible)])
	return visible, inFlight, nil
}

func toAttributes(attrs map[string]string) map[string]types.MessageAttributeValue {
	if len(attrs) == 0 {
		return nil
	}
	m := make(map[string]types.MessageAttributeValue, len(attrs))
	for k, v := range attrs {
		m[k] = types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
	}
	return m
}

func fromSQS(m types.Message) Message {
	msg := Message{
		ID: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle), Body: aws.ToString(m.Body),
		Attributes: m.Attributes, MessageAttributes: make(map[string]string, len(m.MessageAttributes)),
	}
	for k, v := range m.MessageAttributes {
		msg.MessageAttributes[k] = aws.ToString(v.StringValue)
	}
	return msg
}

// queueErr names the queue and marks a missing one with ErrNotFound.
func queueErr(op, queue string, err error) error {
	if hasCode(err, "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue") {
		return fmt.Errorf("%s queue %s: %w: %w", op, queue, ErrNotFound, err)
	}
	return fmt.Errorf("%s queue %s: %w", op, queue, err)
}
