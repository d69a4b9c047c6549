package stack

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// CDK context keys of the optional alarm settings (`cdk deploy -c alarmEmail=…`).
const (
	ContextAlarmEmail     = "alarmEmail"
	ContextRunbookBaseURL = "runbookBaseUrl"
)

// StringFromContext reads an optional string from the scope's CDK context; unset is "".
func StringFromContext(scope constructs.Construct, key string) (string, error) {
	v := scope.Node().TryGetContext(jsii.String(key))
	if v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("CDK context %q must be a string, got %v", key, v)
	}
	return s, nil
}

// Context returns the CDK context every app of this stack starts from. The feature flags live
// in code rather than in cdk.json so that `go run .`, the CDK CLI and the tests all synthesize
// the same template.
func Context() map[string]any {
	return map[string]any{
		// Merge IAM statements so that per-bucket grants do not bloat each role's policy.
		"@aws-cdk/aws-iam:minimizePolicies": true,
		// Strip the default security group's rules: nothing should rely on it.
		"@aws-cdk/aws-ec2:restrictDefaultSecurityGroup": true,
		// Proxy names derived from the full path avoid clashes between environments.
		"@aws-cdk/aws-rds:databaseProxyUniqueResourceName": true,
	}
}
