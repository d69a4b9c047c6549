-- Structured knowledge and the AI token budget.
--
-- Listings, market reports, community profiles and market data are knowledge the assistant
-- retrieves and cites like documents. Each source is rendered to text by one view,
-- knowledge_sources; statement-level triggers on the four tables only note which sources
-- changed in an outbox, knowledge_changes, so that a bulk ingestion pays one cheap INSERT
-- per statement and never fails because of the knowledge base. The sync job (cron-reembed
-- and task-reembed) drains the outbox: it rewrites the chunks of changed sources from the
-- view, removes those whose row is gone, and queues their vectors for deletion in
-- knowledge_vector_trash, so a vector store that is down delays the clean-up instead of
-- losing it. Rewritten chunks lose their embedding, which the same job then recomputes.
--
-- Market tables are reference data shared by every brokerage, so their chunks have no
-- brokerage (NULL) and every brokerage retrieves them. Their ids are derived from their
-- natural keys (knowledge_source_id), so a re-ingested row keeps its id and its citations.
--
-- The per-brokerage daily token budget of the paid AI providers lives here too, so that it
-- holds across every Lambda instance: ai_token_usage counts tokens per brokerage and Dubai
-- day, ai_token_budgets overrides AI_TOKEN_BUDGET for a brokerage.

-- +goose Up
ALTER TABLE knowledge_chunks ALTER COLUMN brokerage_id DROP NOT NULL;

-- Postgres' parser reads "PROP-249" as "prop" and the negative number "-249", so a question
-- naming a reference never matched it; a hyphen between a letter and a digit now separates.
ALTER TABLE knowledge_chunks DROP COLUMN search;
ALTER TABLE knowledge_chunks ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', regexp_replace(coalesce(title, ''), '([[:alpha:]])-([[:digit:]])', '\1 \2', 'g')), 'A') ||
    to_tsvector('simple', regexp_replace(body, '([[:alpha:]])-([[:digit:]])', '\1 \2', 'g'))) STORED;
CREATE INDEX knowledge_chunks_search_idx ON knowledge_chunks USING gin (search);
CREATE INDEX knowledge_chunks_kind_source_idx ON knowledge_chunks (kind, source_id);

-- +goose StatementBegin
CREATE FUNCTION knowledge_source_id(kind text, natural_key text) RETURNS uuid
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN md5('propertypro/knowledge/' || kind || '/' || lower(natural_key))::uuid;
-- +goose StatementEnd

