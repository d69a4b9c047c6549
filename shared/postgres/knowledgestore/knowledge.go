package knowledgestore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/knowledge"
	"github.com/propertypro/propertypro/shared/location"
	"github.com/propertypro/propertypro/shared/postgres"
)

// Knowledge is the knowledge.Repository over Postgres.
type Knowledge struct{ db *pgxpool.Pool }

var _ knowledge.Repository = (*Knowledge)(nil)

// NewKnowledge returns the repository.
func NewKnowledge(db *pgxpool.Pool) *Knowledge { return &Knowledge{db: db} }

const documentColumns = `id, brokerage_id, coalesce(uploaded_by::text, ''), filename, title, object_key, visibility,
	status, doc_type, size_bytes, content_hash, coalesce(duplicate_of::text, ''), chunk_count, pii_scrubbed, error,
	created_at, processed_at`

func scanDocument(r pgx.Row) (knowledge.Document, error) {
	var d knowledge.Document
	err := r.Scan(&d.ID, &d.BrokerageID, &d.UploadedBy, &d.Filename, &d.Title, &d.ObjectKey, &d.Visibility,
		&d.Status, &d.Type, &d.SizeBytes, &d.ContentHash, &d.DuplicateOf, &d.Chunks, &d.PIIScrubbed, &d.Error,
		&d.CreatedAt, &d.ProcessedAt)
	return d, err
}

// CreateDocument inserts a document; its object key is derived from its new id.
func (k *Knowledge) CreateDocument(ctx context.Context, d knowledge.Document) (knowledge.Document, error) {
	out, err := scanDocument(k.db.QueryRow(ctx, `WITH n AS (SELECT gen_random_uuid() AS id)
		INSERT INTO documents (id, brokerage_id, uploaded_by, filename, title, object_key, visibility, status)
		SELECT n.id, $1::text::uuid, NULLIF($2::text, '')::uuid, $3::text, $4::text, CASE WHEN $5::text = '' THEN $1::text || '/' || n.id || '/' || $3 ELSE $5::text END, $6::int, $7::text FROM n
		RETURNING `+documentColumns, d.BrokerageID, d.UploadedBy, d.Filename, d.Title, d.ObjectKey, d.Visibility, d.Status))
	if _, ok := postgres.UniqueViolation(err); ok {
		return knowledge.Document{}, apperr.New(apperr.Conflict, "a document is already stored under %s", d.ObjectKey)
	}
	return out, postgres.InvalidInput(err)
}

// GetDocument returns a document of the brokerage.
func (k *Knowledge) GetDocument(ctx context.Context, brokerageID, id string) (knowledge.Document, error) {
	if !postgres.IsUUID(id) {
		return knowledge.Document{}, apperr.New(apperr.NotFound, "no document %s", id)
	}
	d, err := scanDocument(k.db.QueryRow(ctx, `SELECT `+documentColumns+` FROM documents WHERE id = $1 AND brokerage_id = $2`, id, brokerageID))
	return d, postgres.NotFound(err, "no document %s", id)
}

// DocumentByKey finds the document of an object key.
func (k *Knowledge) DocumentByKey(ctx context.Context, key string) (knowledge.Document, bool, error) {
	d, err := scanDocument(k.db.QueryRow(ctx, `SELECT `+documentColumns+` FROM documents WHERE object_key = $1`, key))
	if err == pgx.ErrNoRows {
		return d, false, nil
	}
	return d, err == nil, err
}

// ReadyByHash finds another ready document with the same content in the brokerage.
func (k *Knowledge) ReadyByHash(ctx context.Context, brokerageID, hash, exceptID string) (string, bool, error) {
	var id string
	err := k.db.QueryRow(ctx, `SELECT id FROM documents WHERE brokerage_id = $1 AND content_hash = $2 AND status = 'ready'
		AND id <> $3 ORDER BY created_at LIMIT 1`, brokerageID, hash, exceptID).Scan(&id)
	if err == pgx.ErrNoRows {
		return "", false, nil
	}
	return id, err == nil, err
}

