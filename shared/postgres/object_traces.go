package postgres

import (
	"context"
	"encoding/json"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// RecordObjectTrace keeps the trace context under which an object's upload was issued, so
// the work its arrival triggers continues that trace. A new upload under the same key
// replaces the context.
func RecordObjectTrace(ctx context.Context, db *pgxpool.Pool, bucket, key string, carrier map[string]string) error {
	if len(carrier) == 0 {
		return nil
	}
	js, err := json.Marshal(carrier)
	if err != nil {
		return err
	}
	_, err = db.Exec(ctx, `INSERT INTO object_traces (bucket, key, carrier) VALUES ($1, $2, $3::jsonb)
		ON CONFLICT (bucket, key) DO UPDATE SET carrier = EXCLUDED.carrier, created_at = now()`, bucket, key, string(js))
	return err
}

// ObjectTrace returns the trace context recorded for an object, or nil when there is none
// (a file dropped without the API, or one older than its retention).
func ObjectTrace(ctx context.Context, db *pgxpool.Pool, bucket, key string) (map[string]string, error) {
	var carrier map[string]string
	err := db.QueryRow(ctx, `SELECT carrier FROM object_traces WHERE bucket = $1 AND key = $2`, bucket, key).Scan(&carrier)
	if err == pgx.ErrNoRows {
		return nil, nil
	}
	return carrier, err
}
