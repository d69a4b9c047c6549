package stack

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/propertypro/propertypro/functions"
)

// The keys of the secrets' JSON objects: the contract with shared/platform, which reads them
// at cold start (see README.md).
const (
	// SecretKeyJWT and SecretKeyApp are the app secret's keys.
	SecretKeyJWT = "JWT_SECRET"
	SecretKeyApp = "SECRET_KEY"
	// SecretKeyGoogle and SecretKeyOpenAI are the AI secret's keys.
	SecretKeyGoogle = "GOOGLE_API_KEY"
	SecretKeyOpenAI = "OPENAI_API_KEY"
)

// appSecretLength is the length of each generated app key: 64 letters and digits, about 380
// bits, well above HS256's 256-bit key and shared/config's 32-byte minimum.
const appSecretLength = 64

// secretsExtensionPort is where the AWS Parameters and Secrets Lambda Extension listens.
const secretsExtensionPort = 2773

// secretName is a secret's name in Secrets Manager, e.g. "propertypro/prod/app".
func (b *builder) secretName(name string) string {
	return "propertypro/" + string(b.props.Env) + "/" + name
}

// addAppSecret creates propertypro/<env>/app, one JSON object {"JWT_SECRET", "SECRET_KEY"}
// with a random 64-character value each, so a function reads its keys in one call.
//
// CloudFormation generates only one random value per secret, so two seed secrets each
// generate one value and the app secret copies them in through dynamic references when it is
// created (the pattern RDS uses for its master password). CloudFormation resolves them only
// when the app secret's template changes, so a value an operator puts into the app secret
// stays; the seeds are read by nothing else and are never granted to a function.
func (b *builder) addAppSecret() {
	scope := constructs.NewConstruct(b.stack, jsii.String("AppSecret"))
	seed := func(id, name, key string) awscdk.SecretValue {
		s := awssecretsmanager.NewSecret(scope, jsii.String(id), &awssecretsmanager.SecretProps{
			SecretName:  jsii.String(b.secretName("app-seed/" + name)),
			Description: jsii.String("Random " + key + " copied into " + b.secretName("app") + " when it was created; functions never read this one"),
			GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
				PasswordLength: jsii.Number(appSecretLength),
				// Letters and digits only, so the value needs no escaping inside the app secret's JSON.
				ExcludePunctuation: jsii.Bool(true),
				IncludeSpace:       jsii.Bool(false),
			},
			RemovalPolicy: b.cfg.secretRemoval(),
		})
		return s.SecretValue()
	}
	b.appSecret = awssecretsmanager.NewSecret(scope, jsii.String("Secret"), &awssecretsmanager.SecretProps{
		SecretName:  jsii.String(b.secretName("app")),
		Description: jsii.String(`Application keys as {"JWT_SECRET":"...","SECRET_KEY":"..."}; read at cold start through APP_SECRET_ARN`),
		SecretObjectValue: &map[string]awscdk.SecretValue{
			SecretKeyJWT: seed("SeedJwtSecret", "jwt-secret", SecretKeyJWT),
			SecretKeyApp: seed("SeedSecretKey", "secret-key", SecretKeyApp),
		},
		RemovalPolicy: b.cfg.secretRemoval(),
	})
	b.output("AppSecretArn", "Secret holding JWT_SECRET and SECRET_KEY", b.appSecret.SecretArn())
}

// addAISecret holds the AI providers' API keys outside the template and the code. It starts
// as {"GOOGLE_API_KEY":"","OPENAI_API_KEY":""} for an operator to fill in; CloudFormation
// does not touch the value again unless this template text changes.
func (b *builder) addAISecret() {
	b.aiSecret = awssecretsmanager.NewSecret(b.stack, jsii.String("AiApiKeys"), &awssecretsmanager.SecretProps{
		SecretName:  jsii.String(b.secretName("ai-api-keys")),
		Description: jsii.String(`AI provider keys: fill in the values of {"GOOGLE_API_KEY":"...","OPENAI_API_KEY":"..."}; read at cold start through AI_SECRET_ARN`),
		// Empty placeholders, not secrets: the template only fixes the JSON shape.
		SecretObjectValue: &map[string]awscdk.SecretValue{
			SecretKeyGoogle: awscdk.SecretValue_UnsafePlainText(jsii.String("")),
			SecretKeyOpenAI: awscdk.SecretValue_UnsafePlainText(jsii.String("")),
		},
		RemovalPolicy: b.cfg.secretRemoval(),
	})
	b.output("AiSecretArn", "Secret holding the AI providers' API keys", b.aiSecret.SecretArn())
}

// readsSecrets says whether a function reads any secret at cold start, and so needs the
// Parameters and Secrets extension.
func readsSecrets(a functions.Access) bool { return a.Database || a.AI }

// secretsExtension is the AWS Parameters and Secrets Lambda Extension: functions read their
// secrets from http://localhost:2773/secretsmanager/get?secretId=ARN (header
// X-Aws-Parameters-Secrets-Token: $AWS_SESSION_TOKEN) instead of linking the AWS SDK, which
// would add megabytes and cold-start time to every binary.
func secretsExtension() awslambda.ParamsAndSecretsLayerVersion {
	return awslambda.ParamsAndSecretsLayerVersion_FromVersion(awslambda.ParamsAndSecretsVersions_V1_0_103, &awslambda.ParamsAndSecretsOptions{
		CacheEnabled: jsii.Bool(true),
		HttpPort:     jsii.Number(secretsExtensionPort),
		// Without a timeout a stalled Secrets Manager call would hold the cold start until the
		// function's own timeout; shared/platform gives up after 5 s as well.
		SecretsManagerTimeout: awscdk.Duration_Seconds(jsii.Number(5)),
		LogLevel:              awslambda.ParamsAndSecretsLogLevel_WARN,
	})
}