// UpdateDocument records a document's processing outcome.
func (k *Knowledge) UpdateDocument(ctx context.Context, d knowledge.Document) error {
	_, err := k.db.Exec(ctx, `UPDATE documents SET status = $2, doc_type = $3, size_bytes = $4, content_hash = $5,
		duplicate_of = NULLIF($6, '')::uuid, chunk_count = $7, pii_scrubbed = $8, error = $9, processed_at = $10, updated_at = now()
		WHERE id = $1`, d.ID, d.Status, d.Type, d.SizeBytes, d.ContentHash, d.DuplicateOf, d.Chunks, d.PIIScrubbed, d.Error, d.ProcessedAt)
	return err
}

// ReplaceChunks swaps a source's chunks in one transaction, bulk-loading the new ones; the
// vectors of chunks the new text no longer has go to the trash.
func (k *Knowledge) ReplaceChunks(ctx context.Context, sourceID string, chunks []knowledge.Chunk) error {
	ids := make([]string, len(chunks))
	for i, c := range chunks {
		ids[i] = c.ID
	}
	return postgres.InTx(ctx, k.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `WITH gone AS (DELETE FROM knowledge_chunks WHERE source_id = $1 RETURNING id)
			INSERT INTO knowledge_vector_trash (chunk_id) SELECT id FROM gone WHERE id <> ALL($2::text[])
			ON CONFLICT DO NOTHING`, sourceID, ids); err != nil {
			return err
		}
		rows := make([][]any, len(chunks))
		for i, c := range chunks {
			rows[i] = []any{c.ID, nullable(c.BrokerageID), c.Kind, c.SourceID, c.Ordinal, c.Title, c.Text, c.Visibility, c.Owner}
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"knowledge_chunks"}, []string{"id", "brokerage_id", "kind",
			"source_id", "ordinal", "title", "body", "visibility", "owner"}, pgx.CopyFromRows(rows))
		return err
	})
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// syncSQL drains the outbox in one statement, so a crash leaves every claimed change either
// applied or still queued: it claims the oldest changes (skipping those another run holds),
// removes the chunks of sources whose row is gone and trashes their vectors, and rewrites
// the chunks of the others from knowledge_sources. A chunk whose text did not change keeps
// its vector; a changed one loses it, so the re-embed step computes it again (or, when only
// its owner changed, rewrites the vector's metadata).
const syncSQL = `WITH claimed AS (
		DELETE FROM knowledge_changes WHERE id IN (
			SELECT id FROM knowledge_changes ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
		RETURNING kind, source_id),
	changed AS (SELECT DISTINCT kind, source_id FROM claimed),
	gone AS (
		DELETE FROM knowledge_chunks c USING changed g WHERE c.kind = g.kind AND c.source_id = g.source_id
			AND NOT EXISTS (SELECT 1 FROM knowledge_sources s WHERE s.kind = g.kind AND s.source_id = g.source_id)
		RETURNING c.id),
	trashed AS (INSERT INTO knowledge_vector_trash (chunk_id) SELECT id FROM gone ON CONFLICT DO NOTHING),
	written AS (
		INSERT INTO knowledge_chunks AS c (id, brokerage_id, kind, source_id, title, body, visibility, owner)
		SELECT s.kind || ':' || s.source_id, s.brokerage_id, s.kind, s.source_id, s.title, s.body, s.visibility, s.owner
		FROM knowledge_sources s JOIN changed g ON g.kind = s.kind AND g.source_id = s.source_id
		ON CONFLICT (id) DO UPDATE SET brokerage_id = EXCLUDED.brokerage_id, title = EXCLUDED.title, body = EXCLUDED.body,
			visibility = EXCLUDED.visibility, owner = EXCLUDED.owner, embedding_model = NULL, embedded_at = NULL, updated_at = now()
		WHERE (c.brokerage_id, c.title, c.body, c.visibility, c.owner) IS DISTINCT FROM
			(EXCLUDED.brokerage_id, EXCLUDED.title, EXCLUDED.body, EXCLUDED.visibility, EXCLUDED.owner)
		RETURNING 1)
	SELECT (SELECT count(*) FROM claimed)::int, (SELECT count(*) FROM changed)::int, (SELECT count(*) FROM written)::int,
		(SELECT count(*) FROM gone)::int`

