package runner

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/objects"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/telemetry"
)

// DropsDir is where files stand in for S3 objects: DropsDir/<bucket>/<key>.
func DropsDir(localDir string) string { return filepath.Join(localDir, "drops") }

type fileState struct {
	size  int64
	mtime time.Time
}

// watchDrops announces each new or changed file under the drops folder as an S3
// object-created event on the queue of the function whose Source matches, once per content.
// A file is announced only after it stopped changing between two polls, so a copy in
// progress is never read half-written.
func (p *Platform) watchDrops(ctx context.Context) {
	root := DropsDir(p.cfg.LocalDir)
	for _, b := range functions.Buckets {
		os.MkdirAll(filepath.Join(root, b), 0o755)
	}
	last := map[string]fileState{}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		seen := map[string]fileState{}
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return nil
			}
			st := fileState{info.Size(), info.ModTime()}
			seen[path] = st
			if prev, ok := last[path]; ok && prev == st {
				p.announce(ctx, root, path, st.size)
			}
			return nil
		})
		last = seen
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// announce sends the event unless this content was announced before. The event is sent
// before it is recorded: a crash in between repeats the event, and consumers are idempotent.
func (p *Platform) announce(ctx context.Context, root, path string, size int64) {
	rel, _ := filepath.Rel(root, path)
	bucket, key, ok := strings.Cut(filepath.ToSlash(rel), "/")
	if !ok {
		return
	}
	etag, err := objects.FileETag(path)
	if err != nil {
		return
	}
	var known bool
	p.base.DB.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM local_drops WHERE bucket=$1 AND key=$2 AND etag=$3)",
		bucket, key, etag).Scan(&known)
	if known {
		return
	}
	fn, ok := consumerOf(p.manifest, bucket, key)
	if !ok {
		p.log.WarnContext(ctx, "no function consumes this drop; see Source in functions/manifest.go",
			"bucket", bucket, "key", key)
	} else {
		body, _ := json.Marshal(s3Event(bucket, key, etag, size))
		sendCtx, span := p.objectCreated(ctx, bucket, key)
		_, err := p.base.Queues.Send(sendCtx, fn.Queue, string(body), nil)
		telemetry.End(span, err)
		span.End()
		if err != nil {
			p.log.ErrorContext(ctx, "announcing drop", "bucket", bucket, "key", key, "err", err)
			return
		}
		p.log.InfoContext(ctx, "drop announced", "bucket", bucket, "key", key, "queue", fn.Queue)
	}
	p.base.DB.Exec(ctx, `INSERT INTO local_drops (bucket, key, etag, size) VALUES ($1, $2, $3, $4)
		ON CONFLICT DO NOTHING`, bucket, key, etag, size)
}

// objectCreated starts the span of an object's arrival, the hop S3's notification plays in
// AWS: a child of the trace recorded when the upload was issued (POST /v1/documents), or a
// new trace for a file dropped by hand. The queue message sent under it carries it on.
func (p *Platform) objectCreated(ctx context.Context, bucket, key string) (context.Context, trace.Span) {
	carrier, err := postgres.ObjectTrace(ctx, p.base.DB, bucket, key)
	if err != nil {
		p.log.WarnContext(ctx, "reading the upload's trace context", "bucket", bucket, "key", key, "err", err)
	}
	ctx = telemetry.Extract(ctx, propagation.MapCarrier(carrier))
	return telemetry.Tracer().Start(ctx, "s3 ObjectCreated "+bucket, trace.WithSpanKind(trace.SpanKindProducer),
		trace.WithAttributes(attribute.String("aws.s3.bucket", bucket), attribute.String("aws.s3.key", key)))
}

// consumerOf finds the task function whose Source covers bucket/key.
func consumerOf(manifest []functions.Function, bucket, key string) (functions.Function, bool) {
	for _, fn := range manifest {
		if fn.Source != nil && fn.Source.Bucket == bucket && strings.HasPrefix(key, fn.Source.Prefix) {
			return fn, true
		}
	}
	return functions.Function{}, false
}

// s3Event is the notification S3 would send; keys are URL-encoded as S3 encodes them.
func s3Event(bucket, key, etag string, size int64) events.S3Event {
	rec := events.S3EventRecord{EventVersion: "2.1", EventSource: "aws:s3", AWSRegion: "local",
		EventTime: time.Now().UTC(), EventName: "ObjectCreated:Put"}
	rec.S3.Bucket.Name = bucket
	rec.S3.Bucket.Arn = "arn:aws:s3:::" + bucket
	rec.S3.Object.Key = strings.ReplaceAll(url.QueryEscape(key), "%2F", "/")
	rec.S3.Object.Size = size
	rec.S3.Object.ETag = etag
	return events.S3Event{Records: []events.S3EventRecord{rec}}
}
