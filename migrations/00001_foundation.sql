-- Foundation: tenants, the people who sign in, and the audit trail every write leaves.

-- +goose Up
CREATE TABLE brokerages (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL CHECK (length(trim(name)) > 0),
    orn         text UNIQUE,                       -- RERA office registration number
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX brokerages_name_key ON brokerages (lower(name));

CREATE TABLE users (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    brokerage_id   uuid NOT NULL REFERENCES brokerages (id),
    email          text NOT NULL CHECK (position('@' in email) > 1),
    full_name      text NOT NULL DEFAULT '',
    password_hash  text NOT NULL,
    role           text NOT NULL CHECK (role IN ('admin', 'manager', 'agent', 'compliance_officer', 'reviewer')),
    manager_id     uuid REFERENCES users (id),     -- the team lead of an agent
    brn            text,                           -- RERA broker registration number
    active         boolean NOT NULL DEFAULT true,
    version        integer NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_brokerage_idx ON users (brokerage_id, role);

CREATE TABLE audit_log (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    brokerage_id  uuid REFERENCES brokerages (id),
    actor_id      uuid,
    action        text NOT NULL,                   -- create, update, delete, login, ...
    entity        text NOT NULL,                   -- listing, lead, user, ...
    entity_id     text NOT NULL DEFAULT '',
    before        jsonb,
    after         jsonb,
    request_id    text NOT NULL DEFAULT '',
    at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_brokerage_at_idx ON audit_log (brokerage_id, at DESC);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE users;
DROP TABLE brokerages;
