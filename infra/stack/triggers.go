package stack

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3notifications"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/propertypro/propertypro/functions"
)

// Queue settings that follow the house rules (DESIGN.md §3.7).
const (
	// maxReceiveCount gives a message five tries before it is parked in the DLQ.
	maxReceiveCount = 5
	// visibilityFactor leaves room for retries inside one batch without a second consumer
	// seeing the message, as AWS recommends for Lambda event sources.
	visibilityFactor = 6
	sqsBatchSize     = 10
	// dlqSuffix names a queue's dead-letter queue after it.
	dlqSuffix = "-dlq"
)

// addHTTPAPI creates the one HTTP API that every HTTP function is a route of.
func (b *builder) addHTTPAPI() {
	b.api = awsapigatewayv2.NewHttpApi(b.stack, jsii.String("HttpApi"), &awsapigatewayv2.HttpApiProps{
		ApiName:     jsii.String(physicalName(b.props.Env, "api")),
		Description: jsii.String("PropertyPro HTTP API: one route per HTTP function in functions/manifest.go"),
	})
	b.output("HttpApiUrl", "Base URL of the HTTP API", b.api.ApiEndpoint())
}

// addRoute maps the manifest route verbatim: API Gateway and net/http share the {param} syntax,
// so the local runner and AWS serve the same paths.
func (b *builder) addRoute(f functions.Function, fn awslambda.Function) {
	integration := awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String(f.Name), fn,
		&awsapigatewayv2integrations.HttpLambdaIntegrationProps{
			PayloadFormatVersion: awsapigatewayv2.PayloadFormatVersion_VERSION_2_0(),
		})
	awsapigatewayv2.NewHttpRoute(b.scope(f.Name), jsii.String("Route"), &awsapigatewayv2.HttpRouteProps{
		HttpApi:     b.api,
		RouteKey:    awsapigatewayv2.HttpRouteKey_With(jsii.String(f.Path()), awsapigatewayv2.HttpMethod(f.Method())),
		Integration: integration,
	})
}

// addQueues creates every task's queue before any function, because a function may send to a
// queue whose consumer comes later in the manifest.
func (b *builder) addQueues() {
	for _, f := range b.props.Functions {
		if f.Kind() != functions.KindTask {
			continue
		}
		// Queues stay in the parent under their consumer's name: any function may send to
		// them, and nested stacks referring to each other's queues could form a cycle.
		scope := constructs.NewConstruct(b.stack, jsii.String(f.Name))
		dlq := awssqs.NewQueue(scope, jsii.String("DeadLetterQueue"), &awssqs.QueueProps{
			QueueName:       jsii.String(physicalName(b.props.Env, f.Queue+dlqSuffix)),
			Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
			EnforceSSL:      jsii.Bool(true),
			RetentionPeriod: awscdk.Duration_Days(jsii.Number(14)),
		})
		q := awssqs.NewQueue(scope, jsii.String("Queue"), &awssqs.QueueProps{
			QueueName:         jsii.String(physicalName(b.props.Env, f.Queue)),
			Encryption:        awssqs.QueueEncryption_SQS_MANAGED,
			EnforceSSL:        jsii.Bool(true),
			VisibilityTimeout: awscdk.Duration_Seconds(jsii.Number(visibilityFactor * f.Timeout.Seconds())),
			DeadLetterQueue:   &awssqs.DeadLetterQueue{Queue: dlq, MaxReceiveCount: jsii.Number(maxReceiveCount)},
		})
		b.queues[f.Queue] = q
		b.dlqs[f.Queue] = dlq
	}
}

// addConsumer reports partial batch failures so one bad record is retried alone instead of
// dragging its nine neighbours back onto the queue.
func (b *builder) addConsumer(f functions.Function, fn awslambda.Function) {
	q := b.queues[f.Queue]
	// The event source mapping and the queue's alarms live with the consumer; the bucket
	// notification below lives with the bucket and queue in the parent.
	b.addQueueAlarms(f, q, b.dlqs[f.Queue])
	fn.AddEventSource(awslambdaeventsources.NewSqsEventSource(q, &awslambdaeventsources.SqsEventSourceProps{
		BatchSize:               jsii.Number(sqsBatchSize),
		ReportBatchItemFailures: jsii.Bool(true),
	}))
	if f.Source == nil {
		return
	}
	var filters []*awss3.NotificationKeyFilter
	if f.Source.Prefix != "" {
		filters = append(filters, &awss3.NotificationKeyFilter{Prefix: jsii.String(f.Source.Prefix)})
	}
	b.buckets[f.Source.Bucket].AddEventNotification(awss3.EventType_OBJECT_CREATED,
		awss3notifications.NewSqsDestination(q), filters...)
}

// addSchedule retries a failed invocation twice, then gives up within the hour: a scheduled
// job that runs late would overlap its next run.
func (b *builder) addSchedule(f functions.Function, fn awslambda.Function) {
	awsevents.NewRule(b.scope(f.Name), jsii.String("Schedule"), &awsevents.RuleProps{
		RuleName:    jsii.String(physicalName(b.props.Env, f.Name)),
		Description: jsii.String(f.Summary),
		Schedule:    awsevents.Schedule_Expression(jsii.String(f.Schedule)),
		Targets: &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(fn, &awseventstargets.LambdaFunctionProps{
			RetryAttempts: jsii.Number(2),
			MaxEventAge:   awscdk.Duration_Hours(jsii.Number(1)),
		})},
	})
}
