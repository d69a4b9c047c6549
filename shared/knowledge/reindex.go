package knowledge

import (
	"context"

	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/vector"
)

// ChunkSource is what a reindex reads: the chunks Postgres keeps, the system of record of
// the knowledge base, in pages of one brokerage or of all.
type ChunkSource interface {
	// CountChunks counts the chunks of brokerageID, or of every brokerage when it is "".
	CountChunks(ctx context.Context, brokerageID string) (int, error)
	// ChunkPage returns up to limit chunks with ids after afterID, in id order.
	ChunkPage(ctx context.Context, brokerageID, afterID string, limit int) ([]Chunk, error)
	// Brokerages lists the ids of every brokerage.
	Brokerages(ctx context.Context) ([]string, error)
}

// ReindexOptions choose what a reindex rebuilds.
type ReindexOptions struct {
	BrokerageID string // "" for every brokerage
	// Clean first deletes the brokerages' vectors (and, for every brokerage, the shared
	// reference data's), so vectors of chunks no longer in Postgres go too; vector search finds nothing for them until their chunks are embedded again
	// (full-text retrieval still answers meanwhile).
	Clean bool
	Batch int // chunks per page; 0 means 500
	// Progress, when set, is told after each page how many chunks are done of how many.
	Progress func(done, total int)
}

// Reindex rebuilds the vector store from the chunks in src: every chunk in scope is embedded
// again and upserted under its own id, so running it twice, or after an interrupted run,
// leaves the same store. It returns how many chunks it embedded.
func (s *Service) Reindex(ctx context.Context, src ChunkSource, o ReindexOptions) (int, error) {
	if s.Vectors == nil {
		return 0, apperr.New(apperr.Unavailable, "no vector store is configured")
	}
	batch := o.Batch
	if batch <= 0 {
		batch = 500
	}
	total, err := src.CountChunks(ctx, o.BrokerageID)
	if err != nil {
		return 0, err
	}
	if err := s.Vectors.EnsureCollection(ctx, Collection, s.Embedder.Dimensions()); err != nil {
		return 0, err
	}
	if o.Clean {
		if err := s.clean(ctx, src, o.BrokerageID); err != nil {
			return 0, err
		}
	}
	done, after := 0, ""
	for {
		page, err := src.ChunkPage(ctx, o.BrokerageID, after, batch)
		if err != nil || len(page) == 0 {
			return done, err
		}
		if err := s.Embed(ctx, page); err != nil {
			return done, err
		}
		done += len(page)
		after = page[len(page)-1].ID
		if o.Progress != nil {
			o.Progress(done, max(total, done))
		}
	}
}

// clean deletes the vectors of one brokerage by metadata filter or, when it rebuilds
// everything, of every brokerage and of the shared reference data too.
func (s *Service) clean(ctx context.Context, src ChunkSource, brokerageID string) error {
	ids := []string{brokerageID}
	if brokerageID == "" {
		var err error
		if ids, err = src.Brokerages(ctx); err != nil {
			return err
		}
		ids = append(ids, Shared)
	}
	for _, id := range ids {
		if err := s.Vectors.Delete(ctx, Collection, nil, vector.Filter{vector.Eq("brokerage_id", id)}); err != nil {
			return err
		}
	}
	return nil
}
