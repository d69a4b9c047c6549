package stack

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/google/go-cmp/cmp"
	"github.com/propertypro/propertypro/functions"
)

func TestFunctions(t *testing.T) {
	for _, c := range synthCases {
		t.Run(c.name, func(t *testing.T) {
			fns := ourFunctions(t, c.template(t), c.env)
			if len(fns) != len(c.manifest) {
				t.Fatalf("%d bootstrap Lambdas, want one per manifest entry (%d)", len(fns), len(c.manifest))
			}
			for _, f := range c.manifest {
				t.Run(f.Name, func(t *testing.T) { checkFunction(t, c, f, fns[f.Name]) })
			}
		})
	}
}

func checkFunction(t *testing.T, c synthCase, f functions.Function, r map[string]any) {
	if r == nil {
		t.Fatalf("no Lambda named %s", physicalName(c.env, f.Name))
	}
	p := props(r)
	checks := []struct {
		field string
		got   any
		want  any
	}{
		{"Runtime", p["Runtime"], "provided.al2023"},
		{"Architectures", p["Architectures"], []any{"arm64"}},
		{"Timeout", p["Timeout"], f.Timeout.Seconds()},
		{"MemorySize", p["MemorySize"], float64(f.MemoryMB)},
		{"in VPC", p["VpcConfig"] != nil, f.Access.Database},
		{"env var names", envNames(p), expectedEnv(f)},
		{"APP_ENV", envValue(p, EnvAppEnv), string(c.env)},
	}
	for _, ck := range checks {
		if diff := cmp.Diff(ck.want, ck.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", ck.field, diff)
		}
	}
}

