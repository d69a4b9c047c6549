package stack

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/jsii-runtime-go"
	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/metrics"
)

// Dashboard areas: one CloudWatch dashboard each, named propertypro-<env>-dashboard-<area>.
const (
	DashboardAPI       = "api"
	DashboardQueues    = "queues"
	DashboardSchedules = "schedules"
	DashboardAI        = "ai"
	DashboardDatabase  = "database"
)

// dashboardPeriod matches the alarms' period, so a graph shows what an alarm saw.
const dashboardPeriod = alarmPeriod

// Widget sizes on CloudWatch's 24-column grid.
const (
	gridWidth     = 24
	widgetHeight  = 6
	headerHeight  = 2
	widgetsPerRow = 4
)

// addDashboards builds one dashboard per area from the manifest. Widgets name functions and
// queues by their fixed physical names rather than by reference: the functions live in nested
// stacks, and a reference would make the parent depend on them (see README, Stacks).
func (b *builder) addDashboards() {
	areas := []struct {
		name  string
		title string
		rows  [][]awscloudwatch.IWidget
	}{
		{DashboardAPI, "HTTP API: every route's function", b.apiWidgets()},
		{DashboardQueues, "Queues: depth, oldest message and dead letters of every task's queue", b.queueWidgets()},
		{DashboardSchedules, "Schedules: runs and errors of every scheduled function", b.scheduleWidgets()},
		{DashboardAI, "AI providers: calls, errors, latency and tokens (EMF namespace " + metrics.Namespace + ")", b.aiWidgets()},
		{DashboardDatabase, "Postgres and RDS Proxy: connections, CPU, storage", b.databaseWidgets()},
	}
	for _, a := range areas {
		if len(a.rows) == 0 {
			continue // nothing of this kind in the manifest
		}
		header := awscloudwatch.NewTextWidget(&awscloudwatch.TextWidgetProps{
			Markdown: jsii.String(fmt.Sprintf("# PropertyPro %s — %s\nAlarms and what to do: %s",
				b.props.Env, a.title, b.runbookMarkdown("README.md"))),
			Width: jsii.Number(gridWidth), Height: jsii.Number(headerHeight),
		})
		rows := append([][]awscloudwatch.IWidget{{header}}, a.rows...)
		widgets := make([]*[]awscloudwatch.IWidget, len(rows))
		for i := range rows {
			widgets[i] = &rows[i]
		}
		awscloudwatch.NewDashboard(b.stack, jsii.String("Dashboard-"+a.name), &awscloudwatch.DashboardProps{
			DashboardName: jsii.String(physicalName(b.props.Env, "dashboard-"+a.name)),
			Widgets:       &widgets,
		})
	}
}

// runbookMarkdown links a runbook when Props.RunbookBaseURL makes it a URL; a bare
// repository path would be a dead link in the console, so it stays plain text.
func (b *builder) runbookMarkdown(file string) string {
	if b.props.RunbookBaseURL == "" {
		return "`" + RunbookDir + file + "` in the repository"
	}
	return "[" + RunbookDir + file + "](" + b.runbookLink(file) + ")"
}

// ofKind returns the manifest's functions of one kind, grouped as their nested stacks are,
// so that one graph holds at most MaxFunctionsPerStack functions' lines.
func (b *builder) ofKind(k functions.Kind) []FunctionGroup {
	var fns []functions.Function
	for _, f := range b.props.Functions {
		if f.Kind() == k {
			fns = append(fns, f)
		}
	}
	return GroupFunctions(fns)
}

func groupLabel(g FunctionGroup) string { return strings.TrimPrefix(g.ID, functionStackPrefix) }

// graph is a five-minute line graph sized so that n of them fill a row.
func graph(title string, n int, left []awscloudwatch.IMetric, annotations ...*awscloudwatch.HorizontalAnnotation) awscloudwatch.IWidget {
	props := &awscloudwatch.GraphWidgetProps{
		Title:  jsii.String(title),
		Left:   &left,
		Width:  jsii.Number(float64(gridWidth / n)),
		Height: jsii.Number(widgetHeight),
		Period: duration(dashboardPeriod),
	}
	if len(annotations) > 0 {
		props.LeftAnnotations = &annotations
	}
	return awscloudwatch.NewGraphWidget(props)
}

// threshold draws an alarm's threshold on a graph.
func threshold(label string, value float64) *awscloudwatch.HorizontalAnnotation {
	return &awscloudwatch.HorizontalAnnotation{Label: jsii.String(label), Value: jsii.Number(value)}
}

// lambdaMetric is one of a function's AWS/Lambda metrics, addressed by its physical name.
func (b *builder) lambdaMetric(f functions.Function, name, statistic string) awscloudwatch.IMetric {
	return b.namedMetric("AWS/Lambda", name, statistic, f.Name+" "+statistic, "FunctionName", physicalName(b.props.Env, f.Name))
}

