package stack

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/propertypro/propertypro/functions"
)

const (
	// maxStackResources leaves room below CloudFormation's 500 resources per stack (parent
	// and nested alike); a stack near it needs a smaller MaxFunctionsPerStack.
	maxStackResources = 450
	// CloudFormation's limits on a template's parameters and outputs; nested stacks receive
	// every shared resource they refer to as a parameter.
	maxTemplateParameters = 200
	maxTemplateOutputs    = 200
)

// syntheticManifest is n HTTP functions in resources of 60 ("api-res0-op000", …), each
// spanning three nested stacks, with a mix of database, AI and bucket access so that nested
// stacks receive many parameters.
func syntheticManifest(n int) []functions.Function {
	out := make([]functions.Function, 0, n)
	for i := range n {
		res := fmt.Sprintf("res%d", i/60)
		f := functions.Function{
			Name:    fmt.Sprintf("api-%s-op%03d", res, i),
			Summary: "Synthetic function for the stack size test.",
			Route:   fmt.Sprintf("GET /synthetic/%s/op%03d/{id}", res, i),
			Timeout: 10 * time.Second, MemoryMB: 256,
		}
		switch i % 4 {
		case 0:
			f.Access = functions.Access{Database: true}
		case 1:
			f.Access = functions.Access{AI: true, ReadBuckets: []string{functions.BucketDocuments}}
		case 2:
			f.Access = functions.Access{Database: true, WriteBuckets: []string{functions.BucketDataDrops}}
		}
		out = append(out, f)
	}
	return out
}

var syntheticCase = synthCase{"synthetic 300 HTTP functions prod", Prod, syntheticManifest(300)}

// TestStackSizes keeps every stack, parent and nested, deployable as the manifest grows.
func TestStackSizes(t *testing.T) {
	for _, c := range append(slices.Clone(synthCases), syntheticCase) {
		t.Run(c.name, func(t *testing.T) {
			s := c.synth(t)
			if got, want := len(s.nested), len(GroupFunctions(c.manifest)); got != want {
				t.Errorf("%d nested stacks of functions, want %d", got, want)
			}
			tpls := s.templates()
			for _, id := range s.stackIDs() {
				tpl, name := tpls[id], id
				if name == "" {
					name = "parent " + StackName(c.env)
				}
				n := len(section(tpl, "Resources"))
				t.Logf("%s: %d resources, %d parameters", name, n, len(section(tpl, "Parameters")))
				if n >= maxStackResources {
					t.Errorf("%s: %d resources, want fewer than %d (%s)", name, n, maxStackResources, typeCounts(tpl))
				}
				if n := len(section(tpl, "Parameters")); n > maxTemplateParameters {
					t.Errorf("%s: %d parameters, CloudFormation allows %d", name, n, maxTemplateParameters)
				}
				if n := len(section(tpl, "Outputs")); n > maxTemplateOutputs {
					t.Errorf("%s: %d outputs, CloudFormation allows %d", name, n, maxTemplateOutputs)
				}
			}
		})
	}
}

// TestSyntheticManifest checks that a manifest of 300 functions still yields one complete
// function per entry, with its route, spread over nested stacks.
func TestSyntheticManifest(t *testing.T) {
	c := syntheticCase
	tpl := c.template(t)
	fns := ourFunctions(t, tpl, c.env)
	if len(fns) != len(c.manifest) {
		t.Fatalf("%d bootstrap Lambdas, want %d", len(fns), len(c.manifest))
	}
	for _, f := range c.manifest {
		checkFunction(t, c, f, fns[f.Name])
	}
	if n := len(resources(t, tpl, "AWS::ApiGatewayV2::Route")); n != len(c.manifest) {
		t.Errorf("%d routes, want %d", n, len(c.manifest))
	}
}

