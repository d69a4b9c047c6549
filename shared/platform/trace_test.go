package platform_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"go.opentelemetry.io/otel/trace"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/lambdasqs"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/telemetry"
	"github.com/propertypro/propertypro/shared/testkit"
)

// sqsStandIn keeps what was sent as SQS would deliver it to Lambda: string message attributes.
type sqsStandIn struct{ records []events.SQSMessage }

func (s *sqsStandIn) Send(_ context.Context, _, body string, attrs map[string]string) (string, error) {
	rec := events.SQSMessage{MessageId: "m-1", Body: body, Attributes: map[string]string{"ApproximateReceiveCount": "1"},
		MessageAttributes: map[string]events.SQSMessageAttribute{}}
	for k, v := range attrs {
		rec.MessageAttributes[k] = events.SQSMessageAttribute{StringValue: &v, DataType: "String"}
	}
	s.records = append(s.records, rec)
	return rec.MessageId, nil
}

// In Lambda, a message an API call sends through SQS is consumed under the same trace: the
// traced sender writes the context into the message attributes and the task's consumer span
// continues it from the SQS event.
func TestSQSAttributesCarryTheTrace(t *testing.T) {
	shutdown, err := telemetry.Setup(context.Background(), telemetry.Settings{Service: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer shutdown(context.Background())
	sqs := &sqsStandIn{}
	apiCtx, apiSpan := telemetry.Tracer().Start(context.Background(), "POST /v1/probe")
	if _, err := telemetry.Sender(sqs).Send(apiCtx, "probe", `{}`, nil); err != nil {
		t.Fatal(err)
	}
	apiSpan.End()

	fn := functions.Function{Name: "task-probe", Queue: "probe", Timeout: time.Second, MemoryMB: 128}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var worker trace.SpanContext
	h := platform.Instrument(&platform.Boot{Fn: fn, Log: log}, platform.Handler{Task: func(ctx context.Context, _ lambdasqs.Message) error {
		worker = trace.SpanContextFromContext(ctx)
		return nil
	}})
	payload, _ := json.Marshal(events.SQSEvent{Records: sqs.records})
	if _, err := h.Invoke(context.Background(), fn, log, payload); err != nil {
		t.Fatal(err)
	}
	if !worker.IsValid() || worker.TraceID() != apiSpan.SpanContext().TraceID() {
		t.Fatalf("worker trace %s, API trace %s", worker.TraceID(), apiSpan.SpanContext().TraceID())
	}
}

// In AWS an object-created event names the deployed bucket (pp-prod-documents) while the
// upload's trace was recorded under the manifest's name (documents): the task still continues
// the upload's trace.
func TestS3EventContinuesTheUploadTraceInAWS(t *testing.T) {
	shutdown, err := telemetry.Setup(context.Background(), telemetry.Settings{Service: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer shutdown(context.Background())
	db := testkit.DB(t)
	upCtx, upSpan := telemetry.Tracer().Start(context.Background(), "POST /v1/documents")
	key := "b1/d1/price list+2025.pdf"
	if err := postgres.RecordObjectTrace(upCtx, db, functions.BucketDocuments, key, telemetry.Inject(upCtx, nil)); err != nil {
		t.Fatal(err)
	}
	upSpan.End()

	fn := functions.Function{Name: "task-probe", Queue: "probe", Timeout: time.Second, MemoryMB: 128,
		Source: &functions.S3Source{Bucket: functions.BucketDocuments}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var worker trace.SpanContext
	h := platform.Instrument(&platform.Boot{Fn: fn, Log: log, DB: db}, platform.Handler{Task: func(ctx context.Context, _ lambdasqs.Message) error {
		worker = trace.SpanContextFromContext(ctx)
		return nil
	}})
	var s3 events.S3Event
	s3.Records = append(s3.Records, events.S3EventRecord{EventName: "ObjectCreated:Put", S3: events.S3Entity{
		Bucket: events.S3Bucket{Name: "pp-prod-documents"}, Object: events.S3Object{Key: "b1/d1/price+list%2B2025.pdf"}}})
	body, _ := json.Marshal(s3)
	payload, _ := json.Marshal(events.SQSEvent{Records: []events.SQSMessage{{MessageId: "m-1", Body: string(body),
		Attributes: map[string]string{"ApproximateReceiveCount": "1"}}}})
	if _, err := h.Invoke(context.Background(), fn, log, payload); err != nil {
		t.Fatal(err)
	}
	if !worker.IsValid() || worker.TraceID() != upSpan.SpanContext().TraceID() {
		t.Fatalf("worker trace %s, upload trace %s", worker.TraceID(), upSpan.SpanContext().TraceID())
	}
}
