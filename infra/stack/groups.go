package stack

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/propertypro/propertypro/functions"
)

// MaxFunctionsPerStack caps the functions of one nested stack. A function brings at most
// about a dozen resources (role, policy, log group, Lambda, permission, integration, route or
// event source or rule, three alarms, two queue alarms or a miss alarm), so 25 of them stay far below
// CloudFormation's 500 resources per stack, and the parent holds only one resource per
// nested stack however long the manifest grows.
const MaxFunctionsPerStack = 25

// functionStackPrefix starts the construct ID of every nested stack of functions.
const functionStackPrefix = "Functions-"

// kindPrefixes are the name prefixes of the function kinds ("api-leads-get" → "leads").
var kindPrefixes = map[string]bool{"api": true, "task": true, "cron": true}

// FunctionGroup is the functions one nested stack deploys.
type FunctionGroup struct {
	// ID is the nested stack's construct ID, e.g. "Functions-leads-1"; it fixes the nested
	// stack's logical ID, so it must never change for a deployed group.
	ID        string
	Functions []functions.Function
}

// GroupFunctions splits the manifest into nested stacks: one group per resource segment of
// the names (api-leads-*, task-leads-* and cron-leads-* share "leads"), in manifest order, cut
// into chunks of MaxFunctionsPerStack ("Functions-leads-1", "Functions-leads-2", …).
//
// A function must stay in its nested stack for as long as it exists: moving it to another
// one makes CloudFormation create the Lambda, log group and alarms under their fixed names in
// the new stack before deleting the old ones, which fails. Functions appended to their
// area's list, and new areas, leave every existing function where it is. Inserting a function
// before others of the same segment, or removing one, shifts the later ones of that segment
// when the segment spans several chunks (more than MaxFunctionsPerStack functions), so
// append there.
func GroupFunctions(manifest []functions.Function) []FunctionGroup {
	var segments []string
	bySegment := map[string][]functions.Function{}
	for _, f := range manifest {
		s := resourceSegment(f.Name)
		if _, ok := bySegment[s]; !ok {
			segments = append(segments, s)
		}
		bySegment[s] = append(bySegment[s], f)
	}
	var groups []FunctionGroup
	for _, s := range segments {
		fns := bySegment[s]
		for i := 0; i < len(fns); i += MaxFunctionsPerStack {
			groups = append(groups, FunctionGroup{
				ID:        fmt.Sprintf("%s%s-%d", functionStackPrefix, s, i/MaxFunctionsPerStack+1),
				Functions: fns[i:min(i+MaxFunctionsPerStack, len(fns))],
			})
		}
	}
	return groups
}

// resourceSegment is the part of a function's name after its kind prefix, e.g.
// "api-leads-activities-list" → "leads", "cron-db-maintenance" → "db", "api-me" → "me".
func resourceSegment(name string) string {
	parts := strings.SplitN(name, "-", 3)
	if len(parts) >= 2 && kindPrefixes[parts[0]] && parts[1] != "" {
		return parts[1]
	}
	return parts[0]
}

// addFunctionStack creates the nested stack that holds one group's functions with everything
// that is theirs alone; shared resources stay in the parent, and CDK passes references to
// them as nested stack parameters.
func (b *builder) addFunctionStack(g FunctionGroup) awscdk.NestedStack {
	names := make([]string, len(g.Functions))
	for i, f := range g.Functions {
		names[i] = f.Name
	}
	description := fmt.Sprintf("PropertyPro %s functions %s: %s", b.props.Env, strings.TrimPrefix(g.ID, functionStackPrefix), strings.Join(names, ", "))
	if len(description) > maxStackDescription {
		description = description[:maxStackDescription-len("…")] + "…"
	}
	return awscdk.NewNestedStack(b.stack, jsii.String(g.ID), &awscdk.NestedStackProps{
		Description: jsii.String(description),
	})
}

// maxStackDescription is CloudFormation's limit on a template's Description, in bytes.
const maxStackDescription = 1024

// FunctionStacks returns the nested stacks of functions under a stack made by New, in the
// order of GroupFunctions.
func FunctionStacks(parent awscdk.Stack) []awscdk.NestedStack {
	var out []awscdk.NestedStack
	for _, c := range *parent.Node().Children() {
		if !*awscdk.NestedStack_IsNestedStack(c) {
			continue
		}
		if ns, ok := c.(awscdk.NestedStack); ok && strings.HasPrefix(*ns.Node().Id(), functionStackPrefix) {
			out = append(out, ns)
		}
	}
	return out
}