// SyncStructured applies up to limit queued changes of structured rows to the knowledge base.
func (k *Knowledge) SyncStructured(ctx context.Context, limit int) (knowledge.SyncCounts, error) {
	var n knowledge.SyncCounts
	err := k.db.QueryRow(ctx, syncSQL, limit).Scan(&n.Changes, &n.Sources, &n.Written, &n.Removed)
	return n, err
}

// TrashedVectors returns ids of removed chunks whose vectors are still to delete; a chunk
// that came back since (a listing withdrawn and relisted) keeps its vector.
func (k *Knowledge) TrashedVectors(ctx context.Context, limit int) ([]string, error) {
	if _, err := k.db.Exec(ctx, `DELETE FROM knowledge_vector_trash t USING knowledge_chunks c WHERE c.id = t.chunk_id`); err != nil {
		return nil, err
	}
	rows, err := k.db.Query(ctx, `SELECT chunk_id FROM knowledge_vector_trash ORDER BY queued_at, chunk_id LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// ForgetTrashed drops trash entries whose vectors are deleted.
func (k *Knowledge) ForgetTrashed(ctx context.Context, ids []string) error {
	_, err := k.db.Exec(ctx, `DELETE FROM knowledge_vector_trash WHERE chunk_id = ANY($1)`, ids)
	return err
}

// PlaceNames returns the English and Arabic names of the places (communities and below) the
// phrases name, by the alias table that ingestion resolves spellings with.
func (k *Knowledge) PlaceNames(ctx context.Context, phrases []string) ([]string, error) {
	norm := make([]string, 0, len(phrases))
	for _, p := range phrases {
		if n := location.Normalize(p); n != "" {
			norm = append(norm, n)
		}
	}
	if len(norm) == 0 {
		return nil, nil
	}
	rows, err := k.db.Query(ctx, `SELECT DISTINCT l.name_en, l.name_ar FROM location_aliases a JOIN locations l ON l.id = a.location_id
		WHERE a.alias = ANY($1) AND l.kind <> 'emirate' ORDER BY 1 LIMIT 4`, norm)
	if err != nil {
		return nil, err
	}
	pairs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]string, error) {
		var p [2]string
		return p, r.Scan(&p[0], &p[1])
	})
	var names []string
	for _, p := range pairs {
		names = append(names, p[0], p[1])
	}
	return names, err
}

// MarkEmbedded records the model that produced the chunks' vectors.
func (k *Knowledge) MarkEmbedded(ctx context.Context, ids []string, model string) error {
	_, err := k.db.Exec(ctx, `UPDATE knowledge_chunks SET embedding_model = $2, embedded_at = now() WHERE id = ANY($1)`, ids, model)
	return err
}

const chunkColumns = `id, coalesce(brokerage_id::text, ''), kind, source_id, ordinal, title, body, visibility, owner,
	coalesce(embedding_model, '')`

func scanChunks(rows pgx.Rows, err error) ([]knowledge.Chunk, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (knowledge.Chunk, error) {
		var c knowledge.Chunk
		err := r.Scan(&c.ID, &c.BrokerageID, &c.Kind, &c.SourceID, &c.Ordinal, &c.Title, &c.Text, &c.Visibility, &c.Owner, &c.Model)
		return c, err
	})
}

// StaleChunks returns chunks without a vector of model.
func (k *Knowledge) StaleChunks(ctx context.Context, model string, limit int) ([]knowledge.Chunk, error) {
	return scanChunks(k.db.Query(ctx, `SELECT `+chunkColumns+` FROM knowledge_chunks
		WHERE embedding_model IS DISTINCT FROM $1 ORDER BY embedding_model NULLS FIRST, id LIMIT $2`, model, limit))
}

// searchSQL ranks the scope's chunks by the rarity of the question's words they hold: any
// word may match (an OR query, since questions are sentences, not keyword lists), and each
// matched word adds its inverse document frequency, ln(1 + chunks / chunks holding it), so a
// reference number or a building name outweighs "Dubai". Postgres' own cover-density rank,
// which favours titles, breaks ties.
var searchSQL = `WITH total AS (SELECT coalesce((SELECT chunks FROM knowledge_terms WHERE word = ''), 1)::float8 AS n),
	w AS (SELECT to_tsquery('simple', quote_literal(w) || ':*') AS q, ln(1 + total.n / coalesce(t.chunks, 1)) AS idf
		FROM unnest($1::text[]) AS w CROSS JOIN total LEFT JOIN knowledge_terms t ON t.word = w),
	q AS (SELECT to_tsquery('simple', string_agg(quote_literal(w) || ':*', ' | ')) AS q FROM unnest($1::text[]) AS w)
	SELECT ` + chunkColumns + ` FROM knowledge_chunks c, q
	WHERE (c.brokerage_id = $2 OR c.brokerage_id IS NULL) AND c.visibility <= $3 AND c.search @@ q.q AND ` + ownedBy5 + `
	ORDER BY (SELECT sum(w.idf) FROM w WHERE c.search @@ w.q) + ts_rank(c.search, q.q, 1) DESC, c.id LIMIT $4`

// ownedBy is the owner condition on a chunk c, given the scope's owner stamps as parameter
// $n (knowledge.Scope.OwnerValues, NULL for every owner). The stamp alone would let a
// listing's old agent read it until the next sync rewrites the stamp, so a listing chunk
// also needs its row, live: not deleted, and owned by a user the scope includes (or
// unassigned, when the scope includes those), the listings API's own rule.
func ownedBy(n int) string {
	p := fmt.Sprintf("$%d::text[]", n)
	return `(` + p + ` IS NULL OR c.owner = ANY(` + p + `)) AND (c.kind <> 'listing' OR EXISTS (
		SELECT 1 FROM listings l WHERE l.id = c.source_id AND l.deleted_at IS NULL
		AND (` + p + ` IS NULL OR coalesce(l.agent_id::text, '` + knowledge.Unassigned + `') = ANY(` + p + `))))`
}

var ownedBy4, ownedBy5 = ownedBy(4), ownedBy(5)

// SearchText ranks the scope's chunks by full text (see searchSQL).
func (k *Knowledge) SearchText(ctx context.Context, s knowledge.Scope, words []string, limit int) ([]knowledge.Chunk, error) {
	if len(words) == 0 {
		return nil, nil
	}
	return scanChunks(k.db.Query(ctx, searchSQL, words, s.BrokerageID, s.Visibility, limit, s.OwnerValues()))
}

// RefreshTermStats recounts how many chunks hold each word, for SearchText's ranking. It
// reads every chunk, so the sync job runs it, not a request.
func (k *Knowledge) RefreshTermStats(ctx context.Context) error {
	return postgres.InTx(ctx, k.db, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM knowledge_terms;
			INSERT INTO knowledge_terms (word, chunks) SELECT word, ndoc FROM ts_stat('SELECT search FROM knowledge_chunks');
			INSERT INTO knowledge_terms (word, chunks) SELECT '', count(*) FROM knowledge_chunks`)
		return err
	})
}

