package stack

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/metrics"
)

// maxMetricsPerGraph is CloudWatch's limit on the metrics of one graph widget.
const maxMetricsPerGraph = 500

// dashboard is what a test needs of a synthesized dashboard: every graphed series.
type dashboard struct {
	// series holds "namespace metric dimension-value statistic" for plain metrics (a
	// reference as "ref") and "expression" for math and SEARCH expressions.
	series map[string]bool
	// largest is the most metrics one graph holds.
	largest int
}

func (d dashboard) has(s string) bool { return d.series[s] }

// dashboards returns the stack's dashboards keyed by area ("api", …).
func dashboards(t *testing.T, c synthCase) map[string]dashboard {
	t.Helper()
	out := map[string]dashboard{}
	for id, r := range resources(t, c.template(t), "AWS::CloudWatch::Dashboard") {
		name := fmt.Sprint(props(r)["DashboardName"])
		area, ok := strings.CutPrefix(name, physicalName(c.env, "dashboard-"))
		if !ok {
			t.Errorf("dashboard %s: name %q, want %s<area>", id, name, physicalName(c.env, "dashboard-"))
		}
		out[area] = parseDashboard(t, props(r)["DashboardBody"])
	}
	return out
}

// parseDashboard reads a DashboardBody, a JSON string that CDK splices references into
// with Fn::Join; each reference sits inside a JSON string, so "ref" stands in for it.
func parseDashboard(t *testing.T, body any) dashboard {
	t.Helper()
	var text strings.Builder
	if join, ok := body.(map[string]any)["Fn::Join"].([]any); ok {
		for _, part := range join[1].([]any) {
			if s, ok := part.(string); ok {
				text.WriteString(s)
			} else {
				text.WriteString("ref")
			}
		}
	} else {
		text.WriteString(fmt.Sprint(body))
	}
	var doc struct {
		Widgets []struct {
			Properties struct {
				Metrics [][]any `json:"metrics"`
			} `json:"properties"`
		} `json:"widgets"`
	}
	if err := json.Unmarshal([]byte(text.String()), &doc); err != nil {
		t.Fatalf("dashboard body is not JSON: %v\n%s", err, text.String())
	}
	d := dashboard{series: map[string]bool{}}
	for _, w := range doc.Widgets {
		d.largest = max(d.largest, len(w.Properties.Metrics))
		for _, m := range w.Properties.Metrics {
			d.series[seriesKey(m)] = true
		}
	}
	return d
}

// seriesKey renders one entry of a widget's "metrics": [namespace, name, dim, value, …,
// {options}] or [{expression}].
func seriesKey(m []any) string {
	var words []string
	var opts map[string]any
	for i, x := range m {
		switch x := x.(type) {
		case string:
			if i < 2 || i%2 == 1 { // namespace, name and dimension values; not dimension names
				words = append(words, x)
			}
		case map[string]any:
			opts = x
		}
	}
	if e, ok := opts["expression"].(string); ok {
		return e
	}
	if s, ok := opts["stat"].(string); ok {
		words = append(words, s)
	} else {
		words = append(words, "Average")
	}
	return strings.Join(words, " ")
}

