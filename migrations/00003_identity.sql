-- Sign-in: refresh-token families, login lock-out, per-user request budgets; and the counter
-- that lets logout and deactivation invalidate access tokens already issued.

-- +goose Up
-- Bumped by logout and deactivation: access tokens carry the generation they were issued in.
ALTER TABLE users ADD COLUMN token_generation integer NOT NULL DEFAULT 1;
CREATE INDEX users_manager_idx ON users (manager_id) WHERE manager_id IS NOT NULL;

CREATE TABLE refresh_tokens (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    family_id   text NOT NULL,
    user_id     uuid NOT NULL REFERENCES users (id),
    token_hash  bytea NOT NULL UNIQUE,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

-- Failed logins per key (an email or an IP); shared by every Lambda instance.
CREATE TABLE login_attempts (
    key           text PRIMARY KEY,
    failures      integer NOT NULL DEFAULT 0,
    locked_until  timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Token buckets for request rate limits.
CREATE TABLE rate_buckets (
    key         text PRIMARY KEY,
    tokens      double precision NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- +goose Down
DROP TABLE rate_buckets;
DROP TABLE login_attempts;
DROP TABLE refresh_tokens;
DROP INDEX users_manager_idx;
ALTER TABLE users DROP COLUMN token_generation;
