-- Indexes for the deals, viewings and audit listings: each list reads one brokerage's rows in
-- its keyset order, so the order (with the id tie-breaker) is part of the index and a page is
-- an index range scan however deep the cursor goes.

-- +goose Up
CREATE INDEX audit_log_brokerage_id_idx ON audit_log (brokerage_id, id DESC);
CREATE INDEX deals_created_idx ON deals (brokerage_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
-- Won deals by closing date: time to close and the leaderboard.
CREATE INDEX deals_closed_idx ON deals (brokerage_id, closed_at) WHERE deleted_at IS NULL AND closed_at IS NOT NULL;
CREATE INDEX viewings_agent_idx ON viewings (brokerage_id, agent_id, scheduled_at DESC) WHERE deleted_at IS NULL;

-- +goose Down
DROP INDEX viewings_agent_idx;
DROP INDEX deals_closed_idx;
DROP INDEX deals_created_idx;
DROP INDEX audit_log_brokerage_id_idx;
