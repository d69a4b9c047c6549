package stack

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Env is a deployment environment; each gets its own stack, data and sizing.
type Env string

// The environments a stack can be synthesized for.
const (
	Dev     Env = "dev"
	Staging Env = "staging"
	Prod    Env = "prod"
)

// ContextKey is the CDK context key that selects the environment (`cdk synth -c env=prod`).
const ContextKey = "env"

// Envs lists every valid environment, in promotion order.
var Envs = []Env{Dev, Staging, Prod}

// ParseEnv accepts exactly the names in Envs so that a typo never deploys a half-configured stack.
func ParseEnv(s string) (Env, error) {
	for _, e := range Envs {
		if string(e) == s {
			return e, nil
		}
	}
	return "", fmt.Errorf("unknown environment %q (CDK context %q): use one of %v, e.g. -c %s=dev", s, ContextKey, Envs, ContextKey)
}

// EnvFromContext reads the environment from the scope's CDK context, defaulting to Dev
// because a forgotten flag should never reach production.
func EnvFromContext(scope constructs.Construct) (Env, error) {
	v := scope.Node().TryGetContext(jsii.String(ContextKey))
	if v == nil {
		return Dev, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("CDK context %q must be a string, got %v", ContextKey, v)
	}
	return ParseEnv(s)
}

// StackName is the stack's name for an environment, e.g. "PropertyPro-dev".
func StackName(e Env) string { return "PropertyPro-" + string(e) }

// settings are the knobs that differ between environments; everything else is identical so
// that staging rehearses production faithfully.
type settings struct {
	logRetention   awslogs.RetentionDays
	logLevel       string
	lambdaLogLevel awslambda.ApplicationLogLevel
	natGateways    float64
	dbInstance     awsec2.InstanceSize
	dbMultiAZ      bool
	dbBackupDays   float64
	// dbKeepBackups keeps the automated backups (and so point-in-time recovery) for their
	// retention period after the instance itself is deleted.
	dbKeepBackups   bool
	dbRemoval       awscdk.RemovalPolicy
	bucketRemoval   awscdk.RemovalPolicy
	logRemoval      awscdk.RemovalPolicy
	deleteProtected bool
}

func (e Env) settings() settings {
	switch e {
	case Prod:
		// 35 days (RDS's maximum) of point-in-time recovery covers a monthly close, and
		// deleting the stack first needs deletion protection turned off, then leaves a
		// final snapshot and the automated backups behind.
		return settings{
			logRetention: awslogs.RetentionDays_ONE_YEAR, logLevel: "info", lambdaLogLevel: awslambda.ApplicationLogLevel_INFO,
			natGateways: 2, dbInstance: awsec2.InstanceSize_MEDIUM, dbMultiAZ: true, dbBackupDays: 35, dbKeepBackups: true,
			dbRemoval: awscdk.RemovalPolicy_SNAPSHOT, bucketRemoval: awscdk.RemovalPolicy_RETAIN,
			logRemoval: awscdk.RemovalPolicy_RETAIN, deleteProtected: true,
		}
	case Staging:
		// Staging data is rebuilt from seeds, but a snapshot on deletion is cheap insurance.
		return settings{
			logRetention: awslogs.RetentionDays_ONE_MONTH, logLevel: "info", lambdaLogLevel: awslambda.ApplicationLogLevel_INFO,
			natGateways: 1, dbInstance: awsec2.InstanceSize_SMALL, dbBackupDays: 7,
			dbRemoval: awscdk.RemovalPolicy_SNAPSHOT, bucketRemoval: awscdk.RemovalPolicy_DESTROY,
			logRemoval: awscdk.RemovalPolicy_DESTROY,
		}
	default:
		// One day of backups still lets a developer undo a bad migration of this morning.
		return settings{
			logRetention: awslogs.RetentionDays_TWO_WEEKS, logLevel: "debug", lambdaLogLevel: awslambda.ApplicationLogLevel_DEBUG,
			natGateways: 1, dbInstance: awsec2.InstanceSize_MICRO, dbBackupDays: 1,
			dbRemoval: awscdk.RemovalPolicy_DESTROY, bucketRemoval: awscdk.RemovalPolicy_DESTROY,
			logRemoval: awscdk.RemovalPolicy_DESTROY,
		}
	}
}
