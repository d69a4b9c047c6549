package awsx

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// MaxReceiveCount is how many times a message is received before SQS moves it to the
// dead-letter queue: enough to ride out a flaky dependency, few enough to stop a poison message.
const MaxReceiveCount = 5

// deadLetterRetention keeps dead letters for SQS's maximum (14 days) so that someone can look
// at them after a long weekend.
const deadLetterRetention = 14 * 24 * time.Hour

// maxVisibility is SQS's upper bound on a visibility timeout.
const maxVisibility = 12 * time.Hour

// Provision creates the buckets and, for each queue, its dead-letter queue "<queue>-dlq" and
// the queue itself with a redrive policy (MaxReceiveCount) and the given visibility timeout.
// It is meant for emulators (production resources come from the CDK stack) and is safe to run
// again: what exists is kept, and a queue's attributes are brought up to date.
func Provision(ctx context.Context, cfg aws.Config, buckets, queues []string, visibility time.Duration) error {
	if visibility < 0 || visibility > maxVisibility {
		return fmt.Errorf("provision: visibility timeout %s is outside SQS's 0s..12h", visibility)
	}
	s3c := newS3(cfg)
	for _, b := range buckets {
		if err := createBucket(ctx, s3c, cfg.Region, b); err != nil {
			return err
		}
	}
	sqsc := sqs.NewFromConfig(cfg)
	for _, q := range queues {
		if err := createQueue(ctx, sqsc, q, visibility); err != nil {
			return err
		}
	}
	return nil
}

func createBucket(ctx context.Context, c *s3.Client, region, bucket string) error {
	in := &s3.CreateBucketInput{Bucket: aws.String(bucket)}
	// us-east-1 is the one region S3 refuses to see named as a location constraint.
	if region != "" && region != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{
			LocationConstraint: s3types.BucketLocationConstraint(region),
		}
	}
	_, err := c.CreateBucket(ctx, in)
	if err != nil && !hasCode(err, "BucketAlreadyOwnedByYou") {
		return fmt.Errorf("provision bucket %s: %w", bucket, err)
	}
	return nil
}

func createQueue(ctx context.Context, c *sqs.Client, queue string, visibility time.Duration) error {
	dlq := DeadLetterQueue(queue)
	dlqURL, err := ensureQueue(ctx, c, dlq, map[string]string{
		string(sqstypes.QueueAttributeNameMessageRetentionPeriod): seconds(deadLetterRetention),
	})
	if err != nil {
		return err
	}
	arn, err := queueARN(ctx, c, dlq, dlqURL)
	if err != nil {
		return err
	}
	policy, err := json.Marshal(struct {
		DeadLetterTargetArn string `json:"deadLetterTargetArn"`
		MaxReceiveCount     int    `json:"maxReceiveCount"`
	}{arn, MaxReceiveCount})
	if err != nil {
		return err
	}
	_, err = ensureQueue(ctx, c, queue, map[string]string{
		string(sqstypes.QueueAttributeNameVisibilityTimeout): seconds(visibility),
		string(sqstypes.QueueAttributeNameRedrivePolicy):     string(policy),
	})
	return err
}

// ensureQueue creates the queue, or, because SQS refuses to re-create a queue with different
// attributes, sets the attributes of the one that exists.
func ensureQueue(ctx context.Context, c *sqs.Client, queue string, attrs map[string]string) (string, error) {
	out, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(queue), Attributes: attrs})
	if err == nil {
		return aws.ToString(out.QueueUrl), nil
	}
	if !hasCode(err, "QueueNameExists", "QueueAlreadyExists", "AWS.SimpleQueueService.QueueNameExists") {
		return "", fmt.Errorf("provision queue %s: %w", queue, err)
	}
	got, err := c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(queue)})
	if err != nil {
		return "", fmt.Errorf("provision queue %s: %w", queue, err)
	}
	_, err = c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: got.QueueUrl, Attributes: attrs})
	if err != nil {
		return "", fmt.Errorf("provision queue %s: update attributes: %w", queue, err)
	}
	return aws.ToString(got.QueueUrl), nil
}

func queueARN(ctx context.Context, c *sqs.Client, queue, url string) (string, error) {
	out, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(url), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn},
	})
	if err != nil {
		return "", fmt.Errorf("provision queue %s: read ARN: %w", queue, err)
	}
	return out.Attributes[string(sqstypes.QueueAttributeNameQueueArn)], nil
}

func seconds(d time.Duration) string { return strconv.Itoa(int(d / time.Second)) }
