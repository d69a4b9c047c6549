package awsx

import (
	"errors"
	"strings"

	"github.com/aws/smithy-go"
)

// Prefixes of the environment variables that map logical names to deployed ones.
const (
	// BucketEnvPrefix precedes a bucket's name: BUCKET_DATA_DROPS holds the physical name of
	// the logical bucket "data-drops".
	BucketEnvPrefix = "BUCKET_"
	// QueueURLEnvPrefix precedes a queue's name: QUEUE_URL_INGEST_FILES holds the URL of the
	// queue "ingest-files".
	QueueURLEnvPrefix = "QUEUE_URL_"
)

// DeadLetterSuffix names a queue's dead-letter queue: "<queue>-dlq".
const DeadLetterSuffix = "-dlq"

// ErrNotFound is wrapped by errors for a missing object, bucket or queue, so that callers can
// map it to their own vocabulary without knowing AWS error codes.
var ErrNotFound = errors.New("not found")

// EnvName is the environment variable that carries name's deployed value: prefix plus name
// upper-cased with '-' turned into '_' (shells do not allow '-' in variable names).
func EnvName(prefix, name string) string {
	return prefix + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// NamesFromEnv builds the logical→deployed map for names from lookup (os.LookupEnv in a main
// package), leaving out names whose variable is unset or empty so that they default to
// themselves, as they do on an emulator.
func NamesFromEnv(lookup func(string) (string, bool), prefix string, names []string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		if v, ok := lookup(EnvName(prefix, n)); ok && v != "" {
			m[n] = v
		}
	}
	return m
}

// DeadLetterQueue is the name of queue's dead-letter queue.
func DeadLetterQueue(queue string) string { return queue + DeadLetterSuffix }

// errorCode is the AWS error code inside err, or "" when err did not come from AWS.
func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// hasCode reports whether err carries one of codes; several codes exist because S3 and SQS
// name the same condition differently across protocols and emulators.
func hasCode(err error, codes ...string) bool {
	c := errorCode(err)
	for _, want := range codes {
		if c != "" && c == want {
			return true
		}
	}
	return false
}
