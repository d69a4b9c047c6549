package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// otlpJSON exports spans with OTLP/HTTP's JSON encoding. It replaces the official exporter,
// whose protobuf and gRPC dependencies would double every Lambda binary; collectors (the
// ADOT layer, otelcol) accept JSON on /v1/traces.
type otlpJSON struct {
	url    string
	client *http.Client
}

func newOTLPJSON(endpoint string) (*otlpJSON, error) {
	if !strings.HasPrefix(endpoint, "http://") && !strings.HasPrefix(endpoint, "https://") {
		return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_ENDPOINT: %q must start with http:// or https://", endpoint)
	}
	url := strings.TrimSuffix(endpoint, "/")
	if !strings.HasSuffix(url, "/v1/traces") {
		url += "/v1/traces"
	}
	return &otlpJSON{url: url, client: &http.Client{Timeout: 5 * time.Second}}, nil
}

func (e *otlpJSON) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if len(spans) == 0 {
		return nil
	}
	body, err := json.Marshal(encodeSpans(spans))
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("OTLP collector answered %s", resp.Status)
	}
	return nil
}

func (e *otlpJSON) Shutdown(context.Context) error { return nil }

type jsonObj = map[string]any

func encodeSpans(spans []sdktrace.ReadOnlySpan) jsonObj {
	var out []jsonObj
	for _, s := range spans {
		sp := jsonObj{
			"traceId":           s.SpanContext().TraceID().String(),
			"spanId":            s.SpanContext().SpanID().String(),
			"name":              s.Name(),
			"kind":              int(s.SpanKind()),
			"startTimeUnixNano": strconv.FormatInt(s.StartTime().UnixNano(), 10),
			"endTimeUnixNano":   strconv.FormatInt(s.EndTime().UnixNano(), 10),
			"attributes":        encodeAttrs(s.Attributes()),
			"status":            jsonObj{"code": statusCode(s.Status().Code), "message": s.Status().Description},
		}
		if p := s.Parent(); p.SpanID().IsValid() {
			sp["parentSpanId"] = p.SpanID().String()
		}
		out = append(out, sp)
	}
	res := spans[0].Resource()
	var resAttrs []attribute.KeyValue
	if res != nil {
		resAttrs = res.Attributes()
	}
	return jsonObj{"resourceSpans": []jsonObj{{
		"resource":   jsonObj{"attributes": encodeAttrs(resAttrs)},
		"scopeSpans": []jsonObj{{"scope": jsonObj{"name": "propertypro"}, "spans": out}},
	}}}
}

// statusCode maps OpenTelemetry Go's codes (Unset 0, Error 1, Ok 2) to OTLP's (Unset 0, Ok 1, Error 2).
func statusCode(c codes.Code) int {
	switch c {
	case codes.Ok:
		return 1
	case codes.Error:
		return 2
	}
	return 0
}

func encodeAttrs(kvs []attribute.KeyValue) []jsonObj {
	out := make([]jsonObj, 0, len(kvs))
	for _, kv := range kvs {
		var v jsonObj
		switch kv.Value.Type() {
		case attribute.BOOL:
			v = jsonObj{"boolValue": kv.Value.AsBool()}
		case attribute.INT64:
			v = jsonObj{"intValue": strconv.FormatInt(kv.Value.AsInt64(), 10)}
		case attribute.FLOAT64:
			v = jsonObj{"doubleValue": kv.Value.AsFloat64()}
		default:
			v = jsonObj{"stringValue": kv.Value.Emit()}
		}
		out = append(out, jsonObj{"key": string(kv.Key), "value": v})
	}
	return out
}
