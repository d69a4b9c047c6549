package ingeststore

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/propertypro/propertypro/shared/postgres"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/ingest"
)

// DefaultBrokerage is the brokerage created for drops when the database has none.
const DefaultBrokerage = "Default brokerage"

// ResolveBrokerage finds a brokerage by id or name; "" is the oldest brokerage, created as
// DefaultBrokerage on an empty database so a first local ingest just works.
func (s *Ingestions) ResolveBrokerage(ctx context.Context, idOrName string) (string, error) {
	var id string
	var err error
	if idOrName == "" {
		err = s.db.QueryRow(ctx, `SELECT id::text FROM brokerages ORDER BY created_at, id LIMIT 1`).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			err = s.db.QueryRow(ctx, `INSERT INTO brokerages (name) VALUES ($1)
				ON CONFLICT ((lower(name))) DO UPDATE SET name = EXCLUDED.name RETURNING id::text`, DefaultBrokerage).Scan(&id)
		}
		return id, err
	}
	err = s.db.QueryRow(ctx, `SELECT id::text FROM brokerages WHERE id::text = $1 OR lower(name) = lower($1)
		ORDER BY created_at LIMIT 1`, idOrName).Scan(&id)
	return id, postgres.NotFound(err, "no brokerage %q", idOrName)
}

// IngestionSummary is one line of the ingestion list.
type IngestionSummary struct {
	ID         string    `json:"id"`
	Bucket     string    `json:"bucket"`
	Key        string    `json:"key"`
	Status     string    `json:"status"`
	DryRun     bool      `json:"dry_run"`
	Datasets   []string  `json:"datasets"`
	RowsRead   int       `json:"rows_read"`
	Rejected   int       `json:"rejected"`
	Error      string    `json:"error,omitempty"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
}

// IngestionFilter narrows the ingestion list.
type IngestionFilter struct {
	Key    string // only ingestions of this object key (exact); "" for all
	Before string // cursor: only ingestions listed after this id
}

// ListIngestions lists a brokerage's ingestions, newest first.
func (s *Ingestions) ListIngestions(ctx context.Context, brokerageID string, limit int, f IngestionFilter) ([]IngestionSummary, error) {
	rows, err := s.db.Query(ctx, `SELECT id::text, bucket, key, status, dry_run, datasets, rows_read, rejected, error,
			started_at, coalesce(finished_at, 'epoch'::timestamptz)
		FROM ingestions i WHERE brokerage_id = $1
		AND ($2 = '' OR (started_at, id) < (SELECT started_at, id FROM ingestions WHERE id::text = $2))
		AND ($4 = '' OR key = $4)
		ORDER BY started_at DESC, id DESC LIMIT $3`, brokerageID, f.Before, limit, f.Key)
	if err != nil {
		return nil, postgres.InvalidInput(err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (IngestionSummary, error) {
		var x IngestionSummary
		err := r.Scan(&x.ID, &x.Bucket, &x.Key, &x.Status, &x.DryRun, &x.Datasets, &x.RowsRead, &x.Rejected, &x.Error,
			&x.StartedAt, &x.FinishedAt)
		if x.FinishedAt.Unix() == 0 {
			x.FinishedAt = time.Time{}
		}
		return x, err
	})
}

// IngestionReport is one ingestion's stored report.
func (s *Ingestions) IngestionReport(ctx context.Context, brokerageID, id string) (ingest.Report, error) {
	var raw string
	err := s.db.QueryRow(ctx, `SELECT report::text FROM ingestions WHERE id::text = $1 AND brokerage_id = $2`, id, brokerageID).Scan(&raw)
	if err != nil {
		return ingest.Report{}, postgres.NotFound(err, "no ingestion %s", id)
	}
	var rep ingest.Report
	if err := json.Unmarshal([]byte(raw), &rep); err != nil {
		return rep, err
	}
	if rep.ID == "" { // still running: the report is written when it ends
		return rep, apperr.New(apperr.Conflict, "ingestion %s is still running", id)
	}
	return rep, nil
}

// EachIssue calls fn with every quarantined issue of an ingestion, in file order.
func (s *Ingestions) EachIssue(ctx context.Context, brokerageID, id string, fn func(ingest.Issue) error) error {
	if _, err := s.IngestionReport(ctx, brokerageID, id); err != nil && !strings.Contains(err.Error(), "running") {
		return err
	}
	rows, err := s.db.Query(ctx, `SELECT sheet, line, col, value, reason, warning, raw FROM ingestion_issues
		WHERE ingestion_id = $1::uuid ORDER BY n`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var i ingest.Issue
		if err := rows.Scan(&i.Sheet, &i.Line, &i.Column, &i.Value, &i.Reason, &i.Warning, &i.Raw); err != nil {
			return err
		}
		if err := fn(i); err != nil {
			return err
		}
	}
	return rows.Err()
}
