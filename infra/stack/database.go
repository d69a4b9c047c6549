package stack

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsrds"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// postgresPort is the port clients use through RDS Proxy.
const postgresPort = 5432

// allocatedStorageGiB is the database's initial storage; storage autoscaling grows it.
const allocatedStorageGiB = 20

// backupWindow (UTC) is 01:00–02:00 in Dubai, the quietest hour for brokerages, and ends
// before the nightly schedules start at 23:00 UTC.
const backupWindow = "21:00-22:00"

// maxConnections estimates RDS's default max_connections for Postgres,
// LEAST(DBInstanceClassMemory/9531392, 5000), for the burstable sizes the environments use;
// DBInstanceClassMemory is the instance's memory less what RDS keeps for itself.
func maxConnections(size awsec2.InstanceSize) float64 {
	switch size {
	case awsec2.InstanceSize_MICRO:
		return 81
	case awsec2.InstanceSize_SMALL:
		return 198
	case awsec2.InstanceSize_MEDIUM:
		return 410
	}
	return 81 // the smallest: an unknown size alarms early rather than late
}

// database is what a function with Database access is wired to.
type database struct {
	vpc      awsec2.Vpc
	clients  awsec2.SecurityGroup
	instance awsrds.DatabaseInstance
	proxy    awsrds.DatabaseProxy
	secret   awssecretsmanager.ISecret
}

// addDatabase creates Postgres behind RDS Proxy, because hundreds of concurrent Lambdas
// would otherwise exhaust the instance's connection slots.
func (b *builder) addDatabase() {
	scope := constructs.NewConstruct(b.stack, jsii.String("Database"))
	vpc := b.newVpc(scope)
	instance := b.newPostgres(scope, vpc)
	clients := awsec2.NewSecurityGroup(scope, jsii.String("Clients"), &awsec2.SecurityGroupProps{
		Vpc:         vpc,
		Description: jsii.String("Lambda functions with Database access; the only way into RDS Proxy"),
		// Functions in the VPC still call AI providers and AWS APIs through the NAT.
		AllowAllOutbound: jsii.Bool(true),
	})
	proxy := instance.AddProxy(jsii.String("Proxy"), &awsrds.DatabaseProxyOptions{
		Secrets:    &[]awssecretsmanager.ISecret{instance.Secret()},
		Vpc:        vpc,
		VpcSubnets: &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED},
		RequireTLS: jsii.Bool(true),
	})
	proxy.Connections().AllowFrom(clients, awsec2.Port_Tcp(jsii.Number(postgresPort)), jsii.String("Lambda functions with Database access"))
	b.db = &database{vpc: vpc, clients: clients, instance: instance, proxy: proxy, secret: instance.Secret()}
	b.output("DatabaseProxyEndpoint", "Postgres host for clients (RDS Proxy, TLS required)", proxy.Endpoint())
	b.output("DatabaseSecretArn", "Secret with the Postgres credentials", instance.Secret().SecretArn())
}

// newVpc keeps the network modest: two AZs, NAT only where functions need the internet
// (AI providers), and isolated subnets for the database and proxy.
func (b *builder) newVpc(scope constructs.Construct) awsec2.Vpc {
	return awsec2.NewVpc(scope, jsii.String("Vpc"), &awsec2.VpcProps{
		MaxAzs:      jsii.Number(2),
		NatGateways: jsii.Number(b.cfg.natGateways),
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{
			{Name: jsii.String("public"), SubnetType: awsec2.SubnetType_PUBLIC, CidrMask: jsii.Number(24)},
			{Name: jsii.String("app"), SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS, CidrMask: jsii.Number(22)},
			{Name: jsii.String("data"), SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED, CidrMask: jsii.Number(24)},
		},
		// S3 traffic from functions in the VPC would otherwise pay NAT data charges.
		GatewayEndpoints: &map[string]*awsec2.GatewayVpcEndpointOptions{
			"S3": {Service: awsec2.GatewayVpcEndpointAwsService_S3()},
		},
	})
}

func (b *builder) newPostgres(scope constructs.Construct, vpc awsec2.Vpc) awsrds.DatabaseInstance {
	secret := awsrds.NewDatabaseSecret(scope, jsii.String("Secret"), &awsrds.DatabaseSecretProps{
		Username:   jsii.String("propertypro"),
		SecretName: jsii.String("propertypro/" + string(b.props.Env) + "/database"),
	})
	// A retained database is useless without its password, so the secret lives as long.
	secret.ApplyRemovalPolicy(b.cfg.secretRemoval())
	return awsrds.NewDatabaseInstance(scope, jsii.String("Postgres"), &awsrds.DatabaseInstanceProps{
		Engine: awsrds.DatabaseInstanceEngine_Postgres(&awsrds.PostgresInstanceEngineProps{
			Version: awsrds.PostgresEngineVersion_VER_17(),
		}),
		InstanceType:        awsec2.InstanceType_Of(awsec2.InstanceClass_BURSTABLE4_GRAVITON, b.cfg.dbInstance),
		Vpc:                 vpc,
		VpcSubnets:          &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED},
		Credentials:         awsrds.Credentials_FromSecret(secret, nil),
		DatabaseName:        jsii.String(DatabaseName),
		AllocatedStorage:    jsii.Number(allocatedStorageGiB),
		MaxAllocatedStorage: jsii.Number(200),
		StorageType:         awsrds.StorageType_GP3,
		StorageEncrypted:    jsii.Bool(true),
		MultiAz:             jsii.Bool(b.cfg.dbMultiAZ),
		// Automated backups with a retention above zero are what turn on point-in-time
		// recovery; restore.md walks through a restore to a new instance.
		BackupRetention:        awscdk.Duration_Days(jsii.Number(b.cfg.dbBackupDays)),
		PreferredBackupWindow:  jsii.String(backupWindow),
		DeleteAutomatedBackups: jsii.Bool(!b.cfg.dbKeepBackups),
		CopyTagsToSnapshot:     jsii.Bool(true),
		DeletionProtection:     jsii.Bool(b.cfg.deleteProtected),
		RemovalPolicy:          b.cfg.dbRemoval,
		PubliclyAccessible:     jsii.Bool(false),
	})
}