func envNames(p map[string]any) []string {
	env, _ := p["Environment"].(map[string]any)
	vars, _ := env["Variables"].(map[string]any)
	var names []string
	for k := range vars {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func envValue(p map[string]any, key string) any {
	env, _ := p["Environment"].(map[string]any)
	vars, _ := env["Variables"].(map[string]any)
	return vars[key]
}

// expectedEnv restates the configuration contract independently of the code under test.
func expectedEnv(f functions.Function) []string {
	names := []string{"APP_ENV", "LOG_LEVEL"}
	for _, q := range f.Access.SendQueues {
		names = append(names, "QUEUE_URL_"+strings.ToUpper(strings.ReplaceAll(q, "-", "_")))
	}
	for _, b := range bucketsUsed(f) {
		names = append(names, "BUCKET_"+strings.ToUpper(strings.ReplaceAll(b, "-", "_")))
	}
	if f.Access.Database {
		names = append(names, "DATABASE_HOST", "DATABASE_SECRET_ARN", "DATABASE_NAME", "APP_SECRET_ARN")
	}
	if f.Access.AI {
		names = append(names, "AI_SECRET_ARN")
	}
	if f.Access.Database || f.Access.AI {
		names = append(names, extensionEnv...)
	}
	sort.Strings(names)
	return names
}

func TestHTTPRoutes(t *testing.T) {
	for _, c := range synthCases {
		t.Run(c.name, func(t *testing.T) {
			tpl := c.template(t)
			tpl.ResourceCountIs(jsii.String("AWS::ApiGatewayV2::Route"), jsii.Number(count(c.manifest, functions.KindHTTP)))
			for _, f := range c.manifest {
				if f.Kind() != functions.KindHTTP {
					continue
				}
				tpl.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Route"), map[string]any{"RouteKey": f.Route})
			}
			tpl.AllResourcesProperties(jsii.String("AWS::ApiGatewayV2::Integration"), map[string]any{
				"IntegrationType": "AWS_PROXY", "PayloadFormatVersion": "2.0",
			})
		})
	}
}

func TestQueues(t *testing.T) {
	for _, c := range synthCases {
		t.Run(c.name, func(t *testing.T) {
			tpl := c.template(t)
			tasks := count(c.manifest, functions.KindTask)
			tpl.ResourceCountIs(jsii.String("AWS::SQS::Queue"), jsii.Number(2*tasks))
			queues := queuesByName(t, tpl)
			for _, f := range c.manifest {
				if f.Kind() == functions.KindTask {
					t.Run(f.Name, func(t *testing.T) { checkQueue(t, queues, physicalName(c.env, f.Queue), f) })
				}
			}
			mappings := resources(t, tpl, "AWS::Lambda::EventSourceMapping")
			if len(mappings) != tasks {
				t.Errorf("%d event source mappings, want %d", len(mappings), tasks)
			}
			for id, m := range mappings {
				if diff := cmp.Diff([]any{"ReportBatchItemFailures"}, props(m)["FunctionResponseTypes"]); diff != "" {
					t.Errorf("%s FunctionResponseTypes (-want +got):\n%s", id, diff)
				}
			}
		})
	}
}

func queuesByName(t *testing.T, tpl assertions.Template) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, q := range resources(t, tpl, "AWS::SQS::Queue") {
		name, _ := props(q)["QueueName"].(string)
		out[name] = props(q)
	}
	return out
}

func checkQueue(t *testing.T, queues map[string]map[string]any, name string, f functions.Function) {
	q, ok := queues[name]
	if !ok {
		t.Fatalf("no queue %s", name)
	}
	if _, ok := queues[name+"-dlq"]; !ok {
		t.Errorf("no dead-letter queue %s-dlq", name)
	}
	if got, min := num(q["VisibilityTimeout"]), 6*f.Timeout.Seconds(); got < min {
		t.Errorf("VisibilityTimeout %v, want ≥ 6 × %v = %v", got, f.Timeout.Seconds(), min)
	}
	redrive, _ := q["RedrivePolicy"].(map[string]any)
	if got := num(redrive["maxReceiveCount"]); got < 5 {
		t.Errorf("RedrivePolicy maxReceiveCount %v, want ≥ 5 (redrive %v)", got, redrive)
	}
}

func TestS3Notifications(t *testing.T) {
	for _, c := range synthCases {
		t.Run(c.name, func(t *testing.T) {
			var want, got []string
			for _, f := range c.manifest {
				if f.Source != nil {
					want = append(want, f.Source.Prefix)
				}
			}
			for _, r := range resources(t, c.template(t), "Custom::S3BucketNotifications") {
				conf, _ := props(r)["NotificationConfiguration"].(map[string]any)
				qcs, _ := conf["QueueConfigurations"].([]any)
				for _, qc := range qcs {
					got = append(got, notificationPrefix(t, qc.(map[string]any)))
				}
			}
			sort.Strings(want)
			sort.Strings(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("object-created prefixes sent to queues (-want +got):\n%s", diff)
			}
		})
	}
}

func notificationPrefix(t *testing.T, qc map[string]any) string {
	if diff := cmp.Diff([]any{"s3:ObjectCreated:*"}, qc["Events"]); diff != "" {
		t.Errorf("notification events (-want +got):\n%s", diff)
	}
	filter, _ := qc["Filter"].(map[string]any)
	key, _ := filter["Key"].(map[string]any)
	rules, _ := key["FilterRules"].([]any)
	for _, r := range rules {
		if rule := r.(map[string]any); rule["Name"] == "prefix" {
			return rule["Value"].(string)
		}
	}
	return ""
}

func TestSchedules(t *testing.T) {
	for _, c := range synthCases {
		t.Run(c.name, func(t *testing.T) {
			var want, got []string
			for _, f := range c.manifest {
				if f.Kind() == functions.KindSchedule {
					want = append(want, f.Schedule)
				}
			}
			for _, r := range resources(t, c.template(t), "AWS::Events::Rule") {
				got = append(got, fmt.Sprint(props(r)["ScheduleExpression"]))
				if targets, _ := props(r)["Targets"].([]any); len(targets) != 1 {
					t.Errorf("rule targets %v, want exactly its function", targets)
				}
			}
			sort.Strings(want)
			sort.Strings(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("schedule expressions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBuckets(t *testing.T) {
	for _, c := range synthCases {
		t.Run(c.name, func(t *testing.T) {
			tpl := c.template(t)
			tpl.ResourceCountIs(jsii.String("AWS::S3::Bucket"), jsii.Number(len(functions.Buckets)))
			tpl.AllResourcesProperties(jsii.String("AWS::S3::Bucket"), map[string]any{
				"BucketEncryption": assertions.Match_ObjectLike(&map[string]any{
					"ServerSideEncryptionConfiguration": assertions.Match_AnyValue(),
				}),
				"PublicAccessBlockConfiguration": map[string]any{
					"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true,
				},
				"VersioningConfiguration": map[string]any{"Status": "Enabled"},
			})
			policies := resources(t, tpl, "AWS::S3::BucketPolicy")
			if len(policies) != len(functions.Buckets) {
				t.Fatalf("%d bucket policies, want one per bucket", len(policies))
			}
			tpl.AllResourcesProperties(jsii.String("AWS::S3::BucketPolicy"), map[string]any{
				"PolicyDocument": assertions.Match_ObjectLike(&map[string]any{
					"Statement": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
						"Effect":    "Deny",
						"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
					})}),
				}),
			})
		})
	}
}

func TestDatabase(t *testing.T) {
	for _, c := range synthCases {
		t.Run(c.name, func(t *testing.T) {
			tpl := c.template(t)
			if !slices.ContainsFunc(c.manifest, func(f functions.Function) bool { return f.Access.Database }) {
				tpl.ResourceCountIs(jsii.String("AWS::RDS::DBInstance"), jsii.Number(0))
				tpl.ResourceCountIs(jsii.String("AWS::EC2::VPC"), jsii.Number(0))
				return
			}
			tpl.ResourceCountIs(jsii.String("AWS::RDS::DBInstance"), jsii.Number(1))
			tpl.HasResourceProperties(jsii.String("AWS::RDS::DBInstance"), map[string]any{
				"Engine": "postgres", "StorageEncrypted": true, "PubliclyAccessible": false, "DBName": DatabaseName,
			})
			tpl.HasResourceProperties(jsii.String("AWS::RDS::DBProxy"), map[string]any{
				"EngineFamily": "POSTGRESQL", "RequireTLS": true,
			})
			tpl.ResourceCountIs(jsii.String("AWS::EC2::NatGateway"), jsii.Number(c.env.settings().natGateways))
			// Two AZs × (public, app, data).
			tpl.ResourceCountIs(jsii.String("AWS::EC2::Subnet"), jsii.Number(6))
		})
	}
}

func TestRemovalPolicies(t *testing.T) {
	for _, c := range synthCases {
		t.Run(c.name, func(t *testing.T) {
			tpl := c.template(t)
			want := map[Env]map[string]string{
				Dev:     {"AWS::RDS::DBInstance": "Delete", "AWS::S3::Bucket": "Delete", "AWS::SecretsManager::Secret": "Delete"},
				Staging: {"AWS::RDS::DBInstance": "Snapshot", "AWS::S3::Bucket": "Delete", "AWS::SecretsManager::Secret": "Retain"},
				Prod:    {"AWS::RDS::DBInstance": "Snapshot", "AWS::S3::Bucket": "Retain", "AWS::SecretsManager::Secret": "Retain"},
			}[c.env]
			for typ, policy := range want {
				for id, r := range resources(t, tpl, typ) {
					if r["DeletionPolicy"] != policy {
						t.Errorf("%s %s DeletionPolicy %v, want %s", typ, id, r["DeletionPolicy"], policy)
					}
				}
			}
		})
	}
}

func TestLogRetention(t *testing.T) {
	days := map[Env]float64{Dev: 14, Staging: 30, Prod: 365}
	for _, c := range synthCases {
		t.Run(c.name, func(t *testing.T) {
			tpl := c.template(t)
			groups := resources(t, tpl, "AWS::Logs::LogGroup")
			for name, fn := range ourFunctions(t, tpl, c.env) {
				ref, _ := props(fn)["LoggingConfig"].(map[string]any)["LogGroup"].(map[string]any)
				group, ok := groups[fmt.Sprint(ref["Ref"])]
				if !ok {
					t.Errorf("%s: LoggingConfig.LogGroup %v is not a log group of this stack", name, ref)
					continue
				}
				if got := num(props(group)["RetentionInDays"]); got != days[c.env] {
					t.Errorf("%s: RetentionInDays %v, want %v", name, got, days[c.env])
				}
			}
		})
	}
}

func TestAlarms(t *testing.T) {
	for _, c := range synthCases {
		t.Run(c.name, func(t *testing.T) {
			tpl := c.template(t)
			alarms := resources(t, tpl, "AWS::CloudWatch::Alarm")
			fns := ourFunctions(t, tpl, c.env)
			for _, f := range c.manifest {
				fnID := fns[f.Name]["LogicalID"]
				for metric, threshold := range map[string]float64{
					"Errors": 0, "Throttles": 0, "Duration": 0.8 * float64(f.Timeout.Milliseconds()),
				} {
					if n := countAlarms(alarms, metric, fnID, threshold); n != 1 {
						t.Errorf("%s: %d %s alarms with threshold %v, want 1", f.Name, n, metric, threshold)
					}
				}
			}
			if n := countAlarms(alarms, "ApproximateNumberOfMessagesVisible", nil, 0); n != count(c.manifest, functions.KindTask) {
				t.Errorf("%d DLQ depth alarms, want one per task", n)
			}
			// Every alarm, in whichever nested stack, notifies the parent's one SNS topic.
			topics := keys(resources(t, tpl, "AWS::SNS::Topic"))
			if len(topics) != 1 {
				t.Fatalf("SNS topics %v, want exactly the alarm topic", topics)
			}
			for id, a := range alarms {
				if diff := cmp.Diff([]any{map[string]any{"Ref": topics[0]}}, props(a)["AlarmActions"]); diff != "" {
					t.Errorf("alarm %s AlarmActions (-want +got):\n%s", id, diff)
				}
			}
		})
	}
}

// countAlarms counts alarms on a metric, for a function when fnID is set, above threshold.
func countAlarms(alarms map[string]map[string]any, metric string, fnID any, threshold float64) int {
	n := 0
	for _, a := range alarms {
		p := props(a)
		if p["MetricName"] != metric || num(p["Threshold"]) != threshold || p["ComparisonOperator"] != "GreaterThanThreshold" {
			continue
		}
		if fnID != nil && !slices.ContainsFunc(p["Dimensions"].([]any), func(d any) bool {
			v, _ := d.(map[string]any)["Value"].(map[string]any)
			return v["Ref"] == fnID
		}) {
			continue
		}
		n++
	}
	return n
}

func asList(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, x.(string))
		}
		return out
	}
	return nil
}
