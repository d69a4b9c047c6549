package stack

import (
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"
	"github.com/propertypro/propertypro/functions"
)

// newLambda creates the function with its own role and log group. The role starts empty and
// receives only what the manifest's Access lists, so a compromised function reaches nothing else.
func (b *builder) newLambda(f functions.Function) awslambda.Function {
	scope := b.scope(f.Name)
	name := physicalName(b.props.Env, f.Name)
	role := awsiam.NewRole(scope, jsii.String("Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("Runs " + name + "; grants follow its manifest Access"),
	})
	logs := awslogs.NewLogGroup(scope, jsii.String("Logs"), &awslogs.LogGroupProps{
		LogGroupName:  jsii.String("/aws/lambda/" + name),
		Retention:     b.cfg.logRetention,
		RemovalPolicy: b.cfg.logRemoval,
	})
	logs.GrantWrite(role)
	b.grantAccess(role, f.Access)
	props := &awslambda.FunctionProps{
		FunctionName:          jsii.String(name),
		Description:           jsii.String(f.Summary),
		Runtime:               awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:          awslambda.Architecture_ARM_64(),
		Handler:               jsii.String("bootstrap"),
		Code:                  awslambda.Code_FromAsset(jsii.String(b.props.codeDir(f.Name)), nil),
		Timeout:               awscdk.Duration_Seconds(jsii.Number(f.Timeout.Seconds())),
		MemorySize:            jsii.Number(float64(f.MemoryMB)),
		Role:                  role,
		LogGroup:              logs,
		LoggingFormat:         awslambda.LoggingFormat_JSON,
		ApplicationLogLevelV2: b.cfg.lambdaLogLevel,
		Environment:           b.environment(f),
	}
	if f.Access.Database {
		b.placeInVpc(props, role)
	}
	if readsSecrets(f.Access) {
		props.ParamsAndSecrets = secretsExtension()
	}
	b.props.traceFunction(scope, props)
	return awslambda.NewFunction(scope, jsii.String("Function"), props)
}

// placeInVpc puts a database client next to RDS Proxy, which is reachable only from inside
// the VPC; Lambda needs the ENI permissions to attach there.
func (b *builder) placeInVpc(props *awslambda.FunctionProps, role awsiam.Role) {
	props.Vpc = b.db.vpc
	props.VpcSubnets = &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS}
	props.SecurityGroups = &[]awsec2.ISecurityGroup{b.db.clients}
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: jsii.Strings(
			"ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
			"ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
		),
		// EC2 does not support resource-level permissions for these actions.
		Resources: jsii.Strings("*"),
	}))
}

// environment is the function's whole configuration contract with shared/config: names of
// queues, buckets and secrets, never their contents.
func (b *builder) environment(f functions.Function) *map[string]*string {
	env := map[string]*string{
		EnvAppEnv:   jsii.String(string(b.props.Env)),
		EnvLogLevel: jsii.String(b.cfg.logLevel),
	}
	for _, q := range f.Access.SendQueues {
		env[envVarName(EnvQueueURLPrefix, q)] = b.queues[q].QueueUrl()
	}
	for _, name := range bucketsUsed(f) {
		env[envVarName(EnvBucketPrefix, name)] = b.buckets[name].BucketName()
	}
	if f.Access.Database {
		env[EnvDatabaseHost] = b.db.proxy.Endpoint()
		env[EnvDatabaseSecretARN] = b.db.secret.SecretArn()
		env[EnvDatabaseName] = jsii.String(DatabaseName)
		env[EnvAppSecretARN] = b.appSecret.SecretArn()
	}
	if f.Access.AI {
		env[EnvAISecretARN] = b.aiSecret.SecretArn()
	}
	b.props.traceEnvironment(env)
	return &env
}

// bucketsUsed lists every bucket a function reads, writes or is fed from, once each.
func bucketsUsed(f functions.Function) []string {
	var names []string
	seen := map[string]bool{}
	add := func(list ...string) {
		for _, n := range list {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	add(f.Access.ReadBuckets...)
	add(f.Access.WriteBuckets...)
	if f.Source != nil {
		add(f.Source.Bucket)
	}
	return names
}

// grantAccess turns the manifest's Access into IAM statements, one action set per resource
// kind and nothing broader.
func (b *builder) grantAccess(role awsiam.Role, a functions.Access) {
	for _, q := range a.SendQueues {
		b.queues[q].Grant(role, jsii.String("sqs:SendMessage"))
	}
	for _, name := range a.ReadBuckets {
		bucket := b.buckets[name]
		allow(role, []string{"s3:GetObject"}, bucket.ArnForObjects(jsii.String("*")))
		// ListBucket lets a missing key come back as 404 instead of a misleading 403.
		allow(role, []string{"s3:ListBucket"}, bucket.BucketArn())
	}
	for _, name := range a.WriteBuckets {
		allow(role, []string{"s3:PutObject", "s3:AbortMultipartUpload"}, b.buckets[name].ArnForObjects(jsii.String("*")))
	}
	if a.Database {
		b.db.secret.GrantRead(role, nil)
		b.appSecret.GrantRead(role, nil)
	}
	if a.AI {
		b.aiSecret.GrantRead(role, nil)
	}
}

func allow(role awsiam.Role, actions []string, resource *string) {
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings(actions...),
		Resources: &[]*string{resource},
	}))
}

// seconds renders a duration for descriptions and alarm texts.
func seconds(s float64) string { return strconv.FormatFloat(s, 'f', -1, 64) + "s" }
