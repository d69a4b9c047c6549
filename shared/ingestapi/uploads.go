package ingestapi

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/api"
	"github.com/propertypro/propertypro/shared/ingest"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/telemetry"
)

// uploadTTL is how long a presigned upload URL stays valid.
const uploadTTL = 15 * time.Minute

type ingestionUpload struct {
	Location string `header:"Location" doc:"Where the ingestion of the upload will appear: GET /v1/ingestions?key=<key>."`
	Body     struct {
		Key           string    `json:"key" doc:"The object key the server chose: <brokerage id>/uploads/<id>/[<dataset>/]<filename>."`
		Dataset       string    `json:"dataset,omitempty" doc:"The dataset every table will be loaded as; absent: detected from each table's header."`
		UploadURL     string    `json:"upload_url" doc:"PUT the file's bytes here before expires_at."`
		UploadMethod  string    `json:"upload_method"`
		ExpiresAt     time.Time `json:"expires_at"`
		MaxSize       int64     `json:"max_size" doc:"MAX_FILE_SIZE: larger uploads are refused."`
		IngestionsURL string    `json:"ingestions_url" doc:"Poll this (the Location) after the upload: the ingestion appears once the upload has been processed."`
	}
}

// IngestionsUpload is POST /v1/ingestions/uploads: a presigned URL to PUT a data drop to,
// under a key of the caller's own brokerage.
func IngestionsUpload(reg huma.API, op huma.Operation, b *platform.Boot) {
	op.DefaultStatus = 201
	op.Description = "Returns a presigned `upload_url`: PUT the file's bytes there before `expires_at`. The key is chosen " +
		"by the server under your brokerage. Once the upload has been processed, its ingestion (status, counts, " +
		"rejections) appears in `GET /v1/ingestions?key=<key>`, the `Location`; until then that list is empty. " +
		"`dataset`, when given, loads every table as that dataset instead of detecting it: one of " +
		strings.Join(ingest.DatasetNames(), ", ") + "."
	op.Errors = append(op.Errors, 403, 422)
	api.Handle(reg, op, func(ctx context.Context, in *struct {
		Body struct {
			Filename string `json:"filename" minLength:"1" maxLength:"255" doc:"The file's name alone (no folder), ending in .csv, .json or .xlsx (any case)."`
			Dataset  string `json:"dataset,omitempty" maxLength:"64" doc:"A dataset name (see the description); omitted: detected from the header."`
		}
	}) (*ingestionUpload, error) {
		a, err := ingestionReader(ctx)
		if err != nil {
			return nil, err
		}
		up, err := ingest.NewUpload(a.BrokerageID, in.Body.Filename, in.Body.Dataset)
		if err != nil {
			return nil, err
		}
		key := up.Key()
		u, err := b.Objects.PresignPut(ctx, functions.BucketDataDrops, key, uploadTTL)
		if err != nil {
			return nil, err
		}
		// The object's ingestion continues this request's trace (see object_traces); a
		// failure to record it costs the trace, never the upload.
		if err := postgres.RecordObjectTrace(ctx, b.DB, functions.BucketDataDrops, key, telemetry.Inject(ctx, nil)); err != nil {
			b.Log.WarnContext(ctx, "recording the upload's trace context", "key", key, "err", err)
		}
		out := &ingestionUpload{Location: "/v1/ingestions?key=" + url.QueryEscape(key)}
		out.Body.Key, out.Body.Dataset, out.Body.UploadURL, out.Body.UploadMethod = key, up.Dataset, u, "PUT"
		out.Body.ExpiresAt, out.Body.MaxSize = time.Now().Add(uploadTTL).UTC(), b.Config.MaxFileSize
		out.Body.IngestionsURL = out.Location
		return out, nil
	})
}
