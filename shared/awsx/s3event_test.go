package awsx_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/propertypro/propertypro/shared/awsx"
)

// record is an S3 notification as AWS documents it, with the object's key and eTag filled in.
func record(key, etag, eventTime string) string {
	return `{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"me-central-1",
		"eventTime":"` + eventTime + `","eventName":"ObjectCreated:Put",
		"s3":{"s3SchemaVersion":"1.0","configurationId":"drops",
		"bucket":{"name":"pp-prod-data-drops","arn":"arn:aws:s3:::pp-prod-data-drops"},
		"object":{"key":"` + key + `","size":2048,"eTag":"` + etag + `","sequencer":"0A1B2C3D4E5F678901"}}}]}`
}

func TestDecodeS3Event(t *testing.T) {
	at := time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)
	drop := func(key string) []awsx.ObjectEvent {
		return []awsx.ObjectEvent{{Name: "ObjectCreated:Put", Bucket: "pp-prod-data-drops", Key: key, Size: 2048, ETag: "d41d8cd98f00b204e9800998ecf8427e", Time: at}}
	}
	cases := []struct {
		name    string
		body    string
		want    []awsx.ObjectEvent
		wantErr bool
	}{
		{"plain key", record("drops/deals.csv", "d41d8cd98f00b204e9800998ecf8427e", "2025-03-01T09:30:00.000Z"), drop("drops/deals.csv"), false},
		{"spaces arrive as plus", record("drops/Q1+2025+deals.csv", "d41d8cd98f00b204e9800998ecf8427e", "2025-03-01T09:30:00.000Z"), drop("drops/Q1 2025 deals.csv"), false},
		{"plus and non-ASCII arrive percent-encoded", record("drops/a%2Bb+%D8%AF%D8%A8%D9%8A.csv", "d41d8cd98f00b204e9800998ecf8427e", "2025-03-01T09:30:00.000Z"), drop("drops/a+b دبي.csv"), false},
		{"quoted etag", record("drops/deals.csv", `\"d41d8cd98f00b204e9800998ecf8427e\"`, "2025-03-01T09:30:00.000Z"), drop("drops/deals.csv"), false},
		{"emulator time without zone", record("drops/deals.csv", "d41d8cd98f00b204e9800998ecf8427e", "2025-03-01T09:30:00.000000"), drop("drops/deals.csv"), false},
		{"S3 test event is ignored", `{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2025-03-01T09:30:00.000Z","Bucket":"pp-prod-data-drops","RequestId":"5582815E1AEA5ADF","HostId":"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE"}`, nil, false},
		{"not JSON", `ingest drops/deals.csv`, nil, true},
		{"JSON but not a notification", `{"lead_id":"L-1"}`, nil, true},
		{"record without a key", record("", "x", "2025-03-01T09:30:00Z"), nil, true},
		{"broken percent-encoding", record("drops/100%.csv", "x", "2025-03-01T09:30:00Z"), nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := awsx.DecodeS3Event(tc.body)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error = %v, want error: %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

// TestS3NotificationsThroughSQS wires a bucket's notifications to a queue in the emulator and
// decodes what really arrives: first S3's test event, then one message per upload.
func TestS3NotificationsThroughSQS(t *testing.T) {
	cfg := emulator(t)
	bucket, queue := unique("notify"), unique("notify-q")
	provisioned(t, cfg, []string{bucket}, []string{queue}, 30*time.Second)
	qs := awsx.NewQueues(cfg, nil)
	store := awsx.NewObjectStore(cfg, nil)
	notifyQueue(t, cfg, bucket, queueAttributes(t, cfg, queue)["QueueArn"])

	t.Run("test event decodes to nothing", func(t *testing.T) {
		m := receiveOne(t, qs, queue)
		events, err := awsx.DecodeS3Event(m.Body)
		if err != nil || len(events) != 0 {
			t.Fatalf("DecodeS3Event(%s) = %v, %v; want nothing", m.Body, events, err)
		}
		_ = qs.Delete(ctxFor(t), queue, m.ReceiptHandle)
	})
	for _, key := range []string{"drops/deals.csv", "drops/Q1 2025 deals+extra.csv", "drops/مارينا/listings.json"} {
		t.Run(key, func(t *testing.T) {
			put, err := store.Put(ctxFor(t), bucket, key, strings.NewReader("id,price\n1,2500000\n"), "text/csv")
			if err != nil {
				t.Fatal(err)
			}
			m := receiveOne(t, qs, queue)
			events, err := awsx.DecodeS3Event(m.Body)
			if err != nil || len(events) != 1 {
				t.Fatalf("DecodeS3Event(%s) = %v, %v; want one event", m.Body, events, err)
			}
			got := events[0]
			if got.Bucket != bucket || got.Key != key || got.Size != put.Size || got.ETag != put.ETag || !strings.HasPrefix(got.Name, "ObjectCreated:") {
				t.Errorf("event = %+v, want bucket %s, key %q, size %d, etag %s", got, bucket, key, put.Size, put.ETag)
			}
			_ = qs.Delete(ctxFor(t), queue, m.ReceiptHandle)
		})
	}
}

func notifyQueue(t *testing.T, cfg aws.Config, bucket, queueARN string) {
	t.Helper()
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	_, err := c.PutBucketNotificationConfiguration(ctxFor(t), &s3.PutBucketNotificationConfigurationInput{
		Bucket: aws.String(bucket),
		NotificationConfiguration: &s3types.NotificationConfiguration{QueueConfigurations: []s3types.QueueConfiguration{{
			QueueArn: aws.String(queueARN), Events: []s3types.Event{s3types.EventS3ObjectCreated},
		}}},
	})
	if err != nil {
		t.Fatalf("PutBucketNotificationConfiguration: %v", err)
	}
}
