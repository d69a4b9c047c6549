package knowledge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"strings"
	"sync/atomic"
	"time"

	"github.com/propertypro/propertypro/shared/ai"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/document"
	"github.com/propertypro/propertypro/shared/vector"
)

var errNoVectors = errors.New("no vector store configured")

// Service is the knowledge base and the assistant.
type Service struct {
	Repo      Repository
	Vectors   vector.Store // nil: full-text retrieval only
	Embedder  ai.Embedder
	Generator ai.Generator
	Log       *slog.Logger
	Chunking  document.ChunkOptions
	Limits    document.Limits
	Now       func() time.Time

	// vectorsDownUntil (unix nanoseconds) is when Retrieve asks the vector store again after
	// it failed: a store that is down would otherwise cost every question its retries.
	vectorsDownUntil atomic.Int64
}

// vectorCooldown is how long Retrieve answers from full text alone after the vector store
// failed, before it tries the store again.
const vectorCooldown = 30 * time.Second

// embedBatch is how many texts go to the embedder at once (Gemini's limit is 100).
const embedBatch = 100

// NewDocument registers an upload before its bytes arrive; the object key places it under
// its brokerage so that the S3 event finds the row.
func (s *Service) NewDocument(ctx context.Context, brokerageID, userID, filename, title string, visibility int) (Document, error) {
	name := path.Base(strings.ReplaceAll(strings.TrimSpace(filename), "\\", "/"))
	if name == "" || name == "." || name == "/" {
		return Document{}, apperr.Validation(apperr.FieldError{Field: "filename", Message: "must name a file"})
	}
	if visibility < VisibleToAll || visibility > VisibleToCompliance {
		return Document{}, apperr.Validation(apperr.FieldError{Field: "visibility", Message: "must be 0, 1 or 2"})
	}
	if title == "" {
		title = strings.TrimSuffix(name, path.Ext(name))
	}
	d := Document{BrokerageID: brokerageID, UploadedBy: userID, Filename: name, Title: title,
		Visibility: visibility, Status: StatusAwaitingUpload}
	return s.Repo.CreateDocument(ctx, d)
}

// ObjectKey is where a document's bytes live in the documents bucket.
func ObjectKey(brokerageID, documentID, filename string) string {
	return brokerageID + "/" + documentID + "/" + filename
}

// Process turns an uploaded document's bytes into retrievable chunks: detect, extract,
// scrub personal data, chunk, embed, store. Processing the same bytes again does nothing,
// and bytes another ready document of the brokerage already holds mark it a duplicate.
func (s *Service) Process(ctx context.Context, d Document, data []byte) (Document, error) {
	hash := document.ContentHash(data)
	if d.Status == StatusReady && d.ContentHash == hash {
		return d, nil
	}
	d.ContentHash, d.SizeBytes, d.Error = hash, int64(len(data)), ""
	if s.Limits.MaxFileSize > 0 && d.SizeBytes > s.Limits.MaxFileSize {
		return s.fail(ctx, d, fmt.Sprintf("the file is %d bytes; MAX_FILE_SIZE is %d", d.SizeBytes, s.Limits.MaxFileSize))
	}
	if orig, dup, err := s.Repo.ReadyByHash(ctx, d.BrokerageID, hash, d.ID); err != nil {
		return d, err
	} else if dup {
		d.Status, d.DuplicateOf = StatusDuplicate, orig
		return d, s.finish(ctx, d)
	}
	ex, err := document.Extract(data, d.Filename, s.Limits)
	if err != nil {
		if apperr.CodeOf(err) == apperr.Invalid {
			return s.fail(ctx, d, err.Error())
		}
		return d, err
	}
	text, counts := document.ScrubPII(ex.Text)
	d.Type, d.PIIScrubbed = string(ex.Type), 0
	for _, n := range counts {
		d.PIIScrubbed += n
	}
	pieces := document.ChunkText(text, s.Chunking)
	chunks := make([]Chunk, len(pieces))
	for i, p := range pieces {
		chunks[i] = Chunk{ID: fmt.Sprintf("%s#%d", d.ID, p.Ordinal), BrokerageID: d.BrokerageID, Kind: KindDocument,
			SourceID: d.ID, Ordinal: p.Ordinal, Title: d.Title, Text: p.Text, Visibility: d.Visibility,
			Owner: NoOwner}
	}
	if err := s.Repo.ReplaceChunks(ctx, d.ID, chunks); err != nil {
		return d, err
	}
	if err := s.Embed(ctx, chunks); err != nil {
		// The chunks are searchable by full text already; cron-reembed retries the vectors.
		s.Log.WarnContext(ctx, "embedding failed; left for the re-embed job", "document_id", d.ID, "err", err)
	}
	d.Status, d.Chunks = StatusReady, len(chunks)
	return d, s.finish(ctx, d)
}

