package stack

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/propertypro/propertypro/shared/metrics"
)

const (
	// apiErrorRatePercent of requests answered 5xx in five minutes is a spike: the API maps
	// every expected failure to a 4xx, so 5xx responses are crashes, timeouts or outages.
	apiErrorRatePercent = 5
	// apiErrorRateMinRequests keeps a quiet night's single 5xx from paging anyone; the
	// function's own errors alarm still records it.
	apiErrorRateMinRequests = 20
	// aiErrorsPerPeriod failed provider calls in each of aiErrorPeriods periods: the fallback
	// chain absorbs blips, so only a sustained run of errors is an outage worth a page.
	aiErrorsPerPeriod = 5
	aiErrorPeriods    = 3
	// dbConnectionsShare of max_connections and dbFreeStorageShare of the allocated storage
	// are the thresholds database-capacity.md names.
	dbConnectionsShare = 0.8
	dbFreeStorageShare = 0.2
	// dbPeriods of alarmPeriod each: connection peaks during a fan-out are normal, a plateau
	// is not.
	dbPeriods = 3
)

// addPlatformAlarms adds the alarms that concern the platform as a whole rather than one
// function; they live in the parent beside the resources they watch.
func (b *builder) addPlatformAlarms() {
	scope := constructs.NewConstruct(b.stack, jsii.String("PlatformAlarms"))
	if b.api != nil {
		b.addAPIErrorRateAlarm(scope)
	}
	if b.aiSecret != nil {
		b.addAIProviderAlarm(scope)
	}
	if b.db != nil {
		b.addDatabaseAlarms(scope)
	}
}

// addAPIErrorRateAlarm watches the share of 5xx answers across the whole HTTP API, which
// catches an outage even when every function fails the same way at once.
func (b *builder) addAPIErrorRateAlarm(scope constructs.Construct) {
	rate := awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
		Expression: jsii.String(fmt.Sprintf("IF(requests >= %d, 100 * errors / requests, 0)", apiErrorRateMinRequests)),
		UsingMetrics: &map[string]awscloudwatch.IMetric{
			"errors":   b.api.MetricServerError(stat("Sum", alarmPeriod)),
			"requests": b.api.MetricCount(stat("Sum", alarmPeriod)),
		},
		Label:  jsii.String("5xx share of requests (%)"),
		Period: duration(alarmPeriod),
	})
	b.alarm(scope, alarmSpec{
		id: "ApiErrorRate", name: "api-error-rate", runbook: runbookErrors,
		summary:   fmt.Sprintf("Over %d%% of HTTP API requests answered 5xx in %s.", apiErrorRatePercent, span(alarmPeriod)),
		metric:    rate,
		threshold: apiErrorRatePercent,
	})
}

// aiErrorsQuery sums failed AI provider calls over every function and provider, from the EMF
// lines shared/telemetry writes (dimensions service, provider, outcome). A Metrics Insights
// query needs no list of functions or providers, so new ones are covered without a deploy.
func aiErrorsQuery() string {
	return fmt.Sprintf(`SELECT SUM(%s) FROM SCHEMA("%s", outcome, provider, service) WHERE outcome = 'error'`,
		metrics.AICalls, metrics.Namespace)
}

// addAIProviderAlarm fires when providers keep failing, i.e. answers have been degraded to
// the fallback or offline provider for a quarter of an hour.
func (b *builder) addAIProviderAlarm(scope constructs.Construct) {
	b.alarm(scope, alarmSpec{
		id: "AiProviderErrors", name: "ai-provider-errors", runbook: runbookAI,
		summary: fmt.Sprintf("AI provider calls failed more than %d times per %s for %s.",
			aiErrorsPerPeriod, span(alarmPeriod), span(aiErrorPeriods*alarmPeriod)),
		metric: awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
			Expression: jsii.String(aiErrorsQuery()),
			Label:      jsii.String("failed AI provider calls"),
			Period:     duration(alarmPeriod),
		}),
		threshold: aiErrorsPerPeriod, periods: aiErrorPeriods, breaching: aiErrorPeriods,
	})
}

// addDatabaseAlarms watches the two limits that stop Postgres accepting work: connection
// slots and disk.
func (b *builder) addDatabaseAlarms(scope constructs.Construct) {
	limit := maxConnections(b.cfg.dbInstance)
	b.alarm(scope, alarmSpec{
		id: "DbConnections", name: "db-connections", runbook: runbookDatabase,
		summary: fmt.Sprintf("Postgres connections above %.0f%% of about %.0f max_connections for %s.",
			100*dbConnectionsShare, limit, span(dbPeriods*alarmPeriod)),
		metric:    b.db.instance.MetricDatabaseConnections(stat("Maximum", alarmPeriod)),
		threshold: dbConnectionsShare * limit, periods: dbPeriods, breaching: dbPeriods,
	})
	b.alarm(scope, alarmSpec{
		id: "DbStorage", name: "db-storage", runbook: runbookDatabase,
		summary: fmt.Sprintf("Postgres free storage below %.1f GiB (%.0f%% of its initial %d GiB) for %s.",
			dbFreeStorageThreshold()/(1<<30), 100*dbFreeStorageShare, allocatedStorageGiB, span(dbPeriods*alarmPeriod)),
		metric:    b.db.instance.MetricFreeStorageSpace(stat("Minimum", alarmPeriod)),
		threshold: dbFreeStorageThreshold(), below: true, periods: dbPeriods, breaching: dbPeriods,
	})
}

// dbFreeStorageThreshold is in bytes, the unit of FreeStorageSpace.
func dbFreeStorageThreshold() float64 {
	return dbFreeStorageShare * allocatedStorageGiB * (1 << 30)
}
