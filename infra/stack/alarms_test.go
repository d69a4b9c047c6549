package stack

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/jsii-runtime-go"
	"github.com/google/go-cmp/cmp"
	"github.com/propertypro/propertypro/functions"
)

// repoRunbooks is docs/runbooks/ seen from this package's directory.
var repoRunbooks = filepath.Join("..", "..", filepath.FromSlash(RunbookDir))

// runbookRef finds the runbook an alarm description names.
var runbookRef = regexp.MustCompile(`Runbook: (\S*)` + regexp.QuoteMeta(RunbookDir) + `([a-z0-9-]+\.md)$`)

// alarmsByName returns the template's alarms keyed by name without the environment prefix.
func alarmsByName(t *testing.T, c synthCase) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for id, a := range resources(t, c.template(t), "AWS::CloudWatch::Alarm") {
		name, _ := props(a)["AlarmName"].(string)
		short, ok := strings.CutPrefix(name, physicalName(c.env, ""))
		if !ok {
			t.Errorf("alarm %s: name %q lacks the environment prefix", id, name)
		}
		if _, dup := out[short]; dup {
			t.Errorf("two alarms named %s", name)
		}
		a["LogicalID"] = id
		out[short] = props(a)
	}
	return out
}

// runbookOf returns the runbook file an alarm's description names, or "".
func runbookOf(alarm map[string]any) string {
	m := runbookRef.FindStringSubmatch(fmt.Sprint(alarm["AlarmDescription"]))
	if m == nil {
		return ""
	}
	return m[2]
}

// TestAlarmsNameRunbooks checks that every alarm's description ends with a runbook that
// exists in docs/runbooks/, so a page always says where to start.
func TestAlarmsNameRunbooks(t *testing.T) {
	for _, c := range synthCases {
		t.Run(c.name, func(t *testing.T) {
			alarms := alarmsByName(t, c)
			if len(alarms) == 0 {
				t.Fatal("no alarms")
			}
			for name, a := range alarms {
				file := runbookOf(a)
				if file == "" {
					t.Errorf("%s: description %q names no runbook (want \"Runbook: %s<file>.md\" at the end)", name, a["AlarmDescription"], RunbookDir)
					continue
				}
				if _, err := os.Stat(filepath.Join(repoRunbooks, file)); err != nil {
					t.Errorf("%s: runbook %s%s does not exist: %v", name, RunbookDir, file, err)
				}
			}
		})
	}
}

// TestRunbookDirMatchesRepository guards the constant against a move of the runbooks.
func TestRunbookDirMatchesRepository(t *testing.T) {
	for _, f := range []string{"README.md", runbookErrors, runbookLatency, runbookThrottles, runbookDeadLetters,
		runbookBacklog, runbookScheduleMiss, runbookAI, runbookDatabase} {
		if _, err := os.Stat(filepath.Join(repoRunbooks, f)); err != nil {
			t.Errorf("runbook %s: %v", f, err)
		}
	}
}

// wantAlarm is an alarm a manifest entry implies: its name, runbook and metric.
type wantAlarm struct {
	name, runbook, metric string
}

// expectedAlarms restates which alarms each function and queue gets.
func expectedAlarms(f functions.Function) []wantAlarm {
	want := []wantAlarm{
		{f.Name + "-errors", "error-rate-spike.md", "Errors"},
		{f.Name + "-throttles", "throttles.md", "Throttles"},
		{f.Name + "-duration-p99", "p99-latency.md", "Duration"},
	}
	switch f.Kind() {
	case functions.KindTask:
		want = append(want,
			wantAlarm{f.Queue + "-dlq-depth", "dlq-not-empty.md", "ApproximateNumberOfMessagesVisible"},
			wantAlarm{f.Queue + "-age", "queue-backlog.md", "ApproximateAgeOfOldestMessage"})
	case functions.KindSchedule:
		if gap, ok := scheduleGap(f.Schedule); ok {
			if _, ok := missWindow(gap); ok {
				want = append(want, wantAlarm{f.Name + "-missed", "schedule-misses.md", "Invocations"})
			}
		}
	}
	return want
}

