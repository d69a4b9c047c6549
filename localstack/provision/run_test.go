package main

import (
	"context"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/awsx"
	"github.com/propertypro/propertypro/shared/testkit"
)

func TestRunRefusesWithoutEmulator(t *testing.T) {
	if err := run(context.Background(), func(string) string { return "" }); err == nil {
		t.Fatal("run provisioned with no AWS_ENDPOINT_URL; it must never touch real AWS")
	}
}

// TestRunProvisionsTheManifest runs the program against the emulator twice (it is what
// moto.sh does on every start) and checks that every manifest resource is there.
func TestRunProvisionsTheManifest(t *testing.T) {
	endpoint := os.Getenv("TEST_AWS_ENDPOINT_URL")
	if endpoint == "" {
		endpoint = "http://127.0.0.1:4566"
	}
	if err := answers(endpoint); err != nil {
		testkit.Unavailable(t, "AWS emulator (moto)", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	env := map[string]string{"AWS_ENDPOINT_URL": endpoint}
	for range 2 {
		if err := run(ctx, func(k string) string { return env[k] }); err != nil {
			t.Fatalf("run: %v", err)
		}
	}

	cfg, err := awsx.Config(ctx, awsx.Settings{Region: defaultRegion, Endpoint: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	for _, b := range functions.Buckets {
		if _, err := s3c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Errorf("bucket %s: %v", b, err)
		}
	}
	sqsc := sqs.NewFromConfig(cfg)
	for _, q := range functions.Queues(functions.Manifest) {
		for _, name := range []string{q, awsx.DeadLetterQueue(q)} {
			if _, err := sqsc.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)}); err != nil {
				t.Errorf("queue %s: %v", name, err)
			}
		}
	}
}

func answers(endpoint string) error {
	resp, err := (&http.Client{Timeout: 3 * time.Second}).Get(endpoint)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}
