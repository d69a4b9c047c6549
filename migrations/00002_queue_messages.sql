-- The local platform's durable queue with SQS semantics (visibility timeout, receive count,
-- dead-lettering). In AWS, SQS plays this part and the table stays empty.

-- +goose Up
CREATE TABLE queue_messages (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue          text NOT NULL,
    body           text NOT NULL,
    attributes     jsonb NOT NULL DEFAULT '{}',
    receive_count  integer NOT NULL DEFAULT 0,
    visible_at     timestamptz NOT NULL DEFAULT now(),
    dead           boolean NOT NULL DEFAULT false,  -- moved to the queue's DLQ
    last_error     text NOT NULL DEFAULT '',
    sent_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX queue_messages_ready_idx ON queue_messages (queue, visible_at) WHERE NOT dead;

-- +goose Down
DROP TABLE queue_messages;
