-- Data drops: one row per ingestion with its stored report, the quarantined issues of its
-- rows, natural keys for imported deals and leads, and the market tables the drops feed.

-- +goose Up
CREATE TABLE ingestions (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    brokerage_id  uuid NOT NULL REFERENCES brokerages (id),
    bucket        text NOT NULL,
    key           text NOT NULL,
    etag          text NOT NULL,
    status        text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    dry_run       boolean NOT NULL DEFAULT false,
    datasets      text[] NOT NULL DEFAULT '{}',
    rows_read     integer NOT NULL DEFAULT 0,
    rejected      integer NOT NULL DEFAULT 0,
    report        jsonb NOT NULL DEFAULT '{}',
    error         text NOT NULL DEFAULT '',
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);
-- The same object delivered again (S3 and SQS deliver at least once) finds its success here;
-- not unique, because a forced re-ingest of the same object is allowed.
CREATE INDEX ingestions_object_idx ON ingestions (bucket, key, etag) WHERE status = 'succeeded' AND NOT dry_run;
CREATE INDEX ingestions_brokerage_idx ON ingestions (brokerage_id, started_at DESC, id DESC);

-- Quarantine: every rejection (and warning) with the row as it was read.
CREATE TABLE ingestion_issues (
    ingestion_id  uuid NOT NULL REFERENCES ingestions (id) ON DELETE CASCADE,
    n             integer NOT NULL,
    sheet         text NOT NULL DEFAULT '',
    line          integer NOT NULL,
    col           text NOT NULL DEFAULT '',
    value         text NOT NULL DEFAULT '',
    reason        text NOT NULL,
    warning       boolean NOT NULL DEFAULT false,
    raw           text NOT NULL DEFAULT '',
    PRIMARY KEY (ingestion_id, n)
);

-- Natural keys of rows that came from exports, so a re-import updates instead of duplicating.
ALTER TABLE deals ADD COLUMN external_ref text;
CREATE UNIQUE INDEX deals_external_ref_key ON deals (brokerage_id, external_ref) WHERE external_ref IS NOT NULL;
ALTER TABLE leads ADD COLUMN external_ref text;
CREATE UNIQUE INDEX leads_external_ref_key ON leads (brokerage_id, external_ref) WHERE external_ref IS NOT NULL;

-- Market figures per community, segment and period, from research feeds (shared reference data).
CREATE TABLE market_observations (
    community           text NOT NULL,
    community_id        uuid REFERENCES locations (id),
    property_type       text NOT NULL,          -- a segment (residential, off-plan, ...) or 'all'
    period              date NOT NULL,
    source              text NOT NULL,
    avg_price_per_sqft  numeric(12, 2),
    price_change_1m     numeric(8, 2),
    price_change_3m     numeric(8, 2),
    price_change_6m     numeric(8, 2),
    price_change_1y     numeric(8, 2),
    transaction_volume  integer,
    days_on_market      integer,
    supply_level        text NOT NULL DEFAULT '',
    demand_level        text NOT NULL DEFAULT '',
    PRIMARY KEY (community, property_type, period, source)
);
CREATE INDEX market_observations_community_idx ON market_observations (community_id, period);

CREATE TABLE market_reports (
    title            text NOT NULL,
    report_type      text NOT NULL DEFAULT '',
    community        text NOT NULL,
    community_id     uuid REFERENCES locations (id),
    property_type    text NOT NULL DEFAULT '',
    report_date      date NOT NULL,
    author           text NOT NULL DEFAULT '',
    summary          text NOT NULL DEFAULT '',
    key_findings     integer,
    price_trend      text NOT NULL DEFAULT '',
    sentiment        text NOT NULL DEFAULT '',
    recommendations  integer,
    file_path        text NOT NULL DEFAULT '',
    PRIMARY KEY (title, community, property_type, report_date)
);

CREATE TABLE community_profiles (
    name                    text PRIMARY KEY,
    community_id            uuid REFERENCES locations (id),
    avg_price_per_sqft      numeric(12, 2),
    popular_property_types  text[] NOT NULL DEFAULT '{}',
    top_developers          text[] NOT NULL DEFAULT '{}',
    amenities               text[] NOT NULL DEFAULT '{}',
    transportation          text[] NOT NULL DEFAULT '{}',
    schools                 integer,
    hospitals               integer,
    shopping_centers        integer,
    parks                   integer,
    description             text NOT NULL DEFAULT ''
);

CREATE TABLE listing_analytics (
    brokerage_id        uuid NOT NULL REFERENCES brokerages (id),
    reference           text NOT NULL,
    listing_id          uuid REFERENCES listings (id),
    views_30d           integer,
    inquiries_30d       integer,
    favorites           integer,
    shares              integer,
    avg_time_on_page_s  numeric(10, 2),
    bounce_rate         numeric(6, 4),
    conversion_rate     numeric(6, 4),
    price_history       jsonb NOT NULL DEFAULT '[]',
    PRIMARY KEY (brokerage_id, reference)
);

CREATE TABLE org_charts (
    brokerage_id  uuid NOT NULL REFERENCES brokerages (id),
    company_name  text NOT NULL,
    structure     jsonb NOT NULL,
    PRIMARY KEY (brokerage_id, company_name)
);

-- +goose Down
DROP TABLE org_charts;
DROP TABLE listing_analytics;
DROP TABLE community_profiles;
DROP TABLE market_reports;
DROP TABLE market_observations;
DROP INDEX leads_external_ref_key;
ALTER TABLE leads DROP COLUMN external_ref;
DROP INDEX deals_external_ref_key;
ALTER TABLE deals DROP COLUMN external_ref;
DROP TABLE ingestion_issues;
DROP TABLE ingestions;