// TestDashboards checks one dashboard per area the manifest has, graphing every HTTP
// function's latency and errors, every queue's depth, age and DLQ, every schedule's runs and
// errors, the AI providers' EMF metrics and the database's limits.
func TestDashboards(t *testing.T) {
	for _, c := range append(slices.Clone(synthCases), syntheticCase) {
		t.Run(c.name, func(t *testing.T) {
			boards := dashboards(t, c)
			has := func(need func(functions.Function) bool) bool { return slices.ContainsFunc(c.manifest, need) }
			kind := func(k functions.Kind) func(functions.Function) bool {
				return func(f functions.Function) bool { return f.Kind() == k }
			}
			want := map[string]bool{
				DashboardAPI:       has(kind(functions.KindHTTP)),
				DashboardQueues:    has(kind(functions.KindTask)),
				DashboardSchedules: has(kind(functions.KindSchedule)),
				DashboardAI:        has(func(f functions.Function) bool { return f.Access.AI }),
				DashboardDatabase:  has(func(f functions.Function) bool { return f.Access.Database }),
			}
			for area, present := range want {
				if _, ok := boards[area]; ok != present {
					t.Errorf("dashboard %s present %v, want %v", area, ok, present)
				}
			}
			for area, d := range boards {
				if d.largest > maxMetricsPerGraph {
					t.Errorf("dashboard %s: a graph with %d metrics, CloudWatch allows %d", area, d.largest, maxMetricsPerGraph)
				}
			}
			for _, f := range c.manifest {
				for area, series := range expectedSeries(c.env, f) {
					for _, s := range series {
						if !boards[area].has(s) {
							t.Errorf("%s: dashboard %s lacks %q", f.Name, area, s)
						}
					}
				}
			}
			checkPlatformSeries(t, boards)
		})
	}
}

// expectedSeries lists what each area's dashboard must graph for one function.
func expectedSeries(env Env, f functions.Function) map[string][]string {
	fn := physicalName(env, f.Name)
	lambda := func(metric, statistic string) string { return "AWS/Lambda " + metric + " " + fn + " " + statistic }
	sqs := func(queue, metric string) string {
		return "AWS/SQS " + metric + " " + physicalName(env, queue) + " Maximum"
	}
	switch f.Kind() {
	case functions.KindHTTP:
		return map[string][]string{DashboardAPI: {lambda("Duration", "p50"), lambda("Duration", "p99"), lambda("Errors", "Sum")}}
	case functions.KindTask:
		return map[string][]string{DashboardQueues: {
			sqs(f.Queue, "ApproximateNumberOfMessagesVisible"), sqs(f.Queue, "ApproximateAgeOfOldestMessage"),
			sqs(f.Queue+dlqSuffix, "ApproximateNumberOfMessagesVisible"), lambda("Errors", "Sum"),
		}}
	default:
		return map[string][]string{DashboardSchedules: {lambda("Invocations", "Sum"), lambda("Errors", "Sum")}}
	}
}

// checkPlatformSeries checks the series that do not come from one function.
func checkPlatformSeries(t *testing.T, boards map[string]dashboard) {
	t.Helper()
	want := map[string][]string{
		DashboardAPI: {"AWS/ApiGateway Count ref Sum", "AWS/ApiGateway 5xx ref Sum", "AWS/ApiGateway Latency ref p99"},
		DashboardAI: {
			emfSearch(metrics.AICalls, "outcome,provider", "", "Sum"),
			emfSearch(metrics.AICalls, "outcome,provider", ` outcome="error"`, "Sum"),
			emfSearch(metrics.AILatency, "provider", "", "p99"),
			emfSearch(metrics.AITokens, "direction,provider", "", "Sum"),
		},
		DashboardDatabase: {
			"AWS/RDS DatabaseConnections ref Maximum", "AWS/RDS CPUUtilization ref Average",
			"AWS/RDS FreeStorageSpace ref Minimum", "AWS/RDS ClientConnections ref Maximum",
		},
	}
	for area, series := range want {
		d, ok := boards[area]
		if !ok {
			continue
		}
		for _, s := range series {
			if !d.has(s) {
				t.Errorf("dashboard %s lacks %q; it has %v", area, s, keys(d.series))
			}
		}
	}
}

// emfSearch restates the SEARCH over one of the app's EMF metrics, which shared/metrics
// writes with the dimension "service" beside the metric's own labels.
func emfSearch(metric, dims, filter, statistic string) string {
	return fmt.Sprintf(`SEARCH('{%s,service,%s} MetricName="%s"%s', '%s', 300)`, metrics.Namespace, dims, metric, filter, statistic)
}
