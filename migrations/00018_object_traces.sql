-- The trace context of an upload, from the API call that issued its presigned URL to the
-- worker that processes the object. S3's event notification carries no trace, so the context
-- waits here under the object's bucket and key: the local drops watcher puts it on the queue
-- message it sends, and a worker fed by S3 directly looks it up. Kept 7 days (retention).

-- +goose Up
CREATE TABLE object_traces (
    bucket      text NOT NULL,
    key         text NOT NULL,
    carrier     jsonb NOT NULL,               -- W3C traceparent, tracestate, baggage
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (bucket, key)
);

-- +goose Down
DROP TABLE object_traces;
