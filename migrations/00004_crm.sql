-- The CRM: places, listings, leads, viewings, deals, activities and tasks. Every row but the
-- place tree belongs to one brokerage; owned rows carry the agent who owns them; writable rows
-- carry a version for optimistic concurrency (ETag / If-Match) and deleted_at for soft delete.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;

-- The place tree (emirate › community › sub-community › building), shared reference data.
CREATE TABLE locations (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    parent_id   uuid REFERENCES locations (id),
    kind        text NOT NULL CHECK (kind IN ('emirate', 'community', 'sub_community', 'building')),
    name_en     text NOT NULL,
    name_ar     text NOT NULL DEFAULT '',
    slug        text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX locations_parent_idx ON locations (parent_id);

-- Spellings seen in the wild ("Al Awir" for "Al Aweer", "JVC"), normalised (lower case,
-- single spaces, no punctuation), each mapped to one location.
CREATE TABLE location_aliases (
    alias        text PRIMARY KEY,
    location_id  uuid NOT NULL REFERENCES locations (id) ON DELETE CASCADE
);

CREATE TABLE listings (
    id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    brokerage_id            uuid NOT NULL REFERENCES brokerages (id),
    agent_id                uuid REFERENCES users (id),
    reference               text NOT NULL,               -- the brokerage's own listing reference
    title                   text NOT NULL DEFAULT '',
    description             text NOT NULL DEFAULT '',
    purpose                 text NOT NULL CHECK (purpose IN ('sale', 'rent')),
    completion              text NOT NULL DEFAULT 'ready' CHECK (completion IN ('ready', 'off_plan')),
    property_type           text NOT NULL,               -- apartment, villa, townhouse, penthouse, ...
    location_id             uuid REFERENCES locations (id),
    community_id            uuid REFERENCES locations (id),  -- denormalised for filters
    building                text NOT NULL DEFAULT '',
    price_aed               numeric(14, 2) NOT NULL CHECK (price_aed > 0),  -- sale price, or annual rent
    rent_cheques            smallint CHECK (rent_cheques BETWEEN 1 AND 12),
    size_sqft               numeric(10, 2) CHECK (size_sqft > 0),
    bedrooms                smallint CHECK (bedrooms BETWEEN 0 AND 50),      -- 0 = studio
    bathrooms               smallint CHECK (bathrooms BETWEEN 0 AND 50),
    service_charge_aed_sqft numeric(8, 2) CHECK (service_charge_aed_sqft >= 0),
    furnished               boolean NOT NULL DEFAULT false,
    view                    text NOT NULL DEFAULT '',
    amenities               text[] NOT NULL DEFAULT '{}',
    developer               text NOT NULL DEFAULT '',
    handover_date           date,
    permit_number           text NOT NULL DEFAULT '',    -- DLD Trakheesi permit
    permit_expiry           date,
    status                  text NOT NULL DEFAULT 'draft'
                            CHECK (status IN ('draft', 'active', 'under_offer', 'sold', 'rented', 'withdrawn')),
    version                 integer NOT NULL DEFAULT 1,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    deleted_at              timestamptz,
    search                  tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', coalesce(reference, '') || ' ' || coalesce(title, '') || ' ' ||
                    coalesce(building, '') || ' ' || coalesce(developer, '') || ' ' || coalesce(description, ''))) STORED
);
CREATE UNIQUE INDEX listings_reference_key ON listings (brokerage_id, reference) WHERE deleted_at IS NULL;
CREATE INDEX listings_filter_idx ON listings (brokerage_id, status, community_id, property_type, bedrooms, price_aed)
    WHERE deleted_at IS NULL;
