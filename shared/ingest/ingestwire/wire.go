// Package ingestwire connects the ingestion pipeline to its trigger: S3 object-created
// notifications of the data-drops bucket, delivered through SQS to task-ingest-file.
package ingestwire

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/awsx"
	"github.com/propertypro/propertypro/shared/ingest"
	"github.com/propertypro/propertypro/shared/ingest/read"
	_ "github.com/propertypro/propertypro/shared/ingest/read/xlsx" // XLSX workbooks
	"github.com/propertypro/propertypro/shared/lambdasqs"
	"github.com/propertypro/propertypro/shared/metrics"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/postgres/ingeststore"
)

// IngestFile builds task-ingest-file: every object named by the message is ingested once per
// (bucket, key, ETag); a redelivery finds the earlier success and does nothing.
func IngestFile(b *platform.Boot) (platform.Handler, error) {
	store := ingeststore.NewIngestions(b.DB)
	return platform.Handler{Task: func(ctx context.Context, m lambdasqs.Message) error {
		evs, err := awsx.DecodeS3Event(m.Body)
		if err != nil {
			return fmt.Errorf("message is not an S3 event: %w", err)
		}
		for _, ev := range evs {
			if !strings.HasPrefix(ev.Name, "ObjectCreated") || strings.HasSuffix(ev.Key, "/") {
				continue
			}
			if err := Object(ctx, b, store, ev); err != nil {
				return err
			}
		}
		return nil
	}}, nil
}

// Object ingests one object. Errors that another delivery could cure (the database or S3
// unreachable) are returned for a retry; a bad file is reported and acknowledged.
func Object(ctx context.Context, b *platform.Boot, store *ingeststore.Ingestions, ev awsx.ObjectEvent) error {
	brokerage, err := tenant(ctx, b, store, ev.Key)
	if err != nil || brokerage == "" {
		return err
	}
	// A file uploaded through POST /v1/ingestions/uploads carries the dataset its uploader
	// named, and is held to the max_size that endpoint promised (a presigned S3 PUT cannot
	// enforce it). Files dropped any other way load as they always have.
	dataset, uploaded := ingest.ParseUploadKey(ev.Key)
	var limit int64
	if uploaded {
		limit = b.Config.MaxFileSize
	}
	var cleanup func()
	defer func() {
		if cleanup != nil {
			cleanup()
		}
	}()
	rep, err := store.Ingest(ctx, ingeststore.IngestRequest{BrokerageID: brokerage, Bucket: ev.Bucket, Key: ev.Key, ETag: ev.ETag,
		Dataset: dataset, Open: func() ([]read.Table, error) {
			tables, done, err := open(ctx, b, ev, limit)
			cleanup = done
			return tables, err
		}})
	if err != nil && retryable(err) {
		return err
	}
	for _, t := range rep.Tables {
		metrics.Default.Add(metrics.IngestionRows, float64(t.Inserted+t.Updated+t.Unchanged), "dataset", t.Dataset, "outcome", "loaded")
		metrics.Default.Add(metrics.IngestionRows, float64(t.Rejected), "dataset", t.Dataset, "outcome", "rejected")
	}
	b.Log.InfoContext(ctx, "ingested", "ingestion", rep.ID, "key", ev.Key, "status", rep.Status, "duplicate", rep.Duplicate,
		"read", rep.Totals.Read, "rejected", rep.Totals.Rejected, "error", rep.Error)
	return nil
}

// tenant is the brokerage a drop belongs to: the first segment of data-drops/<brokerage id>/<file>.
// Only the local platform, which usually holds one brokerage, loads a key without one into its
// oldest brokerage. Deployed, such a key, like one naming no brokerage that exists, is logged
// and left in the bucket ("" and no error): loading it into some tenant would leak one
// customer's file into another's data.
func tenant(ctx context.Context, b *platform.Boot, store *ingeststore.Ingestions, key string) (string, error) {
	first, _, prefixed := strings.Cut(key, "/")
	if !prefixed || !postgres.IsUUID(first) {
		if !b.Config.Deployed() {
			return store.ResolveBrokerage(ctx, "")
		}
		b.Log.WarnContext(ctx, "data drop key is not <brokerage id>/<file>; left unloaded", "key", key)
		return "", nil
	}
	id, err := store.ResolveBrokerage(ctx, first)
	if apperr.CodeOf(err) == apperr.NotFound {
		b.Log.WarnContext(ctx, "data drop names no brokerage that exists; left unloaded", "key", key)
		return "", nil
	}
	return id, err
}

// open streams CSV and JSON straight from the store; a workbook is spooled to a temporary
// file because a zip is read from its end. An object over limit (0: none) is not read.
func open(ctx context.Context, b *platform.Boot, ev awsx.ObjectEvent, limit int64) ([]read.Table, func(), error) {
	rc, info, err := b.Objects.Get(ctx, ev.Bucket, ev.Key)
	if err != nil {
		return nil, nil, err
	}
	if limit > 0 && info.Size > limit {
		rc.Close()
		return nil, nil, fmt.Errorf("the file is %d bytes; MAX_FILE_SIZE is %d", info.Size, limit)
	}
	head := make([]byte, 4)
	n, _ := io.ReadFull(rc, head)
	body := io.MultiReader(strings.NewReader(string(head[:n])), rc)
	if read.Format(ev.Key, head[:n]) != "xlsx" {
		tables, err := read.Open(ev.Key, body, nil, info.Size)
		return tables, func() { rc.Close() }, err
	}
	defer rc.Close()
	f, err := os.CreateTemp("", "ingest-*"+path.Ext(ev.Key))
	if err != nil {
		return nil, nil, err
	}
	done := func() { f.Close(); os.Remove(f.Name()) }
	size, err := io.Copy(f, body)
	if err != nil {
		return nil, done, err
	}
	tables, err := read.Open(ev.Key, nil, f, size)
	return tables, done, err
}

// retryable says whether a failure is the infrastructure's rather than the file's.
func retryable(err error) bool {
	var ne net.Error
	var pe *pgconn.PgError
	switch {
	case errors.Is(err, read.ErrDamaged), errors.Is(err, context.Canceled):
		return false
	case errors.As(err, &ne), pgconn.SafeToRetry(err), pgconn.Timeout(err):
		return true
	case errors.As(err, &pe):
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "53") || strings.HasPrefix(pe.Code, "57") || pe.Code == "40001" || pe.Code == "40P01"
	}
	return false
}
