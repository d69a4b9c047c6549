-- Who may retrieve a listing's knowledge: the same rule as the listings search.
--
-- Listings are knowledge that belongs to someone. The listings API shows an agent only their
-- own listings, a manager their team's and the unassigned ones, and admins, compliance
-- officers and reviewers the whole brokerage's (access.Actor.CanSee, listing.Service.Search);
-- until now the assistant retrieved every listing of the brokerage for everyone. Every chunk
-- now carries an owner stamp, copied into its vector's metadata as "owner", so that full
-- text and vector search filter on the same values:
--   a user id      a listing of that agent (or manager)
--   'unassigned'   a listing without an agent: managers and brokerage-wide roles
--   '*'            knowledge of no one (documents, market reports, community profiles,
--                  market data): the brokerage and the visibility level alone decide
-- The column has no default, so a writer that forgets the owner cannot make a chunk public.
--
-- Existing vectors lack the field, and a vector store filter on a field excludes the vectors
-- without it, so every chunk is marked for the re-embed step (cron-reembed, task-reembed,
-- or `propertypro reindex`): it rewrites each vector's metadata, reusing the stored vector
-- when it was computed from the same text by the same model, so the backfill costs no
-- embedding calls. Until it has run, restricted users find these chunks by full text only.

-- +goose Up
ALTER TABLE knowledge_chunks ADD COLUMN owner text NOT NULL DEFAULT '*';
ALTER TABLE knowledge_chunks ALTER COLUMN owner DROP DEFAULT;
UPDATE knowledge_chunks c SET owner = coalesce((SELECT l.agent_id::text FROM listings l WHERE l.id = c.source_id), 'unassigned')
WHERE c.kind = 'listing';
UPDATE knowledge_chunks SET embedding_model = NULL, embedded_at = NULL;

CREATE OR REPLACE VIEW knowledge_sources AS
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
       0 AS visibility,
       coalesce(l.agent_id::text, 'unassigned') AS owner
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
       0, '*'
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
       0, '*'
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
       0, '*'
FROM (SELECT *, coalesce(community_id::text, lower(community)) AS place,
             row_number() OVER (PARTITION BY coalesce(community_id::text, lower(community))
                                ORDER BY period DESC, property_type, source) AS n
      FROM market_observations) o LEFT JOIN locations c ON c.id = o.community_id
WHERE o.n <= 12
GROUP BY o.place;


-- +goose Down
DROP VIEW knowledge_sources;
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

ALTER TABLE knowledge_chunks DROP COLUMN owner;