CREATE INDEX listings_agent_idx ON listings (brokerage_id, agent_id) WHERE deleted_at IS NULL;
CREATE INDEX listings_created_idx ON listings (brokerage_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX listings_search_idx ON listings USING gin (search);

CREATE TABLE leads (
    id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    brokerage_id           uuid NOT NULL REFERENCES brokerages (id),
    agent_id               uuid REFERENCES users (id),
    full_name              text NOT NULL DEFAULT '',
    phone_e164             text NOT NULL DEFAULT '',      -- normalised; '' when not parseable
    phone_raw              text NOT NULL DEFAULT '',      -- as the lead gave it
    email                  text NOT NULL DEFAULT '',
    nationality            text NOT NULL DEFAULT '',
    language               text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'ar', 'ru', 'zh', 'hi', 'fr', 'other')),
    source                 text NOT NULL DEFAULT 'other',  -- property_finder, bayut, dubizzle, website, referral, walk_in, social, whatsapp, other
    stage                  text NOT NULL DEFAULT 'new'
                           CHECK (stage IN ('new', 'contacted', 'qualified', 'viewing', 'offer', 'won', 'lost', 'nurture')),
    score                  smallint NOT NULL DEFAULT 0 CHECK (score BETWEEN 0 AND 100),
    budget_min_aed         numeric(14, 2),
    budget_max_aed         numeric(14, 2),
    preferences            jsonb NOT NULL DEFAULT '{}',   -- communities, types, bedrooms, purpose
    consent_whatsapp       boolean NOT NULL DEFAULT false,
    whatsapp_opt_in_at     timestamptz,
    consent_email          boolean NOT NULL DEFAULT false,
    email_unsubscribed_at  timestamptz,
    consent_sms            boolean NOT NULL DEFAULT false,
    do_not_call            boolean NOT NULL DEFAULT false,
    last_inbound_at        timestamptz,                   -- opens WhatsApp's 24-hour window
    first_contacted_at     timestamptz,
    merged_into            uuid REFERENCES leads (id),
    erased_at              timestamptz,                   -- personal data anonymised (PDPL)
    version                integer NOT NULL DEFAULT 1,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    deleted_at             timestamptz,
    search                 tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', coalesce(full_name, '') || ' ' || coalesce(email, '') || ' ' ||
                    coalesce(phone_e164, '') || ' ' || coalesce(nationality, ''))) STORED
);
CREATE INDEX leads_phone_idx ON leads (brokerage_id, phone_e164) WHERE phone_e164 <> '' AND deleted_at IS NULL AND merged_into IS NULL;
CREATE INDEX leads_email_idx ON leads (brokerage_id, lower(email)) WHERE email <> '' AND deleted_at IS NULL AND merged_into IS NULL;
CREATE INDEX leads_filter_idx ON leads (brokerage_id, stage, source, agent_id) WHERE deleted_at IS NULL;
CREATE INDEX leads_created_idx ON leads (brokerage_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX leads_search_idx ON leads USING gin (search);

-- Round-robin routing: the last agent a brokerage's new lead went to.
CREATE TABLE lead_routing (
    brokerage_id   uuid PRIMARY KEY REFERENCES brokerages (id),
    last_agent_id  uuid REFERENCES users (id),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE viewings (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    brokerage_id  uuid NOT NULL REFERENCES brokerages (id),
    agent_id      uuid REFERENCES users (id),
    lead_id       uuid NOT NULL REFERENCES leads (id),
    listing_id    uuid NOT NULL REFERENCES listings (id),
    scheduled_at  timestamptz NOT NULL,
    status        text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'done', 'cancelled', 'no_show')),
    feedback      text NOT NULL DEFAULT '',
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    deleted_at    timestamptz
);
CREATE INDEX viewings_brokerage_idx ON viewings (brokerage_id, scheduled_at DESC) WHERE deleted_at IS NULL;
CREATE INDEX viewings_lead_idx ON viewings (lead_id);

