package knowledge

import (
	"context"

	"github.com/propertypro/propertypro/shared/apperr"
)

// SyncCounts is what one pass over the structured-knowledge outbox did.
type SyncCounts struct {
	Changes int // outbox entries taken (a source changed twice has two)
	Sources int // distinct changed sources among them
	Written int // chunks written because their text is new or changed
	Removed int // chunks removed because their row is gone (or no longer listed)
}

// SyncReport is what Sync did in all.
type SyncReport struct {
	SyncCounts
	VectorsDeleted int
	Embedded       int
}

// Sync brings the knowledge base in step with the data, in the order that keeps full text
// fresh even when the vector store is down: structured rows that changed are rewritten or
// removed first (Postgres only), then the vectors of removed chunks are deleted, then every
// chunk without a vector of the current model is embedded. batch bounds each round trip.
func (s *Service) Sync(ctx context.Context, batch int) (SyncReport, error) {
	var rep SyncReport
	for {
		n, err := s.Repo.SyncStructured(ctx, batch)
		if err != nil {
			return rep, err
		}
		rep.Changes, rep.Sources = rep.Changes+n.Changes, rep.Sources+n.Sources
		rep.Written, rep.Removed = rep.Written+n.Written, rep.Removed+n.Removed
		if n.Changes < batch { // the outbox is drained
			break
		}
	}
	// Full-text ranking weighs words by rarity; new text changes the counts. Documents are
	// processed apart from this job, so the counts are refreshed on every run.
	if err := s.Repo.RefreshTermStats(ctx); err != nil {
		return rep, err
	}
	deleted, err := s.purgeVectors(ctx, batch)
	rep.VectorsDeleted = deleted
	if err != nil {
		return rep, err
	}
	for {
		n, err := s.Reembed(ctx, batch)
		rep.Embedded += n
		if err != nil || n == 0 {
			return rep, err
		}
	}
}

// purgeVectors deletes the vectors of chunks that are gone. They would do no harm beyond a
// wasted slot in a top-k (Retrieve drops vectors without a row), but they would pile up.
func (s *Service) purgeVectors(ctx context.Context, batch int) (int, error) {
	deleted := 0
	for {
		ids, err := s.Repo.TrashedVectors(ctx, batch)
		if err != nil || len(ids) == 0 {
			return deleted, err
		}
		if s.Vectors == nil {
			return deleted, errNoVectors
		}
		err = s.Vectors.Delete(ctx, Collection, ids, nil)
		// A store that never had the collection has nothing to delete.
		if err != nil && apperr.CodeOf(err) != apperr.NotFound {
			return deleted, err
		}
		if err := s.Repo.ForgetTrashed(ctx, ids); err != nil {
			return deleted, err
		}
		deleted += len(ids)
	}
}
