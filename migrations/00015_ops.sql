-- +goose Up
-- Operator overrides of boolean feature flags (`propertypro ops flag NAME on|off`): read by the
-- platform at each scheduled run, so a schedule can be stopped in an incident without a deploy.
CREATE TABLE feature_flags (
    name       text PRIMARY KEY,
    enabled    boolean NOT NULL,
    updated_by text NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE feature_flags;
