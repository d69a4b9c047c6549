package stack

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Where the functions' spans go (CDK context "tracing"). The application always speaks
// OTLP/HTTP (shared/telemetry); these choose the collector.
const (
	TracingNone = "none" // no spans (the default: nothing is paid for until someone asks)
	TracingOTLP = "otlp" // straight to an OTLP/HTTP endpoint (context "otlpEndpoint")
	TracingXRay = "xray" // to X-Ray through the ADOT collector layer, with Lambda active tracing
)

// CDK context keys of the tracing settings.
const (
	ContextTracing      = "tracing"
	ContextOTLPEndpoint = "otlpEndpoint"
	ContextADOTLayer    = "adotLayerArn"
)

// adotLayerVersion is the AWS Distro for OpenTelemetry collector layer for arm64, published by
// AWS in every commercial region under the same account; override with context adotLayerArn.
const adotLayerVersion = "aws-otel-collector-arm64-ver-0-117-0:1"

// adotCollectorEndpoint is where the ADOT layer's collector listens inside the sandbox.
const adotCollectorEndpoint = "http://localhost:4318"

func (p Props) validateTracing() []error {
	switch p.Tracing {
	case "", TracingNone, TracingXRay:
	case TracingOTLP:
		if !strings.HasPrefix(p.OTLPEndpoint, "https://") {
			return []error{fmt.Errorf("tracing=otlp needs otlpEndpoint=https://… (got %q)", p.OTLPEndpoint)}
		}
	default:
		return []error{fmt.Errorf("tracing %q: want %s, %s or %s", p.Tracing, TracingNone, TracingOTLP, TracingXRay)}
	}
	return nil
}

// traceEnvironment adds the exporter settings shared/config reads.
func (p Props) traceEnvironment(env map[string]*string) {
	switch p.Tracing {
	case TracingOTLP:
		env["OTEL_TRACES_EXPORTER"], env["OTEL_EXPORTER_OTLP_ENDPOINT"] = jsii.String("otlp"), jsii.String(p.OTLPEndpoint)
	case TracingXRay:
		env["OTEL_TRACES_EXPORTER"], env["OTEL_EXPORTER_OTLP_ENDPOINT"] = jsii.String("otlp"), jsii.String(adotCollectorEndpoint)
	}
}

// traceFunction turns on X-Ray active tracing and adds the collector layer when spans go to
// X-Ray; the layer's default configuration receives OTLP and exports to X-Ray.
func (p Props) traceFunction(scope constructs.Construct, props *awslambda.FunctionProps) {
	if p.Tracing != TracingXRay {
		return
	}
	arn := p.ADOTLayerARN
	if arn == "" {
		arn = fmt.Sprintf("arn:%s:lambda:%s:901920570463:layer:%s", *awscdk.Aws_PARTITION(), *awscdk.Aws_REGION(), adotLayerVersion)
	}
	props.Tracing = awslambda.Tracing_ACTIVE
	props.Layers = &[]awslambda.ILayerVersion{awslambda.LayerVersion_FromLayerVersionArn(scope, jsii.String("Collector"), jsii.String(arn))}
}