// Chunks returns the chunks with ids that lie in scope.
func (k *Knowledge) Chunks(ctx context.Context, s knowledge.Scope, ids []string) ([]knowledge.Chunk, error) {
	return scanChunks(k.db.Query(ctx, `SELECT `+chunkColumns+` FROM knowledge_chunks c
		WHERE id = ANY($1) AND (brokerage_id = $2 OR brokerage_id IS NULL) AND visibility <= $3 AND `+ownedBy4,
		ids, s.BrokerageID, s.Visibility, s.OwnerValues()))
}

// SearchListings answers a parsed property search over the active listings the actor sees,
// by the rule of the listings search: their own, a manager's team's and the unassigned ones,
// or the whole brokerage's for the brokerage-wide roles.
func (k *Knowledge) SearchListings(ctx context.Context, a access.Actor, q knowledge.PropertyQuery, limit int) ([]knowledge.ListingHit, error) {
	community, err := k.community(ctx, q.Places)
	if err != nil {
		return nil, err
	}
	rows, err := k.db.Query(ctx, `SELECT l.id, l.reference, l.title, l.property_type, l.purpose,
			coalesce(c.name_en, ''), l.building, coalesce(l.bedrooms, 0), l.price_aed::float8
		FROM listings l LEFT JOIN locations c ON c.id = l.community_id
		WHERE l.brokerage_id = $1 AND l.deleted_at IS NULL AND l.status = 'active'
		  AND ($2::uuid[] IS NULL OR l.agent_id = ANY($2) OR ($11 AND l.agent_id IS NULL))
		  AND ($3::int IS NULL OR l.bedrooms >= $3) AND ($4::int IS NULL OR l.bedrooms <= $4)
		  AND ($5::numeric IS NULL OR l.price_aed >= $5) AND ($6::numeric IS NULL OR l.price_aed <= $6)
		  AND ($7 = '' OR l.property_type = $7) AND ($8 = '' OR l.purpose = $8)
		  AND ($9 = '' OR l.community_id = $9::uuid OR l.location_id = $9::uuid)
		ORDER BY l.price_aed DESC, l.id LIMIT $10`, a.BrokerageID, owners(a), q.BedsMin, q.BedsMax, q.PriceMin,
		q.PriceMax, q.PropertyType, q.Purpose, community, limit, a.Role == access.Manager)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (knowledge.ListingHit, error) {
		var h knowledge.ListingHit
		err := r.Scan(&h.ID, &h.Reference, &h.Title, &h.PropertyType, &h.Purpose, &h.Community, &h.Building, &h.Bedrooms, &h.PriceAED)
		return h, err
	})
}

