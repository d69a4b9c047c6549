// Command provision creates the manifest's buckets and queues (each queue with its dead-letter
// queue) in the AWS emulator at AWS_ENDPOINT_URL. localstack/moto.sh runs it after starting
// moto; running it again is harmless. Real AWS is provisioned by the CDK stack, never by this.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/awsx"
)

// defaultRegion matches shared/config's AWS_REGION default, because emulators keep queues per
// region and the platform must find them where this program put them.
const defaultRegion = "me-central-1"

// minVisibility is SQS's own default, kept as a floor for functions with very short timeouts.
const minVisibility = 30 * time.Second

// maxVisibility is SQS's upper bound.
const maxVisibility = 12 * time.Hour

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "provision:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, getenv func(string) string) error {
	endpoint := getenv("AWS_ENDPOINT_URL")
	if endpoint == "" {
		return errors.New("AWS_ENDPOINT_URL is not set: this program provisions an emulator (real AWS comes from the CDK stack)")
	}
	region := getenv("AWS_REGION")
	if region == "" {
		region = defaultRegion
	}
	cfg, err := awsx.Config(ctx, awsx.Settings{Region: region, Endpoint: endpoint})
	if err != nil {
		return err
	}
	if err := awsx.Provision(ctx, cfg, functions.Buckets, nil, 0); err != nil {
		return err
	}
	for _, q := range queueSpecs(functions.Manifest) {
		if err := awsx.Provision(ctx, cfg, nil, []string{q.Name}, q.Visibility); err != nil {
			return err
		}
	}
	fmt.Printf("provisioned %d buckets and %d queues (+ dead-letter queues) at %s in %s\n",
		len(functions.Buckets), len(queueSpecs(functions.Manifest)), endpoint, region)
	return nil
}

// queueSpec is a queue with the visibility timeout its consumer needs.
type queueSpec struct {
	Name       string
	Visibility time.Duration
}

// queueSpecs gives each task queue a visibility timeout of six times its function's timeout
// (the house rule, which lets Lambda retry a throttled batch before the message reappears),
// taking the longest when several functions share a queue.
func queueSpecs(m []functions.Function) []queueSpec {
	var specs []queueSpec
	index := map[string]int{}
	for _, f := range m {
		if f.Queue == "" {
			continue
		}
		// SQS counts whole seconds; rounding up keeps the six-fold margin.
		v := min(max((6*f.Timeout+time.Second-1).Truncate(time.Second), minVisibility), maxVisibility)
		if i, ok := index[f.Queue]; ok {
			specs[i].Visibility = max(specs[i].Visibility, v)
			continue
		}
		index[f.Queue] = len(specs)
		specs = append(specs, queueSpec{Name: f.Queue, Visibility: v})
	}
	return specs
}