CREATE TABLE deals (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    brokerage_id         uuid NOT NULL REFERENCES brokerages (id),
    agent_id             uuid REFERENCES users (id),
    lead_id              uuid REFERENCES leads (id),
    listing_id           uuid REFERENCES listings (id),
    kind                 text NOT NULL CHECK (kind IN ('sale', 'rent', 'off_plan')),
    stage                text NOT NULL DEFAULT 'offer'
                         CHECK (stage IN ('offer', 'negotiation', 'mou_signed', 'transfer', 'closed_won', 'closed_lost')),
    price_aed            numeric(14, 2) CHECK (price_aed > 0),   -- sale / off-plan price, or annual rent
    commission_rate      numeric(6, 4) NOT NULL CHECK (commission_rate >= 0 AND commission_rate <= 1),
    commission_aed       numeric(14, 2) NOT NULL DEFAULT 0,
    vat_aed              numeric(14, 2) NOT NULL DEFAULT 0,
    co_broke_brokerage   text NOT NULL DEFAULT '',               -- Form I counterparty
    co_broke_split       numeric(5, 4) NOT NULL DEFAULT 0 CHECK (co_broke_split >= 0 AND co_broke_split <= 1),
    our_commission_aed   numeric(14, 2) NOT NULL DEFAULT 0,      -- after the co-broke split
    dld_fee_aed          numeric(14, 2) NOT NULL DEFAULT 0,
    ejari_number         text NOT NULL DEFAULT '',
    payments             jsonb NOT NULL DEFAULT '[]',            -- [{"method": "cash|cheque|bank_transfer|mortgage|virtual_asset|developer_plan", "amount_aed": n}]
    parties              jsonb NOT NULL DEFAULT '{}',            -- buyer/seller/tenant/landlord names
    aml_flag             boolean NOT NULL DEFAULT false,         -- visible to compliance officers only
    aml_reasons          text[] NOT NULL DEFAULT '{}',
    closed_at            timestamptz,
    version              integer NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    deleted_at           timestamptz
);
CREATE INDEX deals_brokerage_idx ON deals (brokerage_id, stage, created_at DESC) WHERE deleted_at IS NULL;
CREATE INDEX deals_agent_idx ON deals (brokerage_id, agent_id) WHERE deleted_at IS NULL;
CREATE INDEX deals_lead_idx ON deals (lead_id);

CREATE TABLE activities (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    brokerage_id  uuid NOT NULL REFERENCES brokerages (id),
    actor_id      uuid REFERENCES users (id),
    entity        text NOT NULL CHECK (entity IN ('lead', 'listing', 'deal', 'viewing')),
    entity_id     uuid NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('note', 'call', 'email', 'whatsapp', 'sms', 'meeting', 'stage_change', 'assignment')),
    body          text NOT NULL DEFAULT '',
    at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activities_entity_idx ON activities (brokerage_id, entity, entity_id, at DESC);

CREATE TABLE tasks (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    brokerage_id  uuid NOT NULL REFERENCES brokerages (id),
    assignee_id   uuid REFERENCES users (id),
    lead_id       uuid REFERENCES leads (id),
    deal_id       uuid REFERENCES deals (id),
    title         text NOT NULL CHECK (length(title) > 0),
    notes         text NOT NULL DEFAULT '',
    kind          text NOT NULL DEFAULT 'follow_up' CHECK (kind IN ('follow_up', 'first_contact', 'call', 'viewing', 'paperwork', 'other')),
    due_at        timestamptz,
    status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    priority      text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high')),
    completed_at  timestamptz,
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    deleted_at    timestamptz
);
CREATE INDEX tasks_assignee_idx ON tasks (brokerage_id, assignee_id, status, due_at) WHERE deleted_at IS NULL;
CREATE INDEX tasks_lead_idx ON tasks (lead_id);

-- +goose Down
DROP TABLE tasks;
DROP TABLE activities;
DROP TABLE deals;
DROP TABLE viewings;
DROP TABLE lead_routing;
DROP TABLE leads;
DROP TABLE listings;
DROP TABLE location_aliases;
DROP TABLE locations;
