// Command infra synthesizes PropertyPro's CloudFormation template from functions.Manifest.
//
// Run it through the CDK CLI from the repository root (`npx cdk synth -c env=prod`) or
// directly (`cd infra && go run . -c env=prod`); either way the template lands in cdk.out/.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/infra/stack"
)

// buildDirEnv overrides where function binaries are read from, e.g. for a CI artifact folder.
const buildDirEnv = "PROPERTYPRO_BUILD_DIR"

func main() {
	defer jsii.Close()
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "infra:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	context, err := parseContext(args)
	if err != nil {
		return err
	}
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: outdir(), Context: &context})
	env, err := stack.EnvFromContext(app)
	if err != nil {
		return err
	}
	email, err := stack.StringFromContext(app, stack.ContextAlarmEmail)
	if err != nil {
		return err
	}
	runbooks, err := stack.StringFromContext(app, stack.ContextRunbookBaseURL)
	if err != nil {
		return err
	}
	var tracing [3]string
	for i, key := range []string{stack.ContextTracing, stack.ContextOTLPEndpoint, stack.ContextADOTLayer} {
		if tracing[i], err = stack.StringFromContext(app, key); err != nil {
			return err
		}
	}
	props := stack.Props{
		Env:            env,
		Functions:      functions.Manifest,
		Buckets:        functions.Buckets,
		CodeDir:        codeDir(),
		AWS:            awsTarget(),
		AlarmEmail:     email,
		RunbookBaseURL: runbooks,
		Tracing:        tracing[0],
		OTLPEndpoint:   tracing[1],
		ADOTLayerARN:   tracing[2],
	}
	if err := props.Validate(); err != nil {
		return fmt.Errorf("cannot synthesize %s:\n%w", stack.StackName(env), err)
	}
	stack.New(app, stack.StackName(env), props)
	app.Synth(nil)
	return nil
}

// parseContext accepts the CDK CLI's `-c key=value` so that `go run .` selects an environment
// the same way `cdk synth` does; the CLI itself passes context through CDK_CONTEXT_JSON.
func parseContext(args []string) (map[string]any, error) {
	ctx := stack.Context()
	fs := flag.NewFlagSet("infra", flag.ContinueOnError)
	fs.Func("c", "CDK context `key=value`, e.g. -c env=prod (repeatable)", func(kv string) error {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return errors.New("want key=value")
		}
		ctx[k] = v
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q; use -c key=value", fs.Args())
	}
	return ctx, nil
}

// repoRoot is where cdk.json lives; the app runs from infra/, one level below.
const repoRoot = ".."

// outdir puts the cloud assembly in the repository's cdk.out/. The CDK CLI always runs at the
// repository root (it reads cdk.json from its working directory) and passes a CDK_OUTDIR
// relative to it, which would land in infra/ after the app command's `cd infra`.
func outdir() *string {
	dir := os.Getenv("CDK_OUTDIR")
	switch {
	case dir == "":
		dir = "cdk.out"
	case filepath.IsAbs(dir):
		return nil
	}
	return jsii.String(filepath.Join(repoRoot, dir))
}

func codeDir() func(string) string {
	dir := os.Getenv(buildDirEnv)
	if dir == "" {
		return nil
	}
	return func(name string) string { return filepath.Join(dir, name) }
}

// awsTarget pins account and region when the CLI knows them (it sets CDK_DEFAULT_*), which
// lets CDK pick real availability zones; without them the template stays environment-agnostic.
func awsTarget() *awscdk.Environment {
	account, region := os.Getenv("CDK_DEFAULT_ACCOUNT"), os.Getenv("CDK_DEFAULT_REGION")
	if account == "" || region == "" {
		return nil
	}
	return &awscdk.Environment{Account: jsii.String(account), Region: jsii.String(region)}
}
