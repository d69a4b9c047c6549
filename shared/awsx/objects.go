package awsx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// PartSize is how much of an upload is held in memory at once. Bodies shorter than this go up
// in one PutObject; longer ones go up as a multipart upload, one part at a time, so that Put
// can stream a reader of unknown length without buffering it all (S3 wants ≥ 5 MiB parts).
const PartSize = 8 << 20

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	// Bucket is the logical bucket name the caller used, not the deployed one.
	Bucket string
	Key    string
	Size   int64
	// ETag is S3's entity tag without its surrounding quotes.
	ETag         string
	ContentType  string
	LastModified time.Time
}

// ObjectStore reads and writes objects in S3 buckets addressed by logical name.
type ObjectStore struct {
	client  *s3.Client
	presign *s3.PresignClient
	buckets map[string]string
}

// partBuffers recycles part-sized buffers, so that a stream of small uploads does not allocate
// PartSize bytes each.
var partBuffers = sync.Pool{New: func() any { b := make([]byte, PartSize); return &b }}

// NewObjectStore returns a store over cfg. buckets maps logical names to deployed ones (see
// NamesFromEnv); a name missing from it is used as is, which is what an emulator expects.
func NewObjectStore(cfg aws.Config, buckets map[string]string) *ObjectStore {
	client := newS3(cfg)
	m := make(map[string]string, len(buckets))
	for k, v := range buckets {
		m[k] = v
	}
	return &ObjectStore{client: client, presign: s3.NewPresignClient(client), buckets: m}
}

// Bucket is the deployed name of the logical bucket.
func (s *ObjectStore) Bucket(logical string) string {
	if p, ok := s.buckets[logical]; ok {
		return p
	}
	return logical
}

// Get opens the object for reading. The body streams from S3 and must be closed, and ctx must
// stay live while it is read; it is never read into memory here, so objects of any size are safe.
func (s *ObjectStore) Get(ctx context.Context, bucket, key string) (io.ReadCloser, ObjectInfo, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.Bucket(bucket)), Key: aws.String(key)})
	if err != nil {
		return nil, ObjectInfo{}, s.objectErr("get", bucket, key, err)
	}
	info := ObjectInfo{
		Bucket: bucket, Key: key, Size: aws.ToInt64(out.ContentLength), ETag: unquote(out.ETag),
		ContentType: aws.ToString(out.ContentType), LastModified: aws.ToTime(out.LastModified),
	}
	return out.Body, info, nil
}

// Head describes the object without reading it.
func (s *ObjectStore) Head(ctx context.Context, bucket, key string) (ObjectInfo, error) {
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.Bucket(bucket)), Key: aws.String(key)})
	if err != nil {
		return ObjectInfo{}, s.objectErr("head", bucket, key, err)
	}
	return ObjectInfo{
		Bucket: bucket, Key: key, Size: aws.ToInt64(out.ContentLength), ETag: unquote(out.ETag),
		ContentType: aws.ToString(out.ContentType), LastModified: aws.ToTime(out.LastModified),
	}, nil
}

// Put stores body under key, holding at most PartSize bytes of it in memory. The returned
// info has everything but LastModified, which S3 does not return on upload.
func (s *ObjectStore) Put(ctx context.Context, bucket, key string, body io.Reader, contentType string) (ObjectInfo, error) {
	buf := partBuffers.Get().(*[]byte)
	defer partBuffers.Put(buf)
	first := *buf
	n, err := io.ReadFull(body, first)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return s.putOne(ctx, bucket, key, first[:n], contentType)
	}
	if err != nil {
		return ObjectInfo{}, fmt.Errorf("put s3://%s/%s: read body: %w", s.Bucket(bucket), key, err)
	}
	return s.putParts(ctx, bucket, key, first, body, contentType)
}

// PresignPut returns a URL through which anyone holding it may PUT the object until ttl
// passes, so that clients upload large files straight to S3 instead of through a Lambda.
func (s *ObjectStore) PresignPut(ctx context.Context, bucket, key string, ttl time.Duration) (string, error) {
	in := &s3.PutObjectInput{Bucket: aws.String(s.Bucket(bucket)), Key: aws.String(key)}
	req, err := s.presign.PresignPutObject(ctx, in, s3.WithPresignExpires(ttl))
	if err != nil {
		return "", fmt.Errorf("presign put s3://%s/%s: %w", s.Bucket(bucket), key, err)
	}
	return req.URL, nil
}

