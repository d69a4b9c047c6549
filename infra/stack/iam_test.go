package stack

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/google/go-cmp/cmp"
	"github.com/propertypro/propertypro/functions"
)

// TestLeastPrivilege checks that every function's role grants exactly what its manifest
// entry names, action by action and resource by resource: its log group, its own queue to
// consume, the queues it sends to, the buckets it reads or writes, the secrets its Access
// implies, and the VPC network interfaces a database client needs. Anything more fails.
func TestLeastPrivilege(t *testing.T) {
	for _, c := range synthCases {
		t.Run(c.name, func(t *testing.T) {
			s := c.synth(t)
			names := resourceNames(t, s, c.env)
			fns := ourFunctions(t, s.all, c.env)
			policies := resources(t, s.all, "AWS::IAM::Policy")
			roles := resources(t, s.all, "AWS::IAM::Role")
			for _, f := range c.manifest {
				t.Run(f.Name, func(t *testing.T) {
					roleID := ref(props(fns[f.Name])["Role"])
					role := props(roles[roleID])
					for _, key := range []string{"ManagedPolicyArns", "Policies"} {
						if role[key] != nil {
							t.Errorf("role has %s %v; grants must come from Access only", key, role[key])
						}
					}
					if diff := cmp.Diff(expectedGrants(f), roleGrants(policies, roleID, names)); diff != "" {
						t.Errorf("grants (action on resource) (-want +got):\n%s", diff)
					}
				})
			}
		})
	}
}

// expectedGrants restates, independently of the stack's code, what each part of a manifest
// entry allows, as "action on resource" with resources named as resourceNames does.
func expectedGrants(f functions.Function) []string {
	var out []string
	grant := func(resource string, actions ...string) {
		for _, a := range actions {
			out = append(out, a+" on "+resource)
		}
	}
	grant("logs:"+f.Name, "logs:CreateLogStream", "logs:PutLogEvents")
	if f.Kind() == functions.KindTask {
		grant("queue:"+f.Queue, "sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl",
			"sqs:DeleteMessage", "sqs:GetQueueAttributes")
	}
	for _, q := range f.Access.SendQueues {
		grant("queue:"+q, "sqs:SendMessage")
	}
	for _, b := range f.Access.ReadBuckets {
		grant("bucket:"+b+"/*", "s3:GetObject")
		grant("bucket:"+b, "s3:ListBucket")
	}
	for _, b := range f.Access.WriteBuckets {
		grant("bucket:"+b+"/*", "s3:PutObject", "s3:AbortMultipartUpload")
	}
	var secrets []string
	if f.Access.Database {
		secrets = append(secrets, "app", "database")
		// EC2 offers the network-interface actions Lambda needs in a VPC only on "*".
		grant("*", "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
			"ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses")
	}
	if f.Access.AI {
		secrets = append(secrets, "ai-api-keys")
	}
	for _, s := range secrets {
		grant("secret:"+s, "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret")
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// roleGrants lists every "action on resource" that the policies attached to a role allow.
func roleGrants(policies map[string]map[string]any, roleID string, names map[string]string) []string {
	var out []string
	for _, pol := range policies {
		attached, _ := props(pol)["Roles"].([]any)
		if !slices.ContainsFunc(attached, func(r any) bool { return ref(r) == roleID }) {
			continue
		}
		doc, _ := props(pol)["PolicyDocument"].(map[string]any)
		statements, _ := doc["Statement"].([]any)
		for _, s := range statements {
			st := s.(map[string]any)
			if st["Effect"] != "Allow" || st["Condition"] != nil || st["NotAction"] != nil || st["NotResource"] != nil {
				out = append(out, fmt.Sprintf("unexpected statement %v", st))
				continue
			}
			res, ok := st["Resource"].([]any)
			if !ok {
				res = []any{st["Resource"]}
			}
			for _, a := range asList(st["Action"]) {
				for _, r := range res {
					out = append(out, a+" on "+resourceName(r, names))
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// resourceName names an IAM Resource entry: "*", a resource by its name in names, or that
// followed by "/*" for the objects of a bucket; anything else verbatim, so it shows in diffs.
func resourceName(r any, names map[string]string) string {
	if s, ok := r.(string); ok {
		return s
	}
	if id := ref(r); id != "" {
		if n, ok := names[id]; ok {
			return n
		}
		return "unknown resource " + id
	}
	if join, ok := r.(map[string]any)["Fn::Join"].([]any); ok && len(join) == 2 {
		if parts, _ := join[1].([]any); len(parts) == 2 && parts[1] == "/*" && join[0] == "" {
			return resourceName(parts[0], names) + "/*"
		}
	}
	b, _ := json.Marshal(r)
	return string(b)
}

// resourceNames maps the logical IDs of the resources a role may be granted to names that
// follow the manifest: "queue:<queue>", "dlq:<queue>", "bucket:<bucket>",
// "secret:<short name>" and "logs:<function>".
func resourceNames(t *testing.T, s *synthesis, env Env) map[string]string {
	t.Helper()
	prefix := physicalName(env, "")
	names := map[string]string{}
	for id, q := range resources(t, s.all, "AWS::SQS::Queue") {
		name := strings.TrimPrefix(fmt.Sprint(props(q)["QueueName"]), prefix)
		if base, ok := strings.CutSuffix(name, dlqSuffix); ok {
			names[id] = "dlq:" + base
		} else {
			names[id] = "queue:" + name
		}
	}
	for id, g := range resources(t, s.all, "AWS::Logs::LogGroup") {
		names[id] = "logs:" + strings.TrimPrefix(fmt.Sprint(props(g)["LogGroupName"]), "/aws/lambda/"+prefix)
	}
	outputs := section(*s.parent.ToJSON(), "Outputs")
	for _, b := range functions.Buckets {
		o, _ := outputs["Bucket"+exportID(b)].(map[string]any)
		names[ref(o["Value"])] = "bucket:" + b
	}
	for id, short := range secretShortNames(t, s.all, env) {
		names[id] = "secret:" + short
	}
	return names
}

// secretShortNames maps each secret's logical ID, and that of a secret's attachment (through
// which CDK refers to the database secret), to its name after "propertypro/<env>/".
func secretShortNames(t *testing.T, tpl assertions.Template, env Env) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for name, r := range secretsByName(t, tpl) {
		ids[r["LogicalID"].(string)] = strings.TrimPrefix(name, "propertypro/"+string(env)+"/")
	}
	for id, r := range resources(t, tpl, "AWS::SecretsManager::SecretTargetAttachment") {
		if name, ok := ids[ref(props(r)["SecretId"])]; ok {
			ids[id] = name
		}
	}
	return ids
}