// queueMetric is one of a queue's AWS/SQS metrics, addressed by its physical name.
func (b *builder) queueMetric(queue, name, statistic string) awscloudwatch.IMetric {
	return b.namedMetric("AWS/SQS", name, statistic, queue, "QueueName", physicalName(b.props.Env, queue))
}

func (b *builder) namedMetric(namespace, name, statistic, label, dimension, value string) awscloudwatch.IMetric {
	return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace:     jsii.String(namespace),
		MetricName:    jsii.String(name),
		DimensionsMap: &map[string]*string{dimension: jsii.String(value)},
		Statistic:     jsii.String(statistic),
		Label:         jsii.String(label),
		Period:        duration(dashboardPeriod),
	})
}

// search graphs every series of one of the app's EMF metrics: shared/metrics writes each with
// the dimension "service" (the function) plus its labels, which SEARCH must name exactly.
func search(metric string, dimensions []string, filter, statistic string, period time.Duration) awscloudwatch.IMetric {
	dims := append([]string{"service"}, dimensions...)
	expr := fmt.Sprintf(`SEARCH('{%s,%s} MetricName="%s"%s', '%s', %d)`,
		metrics.Namespace, strings.Join(dims, ","), metric, filter, statistic, int(period.Seconds()))
	// A fixed label would name every series the search finds alike; a dynamic one names each
	// by its dimension values, e.g. "api-assistant-ask gemini error p99".
	label := make([]string, 0, len(dims)+1)
	for _, d := range dims {
		label = append(label, "${PROP('Dim."+d+"')}")
	}
	return awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
		Expression: jsii.String(expr),
		Label:      jsii.String(strings.Join(append(label, statistic), " ")),
		Period:     duration(period),
	})
}

// perFunction applies one metric to every function of a group.
func perFunction(g FunctionGroup, m func(functions.Function) []awscloudwatch.IMetric) []awscloudwatch.IMetric {
	var out []awscloudwatch.IMetric
	for _, f := range g.Functions {
		out = append(out, m(f)...)
	}
	return out
}

// apiWidgets: the API as a whole, then each function's latency and errors.
func (b *builder) apiWidgets() [][]awscloudwatch.IWidget {
	if b.api == nil {
		return nil
	}
	rows := [][]awscloudwatch.IWidget{{
		graph("Requests, 4xx and 5xx", 3, []awscloudwatch.IMetric{
			b.api.MetricCount(stat("Sum", dashboardPeriod)),
			b.api.MetricClientError(stat("Sum", dashboardPeriod)),
			b.api.MetricServerError(stat("Sum", dashboardPeriod)),
		}),
		graph("API latency p50, p99 (ms)", 3, []awscloudwatch.IMetric{
			b.api.MetricLatency(stat("p50", dashboardPeriod)),
			b.api.MetricLatency(stat("p99", dashboardPeriod)),
		}),
		graph("5xx by route (app metric "+metrics.APIErrors+")", 3, []awscloudwatch.IMetric{
			search(metrics.APIErrors, []string{"class", "route"}, ` class="5xx"`, "Sum", dashboardPeriod),
		}),
	}}
	for _, g := range b.ofKind(functions.KindHTTP) {
		rows = append(rows, []awscloudwatch.IWidget{
			graph("Duration p50, p99 (ms): "+groupLabel(g), 2, perFunction(g, func(f functions.Function) []awscloudwatch.IMetric {
				return []awscloudwatch.IMetric{b.lambdaMetric(f, "Duration", "p50"), b.lambdaMetric(f, "Duration", "p99")}
			})),
			graph("Errors: "+groupLabel(g), 2, perFunction(g, func(f functions.Function) []awscloudwatch.IMetric {
				return []awscloudwatch.IMetric{b.lambdaMetric(f, "Errors", "Sum")}
			})),
		})
	}
	return rows
}

// queueWidgets: per group of tasks, their queues' depth, age and dead letters, and the
// consumers' errors.
func (b *builder) queueWidgets() [][]awscloudwatch.IWidget {
	var rows [][]awscloudwatch.IWidget
	for _, g := range b.ofKind(functions.KindTask) {
		queue := func(name, statistic, suffix string) []awscloudwatch.IMetric {
			return perFunction(g, func(f functions.Function) []awscloudwatch.IMetric {
				return []awscloudwatch.IMetric{b.queueMetric(f.Queue+suffix, name, statistic)}
			})
		}
		rows = append(rows, []awscloudwatch.IWidget{
			graph("Visible messages: "+groupLabel(g), widgetsPerRow, queue("ApproximateNumberOfMessagesVisible", "Maximum", "")),
			graph("Oldest message age (s): "+groupLabel(g), widgetsPerRow, queue("ApproximateAgeOfOldestMessage", "Maximum", ""),
				threshold("alarm", maxQueueAgeSeconds)),
			graph("Dead letters: "+groupLabel(g), widgetsPerRow, queue("ApproximateNumberOfMessagesVisible", "Maximum", dlqSuffix),
				threshold("alarm", 0)),
			graph("Consumer errors: "+groupLabel(g), widgetsPerRow, perFunction(g, func(f functions.Function) []awscloudwatch.IMetric {
				return []awscloudwatch.IMetric{b.lambdaMetric(f, "Errors", "Sum")}
			})),
		})
	}
	return rows
}

