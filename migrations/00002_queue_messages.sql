-- The local platform's stand-ins for AWS. A durable queue with SQS semantics (visibility timeout, receive count,
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

-- Files the local runner has seen in LOCAL_DIR/drops and announced as S3 events, so a file is
-- announced once per content even across restarts.
CREATE TABLE local_drops (
    bucket        text NOT NULL,
    key           text NOT NULL,
    etag          text NOT NULL,
    size          bigint NOT NULL,
    announced_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (bucket, key, etag)
);

-- +goose Down
DROP TABLE local_drops;
DROP TABLE queue_messages;
