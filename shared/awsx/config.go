// Package awsx holds PropertyPro's AWS adapters: objects in S3, messages in SQS, the S3 event
// notifications that link them, and the provisioning of both for emulators.
//
// Domain packages never import this package's AWS types; they declare small ports that the
// values here satisfy. Nothing in this package reads the environment: callers (a function's
// main.go, the CLI, tests) read it once and pass Settings and name maps in.
package awsx

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// DefaultRegion is used with an emulator when no region is configured, because emulators
// accept any region but the SDK refuses to sign without one.
const DefaultRegion = "us-east-1"

// Settings are what a caller knows about where AWS is.
type Settings struct {
	// Region overrides the SDK's own region lookup when non-empty.
	Region string
	// Endpoint is the base URL of an AWS emulator (AWS_ENDPOINT_URL), e.g.
	// "http://127.0.0.1:4566"; empty means real AWS.
	Endpoint string
}

// Config loads the SDK configuration and, for an emulator endpoint, points every client at it
// and supplies dummy credentials if none are configured (emulators check none, but the SDK
// will not send an unsigned request).
func Config(ctx context.Context, s Settings) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if s.Region != "" {
		opts = append(opts, config.WithRegion(s.Region))
	}
	if s.Endpoint != "" {
		// IMDS is never the source of an emulator's credentials and probing it off EC2 stalls.
		opts = append(opts, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS config: %w", err)
	}
	cfg.APIOptions = append(cfg.APIOptions, traceCalls)
	if s.Endpoint == "" {
		return cfg, nil
	}
	cfg.BaseEndpoint = aws.String(s.Endpoint)
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if !hasCredentials(ctx, cfg) {
		cfg.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider("test", "test", ""))
	}
	return cfg, nil
}

// hasCredentials asks the configured chain once, with a short deadline so that a chain with
// nothing to find cannot delay a cold start.
func hasCredentials(ctx context.Context, cfg aws.Config) bool {
	if cfg.Credentials == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	_, err := cfg.Credentials.Retrieve(ctx)
	return err == nil
}

// newS3 is the one way this package builds an S3 client.
func newS3(cfg aws.Config) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = emulated(cfg)
		// The SDK would print a plain-text line for every multipart or checksum-less download,
		// which breaks JSON logs and asks nothing of anyone.
		o.DisableLogOutputChecksumValidationSkipped = true
	})
}

// emulated reports whether cfg points at an emulator, which needs path-style S3 addressing
// because it cannot serve a DNS name per bucket.
func emulated(cfg aws.Config) bool { return cfg.BaseEndpoint != nil && *cfg.BaseEndpoint != "" }