// TestFunctionStacks checks the layout: each function with everything that is its own in the
// nested stack GroupFunctions gives it, shared resources only in the parent.
func TestFunctionStacks(t *testing.T) {
	for _, c := range synthCases {
		t.Run(c.name, func(t *testing.T) {
			s := c.synth(t)
			groups := GroupFunctions(c.manifest)
			var wantIDs, gotIDs []string
			for _, g := range groups {
				wantIDs = append(wantIDs, g.ID)
			}
			for _, nt := range s.nested {
				gotIDs = append(gotIDs, nt.id)
			}
			if diff := cmp.Diff(wantIDs, gotIDs); diff != "" {
				t.Fatalf("nested stacks (-want +got):\n%s", diff)
			}
			fns := ourFunctions(t, s.all, c.env)
			perStack := map[string]int{}
			for _, g := range groups {
				for _, f := range g.Functions {
					fn := fns[f.Name]
					if fn == nil {
						t.Errorf("%s: no Lambda", f.Name)
						continue
					}
					p := props(fn)
					logs, _ := p["LoggingConfig"].(map[string]any)
					for what, id := range map[string]string{
						"Lambda": fn["LogicalID"].(string), "role": ref(p["Role"]), "log group": ref(logs["LogGroup"]),
					} {
						if got := s.stackOf[id]; got != g.ID {
							t.Errorf("%s: %s %s is in stack %q, want %q", f.Name, what, id, got, g.ID)
						}
					}
					perStack[g.ID]++
				}
			}
			for id, n := range perStack {
				if n > MaxFunctionsPerStack {
					t.Errorf("%s holds %d functions, want at most %d", id, n, MaxFunctionsPerStack)
				}
			}
			// The parent refers to nothing in a nested stack, so each nested stack depends on
			// the parent's shared resources and never the other way round: no cycles.
			for _, nt := range s.nested {
				if outputs := section(nt.json, "Outputs"); len(outputs) > 0 {
					t.Errorf("%s exports %v to the parent; shared resources belong in the parent", nt.id, keys(outputs))
				}
			}
			// What belongs to one function never lands in the parent...
			for _, typ := range []string{
				"AWS::ApiGatewayV2::Route", "AWS::ApiGatewayV2::Integration", "AWS::Lambda::EventSourceMapping",
				"AWS::Events::Rule", "AWS::Logs::LogGroup", "AWS::Lambda::Permission",
			} {
				if in := s.resourcesIn(t, "", typ); len(in) > 0 {
					t.Errorf("parent holds %d %s, want them in the functions' nested stacks: %v", len(in), typ, keys(in))
				}
			}
			// The parent's alarms watch the platform as a whole, never one function or queue.
			for id, a := range s.resourcesIn(t, "", "AWS::CloudWatch::Alarm") {
				name := strings.TrimPrefix(fmt.Sprint(props(a)["AlarmName"]), physicalName(c.env, ""))
				if !slices.Contains([]string{"api-error-rate", "ai-provider-errors", "db-connections", "db-storage"}, name) {
					t.Errorf("parent holds alarm %s (%s), want it in its function's nested stack", name, id)
				}
			}
			// ...and what is shared never lands in a nested stack.
			for _, typ := range []string{
				"AWS::SNS::Topic", "AWS::S3::Bucket", "AWS::SQS::Queue", "AWS::SecretsManager::Secret", "AWS::EC2::VPC",
				"AWS::RDS::DBInstance", "AWS::RDS::DBProxy", "AWS::ApiGatewayV2::Api", "Custom::S3BucketNotifications",
				"AWS::CloudWatch::Dashboard",
			} {
				all, parent := resources(t, s.all, typ), s.resourcesIn(t, "", typ)
				if len(all) != len(parent) {
					t.Errorf("%d of %d %s are in nested stacks, want all in the parent", len(all)-len(parent), len(all), typ)
				}
			}
		})
	}
}

func TestResourceSegment(t *testing.T) {
	tests := map[string]string{
		"api-leads-activities-list": "leads",
		"api-leads-get":             "leads",
		"task-leads-score":          "leads",
		"cron-db-maintenance":       "db",
		"api-me":                    "me",
		"api-health":                "health",
		"api-health-ready":          "health",
		"worker-x":                  "worker",
		"standalone":                "standalone",
		"api--x":                    "api",
	}
	for name, want := range tests {
		if got := resourceSegment(name); got != want {
			t.Errorf("resourceSegment(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestGroupFunctions(t *testing.T) {
	for name, m := range map[string][]functions.Function{
		"real": functions.Manifest, "test": testManifest(), "synthetic": syntheticManifest(300),
	} {
		t.Run(name, func(t *testing.T) {
			var flat []string
			ids := map[string]bool{}
			for _, g := range GroupFunctions(m) {
				if ids[g.ID] {
					t.Errorf("group %s twice", g.ID)
				}
				ids[g.ID] = true
				if len(g.Functions) == 0 || len(g.Functions) > MaxFunctionsPerStack {
					t.Errorf("group %s has %d functions, want 1 to %d", g.ID, len(g.Functions), MaxFunctionsPerStack)
				}
				for _, f := range g.Functions {
					if want := functionStackPrefix + resourceSegment(f.Name) + "-"; g.ID[:min(len(want), len(g.ID))] != want {
						t.Errorf("%s is in %s, want a group starting %s", f.Name, g.ID, want)
					}
					flat = append(flat, f.Name)
				}
			}
			var want []string
			for _, f := range m {
				want = append(want, f.Name)
			}
			slices.Sort(flat)
			slices.Sort(want)
			if diff := cmp.Diff(want, flat); diff != "" {
				t.Errorf("grouped functions (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGroupFunctionsStable guards deployments: CloudFormation cannot move a function with
// fixed physical names between nested stacks, so growing the manifest the usual ways (a
// function at the end of its area, a new area anywhere) must leave every existing function
// in its nested stack.
func TestGroupFunctionsStable(t *testing.T) {
	fn := func(name string) functions.Function { return functions.Function{Name: name} }
	var base []functions.Function
	for i := range 3 * MaxFunctionsPerStack { // leads spans three chunks, interleaved with deals
		base = append(base, fn(fmt.Sprintf("api-leads-op%03d", i)))
		if i%10 == 0 {
			base = append(base, fn(fmt.Sprintf("api-deals-op%03d", i)))
		}
	}
	base = append(base, fn("cron-leads-nurture"), fn("task-deals-close"))
	grown := slices.Clone(base)
	last := slices.IndexFunc(grown, func(f functions.Function) bool { return f.Name == "cron-leads-nurture" })
	grown = slices.Insert(grown, last+1, fn("api-leads-new"))
	grown = slices.Insert(grown, 7, fn("api-brand-new"), fn("task-brand-new"))
	grown = append(grown, fn("api-deals-new"), fn("cron-other-thing"))

	before, after := assignment(GroupFunctions(base)), assignment(GroupFunctions(grown))
	for name, id := range before {
		if after[name] != id {
			t.Errorf("%s moved from %s to %s", name, id, after[name])
		}
	}
	if after["api-leads-new"] != functionStackPrefix+"leads-4" {
		t.Errorf("api-leads-new is in %s, want a fourth leads stack after three full ones", after["api-leads-new"])
	}
}

func assignment(groups []FunctionGroup) map[string]string {
	out := map[string]string{}
	for _, g := range groups {
		for _, f := range g.Functions {
			out[f.Name] = g.ID
		}
	}
	return out
}
