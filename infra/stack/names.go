package stack

import "strings"

// physicalName prefixes a resource with the project and environment so that the stacks of
// several environments can share one account without clashing.
func physicalName(e Env, name string) string { return "propertypro-" + string(e) + "-" + name }

// envVarName turns a logical name into the variable the functions' config reads, e.g.
// ("QUEUE_URL_", "ingest-file") → "QUEUE_URL_INGEST_FILE".
func envVarName(prefix, name string) string {
	return prefix + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// The environment variables the functions' config reads; kept here so a rename is one edit.
const (
	EnvAppEnv            = "APP_ENV"
	EnvLogLevel          = "LOG_LEVEL"
	EnvQueueURLPrefix    = "QUEUE_URL_"
	EnvBucketPrefix      = "BUCKET_"
	EnvDatabaseHost      = "DATABASE_HOST"
	EnvDatabaseSecretARN = "DATABASE_SECRET_ARN"
	EnvDatabaseName      = "DATABASE_NAME"
	EnvAppSecretARN      = "APP_SECRET_ARN"
	EnvAISecretARN       = "AI_SECRET_ARN"
)

// DatabaseName is the Postgres database the migrations run in.
const DatabaseName = "propertypro"

// exportID turns a logical name into a CloudFormation-safe identifier, e.g. "data-drops" →
// "DataDrops", for output names.
func exportID(name string) string {
	var out []byte
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '-':
			upper = true
			continue
		case upper && c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		}
		upper = false
		out = append(out, c)
	}
	return string(out)
}
