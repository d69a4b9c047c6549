package stack

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/propertypro/propertypro/functions"
)

const (
	// durationAlarmShare of the timeout: a p99 this close to it means requests are about to
	// start timing out.
	durationAlarmShare = 0.8
	// maxQueueAgeSeconds: work waiting longer than a quarter hour means the consumer is
	// failing or cannot keep up.
	maxQueueAgeSeconds = 15 * 60
)

// alarmPeriod is short enough to page within minutes, long enough to ride out one cold start.
func alarmPeriod() awscdk.Duration { return awscdk.Duration_Minutes(jsii.Number(5)) }

// addFunctionAlarms alarms on any error or throttle because the platform expects neither:
// errors are mapped to responses, and throttling means concurrency is misconfigured.
func (b *builder) addFunctionAlarms(f functions.Function, fn awslambda.Function) {
	scope := b.scope(f.Name)
	sum := &awscloudwatch.MetricOptions{Period: alarmPeriod(), Statistic: jsii.String("Sum")}
	b.alarm(scope, "ErrorsAlarm", f.Name+"-errors", f.Name+" returned errors", fn.MetricErrors(sum), 0)
	b.alarm(scope, "ThrottlesAlarm", f.Name+"-throttles", f.Name+" was throttled", fn.MetricThrottles(sum), 0)
	limit := durationAlarmShare * float64(f.Timeout.Milliseconds())
	p99 := &awscloudwatch.MetricOptions{Period: alarmPeriod(), Statistic: jsii.String("p99")}
	b.alarm(scope, "DurationAlarm", f.Name+"-duration-p99",
		fmt.Sprintf("%s p99 duration above %.0f%% of its %s timeout", f.Name, 100*durationAlarmShare, seconds(f.Timeout.Seconds())),
		fn.MetricDuration(p99), limit)
}

// addQueueAlarms alarms on any message in the DLQ, since each one is lost work until someone
// redrives it, and on a stale backlog in the main queue.
func (b *builder) addQueueAlarms(f functions.Function, q, dlq awssqs.Queue) {
	scope := b.scope(f.Name)
	maxOpts := &awscloudwatch.MetricOptions{Period: alarmPeriod(), Statistic: jsii.String("Maximum")}
	b.alarm(scope, "DeadLettersAlarm", f.Queue+"-dlq-depth", "messages of queue "+f.Queue+" reached its DLQ",
		dlq.MetricApproximateNumberOfMessagesVisible(maxOpts), 0)
	b.alarm(scope, "QueueAgeAlarm", f.Queue+"-age", "oldest message of queue "+f.Queue+" waits over 15 minutes",
		q.MetricApproximateAgeOfOldestMessage(maxOpts), maxQueueAgeSeconds)
}

// alarm fires on the first period above the threshold; missing data (no traffic) is healthy.
func (b *builder) alarm(scope constructs.Construct, id, name, description string, metric awscloudwatch.IMetric, threshold float64) {
	a := awscloudwatch.NewAlarm(scope, jsii.String(id), &awscloudwatch.AlarmProps{
		AlarmName:          jsii.String(physicalName(b.props.Env, name)),
		AlarmDescription:   jsii.String(description),
		Metric:             metric,
		Threshold:          jsii.Number(threshold),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
	a.AddAlarmAction(awscloudwatchactions.NewSnsAction(b.alarmTopic))
}
