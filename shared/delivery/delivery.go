// Package delivery holds the adapters that hand nurture messages to providers: email through
// Amazon SES (v2 API), WhatsApp through the Cloud API, SMS through an HTTP gateway, and the
// local default that only writes the log (the outbox already records the message). It also
// reads providers' webhooks: delivery receipts and inbound replies.
package delivery

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/propertypro/propertypro/shared/nurture"
)

// Log is the local default: a message is recorded in the outbox (by the send path) and here
// in the log, and goes nowhere else.
type Log struct{ Log *slog.Logger }

// Deliver logs m and answers a local provider id.
func (l Log) Deliver(ctx context.Context, m nurture.Message) (string, error) {
	l.Log.InfoContext(ctx, "nurture message (local: not sent)", "outbox_id", m.ID, "lead_id", m.LeadID,
		"channel", m.Channel, "template", m.Template, "language", m.Language, "chars", len(m.Body))
	return "local-" + m.ID, nil
}

// Router sends each message through the adapter of its channel.
type Router map[nurture.Channel]nurture.Deliverer

// Deliver dispatches m by channel.
func (r Router) Deliver(ctx context.Context, m nurture.Message) (string, error) {
	d, ok := r[m.Channel]
	if !ok || d == nil {
		return "", fmt.Errorf("no delivery adapter for channel %s", m.Channel)
	}
	return d.Deliver(ctx, m)
}

// client is the HTTP client of the adapters: a bounded timeout, since a Lambda must not hang
// on a provider.
var client = &http.Client{Timeout: 10 * time.Second}

// postJSON posts v to url with headers and decodes a 2xx answer into out.
func postJSON(ctx context.Context, hc *http.Client, url string, headers map[string]string, v, out any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	if hc == nil {
		hc = client
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s answered %d: %.300s", url, resp.StatusCode, raw)
	}
	return json.Unmarshal(raw, out)
}