// scheduleWidgets: runs by outcome as the app counts them (a flag switched off shows as
// "skipped"), then each scheduled function's invocations and errors. Hourly points, since
// the rarest schedules run once a day.
func (b *builder) scheduleWidgets() [][]awscloudwatch.IWidget {
	groups := b.ofKind(functions.KindSchedule)
	if len(groups) == 0 {
		return nil
	}
	rows := [][]awscloudwatch.IWidget{{
		graph("Runs by outcome (app metric "+metrics.ScheduleRuns+")", 1, []awscloudwatch.IMetric{
			search(metrics.ScheduleRuns, []string{"function", "outcome"}, "", "Sum", time.Hour),
		}),
	}}
	for _, g := range groups {
		rows = append(rows, []awscloudwatch.IWidget{
			graph("Invocations: "+groupLabel(g), 2, perFunction(g, func(f functions.Function) []awscloudwatch.IMetric {
				return []awscloudwatch.IMetric{b.lambdaMetric(f, "Invocations", "Sum")}
			})),
			graph("Errors: "+groupLabel(g), 2, perFunction(g, func(f functions.Function) []awscloudwatch.IMetric {
				return []awscloudwatch.IMetric{b.lambdaMetric(f, "Errors", "Sum")}
			})),
		})
	}
	return rows
}

// aiWidgets graphs the EMF metrics shared/telemetry records for every provider attempt.
func (b *builder) aiWidgets() [][]awscloudwatch.IWidget {
	if !slices.ContainsFunc(b.props.Functions, func(f functions.Function) bool { return f.Access.AI }) {
		return nil
	}
	dims := []string{"outcome", "provider"}
	return [][]awscloudwatch.IWidget{{
		graph("Provider calls by outcome", 2, []awscloudwatch.IMetric{search(metrics.AICalls, dims, "", "Sum", dashboardPeriod)}),
		graph("Provider errors", 2, []awscloudwatch.IMetric{search(metrics.AICalls, dims, ` outcome="error"`, "Sum", dashboardPeriod)},
			threshold("alarm", aiErrorsPerPeriod)),
	}, {
		graph("Provider latency p50, p99 (s)", 2, []awscloudwatch.IMetric{
			search(metrics.AILatency, []string{"provider"}, "", "p50", dashboardPeriod),
			search(metrics.AILatency, []string{"provider"}, "", "p99", dashboardPeriod),
		}),
		graph("Tokens by direction", 2, []awscloudwatch.IMetric{
			search(metrics.AITokens, []string{"direction", "provider"}, "", "Sum", dashboardPeriod),
		}),
	}}
}

// databaseWidgets: the instance's limits beside RDS Proxy's connections, which are what the
// functions see.
func (b *builder) databaseWidgets() [][]awscloudwatch.IWidget {
	if b.db == nil {
		return nil
	}
	db, p := b.db.instance, stat("Average", dashboardPeriod)
	proxy := func(name string) awscloudwatch.IMetric {
		return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
			Namespace: jsii.String("AWS/RDS"), MetricName: jsii.String(name),
			DimensionsMap: &map[string]*string{"ProxyName": b.db.proxy.DbProxyName()},
			Statistic:     jsii.String("Maximum"), Label: jsii.String("proxy " + name), Period: duration(dashboardPeriod),
		})
	}
	limit := maxConnections(b.cfg.dbInstance)
	return [][]awscloudwatch.IWidget{{
		graph("Connections", widgetsPerRow, []awscloudwatch.IMetric{
			db.MetricDatabaseConnections(stat("Maximum", dashboardPeriod)), proxy("ClientConnections"), proxy("DatabaseConnections"),
		}, threshold("alarm", dbConnectionsShare*limit)),
		graph("CPU (%)", widgetsPerRow, []awscloudwatch.IMetric{db.MetricCPUUtilization(p)}),
		graph("Free storage (bytes)", widgetsPerRow, []awscloudwatch.IMetric{db.MetricFreeStorageSpace(stat("Minimum", dashboardPeriod))},
			threshold("alarm", dbFreeStorageThreshold())),
		graph("Freeable memory (bytes)", widgetsPerRow, []awscloudwatch.IMetric{db.MetricFreeableMemory(p)}),
	}}
}
