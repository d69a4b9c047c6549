-- Knowledge: uploaded documents, their chunks (full text here, vectors in the vector store),
-- assistant conversations, the governance log of every AI call and the review queue.
--
-- knowledge_chunks holds listing rows too (kind 'listing'), kept in step by a trigger, so
-- structured data is retrievable by full text at once and by vector after cron-reembed
-- embeds the rows whose embedding_model is missing or old.

-- +goose Up
CREATE TABLE documents (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    brokerage_id  uuid NOT NULL REFERENCES brokerages (id),
    uploaded_by   uuid REFERENCES users (id),
    filename      text NOT NULL,
    title         text NOT NULL DEFAULT '',
    object_key    text NOT NULL UNIQUE,
    visibility    smallint NOT NULL DEFAULT 0 CHECK (visibility BETWEEN 0 AND 2),
    status        text NOT NULL DEFAULT 'awaiting_upload'
                  CHECK (status IN ('awaiting_upload', 'processing', 'ready', 'duplicate', 'failed')),
    doc_type      text NOT NULL DEFAULT '',
    size_bytes    bigint NOT NULL DEFAULT 0,
    content_hash  text NOT NULL DEFAULT '',
    duplicate_of  uuid REFERENCES documents (id),
    chunk_count   integer NOT NULL DEFAULT 0,
    pii_scrubbed  integer NOT NULL DEFAULT 0,
    error         text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    processed_at  timestamptz
);
CREATE INDEX documents_hash_idx ON documents (brokerage_id, content_hash) WHERE status = 'ready';
CREATE INDEX documents_list_idx ON documents (brokerage_id, created_at DESC);

CREATE TABLE knowledge_chunks (
    id               text PRIMARY KEY,             -- "<document id>#<ordinal>" or "listing:<id>"
    brokerage_id     uuid NOT NULL REFERENCES brokerages (id),
    kind             text NOT NULL CHECK (kind IN ('document', 'listing', 'market_report', 'neighbourhood', 'market_data')),
    source_id        uuid NOT NULL,
    ordinal          integer NOT NULL DEFAULT 0,
    title            text NOT NULL DEFAULT '',
    body             text NOT NULL,
    visibility       smallint NOT NULL DEFAULT 0,
    embedding_model  text,                         -- NULL: not in the vector store yet
    embedded_at      timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    search           tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(title, '')), 'A') || to_tsvector('simple', body)) STORED
);
CREATE INDEX knowledge_chunks_search_idx ON knowledge_chunks USING gin (search);
CREATE INDEX knowledge_chunks_source_idx ON knowledge_chunks (source_id);
CREATE INDEX knowledge_chunks_stale_idx ON knowledge_chunks (embedding_model NULLS FIRST);

-- Listings are knowledge: every change rewrites the listing's chunk and clears its embedding,
-- so cron-reembed picks it up; a deleted or unlisted one leaves the knowledge base.
-- +goose StatementBegin
CREATE FUNCTION knowledge_sync_listing() RETURNS trigger AS $$
BEGIN
    IF NEW.deleted_at IS NOT NULL OR NEW.status NOT IN ('active', 'under_offer') THEN
        DELETE FROM knowledge_chunks WHERE id = 'listing:' || NEW.id;
        RETURN NEW;
    END IF;
    INSERT INTO knowledge_chunks (id, brokerage_id, kind, source_id, title, body)
    VALUES ('listing:' || NEW.id, NEW.brokerage_id, 'listing', NEW.id,
            coalesce(nullif(NEW.title, ''), NEW.reference),
            concat_ws(' ', NEW.reference, NEW.title, NEW.property_type,
                      CASE WHEN NEW.bedrooms = 0 THEN 'studio' ELSE NEW.bedrooms || ' bedrooms' END,
                      'for', NEW.purpose, NEW.price_aed::bigint || ' AED', NEW.building, NEW.developer,
                      NEW.view, NEW.description,
                      (SELECT name_en FROM locations WHERE id = NEW.community_id)))
    ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body,
        embedding_model = NULL, embedded_at = NULL, updated_at = now();
    RETURN NEW;
END $$ LANGUAGE plpgsql;
-- +goose StatementEnd
CREATE TRIGGER listings_knowledge_sync AFTER INSERT OR UPDATE ON listings
    FOR EACH ROW EXECUTE FUNCTION knowledge_sync_listing();

CREATE TABLE conversations (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    brokerage_id  uuid NOT NULL REFERENCES brokerages (id),
    user_id       uuid NOT NULL REFERENCES users (id),
    title         text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_user_idx ON conversations (user_id, updated_at DESC);

CREATE TABLE conversation_messages (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    conversation_id  uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    role             text NOT NULL CHECK (role IN ('user', 'assistant')),
    content          text NOT NULL,
    citations        jsonb NOT NULL DEFAULT '[]',
    intent           text NOT NULL DEFAULT '',
    provider         text NOT NULL DEFAULT '',
    degraded         boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX conversation_messages_idx ON conversation_messages (conversation_id, created_at);

CREATE TABLE ai_calls (
    id                 bigserial PRIMARY KEY,
    brokerage_id       uuid REFERENCES brokerages (id),
    user_id            uuid,
    provider           text NOT NULL,
    model              text NOT NULL DEFAULT '',
    template           text NOT NULL DEFAULT '',
    try                integer NOT NULL DEFAULT 1,
    input_tokens       integer NOT NULL DEFAULT 0,
    output_tokens      integer NOT NULL DEFAULT 0,
    latency_ms         integer NOT NULL DEFAULT 0,
    cost_usd           numeric(12, 6) NOT NULL DEFAULT 0,
    outcome            text NOT NULL,               -- ok, error, skipped:<why>
    error              text NOT NULL DEFAULT '',
    prompt_redacted    text NOT NULL DEFAULT '',
    response_redacted  text NOT NULL DEFAULT '',
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ai_calls_brokerage_idx ON ai_calls (brokerage_id, created_at DESC);

CREATE TABLE reviews (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    brokerage_id     uuid NOT NULL REFERENCES brokerages (id),
    message_id       uuid NOT NULL REFERENCES conversation_messages (id) ON DELETE CASCADE,
    question         text NOT NULL,
    answer           text NOT NULL,
    reasons          text[] NOT NULL DEFAULT '{}',
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'edited', 'rejected')),
    final_answer     text NOT NULL DEFAULT '',
    note             text NOT NULL DEFAULT '',
    reviewer_id      uuid REFERENCES users (id),
    decided_at       timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reviews_queue_idx ON reviews (brokerage_id, status, created_at);

-- +goose Down
DROP TABLE reviews;
DROP TABLE ai_calls;
DROP TABLE conversation_messages;
DROP TABLE conversations;
DROP TRIGGER listings_knowledge_sync ON listings;
DROP FUNCTION knowledge_sync_listing();
DROP TABLE knowledge_chunks;
DROP TABLE documents;