func owners(a access.Actor) []string {
	return a.Owners()
}

// community resolves the first phrase the alias table knows, preferring a community or
// building to the emirate ("Dubai Marina", not "Dubai").
func (k *Knowledge) community(ctx context.Context, phrases []string) (string, error) {
	norm := make([]string, 0, len(phrases))
	for _, p := range phrases {
		if n := location.Normalize(p); n != "" {
			norm = append(norm, n)
		}
	}
	if len(norm) == 0 {
		return "", nil
	}
	var id string
	err := k.db.QueryRow(ctx, `SELECT l.id FROM unnest($1::text[]) WITH ORDINALITY AS c (alias, n)
		JOIN location_aliases a ON a.alias = c.alias JOIN locations l ON l.id = a.location_id
		WHERE l.kind <> 'emirate' ORDER BY c.n LIMIT 1`, norm).Scan(&id)
	if err == pgx.ErrNoRows {
		return "", nil
	}
	return id, err
}

// SaveTurn stores a question and its answer (starting a conversation when none is given)
// and queues a review when the answer was flagged, in one transaction.
func (k *Knowledge) SaveTurn(ctx context.Context, t knowledge.Turn) (knowledge.Turn, error) {
	cites, _ := json.Marshal(t.Answer.Citations)
	err := postgres.InTx(ctx, k.db, func(tx pgx.Tx) error {
		if t.ConversationID == "" {
			if err := tx.QueryRow(ctx, `INSERT INTO conversations (brokerage_id, user_id, title) VALUES ($1, $2, $3) RETURNING id`,
				t.BrokerageID, t.UserID, title(t.Question)).Scan(&t.ConversationID); err != nil {
				return err
			}
		} else if _, err := tx.Exec(ctx, `UPDATE conversations SET updated_at = now() WHERE id = $1`, t.ConversationID); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO conversation_messages (conversation_id, role, content) VALUES ($1, 'user', $2) RETURNING id`,
			t.ConversationID, t.Question).Scan(&t.QuestionID); err != nil {
			return err
		}
		a := &t.Answer
		if err := tx.QueryRow(ctx, `INSERT INTO conversation_messages (conversation_id, role, content, citations, intent, provider, degraded)
			VALUES ($1, 'assistant', $2, $3::jsonb, $4, $5, $6) RETURNING id`, t.ConversationID, a.Answer, string(cites),
			string(a.Intent), a.Provider, a.Degraded).Scan(&a.MessageID); err != nil {
			return err
		}
		if len(t.ReviewReasons) == 0 {
			return nil
		}
		return tx.QueryRow(ctx, `INSERT INTO reviews (brokerage_id, message_id, question, answer, reasons) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			t.BrokerageID, a.MessageID, t.Question, a.Answer, t.ReviewReasons).Scan(&a.ReviewID)
	})
	t.Answer.ConversationID = t.ConversationID
	return t, postgres.InvalidInput(err)
}

