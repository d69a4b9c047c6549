package awsx

import (
	"context"
	"io"
	"os"
	"time"

	"github.com/propertypro/propertypro/shared/objects"
	"github.com/propertypro/propertypro/shared/platform"
)

// Objects adapts ObjectStore to the objects.Store port.
type Objects struct{ *ObjectStore }

func info(i ObjectInfo) objects.Info {
	return objects.Info{Bucket: i.Bucket, Key: i.Key, Size: i.Size, ETag: i.ETag, ContentType: i.ContentType,
		LastModified: i.LastModified}
}

// Get opens an object.
func (o Objects) Get(ctx context.Context, bucket, key string) (io.ReadCloser, objects.Info, error) {
	rc, i, err := o.ObjectStore.Get(ctx, bucket, key)
	return rc, info(i), err
}

// Put stores an object.
func (o Objects) Put(ctx context.Context, bucket, key string, body io.Reader, contentType string) (objects.Info, error) {
	i, err := o.ObjectStore.Put(ctx, bucket, key, body, contentType)
	return info(i), err
}

// PresignPut returns a presigned S3 PUT URL.
func (o Objects) PresignPut(ctx context.Context, bucket, key string, ttl time.Duration) (string, error) {
	return o.ObjectStore.PresignPut(ctx, bucket, key, ttl)
}

// AttachObjects gives a Lambda function S3, for platform.Start's extras: only functions that
// pass it link the S3 client.
func AttachObjects(ctx context.Context, b *platform.Boot) error {
	cfg, err := Config(ctx, Settings{Region: b.Config.AWSRegion, Endpoint: b.Config.AWSEndpointURL})
	if err != nil {
		return err
	}
	names := append(append([]string{}, b.Fn.Access.ReadBuckets...), b.Fn.Access.WriteBuckets...)
	if b.Fn.Source != nil {
		names = append(names, b.Fn.Source.Bucket)
	}
	b.Objects = Objects{NewObjectStore(cfg, NamesFromEnv(os.LookupEnv, BucketEnvPrefix, names))}
	return nil
}

// AttachQueues gives a Lambda function SQS, for platform.Start's extras.
func AttachQueues(ctx context.Context, b *platform.Boot) error {
	cfg, err := Config(ctx, Settings{Region: b.Config.AWSRegion, Endpoint: b.Config.AWSEndpointURL})
	if err != nil {
		return err
	}
	q := NewQueues(cfg, NamesFromEnv(os.LookupEnv, QueueURLEnvPrefix, b.Fn.Access.SendQueues))
	b.Queues, b.Depths = q, q
	return nil
}
