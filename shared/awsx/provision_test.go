package awsx_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/propertypro/propertypro/shared/awsx"
)

func TestProvisionIsIdempotent(t *testing.T) {
	cfg := emulator(t)
	buckets := []string{unique("prov-a"), unique("prov-b")}
	queues := []string{unique("prov-q1"), unique("prov-q2")}

	// The steps share the same names on purpose: each run meets what the previous one left.
	steps := []struct {
		name       string
		visibility time.Duration
	}{
		{"first run creates", 30 * time.Second},
		{"second run with the same settings keeps", 30 * time.Second},
		{"third run with a new visibility updates", 90 * time.Second},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			provisioned(t, cfg, buckets, queues, step.visibility)
			for _, b := range buckets {
				assertBucket(t, cfg, b)
			}
			for _, q := range queues {
				assertQueue(t, cfg, q, step.visibility)
			}
		})
	}
}

func TestProvisionRejectsImpossibleVisibility(t *testing.T) {
	for _, v := range []time.Duration{-time.Second, 13 * time.Hour} {
		t.Run(v.String(), func(t *testing.T) {
			if err := awsx.Provision(context.Background(), aws.Config{}, nil, []string{"q"}, v); err == nil {
				t.Fatalf("Provision accepted visibility %s", v)
			}
		})
	}
}

func assertBucket(t *testing.T, cfg aws.Config, bucket string) {
	t.Helper()
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := c.HeadBucket(ctxFor(t), &s3.HeadBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Errorf("bucket %s: %v", bucket, err)
	}
}

// assertQueue checks the queue's visibility and that its redrive policy points at its own
// dead-letter queue with the house's receive count.
func assertQueue(t *testing.T, cfg aws.Config, queue string, visibility time.Duration) {
	t.Helper()
	attrs := queueAttributes(t, cfg, queue)
	if got, want := attrs["VisibilityTimeout"], strconv.Itoa(int(visibility.Seconds())); got != want {
		t.Errorf("%s VisibilityTimeout = %s, want %s", queue, got, want)
	}
	var policy struct {
		DeadLetterTargetArn string          `json:"deadLetterTargetArn"`
		MaxReceiveCount     json.RawMessage `json:"maxReceiveCount"`
	}
	if err := json.Unmarshal([]byte(attrs["RedrivePolicy"]), &policy); err != nil {
		t.Fatalf("%s RedrivePolicy %q: %v", queue, attrs["RedrivePolicy"], err)
	}
	dlqARN := queueAttributes(t, cfg, awsx.DeadLetterQueue(queue))["QueueArn"]
	if policy.DeadLetterTargetArn != dlqARN {
		t.Errorf("%s dead-letter target = %s, want %s", queue, policy.DeadLetterTargetArn, dlqARN)
	}
	if n, _ := strconv.Unquote(string(policy.MaxReceiveCount)); n != "5" && string(policy.MaxReceiveCount) != "5" {
		t.Errorf("%s maxReceiveCount = %s, want 5", queue, policy.MaxReceiveCount)
	}
}

func queueAttributes(t *testing.T, cfg aws.Config, queue string) map[string]string {
	t.Helper()
	c := sqs.NewFromConfig(cfg)
	ctx := ctxFor(t)
	u, err := c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(queue)})
	if err != nil {
		t.Fatalf("queue %s: %v", queue, err)
	}
	out, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: u.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll},
	})
	if err != nil {
		t.Fatalf("queue %s attributes: %v", queue, err)
	}
	return out.Attributes
}