func title(q string) string {
	r := []rune(strings.Join(strings.Fields(q), " "))
	if len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return string(r)
}

// Conversations lists the actor's own conversations, newest first.
func (k *Knowledge) Conversations(ctx context.Context, a access.Actor, limit int) ([]knowledge.Conversation, error) {
	rows, err := k.db.Query(ctx, `SELECT id, title, created_at, updated_at FROM conversations
		WHERE user_id = $1 AND brokerage_id = $2 ORDER BY updated_at DESC, id LIMIT $3`, a.UserID, a.BrokerageID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (knowledge.Conversation, error) {
		var c knowledge.Conversation
		return c, r.Scan(&c.ID, &c.Title, &c.CreatedAt, &c.UpdatedAt)
	})
}

// Conversation returns one of the actor's conversations with its messages.
func (k *Knowledge) Conversation(ctx context.Context, a access.Actor, id string) (knowledge.Conversation, error) {
	var c knowledge.Conversation
	if !postgres.IsUUID(id) {
		return c, apperr.New(apperr.NotFound, "no conversation %s", id)
	}
	err := k.db.QueryRow(ctx, `SELECT id, title, created_at, updated_at FROM conversations
		WHERE id = $1 AND user_id = $2 AND brokerage_id = $3`, id, a.UserID, a.BrokerageID).Scan(&c.ID, &c.Title, &c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return c, postgres.NotFound(err, "no conversation %s", id)
	}
	c.Messages, err = k.History(ctx, a, id, 500)
	return c, err
}

