package stack

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/jsii-runtime-go"
)

// addBuckets creates the platform's buckets. Names are left to CloudFormation because S3
// names are global; functions learn them from BUCKET_<NAME>.
func (b *builder) addBuckets() {
	for _, name := range b.props.Buckets {
		destroy := b.cfg.bucketRemoval == awscdk.RemovalPolicy_DESTROY
		bucket := awss3.NewBucket(b.stack, jsii.String("Bucket-"+name), &awss3.BucketProps{
			Encryption:        awss3.BucketEncryption_S3_MANAGED,
			BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
			EnforceSSL:        jsii.Bool(true),
			Versioned:         jsii.Bool(true),
			ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
			RemovalPolicy:     b.cfg.bucketRemoval,
			// Without emptying first, CloudFormation cannot delete a bucket, and "destroy"
			// would silently leave it (and its bill) behind.
			AutoDeleteObjects: jsii.Bool(destroy),
			LifecycleRules: &[]*awss3.LifecycleRule{{
				// Versioning guards against overwrites; old versions need not live forever.
				NoncurrentVersionExpiration:         awscdk.Duration_Days(jsii.Number(90)),
				AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(7)),
			}},
		})
		b.buckets[name] = bucket
		b.output("Bucket"+exportID(name), "S3 bucket "+name, bucket.BucketName())
	}
}

// addAlarmTopic gives every alarm one place to notify; Props.AlarmEmail subscribes the
// on-call address, and a pager or chat integration can subscribe beside it.
func (b *builder) addAlarmTopic() {
	b.alarmTopic = awssns.NewTopic(b.stack, jsii.String("Alarms"), &awssns.TopicProps{
		TopicName:  jsii.String(physicalName(b.props.Env, "alarms")),
		EnforceSSL: jsii.Bool(true),
	})
	if b.props.AlarmEmail != "" {
		b.alarmTopic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(b.props.AlarmEmail), nil))
	}
	b.output("AlarmTopicArn", "SNS topic every alarm notifies", b.alarmTopic.TopicArn())
}

// secretRemoval keeps secrets whenever the data they unlock is kept; snapshots cannot
// apply to a secret, so staging's SNAPSHOT becomes RETAIN.
func (s settings) secretRemoval() awscdk.RemovalPolicy {
	if s.dbRemoval == awscdk.RemovalPolicy_DESTROY {
		return awscdk.RemovalPolicy_DESTROY
	}
	return awscdk.RemovalPolicy_RETAIN
}