func (s *ObjectStore) putOne(ctx context.Context, bucket, key string, data []byte, contentType string) (ObjectInfo, error) {
	out, err := s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(s.Bucket(bucket)), Key: aws.String(key), Body: bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))), ContentType: optional(contentType),
	})
	if err != nil {
		return ObjectInfo{}, s.objectErr("put", bucket, key, err)
	}
	return ObjectInfo{Bucket: bucket, Key: key, Size: int64(len(data)), ETag: unquote(out.ETag), ContentType: contentType}, nil
}

// putParts uploads first and then the rest of the body as parts; a failed upload is aborted
// so that S3 does not keep (and bill) the orphaned parts.
func (s *ObjectStore) putParts(ctx context.Context, bucket, key string, first []byte, rest io.Reader, contentType string) (ObjectInfo, error) {
	up, err := s.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket: aws.String(s.Bucket(bucket)), Key: aws.String(key), ContentType: optional(contentType),
		ChecksumAlgorithm: types.ChecksumAlgorithmCrc32,
	})
	if err != nil {
		return ObjectInfo{}, s.objectErr("put", bucket, key, err)
	}
	etag, size, err := s.completeParts(ctx, up, first, rest)
	if err != nil {
		_, _ = s.client.AbortMultipartUpload(context.WithoutCancel(ctx), &s3.AbortMultipartUploadInput{
			Bucket: up.Bucket, Key: up.Key, UploadId: up.UploadId,
		})
		return ObjectInfo{}, s.objectErr("put", bucket, key, err)
	}
	return ObjectInfo{Bucket: bucket, Key: key, Size: size, ETag: etag, ContentType: contentType}, nil
}

func (s *ObjectStore) completeParts(ctx context.Context, up *s3.CreateMultipartUploadOutput, first []byte, rest io.Reader) (string, int64, error) {
	parts, size, err := s.uploadParts(ctx, up, first, rest)
	if err != nil {
		return "", 0, err
	}
	out, err := s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: up.Bucket, Key: up.Key, UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	if err != nil {
		return "", 0, err
	}
	return unquote(out.ETag), size, nil
}

// uploadParts reuses one buffer for every part, which is what bounds Put's memory.
func (s *ObjectStore) uploadParts(ctx context.Context, up *s3.CreateMultipartUploadOutput, buf []byte, rest io.Reader) ([]types.CompletedPart, int64, error) {
	var parts []types.CompletedPart
	var size int64
	n := len(buf)
	for number := int32(1); n > 0; number++ {
		out, err := s.client.UploadPart(ctx, &s3.UploadPartInput{
			Bucket: up.Bucket, Key: up.Key, UploadId: up.UploadId, PartNumber: aws.Int32(number),
			Body: bytes.NewReader(buf[:n]), ContentLength: aws.Int64(int64(n)),
			ChecksumAlgorithm: types.ChecksumAlgorithmCrc32,
		})
		if err != nil {
			return nil, 0, err
		}
		parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(number), ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32})
		size += int64(n)
		var rerr error
		n, rerr = io.ReadFull(rest, buf)
		if rerr != nil && !errors.Is(rerr, io.EOF) && !errors.Is(rerr, io.ErrUnexpectedEOF) {
			return nil, 0, fmt.Errorf("read body: %w", rerr)
		}
	}
	return parts, size, nil
}

// objectErr names the deployed object and marks a missing one with ErrNotFound.
func (s *ObjectStore) objectErr(op, bucket, key string, err error) error {
	if hasCode(err, "NoSuchKey", "NotFound", "NoSuchBucket", "NoSuchUpload") {
		return fmt.Errorf("%s s3://%s/%s: %w: %w", op, s.Bucket(bucket), key, ErrNotFound, err)
	}
	return fmt.Errorf("%s s3://%s/%s: %w", op, s.Bucket(bucket), key, err)
}

func unquote(etag *string) string { return strings.Trim(aws.ToString(etag), `"`) }

// optional turns "" into nil so that S3 applies its own default instead of an empty header.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