// History returns the last limit messages of one of the actor's conversations, oldest first.
func (k *Knowledge) History(ctx context.Context, a access.Actor, conversationID string, limit int) ([]knowledge.Message, error) {
	if !postgres.IsUUID(conversationID) {
		return nil, apperr.New(apperr.NotFound, "no conversation %s", conversationID)
	}
	var ok bool
	if err := k.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM conversations WHERE id = $1 AND user_id = $2)`,
		conversationID, a.UserID).Scan(&ok); err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.New(apperr.NotFound, "no conversation %s", conversationID)
	}
	rows, err := k.db.Query(ctx, `SELECT * FROM (SELECT id, role, content, citations::text, intent, provider, degraded, created_at
		FROM conversation_messages WHERE conversation_id = $1 ORDER BY created_at DESC LIMIT $2) m ORDER BY created_at`, conversationID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (knowledge.Message, error) {
		var m knowledge.Message
		var cites string
		if err := r.Scan(&m.ID, &m.Role, &m.Content, &cites, &m.Intent, &m.Provider, &m.Degraded, &m.CreatedAt); err != nil {
			return m, err
		}
		return m, json.Unmarshal([]byte(cites), &m.Citations)
	})
}

// LogCalls appends AI calls to the governance log.
func (k *Knowledge) LogCalls(ctx context.Context, calls []knowledge.Call) error {
	rows := make([][]any, len(calls))
	for i, c := range calls {
		var b any
		if c.BrokerageID != "" {
			b = c.BrokerageID
		}
		var u any
		if c.UserID != "" {
			u = c.UserID
		}
		rows[i] = []any{b, u, c.Provider, c.Model, c.Template, c.Try, c.InputTokens, c.OutputTokens,
			int(c.Latency / time.Millisecond), c.CostUSD, c.Outcome, c.Error, c.PromptRedacted, c.ResponseText}
	}
	_, err := k.db.CopyFrom(ctx, pgx.Identifier{"ai_calls"}, []string{"brokerage_id", "user_id", "provider", "model",
		"template", "try", "input_tokens", "output_tokens", "latency_ms", "cost_usd", "outcome", "error",
		"prompt_redacted", "response_redacted"}, pgx.CopyFromRows(rows))
	return err
}

const reviewColumns = `r.id, m.conversation_id, r.message_id, r.question, r.answer, r.reasons, r.status, r.final_answer, r.note,
	coalesce(r.reviewer_id::text, ''), r.decided_at, r.created_at`

func scanReview(r pgx.Row) (knowledge.Review, error) {
	var v knowledge.Review
	err := r.Scan(&v.ID, &v.ConversationID, &v.MessageID, &v.Question, &v.Answer, &v.Reasons, &v.Status, &v.FinalAnswer,
		&v.Note, &v.ReviewerID, &v.DecidedAt, &v.CreatedAt)
	return v, err
}

// Reviews lists the brokerage's reviews of a status, oldest first (a queue).
func (k *Knowledge) Reviews(ctx context.Context, brokerageID, status string, limit int) ([]knowledge.Review, error) {
	rows, err := k.db.Query(ctx, `SELECT `+reviewColumns+` FROM reviews r JOIN conversation_messages m ON m.id = r.message_id
		WHERE r.brokerage_id = $1 AND ($2 = '' OR r.status = $2) ORDER BY r.created_at, r.id LIMIT $3`, brokerageID, status, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (knowledge.Review, error) { return scanReview(r) })
}

// DecideReview applies a reviewer's decision to a pending review; an edit replaces the
// stored answer, so the conversation shows what the reviewer approved.
func (k *Knowledge) DecideReview(ctx context.Context, a access.Actor, id string, d knowledge.Decision) (knowledge.Review, error) {
	if !postgres.IsUUID(id) {
		return knowledge.Review{}, apperr.New(apperr.NotFound, "no review %s", id)
	}
	var out knowledge.Review
	err := postgres.InTx(ctx, k.db, func(tx pgx.Tx) error {
		var status string
		if err := tx.QueryRow(ctx, `SELECT status FROM reviews WHERE id = $1 AND brokerage_id = $2 FOR UPDATE`, id, a.BrokerageID).Scan(&status); err != nil {
			return postgres.NotFound(err, "no review %s", id)
		}
		if status != knowledge.ReviewPending {
			return apperr.New(apperr.Conflict, "review %s is already %s", id, status)
		}
		final := d.Answer
		if _, err := tx.Exec(ctx, `UPDATE reviews SET status = $2, final_answer = $3, note = $4, reviewer_id = $5, decided_at = now()
			WHERE id = $1`, id, d.Status(), final, d.Note, a.UserID); err != nil {
			return err
		}
		if d.Action == "edit" {
			if _, err := tx.Exec(ctx, `UPDATE conversation_messages SET content = $2 WHERE id = (SELECT message_id FROM reviews WHERE id = $1)`, id, final); err != nil {
				return err
			}
		}
		var err error
		out, err = scanReview(tx.QueryRow(ctx, `SELECT `+reviewColumns+` FROM reviews r JOIN conversation_messages m ON m.id = r.message_id WHERE r.id = $1`, id))
		return err
	})
	return out, err
}
