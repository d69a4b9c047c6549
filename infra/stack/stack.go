// Package stack synthesizes PropertyPro's whole AWS deployment from the function manifest.
//
// Every Lambda, route, queue, schedule, grant and alarm is derived from a functions.Function
// entry, so adding a function to functions/manifest.go is all it takes to deploy it.
package stack

import (
	"fmt"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/propertypro/propertypro/functions"
)

// builder carries the shared resources that each function's constructs refer to.
type builder struct {
	// stack is the parent: shared resources (alarm topic, buckets, VPC, database, proxy,
	// secrets, HTTP API, queues) live here, each function in a nested stack of its group.
	stack      awscdk.Stack
	props      Props
	cfg        settings
	scopes     map[string]constructs.Construct
	buckets    map[string]awss3.Bucket
	queues     map[string]awssqs.Queue
	dlqs       map[string]awssqs.Queue
	db         *database
	appSecret  awssecretsmanager.Secret
	aiSecret   awssecretsmanager.Secret
	api        awsapigatewayv2.HttpApi
	alarmTopic awssns.Topic
}

// New synthesizes the stack for one environment. It panics when props are invalid, as CDK
// constructs do, so call Props.Validate first to report problems gracefully.
func New(scope constructs.Construct, id string, props Props) awscdk.Stack {
	if err := props.Validate(); err != nil {
		panic(fmt.Sprintf("stack %s: invalid props:\n%v", id, err))
	}
	st := awscdk.NewStack(scope, jsii.String(id), &awscdk.StackProps{
		Env:         props.AWS,
		Description: jsii.String(fmt.Sprintf("PropertyPro %s: Lambda functions, HTTP API, queues, schedules, buckets and Postgres, derived from functions/manifest.go", props.Env)),
	})
	awscdk.Tags_Of(st).Add(jsii.String("project"), jsii.String("propertypro"), nil)
	awscdk.Tags_Of(st).Add(jsii.String("environment"), jsii.String(string(props.Env)), nil)
	b := &builder{
		stack: st, props: props, cfg: props.Env.settings(),
		scopes: map[string]constructs.Construct{}, buckets: map[string]awss3.Bucket{},
		queues: map[string]awssqs.Queue{}, dlqs: map[string]awssqs.Queue{},
	}
	b.build()
	return st
}

// build adds shared resources before functions because functions refer to them, and only
// those some function needs, so a small manifest yields a small (and cheap) stack.
func (b *builder) build() {
	b.addAlarmTopic()
	b.addBuckets()
	if b.anyAccess(func(a functions.Access) bool { return a.Database }) {
		b.addDatabase()
		// Every function with Database access serves authenticated requests or works on
		// their data, so it is also the set that needs the token and signing keys.
		b.addAppSecret()
	}
	if b.anyAccess(func(a functions.Access) bool { return a.AI }) {
		b.addAISecret()
	}
	if slices.ContainsFunc(b.props.Functions, func(f functions.Function) bool { return f.Kind() == functions.KindHTTP }) {
		b.addHTTPAPI()
	}
	b.addQueues()
	// One stack cannot hold more than 500 resources, about 50 functions; nested stacks of at
	// most MaxFunctionsPerStack functions each keep every stack far below that.
	for _, g := range GroupFunctions(b.props.Functions) {
		ns := b.addFunctionStack(g)
		for _, f := range g.Functions {
			b.scopes[f.Name] = constructs.NewConstruct(ns, jsii.String(f.Name))
			b.addFunction(f)
		}
	}
	b.addPlatformAlarms()
	b.addDashboards()
}

func (b *builder) anyAccess(need func(functions.Access) bool) bool {
	return slices.ContainsFunc(b.props.Functions, func(f functions.Function) bool { return need(f.Access) })
}

// scope groups every construct of one function under its name inside the function's nested
// stack, which keeps logical IDs readable and stable when functions are added or reordered.
func (b *builder) scope(name string) constructs.Construct {
	s, ok := b.scopes[name]
	if !ok {
		panic("stack: function " + name + " has no nested stack yet")
	}
	return s
}

func (b *builder) addFunction(f functions.Function) {
	fn := b.newLambda(f)
	switch f.Kind() {
	case functions.KindHTTP:
		b.addRoute(f, fn)
	case functions.KindTask:
		b.addConsumer(f, fn)
	case functions.KindSchedule:
		b.addSchedule(f, fn)
	}
	b.addFunctionAlarms(f, fn)
}

func (b *builder) output(id, description string, value *string) {
	awscdk.NewCfnOutput(b.stack, jsii.String(id), &awscdk.CfnOutputProps{Value: value, Description: jsii.String(description)})
}