func (s *Service) fail(ctx context.Context, d Document, reason string) (Document, error) {
	d.Status, d.Error = StatusFailed, reason
	return d, s.finish(ctx, d)
}

func (s *Service) finish(ctx context.Context, d Document) error {
	now := s.now()
	d.ProcessedAt = &now
	return s.Repo.UpdateDocument(ctx, d)
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now().UTC()
}

// Embed computes and stores the vectors of chunks in batches, recording the model of each.
func (s *Service) Embed(ctx context.Context, chunks []Chunk) error {
	return s.embed(ctx, chunks, false)
}

// embed stores the vectors of chunks with their metadata. With reuse, a chunk whose stored
// vector the current model computed from the same title and text keeps that vector and has
// only its metadata rewritten (an owner changed, a field was added): the same vector again,
// without paying the embedder for it.
func (s *Service) embed(ctx context.Context, chunks []Chunk, reuse bool) error {
	if s.Vectors == nil {
		return errNoVectors
	}
	if err := s.Vectors.EnsureCollection(ctx, Collection, s.Embedder.Dimensions()); err != nil {
		return err
	}
	model := s.Embedder.Model()
	for start := 0; start < len(chunks); start += embedBatch {
		batch := chunks[start:min(start+embedBatch, len(chunks))]
		ids := make([]string, len(batch))
		for i, c := range batch {
			ids[i] = c.ID
		}
		vecs := make([][]float32, len(batch))
		if reuse {
			stored, err := s.Vectors.Get(ctx, Collection, ids)
			if err != nil {
				return err
			}
			byID := make(map[string]vector.Item, len(stored))
			for _, it := range stored {
				byID[it.ID] = it
			}
			for i, c := range batch {
				if it, ok := byID[c.ID]; ok && sameSource(it, c, model, s.Embedder.Dimensions()) {
					vecs[i] = it.Vector
				}
			}
		}
		var texts []string
		var missing []int
		for i, c := range batch {
			if vecs[i] == nil {
				texts, missing = append(texts, c.Title+"\n"+c.Text), append(missing, i)
			}
		}
		if len(texts) > 0 {
			fresh, err := s.Embedder.Embed(ctx, texts)
			if err != nil {
				return err
			}
			for j, i := range missing {
				vecs[i] = fresh[j]
			}
		}
		items := make([]vector.Item, len(batch))
		for i, c := range batch {
			brokerage := c.BrokerageID
			if brokerage == "" {
				brokerage = Shared
			}
			items[i] = vector.Item{ID: c.ID, Vector: vecs[i], Document: c.Text, Metadata: map[string]any{
				"brokerage_id": brokerage, "visibility": c.Visibility, "owner": c.Owner, "kind": c.Kind,
				"source_id": c.SourceID, "title": c.Title, "model": model}}
		}
		if err := s.Vectors.Upsert(ctx, Collection, items); err != nil {
			return err
		}
		s.vectorsDownUntil.Store(0) // the store just took a write: retrieval may use it again
		if err := s.Repo.MarkEmbedded(ctx, ids, model); err != nil {
			return err
		}
	}
	return nil
}

// sameSource reports whether a stored item's vector is what model would compute for c.
func sameSource(it vector.Item, c Chunk, model string, dims int) bool {
	return len(it.Vector) == dims && it.Document == c.Text && it.Metadata["title"] == c.Title &&
		it.Metadata["model"] == model
}

// Reembed stores vectors for up to limit chunks whose vector is missing, from another model
// or stale in its metadata; it returns how many it stored, so a job can loop until nothing
// is left. Vectors still right for their chunk's text are reused, not computed again.
func (s *Service) Reembed(ctx context.Context, limit int) (int, error) {
	chunks, err := s.Repo.StaleChunks(ctx, s.Embedder.Model(), limit)
	if err != nil || len(chunks) == 0 {
		return 0, err
	}
	return len(chunks), s.embed(ctx, chunks, true)
}
