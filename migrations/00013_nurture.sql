-- Lead nurturing: sequences, enrollments, the outbox every message passes through, and the
-- speed-to-lead escalations. The outbox's (enrollment_id, step) key makes a schedule that fires
-- twice, or a queue message delivered twice, have one effect.

-- +goose Up
CREATE TABLE nurture_sequences (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    brokerage_id  uuid NOT NULL REFERENCES brokerages (id),
    key           text NOT NULL,                -- stable name, e.g. new-lead-welcome
    name          text NOT NULL,
    entry         jsonb NOT NULL,               -- {"rule": "new_lead|no_contact|viewing_done|lost_reengage", "days": n, "sources": [...]}
    exit_on       text[] NOT NULL DEFAULT '{replied,stage_changed,opted_out}',
    steps         jsonb NOT NULL,
    active        boolean NOT NULL DEFAULT true,
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (brokerage_id, key)
);

CREATE TABLE nurture_enrollments (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    brokerage_id    uuid NOT NULL REFERENCES brokerages (id),
    sequence_id     uuid NOT NULL REFERENCES nurture_sequences (id) ON DELETE CASCADE,
    lead_id         uuid NOT NULL REFERENCES leads (id),
    step            integer NOT NULL DEFAULT 0,  -- the next actionable step
    due_at          timestamptz,                 -- NULL while its step is in the outbox
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'exited')),
    exit_reason     text NOT NULL DEFAULT '',
    stage_at_entry  text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (sequence_id, lead_id)
);
-- The due finder's index: only active, unclaimed rows, so its size follows the due set.
CREATE INDEX nurture_enrollments_due_idx ON nurture_enrollments (due_at) WHERE status = 'active' AND due_at IS NOT NULL;
CREATE INDEX nurture_enrollments_lead_idx ON nurture_enrollments (lead_id) WHERE status = 'active';

CREATE TABLE nurture_outbox (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    brokerage_id   uuid NOT NULL REFERENCES brokerages (id),
    lead_id        uuid NOT NULL REFERENCES leads (id),
    enrollment_id  uuid REFERENCES nurture_enrollments (id) ON DELETE SET NULL,
    step           integer NOT NULL DEFAULT 0,
    kind           text NOT NULL DEFAULT 'message' CHECK (kind IN ('message', 'task', 'stage')),
    channel        text NOT NULL DEFAULT '',
    template       text NOT NULL DEFAULT '',
    language       text NOT NULL DEFAULT '',
    recipient      text NOT NULL DEFAULT '',
    subject        text NOT NULL DEFAULT '',
    body           text NOT NULL DEFAULT '',
    status         text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'deferred', 'review', 'sending',
                   'sent', 'delivered', 'failed', 'bounced', 'blocked', 'cancelled', 'done')),
    reason         text NOT NULL DEFAULT '',    -- why it was blocked, deferred, cancelled or failed
    provider_id    text NOT NULL DEFAULT '',
    attempts       integer NOT NULL DEFAULT 0,
    deferrals      integer NOT NULL DEFAULT 0,
    approved       boolean NOT NULL DEFAULT false,  -- a reviewer released it from the review queue
    sent_at        timestamptz,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    UNIQUE (enrollment_id, step)
);
CREATE INDEX nurture_outbox_lead_idx ON nurture_outbox (lead_id, sent_at DESC) WHERE sent_at IS NOT NULL;
CREATE INDEX nurture_outbox_status_idx ON nurture_outbox (status, updated_at)
    WHERE status IN ('queued', 'sending', 'failed', 'review');
CREATE INDEX nurture_outbox_provider_idx ON nurture_outbox (provider_id) WHERE provider_id <> '';
CREATE INDEX nurture_outbox_brokerage_idx ON nurture_outbox (brokerage_id, created_at DESC);

-- One escalation per lead whose first contact missed the SLA.
CREATE TABLE lead_sla_escalations (
    lead_id       uuid PRIMARY KEY REFERENCES leads (id),
    brokerage_id  uuid NOT NULL REFERENCES brokerages (id),
    manager_id    uuid REFERENCES users (id),
    task_id       uuid REFERENCES tasks (id),
    escalated_at  timestamptz NOT NULL
);

-- +goose Down
DROP TABLE lead_sla_escalations;
DROP TABLE nurture_outbox;
DROP TABLE nurture_enrollments;
DROP TABLE nurture_sequences;
