package stack

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
)

// synthesis is one synthesized stack: the parent's template, each nested stack's, and all of
// them flattened into one.
type synthesis struct {
	parent assertions.Template
	nested []nestedTemplate
	// all holds the resources, mappings and conditions of every stack. Nested stacks' logical
	// IDs get their stack's ID as prefix ("Functions-leads-1/apileadsgetFunction…"), and each
	// reference to a nested stack's parameter is replaced by the value the parent passes to
	// it, so references between stacks read like references within one ({"Ref": "Alarms…"}).
	all assertions.Template
	// stackOf maps a logical ID of all to the construct ID of the stack that holds it.
	stackOf map[string]string
}

// nestedTemplate is one nested stack's template.
type nestedTemplate struct {
	id         string // construct ID, e.g. "Functions-leads-1"
	resourceID string // logical ID of its AWS::CloudFormation::Stack in the parent
	tpl        assertions.Template
	json       map[string]any
}

// templateSections are the parts of templates that flatten merges.
var templateSections = []string{"Resources", "Mappings", "Conditions"}

func synthesize(t *testing.T, parent awscdk.Stack) *synthesis {
	t.Helper()
	s := &synthesis{parent: assertions.Template_FromStack(parent, nil), stackOf: map[string]string{}}
	parentJSON := *s.parent.ToJSON()
	parentResources := section(parentJSON, "Resources")
	merged := map[string]any{}
	for _, name := range templateSections {
		merged[name] = map[string]any{}
	}
	outputs := map[string]any{} // "resourceID/Outputs.Name" → flattened value
	for _, ns := range FunctionStacks(parent) {
		nt := nestedTemplate{
			id:         *ns.Node().Id(),
			resourceID: *parent.GetLogicalId(ns.NestedStackResource()),
			tpl:        assertions.Template_FromStack(ns, nil),
		}
		nt.json = *nt.tpl.ToJSON()
		res, ok := parentResources[nt.resourceID].(map[string]any)
		if !ok {
			t.Fatalf("nested stack %s: no resource %s in the parent", nt.id, nt.resourceID)
		}
		params, _ := props(res)["Parameters"].(map[string]any)
		f := flattener{prefix: nt.id + "/", params: params, local: map[string]bool{}}
		for _, name := range templateSections {
			for id := range section(nt.json, name) {
				f.local[id] = true
			}
		}
		for _, name := range templateSections {
			for id, v := range section(nt.json, name) {
				merged[name].(map[string]any)[f.prefix+id] = f.rewrite(v)
				s.stackOf[f.prefix+id] = nt.id
			}
		}
		for name, o := range section(nt.json, "Outputs") {
			outputs[nt.resourceID+"/Outputs."+name] = f.rewrite(o.(map[string]any)["Value"])
		}
		s.nested = append(s.nested, nt)
	}
	pf := flattener{outputs: outputs}
	for _, name := range templateSections {
		for id, v := range section(parentJSON, name) {
			if _, dup := merged[name].(map[string]any)[id]; dup {
				t.Fatalf("%s %s is in the parent and a nested stack", name, id)
			}
			merged[name].(map[string]any)[id] = pf.rewrite(v)
			s.stackOf[id] = ""
		}
	}
	s.all = assertions.Template_FromJSON(&merged, nil)
	return s
}

// templates returns the parent's template and then each nested stack's, keyed by stack ID
// ("" for the parent).
func (s *synthesis) templates() map[string]map[string]any {
	out := map[string]map[string]any{"": *s.parent.ToJSON()}
	for _, nt := range s.nested {
		out[nt.id] = nt.json
	}
	return out
}

func section(tpl map[string]any, name string) map[string]any {
	m, _ := tpl[name].(map[string]any)
	return m
}

// flattener rewrites one template's references into the flattened namespace.
type flattener struct {
	prefix  string          // put before the template's own logical IDs
	params  map[string]any  // the values the parent passes to the template's parameters
	local   map[string]bool // the template's own resources, mappings and conditions
	outputs map[string]any  // nested stacks' outputs, for the parent's Fn::GetAtt on them
}

func (f flattener) id(name string) string {
	if f.local[name] {
		return f.prefix + name
	}
	return name
}

func (f flattener) rewrite(v any) any {
	switch v := v.(type) {
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = f.rewrite(x)
		}
		return out
	case map[string]any:
		if len(v) == 1 {
			if out, ok := f.rewriteIntrinsic(v); ok {
				return out
			}
		}
		out := make(map[string]any, len(v))
		for k, x := range v {
			switch k {
			case "DependsOn":
				out[k] = f.rewriteNames(x)
			case "Condition":
				if name, ok := x.(string); ok {
					out[k] = f.id(name)
					continue
				}
				out[k] = f.rewrite(x)
			default:
				out[k] = f.rewrite(x)
			}
		}
		return out
	}
	return v
}

func (f flattener) rewriteIntrinsic(v map[string]any) (any, bool) {
	for k, x := range v {
		switch k {
		case "Ref":
			name, _ := x.(string)
			if val, ok := f.params[name]; ok {
				return val, true // the parent's value, already in the parent's namespace
			}
			return map[string]any{k: f.id(name)}, true
		case "Fn::GetAtt":
			args, _ := x.([]any)
			if len(args) != 2 {
				return nil, false
			}
			name, _ := args[0].(string)
			attr := fmt.Sprint(args[1])
			if out, ok := f.outputs[name+"/"+attr]; ok {
				return out, true
			}
			return map[string]any{k: []any{f.id(name), args[1]}}, true
		case "Fn::FindInMap", "Fn::If":
			args, _ := x.([]any)
			if len(args) == 0 {
				return nil, false
			}
			out := f.rewrite(args).([]any)
			if name, ok := args[0].(string); ok {
				out[0] = f.id(name)
			}
			return map[string]any{k: out}, true
		}
	}
	return nil, false
}

func (f flattener) rewriteNames(v any) any {
	switch v := v.(type) {
	case string:
		return f.id(v)
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = f.rewriteNames(x)
		}
		return out
	}
	return v
}

// stackIDs lists the stacks of a synthesis: "" for the parent, then the nested stacks.
func (s *synthesis) stackIDs() []string {
	ids := []string{""}
	for _, nt := range s.nested {
		ids = append(ids, nt.id)
	}
	return ids
}

// resourcesIn returns the flattened resources of one type held by the stack with that ID.
func (s *synthesis) resourcesIn(t *testing.T, stackID, typ string) map[string]map[string]any {
	t.Helper()
	out := resources(t, s.all, typ)
	maps.DeleteFunc(out, func(id string, _ map[string]any) bool { return s.stackOf[id] != stackID })
	return out
}

// ref returns the logical ID an {"Ref": id} or {"Fn::GetAtt": [id, attr]} points to.
func ref(v any) string {
	m, _ := v.(map[string]any)
	if id, ok := m["Ref"].(string); ok {
		return id
	}
	if args, ok := m["Fn::GetAtt"].([]any); ok && len(args) == 2 {
		return fmt.Sprint(args[0])
	}
	return ""
}

// typeCounts counts a template's resources by type, for failure messages.
func typeCounts(tpl map[string]any) string {
	n := map[string]int{}
	for _, r := range section(tpl, "Resources") {
		n[fmt.Sprint(r.(map[string]any)["Type"])]++
	}
	var parts []string
	for _, typ := range slices.Sorted(maps.Keys(n)) {
		parts = append(parts, fmt.Sprintf("%s %d", typ, n[typ]))
	}
	return strings.Join(parts, ", ")
}
