package awsx_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/propertypro/propertypro/shared/awsx"
	"github.com/propertypro/propertypro/shared/testkit"
)

// defaultEndpoint is where localstack/moto.sh starts moto.
const defaultEndpoint = "http://127.0.0.1:4566"

// testRegion is the platform's default region, so that tests take the same paths (an S3
// location constraint, region-scoped queues) as the running platform.
const testRegion = "me-central-1"

var probe struct {
	once sync.Once
	err  error
}

// emulator returns a config for the AWS emulator at TEST_AWS_ENDPOINT_URL, or ends the test
// through testkit.Unavailable when nothing answers there.
func emulator(t *testing.T) aws.Config {
	t.Helper()
	endpoint := os.Getenv("TEST_AWS_ENDPOINT_URL")
	if endpoint == "" {
		endpoint = defaultEndpoint
	}
	probe.once.Do(func() { probe.err = answers(endpoint) })
	if probe.err != nil {
		testkit.Unavailable(t, "AWS emulator (moto)", fmt.Errorf("%s: %w (start one with localstack/moto.sh start)", endpoint, probe.err))
	}
	cfg, err := awsx.Config(context.Background(), awsx.Settings{Region: testRegion, Endpoint: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// answers accepts any HTTP response: the question is only whether a server is there.
func answers(endpoint string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// unique returns a fresh bucket or queue name, so that tests can run again and again against
// one long-lived emulator without meeting each other's leftovers.
func unique(prefix string) string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return fmt.Sprintf("t-%s-%s", prefix, hex.EncodeToString(b))
}

// ctxFor bounds a test's calls so that a hung emulator fails the test instead of the run.
func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// provisioned creates fresh buckets and queues for one test.
func provisioned(t *testing.T, cfg aws.Config, buckets, queues []string, visibility time.Duration) {
	t.Helper()
	if err := awsx.Provision(ctxFor(t), cfg, buckets, queues, visibility); err != nil {
		t.Fatalf("Provision: %v", err)
	}
}
