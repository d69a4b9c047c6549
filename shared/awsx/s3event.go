package awsx

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// s3TestEvent is the Event of the message S3 sends when a notification is configured; it
// names no object, so there is nothing to process.
const s3TestEvent = "s3:TestEvent"

// ObjectEvent is one object named by an S3 event notification.
type ObjectEvent struct {
	// Name is the event without its "s3:" prefix, e.g. "ObjectCreated:Put".
	Name string
	// Bucket is the deployed bucket name, as S3 reports it.
	Bucket string
	// Key is decoded: S3 sends keys form-encoded ("a+b%2Bc.csv" is "a b+c.csv").
	Key  string
	Size int64
	// ETag has no quotes; together with Key it identifies one version of the content, which
	// is what makes a redelivered notification recognisable.
	ETag string
	Time time.Time
}

// s3Record reads a record with the events package's types, except that eventTime is taken as
// raw text: emulators send it without a zone, which time.Time refuses, and a notification must
// not be lost to the format of a field nobody needs to be exact.
type s3Record struct {
	events.S3EventRecord
	EventTime json.RawMessage `json:"eventTime"`
}

// DecodeS3Event reads an S3 event notification from an SQS message body. It returns no
// events and no error for S3's test event, and an error for a body that is not a
// notification, so that such a message ends in the dead-letter queue instead of being dropped.
func DecodeS3Event(body string) ([]ObjectEvent, error) {
	var probe struct {
		Records []s3Record `json:"Records"`
		Event   string     `json:"Event"`
	}
	if err := json.Unmarshal([]byte(body), &probe); err != nil {
		return nil, fmt.Errorf("decode S3 event notification: %w", err)
	}
	if probe.Event == s3TestEvent {
		return nil, nil
	}
	if len(probe.Records) == 0 {
		return nil, errors.New("decode S3 event notification: no Records and not an s3:TestEvent")
	}
	out := make([]ObjectEvent, 0, len(probe.Records))
	for i, r := range probe.Records {
		ev, err := r.object()
		if err != nil {
			return nil, fmt.Errorf("decode S3 event notification: record %d: %w", i, err)
		}
		out = append(out, ev)
	}
	return out, nil
}

func (r s3Record) object() (ObjectEvent, error) {
	o := r.S3.Object
	if r.S3.Bucket.Name == "" || o.Key == "" {
		return ObjectEvent{}, errors.New("no bucket or key")
	}
	return ObjectEvent{
		Name: strings.TrimPrefix(r.EventName, "s3:"), Bucket: r.S3.Bucket.Name, Key: o.URLDecodedKey,
		Size: o.Size, ETag: strings.Trim(o.ETag, `"`), Time: eventTime(r.EventTime),
	}, nil
}

// eventTime accepts S3's RFC 3339 time and the zone-less form emulators send (taken as UTC);
// anything else gives the zero time.
func eventTime(raw json.RawMessage) time.Time {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
