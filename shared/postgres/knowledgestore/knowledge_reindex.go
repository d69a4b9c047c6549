package knowledgestore

import (
	"context"
	"github.com/propertypro/propertypro/shared/postgres"

	"github.com/jackc/pgx/v5"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/knowledge"
)

var _ knowledge.ChunkSource = (*Knowledge)(nil)

// CountChunks counts the chunks of a brokerage, or of all when brokerageID is "".
func (k *Knowledge) CountChunks(ctx context.Context, brokerageID string) (int, error) {
	if brokerageID != "" && !postgres.IsUUID(brokerageID) {
		return 0, apperr.New(apperr.Invalid, "brokerage id %q is not a uuid", brokerageID)
	}
	var n int
	err := k.db.QueryRow(ctx, `SELECT count(*) FROM knowledge_chunks WHERE $1::uuid IS NULL OR brokerage_id = $1::uuid`,
		postgres.UUIDArg(brokerageID)).Scan(&n)
	return n, err
}

// ChunkPage returns up to limit chunks after afterID in id order (keyset paging on the
// primary key, so a page costs the same at the end of a million chunks as at the start).
func (k *Knowledge) ChunkPage(ctx context.Context, brokerageID, afterID string, limit int) ([]knowledge.Chunk, error) {
	return scanChunks(k.db.Query(ctx, `SELECT `+chunkColumns+` FROM knowledge_chunks
		WHERE id > $2 AND ($1::uuid IS NULL OR brokerage_id = $1::uuid) ORDER BY id LIMIT $3`,
		postgres.UUIDArg(brokerageID), afterID, limit))
}

// Brokerages lists every brokerage's id.
func (k *Knowledge) Brokerages(ctx context.Context) ([]string, error) {
	rows, err := k.db.Query(ctx, `SELECT id::text FROM brokerages ORDER BY id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}