CREATE TABLE knowledge_changes (
    id         bigserial PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('listing', 'market_report', 'neighbourhood', 'market_data')),
    source_id  uuid NOT NULL,
    queued_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE knowledge_vector_trash (
    chunk_id   text PRIMARY KEY,
    queued_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per retrievable structured source: its text as the assistant reads it. Arabic
-- place names come along, so a question in Arabic finds the English rows by name.
CREATE VIEW knowledge_sources AS
SELECT 'listing'::text AS kind, l.id AS source_id, l.brokerage_id,
       coalesce(nullif(l.title, ''), l.reference) AS title,
       concat_ws(' ', 'Listing', l.reference || '.', l.title || '.',
                 initcap(replace(l.property_type, '_', ' ')),
                 CASE WHEN l.bedrooms = 0 THEN 'studio' WHEN l.bedrooms IS NOT NULL THEN l.bedrooms || ' bedrooms' END,
                 CASE WHEN l.bathrooms IS NOT NULL THEN l.bathrooms || ' bathrooms' END,
                 'for ' || l.purpose, 'at AED ' || l.price_aed::bigint || CASE WHEN l.purpose = 'rent' THEN ' a year.' ELSE '.' END,
                 CASE WHEN l.size_sqft IS NOT NULL THEN l.size_sqft::bigint || ' sq ft.' END,
                 CASE WHEN l.completion = 'off_plan' THEN 'Off-plan, handover ' || coalesce(l.handover_date::text, 'to be announced') || '.' ELSE 'Ready.' END,
                 CASE WHEN l.furnished THEN 'Furnished.' END,
                 'In ' || nullif(concat_ws(', ', nullif(l.building, ''), c.name_en, c.name_ar), '') || '.',
                 'Developer ' || nullif(l.developer, '') || '.', 'View: ' || nullif(l.view, '') || '.',
                 'Amenities: ' || nullif(array_to_string(l.amenities, ', '), '') || '.',
                 'Service charge AED ' || l.service_charge_aed_sqft || ' per sq ft.', nullif(l.description, '')) AS body,
       0 AS visibility
FROM listings l LEFT JOIN locations c ON c.id = l.community_id
WHERE l.deleted_at IS NULL AND l.status IN ('active', 'under_offer')
UNION ALL
SELECT 'market_report', knowledge_source_id('market_report', concat_ws('|', r.title, r.community, r.property_type, r.report_date)),
       NULL, r.title || ' — ' || r.community || ' (' || r.report_date || ')',
       concat_ws(' ', 'Market report', '"' || r.title || '"', '(' || nullif(r.report_type, '') || ')',
                 'on', nullif(r.property_type, ''), 'property in', r.community,
                 c.name_ar, 'dated ' || r.report_date || ',', 'by ' || nullif(r.author, '') || '.',
                 'Price trend: ' || nullif(r.price_trend, '') || '.', 'Market sentiment: ' || nullif(r.sentiment, '') || '.',
                 r.key_findings || ' key findings,', r.recommendations || ' recommendations.', nullif(r.summary, '')),
       0
FROM market_reports r LEFT JOIN locations c ON c.id = r.community_id
UNION ALL
SELECT 'neighbourhood', knowledge_source_id('neighbourhood', p.name), NULL, p.name || ' community profile',
       concat_ws(' ', p.name, c.name_ar, 'neighbourhood (community) profile.', nullif(p.description, ''),
                 'Average price AED ' || p.avg_price_per_sqft::bigint || ' per sq ft.',
                 'Popular property types: ' || nullif(array_to_string(p.popular_property_types, ', '), '') || '.',
                 'Top developers: ' || nullif(array_to_string(p.top_developers, ', '), '') || '.',
                 'Amenities: ' || nullif(array_to_string(p.amenities, ', '), '') || '.',
                 'Transportation: ' || nullif(array_to_string(p.transportation, ', '), '') || '.',
                 p.schools || ' schools,', p.hospitals || ' hospitals,', p.shopping_centers || ' shopping centres,',
                 p.parks || ' parks.'),
       0
FROM community_profiles p LEFT JOIN locations c ON c.id = p.community_id
UNION ALL
-- Market data: one source per community (its spellings resolved to one place where the
-- location aliases know it), its twelve latest observations, newest first.
SELECT 'market_data', knowledge_source_id('market_data', o.place), NULL,
       coalesce(max(c.name_en), min(o.community)) || ' market data',
       concat_ws(' ', string_agg(DISTINCT o.community, ' '), max(c.name_ar)) || ' market data, price per sq ft and trends. ' ||
       string_agg(concat_ws(' ', o.period || ',', o.property_type, '(' || o.source || '):',
                            'average AED ' || o.avg_price_per_sqft || ' per sq ft;',
                            'price change 1 month ' || o.price_change_1m || '%,', '3 months ' || o.price_change_3m || '%,',
                            '6 months ' || o.price_change_6m || '%,', '1 year ' || o.price_change_1y || '%;',
                            o.transaction_volume || ' transactions;', o.days_on_market || ' days on market;',
                            'supply ' || nullif(o.supply_level, '') || ',', 'demand ' || nullif(o.demand_level, '') || '.'),
                  ' ' ORDER BY o.period DESC, o.property_type, o.source),
       0
FROM (SELECT *, coalesce(community_id::text, lower(community)) AS place,
             row_number() OVER (PARTITION BY coalesce(community_id::text, lower(community))
                                ORDER BY period DESC, property_type, source) AS n
      FROM market_observations) o LEFT JOIN locations c ON c.id = o.community_id
WHERE o.n <= 12
GROUP BY o.place;

-- The outbox triggers: which sources a statement touched, old and new keys both, since an
-- update may move a row to another key (a listing withdrawn, a report renamed).
-- +goose StatementBegin
CREATE FUNCTION knowledge_note_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    keys text := CASE TG_TABLE_NAME
        WHEN 'market_reports' THEN $k$concat_ws('|', title, community, property_type, report_date)$k$
        WHEN 'community_profiles' THEN 'name'
        WHEN 'market_observations' THEN 'coalesce(community_id::text, lower(community))' END;
    kind text := CASE TG_TABLE_NAME
        WHEN 'listings' THEN 'listing' WHEN 'market_reports' THEN 'market_report'
        WHEN 'community_profiles' THEN 'neighbourhood' WHEN 'market_observations' THEN 'market_data' END;
    id_of text := CASE WHEN TG_TABLE_NAME = 'listings' THEN 'id'
        ELSE format('knowledge_source_id(%L, %s)', kind, keys) END;
    rel text;
BEGIN
    FOREACH rel IN ARRAY CASE TG_OP WHEN 'INSERT' THEN ARRAY['new_rows'] WHEN 'DELETE' THEN ARRAY['old_rows']
                                    ELSE ARRAY['new_rows', 'old_rows'] END LOOP
        EXECUTE format('INSERT INTO knowledge_changes (kind, source_id) SELECT DISTINCT %L, %s FROM %I', kind, id_of, rel);
    END LOOP;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER listings_knowledge_insert AFTER INSERT ON listings REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION knowledge_note_changes();
CREATE TRIGGER listings_knowledge_update AFTER UPDATE ON listings REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION knowledge_note_changes();
CREATE TRIGGER listings_knowledge_delete AFTER DELETE ON listings REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION knowledge_note_changes();
CREATE TRIGGER market_reports_knowledge_insert AFTER INSERT ON market_reports REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION knowledge_note_changes();
CREATE TRIGGER market_reports_knowledge_update AFTER UPDATE ON market_reports REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION knowledge_note_changes();
CREATE TRIGGER market_reports_knowledge_delete AFTER DELETE ON market_reports REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION knowledge_note_changes();
CREATE TRIGGER community_profiles_knowledge_insert AFTER INSERT ON community_profiles REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION knowledge_note_changes();
CREATE TRIGGER community_profiles_knowledge_update AFTER UPDATE ON community_profiles REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION knowledge_note_changes();
CREATE TRIGGER community_profiles_knowledge_delete AFTER DELETE ON community_profiles REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION knowledge_note_changes();
CREATE TRIGGER market_observations_knowledge_insert AFTER INSERT ON market_observations REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION knowledge_note_changes();
CREATE TRIGGER market_observations_knowledge_update AFTER UPDATE ON market_observations REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION knowledge_note_changes();
CREATE TRIGGER market_observations_knowledge_delete AFTER DELETE ON market_observations REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION knowledge_note_changes();

-- Listings now go through the outbox like the other sources.
DROP TRIGGER listings_knowledge_sync ON listings;
DROP FUNCTION knowledge_sync_listing();

-- Backfill: every source that exists now is synced by the job's first run.
INSERT INTO knowledge_changes (kind, source_id) SELECT kind, source_id FROM knowledge_sources;
INSERT INTO knowledge_changes (kind, source_id)
SELECT DISTINCT kind, source_id FROM knowledge_chunks WHERE kind <> 'document';

-- How many chunks hold each word, for full-text ranking by rarity: Postgres ranks a chunk by
-- how often it holds the question's words, so "dubai" (in most chunks) would outweigh
-- "249" (in one listing). Refreshed by the sync job; the row with the empty word holds the
-- number of chunks. A word missing here is new since the refresh, hence rare.
CREATE TABLE knowledge_terms (
    word    text PRIMARY KEY,
    chunks  integer NOT NULL
);

CREATE TABLE ai_token_budgets (
    brokerage_id  uuid PRIMARY KEY REFERENCES brokerages (id) ON DELETE CASCADE,
    daily_tokens  bigint NOT NULL CHECK (daily_tokens >= 0),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ai_token_usage (
    brokerage_id  uuid NOT NULL REFERENCES brokerages (id) ON DELETE CASCADE,
    day           date NOT NULL,                    -- in Asia/Dubai
    used          bigint NOT NULL DEFAULT 0,
    reserved      bigint NOT NULL DEFAULT 0,        -- calls in flight
    PRIMARY KEY (brokerage_id, day)
);

-- +goose Down
DROP TABLE ai_token_usage;
DROP TABLE ai_token_budgets;
DROP TABLE knowledge_terms;
DROP TRIGGER market_observations_knowledge_delete ON market_observations;
DROP TRIGGER market_observations_knowledge_update ON market_observations;
DROP TRIGGER market_observations_knowledge_insert ON market_observations;
DROP TRIGGER community_profiles_knowledge_delete ON community_profiles;
DROP TRIGGER community_profiles_knowledge_update ON community_profiles;
DROP TRIGGER community_profiles_knowledge_insert ON community_profiles;
DROP TRIGGER market_reports_knowledge_delete ON market_reports;
DROP TRIGGER market_reports_knowledge_update ON market_reports;
DROP TRIGGER market_reports_knowledge_insert ON market_reports;
DROP TRIGGER listings_knowledge_delete ON listings;
DROP TRIGGER listings_knowledge_update ON listings;
DROP TRIGGER listings_knowledge_insert ON listings;
DROP FUNCTION knowledge_note_changes();
DROP VIEW knowledge_sources;
DROP TABLE knowledge_vector_trash;
DROP TABLE knowledge_changes;
DROP FUNCTION knowledge_source_id(text, text);
DELETE FROM knowledge_chunks WHERE kind <> 'listing' AND kind <> 'document';
DELETE FROM knowledge_chunks WHERE brokerage_id IS NULL;
DROP INDEX knowledge_chunks_kind_source_idx;
ALTER TABLE knowledge_chunks ALTER COLUMN brokerage_id SET NOT NULL;
ALTER TABLE knowledge_chunks DROP COLUMN search;
ALTER TABLE knowledge_chunks ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', coalesce(title, '')), 'A') || to_tsvector('simple', body)) STORED;
CREATE INDEX knowledge_chunks_search_idx ON knowledge_chunks USING gin (search);
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
