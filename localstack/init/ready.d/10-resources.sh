#!/bin/bash
# LocalStack runs this once it is ready: it creates PropertyPro's buckets and queues, each queue
# with a dead-letter queue "<queue>-dlq" after 5 receives. Running it again is harmless.
#
# The names must be those of functions/manifest.go (functions.Buckets and the task functions'
# queues); localstack/provision/resources_test.go fails when they drift apart. Each queue is
# written name:visibility-seconds, the visibility being 6 x its function's timeout, at least 30.
set -euo pipefail

BUCKETS="data-drops documents"
QUEUES="ingest-file:5400 process-document:1800 reembed:3600 nurture-send:180"
MAX_RECEIVE_COUNT=5
DLQ_RETENTION_SECONDS=1209600

for bucket in $BUCKETS; do
	awslocal s3api head-bucket --bucket "$bucket" >/dev/null 2>&1 ||
		awslocal s3api create-bucket --bucket "$bucket" >/dev/null
	echo "bucket $bucket"
done

# ensure_queue creates a queue, or updates the attributes of the one that exists (SQS refuses
# to re-create a queue with different attributes), and prints its URL.
ensure_queue() {
	local name="$1" attrs="$2" url
	if ! url="$(awslocal sqs create-queue --queue-name "$name" --attributes "$attrs" --query QueueUrl --output text 2>/dev/null)"; then
		url="$(awslocal sqs get-queue-url --queue-name "$name" --query QueueUrl --output text)"
		awslocal sqs set-queue-attributes --queue-url "$url" --attributes "$attrs"
	fi
	echo "$url"
}

for spec in $QUEUES; do
	queue="${spec%%:*}"
	visibility="${spec##*:}"
	dlq_url="$(ensure_queue "$queue-dlq" "{\"MessageRetentionPeriod\":\"$DLQ_RETENTION_SECONDS\"}")"
	dlq_arn="$(awslocal sqs get-queue-attributes --queue-url "$dlq_url" --attribute-names QueueArn --query Attributes.QueueArn --output text)"
	redrive="{\\\"deadLetterTargetArn\\\":\\\"$dlq_arn\\\",\\\"maxReceiveCount\\\":\\\"$MAX_RECEIVE_COUNT\\\"}"
	ensure_queue "$queue" "{\"VisibilityTimeout\":\"$visibility\",\"RedrivePolicy\":\"$redrive\"}" >/dev/null
	echo "queue $queue (visibility ${visibility}s, dead letters in $queue-dlq)"
done
