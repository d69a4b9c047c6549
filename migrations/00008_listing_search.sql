-- The search agents and portals run most: one community, a bedroom count and a price range,
-- newest first (GET /v1/listings?community_id=…&beds=…&price_min=…&price_max=…).
--
-- listings_filter_idx (00004) leads with status, so a search without a status filter reads
-- every status's range of it and then every matching row of the table to sort them. This
-- index answers the filters with one range scan, and its INCLUDE columns carry the sort keys
-- and the common extra filters (an agent sees only their own listings: agent_id), so that
-- the search's inner query (see SearchListings: the page's ids first, then only those rows)
-- runs as an index-only scan.

-- +goose Up
CREATE INDEX listings_community_search_idx ON listings (brokerage_id, community_id, bedrooms, price_aed)
    INCLUDE (created_at, id, size_sqft, status, purpose, agent_id) WHERE deleted_at IS NULL;

-- +goose Down
DROP INDEX listings_community_search_idx;