// TestEveryFunctionAndQueueHasAlarms checks by name that every function has its error,
// throttle and latency alarms, every queue its DLQ and age alarms and every schedule its
// miss alarm, each with the runbook for its kind and watching the resource it names.
func TestEveryFunctionAndQueueHasAlarms(t *testing.T) {
	for _, c := range synthCases {
		t.Run(c.name, func(t *testing.T) {
			s := c.synth(t)
			alarms := alarmsByName(t, c)
			fns := ourFunctions(t, s.all, c.env)
			queues := map[string]string{} // physical queue name → logical ID
			for id, q := range resources(t, s.all, "AWS::SQS::Queue") {
				queues[fmt.Sprint(props(q)["QueueName"])] = id
			}
			for _, f := range c.manifest {
				for _, w := range expectedAlarms(f) {
					a, ok := alarms[w.name]
					if !ok {
						t.Errorf("%s: no alarm %s", f.Name, w.name)
						continue
					}
					if got := runbookOf(a); got != w.runbook {
						t.Errorf("%s: runbook %q, want %q", w.name, got, w.runbook)
					}
					if a["MetricName"] != w.metric {
						t.Errorf("%s: metric %v, want %s", w.name, a["MetricName"], w.metric)
					}
					watched := ref(dimension(a, "FunctionName"))
					want := fns[f.Name]["LogicalID"]
					switch {
					case strings.HasSuffix(w.name, "-dlq-depth"):
						watched, want = ref(dimension(a, "QueueName")), queues[physicalName(c.env, f.Queue+dlqSuffix)]
					case strings.HasSuffix(w.name, "-age"):
						watched, want = ref(dimension(a, "QueueName")), queues[physicalName(c.env, f.Queue)]
					}
					if watched != want {
						t.Errorf("%s: watches %q, want %v", w.name, watched, want)
					}
				}
			}
		})
	}
}

func dimension(alarm map[string]any, name string) any {
	dims, _ := alarm["Dimensions"].([]any)
	for _, d := range dims {
		if d := d.(map[string]any); d["Name"] == name {
			return d["Value"]
		}
	}
	return nil
}

