package stack

import (
	"fmt"
	"math"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/propertypro/propertypro/functions"
)

// RunbookDir is the folder, relative to the repository root, of the runbooks that alarm
// descriptions link to; a test checks that every linked file exists.
const RunbookDir = "docs/runbooks/"

// The runbook of each kind of alarm (see docs/runbooks/README.md).
const (
	runbookErrors       = "error-rate-spike.md"
	runbookLatency      = "p99-latency.md"
	runbookThrottles    = "throttles.md"
	runbookDeadLetters  = "dlq-not-empty.md"
	runbookBacklog      = "queue-backlog.md"
	runbookScheduleMiss = "schedule-misses.md"
	runbookAI           = "ai-provider-fallback.md"
	runbookDatabase     = "database-capacity.md"
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
const alarmPeriod = 5 * time.Minute

// alarmSpec is one alarm; the zero values of its optional fields give the common case: one
// period above the threshold, and no data (no traffic) counts as healthy.
type alarmSpec struct {
	id      string // construct ID within its scope
	name    string // the alarm's name without the environment prefix, as the runbooks list it
	summary string // what went wrong, in one sentence
	runbook string // file name in RunbookDir
	metric  awscloudwatch.IMetric
	// threshold is crossed upwards, or downwards when below is set.
	threshold float64
	below     bool
	// periods to look at and how many of them must breach; 0 means 1.
	periods, breaching float64
	missing            awscloudwatch.TreatMissingData
}

// alarm creates the alarm, notifying the one SNS topic, with its runbook in the description
// so that the page an on-call engineer receives says where to start.
func (b *builder) alarm(scope constructs.Construct, s alarmSpec) {
	op := awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD
	if s.below {
		op = awscloudwatch.ComparisonOperator_LESS_THAN_THRESHOLD
	}
	missing := s.missing
	if missing == "" {
		missing = awscloudwatch.TreatMissingData_NOT_BREACHING
	}
	periods := max(s.periods, 1)
	a := awscloudwatch.NewAlarm(scope, jsii.String(s.id), &awscloudwatch.AlarmProps{
		AlarmName:          jsii.String(physicalName(b.props.Env, s.name)),
		AlarmDescription:   jsii.String(s.summary + " Runbook: " + b.runbookLink(s.runbook)),
		Metric:             s.metric,
		Threshold:          jsii.Number(s.threshold),
		EvaluationPeriods:  jsii.Number(periods),
		DatapointsToAlarm:  jsii.Number(max(s.breaching, 1)),
		ComparisonOperator: op,
		TreatMissingData:   missing,
	})
	a.AddAlarmAction(awscloudwatchactions.NewSnsAction(b.alarmTopic))
}

// runbookLink is the runbook's path in the repository, or a URL with Props.RunbookBaseURL.
func (b *builder) runbookLink(file string) string {
	return b.props.RunbookBaseURL + RunbookDir + file
}

// span renders a whole number of minutes or hours for alarm descriptions: "5 minutes".
func span(d time.Duration) string {
	n, unit := int(d/time.Minute), "minute"
	if d%time.Hour == 0 {
		n, unit = int(d/time.Hour), "hour"
	}
	if n != 1 {
		unit += "s"
	}
	return fmt.Sprintf("%d %s", n, unit)
}

func duration(d time.Duration) awscdk.Duration {
	return awscdk.Duration_Seconds(jsii.Number(d.Seconds()))
}

func stat(statistic string, period time.Duration) *awscloudwatch.MetricOptions {
	return &awscloudwatch.MetricOptions{Period: duration(period), Statistic: jsii.String(statistic)}
}

// addFunctionAlarms alarms on any error or throttle because the platform expects neither:
// errors are mapped to responses, and throttling means concurrency is misconfigured.
func (b *builder) addFunctionAlarms(f functions.Function, fn awslambda.Function) {
	scope := b.scope(f.Name)
	b.alarm(scope, alarmSpec{
		id: "ErrorsAlarm", name: f.Name + "-errors", runbook: runbookErrors,
		summary: f.Name + " returned errors (a panic, timeout or failed cold start).",
		metric:  fn.MetricErrors(stat("Sum", alarmPeriod)),
	})
	b.alarm(scope, alarmSpec{
		id: "ThrottlesAlarm", name: f.Name + "-throttles", runbook: runbookThrottles,
		summary: f.Name + " was throttled.",
		metric:  fn.MetricThrottles(stat("Sum", alarmPeriod)),
	})
	b.alarm(scope, alarmSpec{
		id: "DurationAlarm", name: f.Name + "-duration-p99", runbook: runbookLatency,
		summary:   fmt.Sprintf("%s p99 duration above %.0f%% of its %s timeout.", f.Name, 100*durationAlarmShare, seconds(f.Timeout.Seconds())),
		metric:    fn.MetricDuration(stat("p99", alarmPeriod)),
		threshold: durationAlarmShare * float64(f.Timeout.Milliseconds()),
	})
	if f.Kind() == functions.KindSchedule {
		b.addScheduleMissAlarm(f, fn)
	}
}

// addQueueAlarms alarms on any message in the DLQ, since each one is lost work until someone
// redrives it, and on a stale backlog in the main queue.
func (b *builder) addQueueAlarms(f functions.Function, q, dlq awssqs.Queue) {
	scope := b.scope(f.Name)
	b.alarm(scope, alarmSpec{
		id: "DeadLettersAlarm", name: f.Queue + "-dlq-depth", runbook: runbookDeadLetters,
		summary: "Messages of queue " + f.Queue + " reached its DLQ after " + fmt.Sprint(maxReceiveCount) + " failed deliveries.",
		metric:  dlq.MetricApproximateNumberOfMessagesVisible(stat("Maximum", alarmPeriod)),
	})
	b.alarm(scope, alarmSpec{
		id: "QueueAgeAlarm", name: f.Queue + "-age", runbook: runbookBacklog,
		summary:   "The oldest message of queue " + f.Queue + " waits over 15 minutes.",
		metric:    q.MetricApproximateAgeOfOldestMessage(stat("Maximum", alarmPeriod)),
		threshold: maxQueueAgeSeconds,
	})
}

// addScheduleMissAlarm fires when a scheduled function was not invoked for longer than its
// schedule allows. Lambda publishes no Invocations data point in a period without a run, so
// missing data is the signal here, not the absence of trouble.
func (b *builder) addScheduleMissAlarm(f functions.Function, fn awslambda.Function) {
	gap, ok := scheduleGap(f.Schedule)
	if !ok {
		return // too irregular to bound (see scheduleGap); its errors alarm still fires on a failed run
	}
	w, ok := missWindow(gap)
	if !ok {
		return // weekly or rarer: beyond what one CloudWatch alarm can look back on
	}
	b.alarm(b.scope(f.Name), alarmSpec{
		id: "MissedAlarm", name: f.Name + "-missed", runbook: runbookScheduleMiss,
		summary: fmt.Sprintf("%s (%s) was not invoked for %s.", f.Name, f.Schedule, span(w.period*time.Duration(w.periods))),
		metric:  fn.MetricInvocations(stat("Sum", w.period)),
		// Fewer than one invocation in every period of the window.
		threshold: 1, below: true, periods: float64(w.periods), breaching: float64(w.periods),
		missing: awscloudwatch.TreatMissingData_BREACHING,
	})
}

// Limits CloudWatch puts on an alarm's evaluation range (period × evaluation periods).
const (
	maxShortPeriodRange = 24 * time.Hour     // for periods under an hour
	maxAlarmRange       = 7 * 24 * time.Hour // otherwise
)

// alarmWindow is the evaluation range of an alarm: periods periods of period each.
type alarmWindow struct {
	period  time.Duration
	periods int
}

// missWindow chooses the window in which a schedule that runs at least every gap must have
// run: two periods of one gap each (so a run late by seconds still lands in one of them), or
// for gaps of an hour or more, hourly periods covering the gap plus an hour. It reports false
// when the window would exceed CloudWatch's seven days, i.e. for weekly or rarer schedules.
func missWindow(gap time.Duration) (alarmWindow, bool) {
	if gap < time.Hour {
		// CloudWatch periods are whole minutes; round up so that a period always holds a run.
		period := max(time.Minute, (gap + time.Minute - 1).Truncate(time.Minute))
		return alarmWindow{period: period, periods: 2}, 2*period <= maxShortPeriodRange
	}
	periods := int(math.Ceil(gap.Hours())) + 1
	return alarmWindow{period: time.Hour, periods: periods}, time.Duration(periods)*time.Hour <= maxAlarmRange
}
