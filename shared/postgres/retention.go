package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/privacy"
)

// retentionBatch bounds one DELETE, so a first run over years of rows never holds long locks
// or outlives the statement timeout.
const retentionBatch = 5000

// DeleteExpired deletes the rows of r.Table older than r.Keep at now, in batches, and returns
// how many went. Table and column names come from the classification, never from users.
func DeleteExpired(ctx context.Context, db *pgxpool.Pool, r privacy.Retention, now time.Time) (int64, error) {
	where := ""
	if r.Where != "" {
		where = " AND (" + r.Where + ")"
	}
	table := pgx.Identifier{r.Table}.Sanitize()
	sql := fmt.Sprintf(`DELETE FROM %s WHERE ctid IN (SELECT ctid FROM %s WHERE %s < $1%s LIMIT %d)`,
		table, table, pgx.Identifier{r.Column}.Sanitize(), where, retentionBatch)
	var total int64
	for {
		tag, err := db.Exec(ctx, sql, now.Add(-r.Keep))
		if err != nil {
			return total, fmt.Errorf("retention of %s: %w", r.Table, err)
		}
		total += tag.RowsAffected()
		if tag.RowsAffected() < retentionBatch {
			return total, nil
		}
	}
}