// TestScheduleMissAlarms checks the shape of a miss alarm: no invocation in any period of a
// window that covers the schedule's gap, with no data counting as a miss.
func TestScheduleMissAlarms(t *testing.T) {
	c := synthCases[1]
	alarms := alarmsByName(t, c)
	for _, f := range c.manifest {
		if f.Kind() != functions.KindSchedule {
			continue
		}
		t.Run(f.Name, func(t *testing.T) {
			a := alarms[f.Name+"-missed"]
			if a == nil {
				t.Fatalf("no miss alarm for %s", f.Schedule)
			}
			gap, _ := scheduleGap(f.Schedule)
			period, periods := time.Duration(num(a["Period"]))*time.Second, num(a["EvaluationPeriods"])
			if window := period * time.Duration(periods); window <= gap {
				t.Errorf("window %v does not cover the gap %v of %s", window, gap, f.Schedule)
			}
			got := map[string]any{
				"Statistic": a["Statistic"], "ComparisonOperator": a["ComparisonOperator"], "Threshold": a["Threshold"],
				"TreatMissingData": a["TreatMissingData"], "DatapointsToAlarm": a["DatapointsToAlarm"],
			}
			want := map[string]any{
				"Statistic": "Sum", "ComparisonOperator": "LessThanThreshold", "Threshold": 1.0,
				"TreatMissingData": "breaching", "DatapointsToAlarm": periods,
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("miss alarm (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPlatformAlarms checks the alarms on the platform as a whole, present when the manifest
// has what they watch.
func TestPlatformAlarms(t *testing.T) {
	for _, c := range synthCases {
		t.Run(c.name, func(t *testing.T) {
			alarms := alarmsByName(t, c)
			has := func(need func(functions.Function) bool) bool { return slices.ContainsFunc(c.manifest, need) }
			want := map[string]bool{
				"api-error-rate":     has(func(f functions.Function) bool { return f.Kind() == functions.KindHTTP }),
				"ai-provider-errors": has(func(f functions.Function) bool { return f.Access.AI }),
				"db-connections":     has(func(f functions.Function) bool { return f.Access.Database }),
				"db-storage":         has(func(f functions.Function) bool { return f.Access.Database }),
			}
			for name, present := range want {
				if _, ok := alarms[name]; ok != present {
					t.Errorf("alarm %s present %v, want %v", name, ok, present)
				}
			}
			if a := alarms["ai-provider-errors"]; a != nil {
				query := fmt.Sprint(a["Metrics"].([]any)[0].(map[string]any)["Expression"])
				for _, part := range []string{`SCHEMA("PropertyPro", outcome, provider, service)`, "ai_calls_total", "outcome = 'error'"} {
					if !strings.Contains(query, part) {
						t.Errorf("ai-provider-errors query %q lacks %q", query, part)
					}
				}
			}
			if a := alarms["db-connections"]; a != nil {
				if want := 0.8 * maxConnections(c.env.settings().dbInstance); num(a["Threshold"]) != want {
					t.Errorf("db-connections threshold %v, want %v", a["Threshold"], want)
				}
			}
			if a := alarms["db-storage"]; a != nil && a["ComparisonOperator"] != "LessThanThreshold" {
				t.Errorf("db-storage alarms when free space is %v the threshold", a["ComparisonOperator"])
			}
		})
	}
}

// TestAlarmOptions checks the e-mail subscription and runbook URLs that context can add, on
// a one-function manifest that synthesizes in seconds.
func TestAlarmOptions(t *testing.T) {
	p := testProps(t, Dev, []functions.Function{{
		Name: "api-test-ping", Summary: "Ping.", Route: "GET /test/ping", Timeout: 3 * time.Second, MemoryMB: 128,
	}})
	p.AlarmEmail = "oncall@example.com"
	p.RunbookBaseURL = "https://github.com/acme/propertypro/blob/main/"
	st := New(newTestApp(t, nil), StackName(Dev), p)
	s := synthesize(t, st)
	s.parent.HasResourceProperties(jsii.String("AWS::SNS::Subscription"), map[string]any{
		"Protocol": "email", "Endpoint": "oncall@example.com",
	})
	for id, a := range resources(t, s.all, "AWS::CloudWatch::Alarm") {
		desc := fmt.Sprint(props(a)["AlarmDescription"])
		if m := runbookRef.FindStringSubmatch(desc); m == nil || m[1] != p.RunbookBaseURL {
			t.Errorf("alarm %s: description %q, want it to end in %s%s<file>.md", id, desc, p.RunbookBaseURL, RunbookDir)
		}
	}
}

func TestAlarmOptionsValidated(t *testing.T) {
	for _, tt := range []struct {
		email, base, wantErr string
	}{
		{"oncall@example.com", "https://example.com/repo/", ""},
		{"Ops <oncall@example.com>", "", "alarm e-mail"},
		{"not-an-address", "", "alarm e-mail"},
		{"", "http://example.com/", "runbook base URL"},
		{"", "https://example.com/repo", "runbook base URL"},
	} {
		p := testProps(t, Dev, nil)
		p.AlarmEmail, p.RunbookBaseURL = tt.email, tt.base
		if err := p.Validate(); !errorMatches(err, tt.wantErr) {
			t.Errorf("email %q base %q: error %v, want one containing %q", tt.email, tt.base, err, tt.wantErr)
		}
	}
}
