package delivery

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/propertypro/propertypro/shared/awsx"
	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/lead"
	"github.com/propertypro/propertypro/shared/nurture"
)

// Receipt is a provider's word on a message it was given.
type Receipt struct {
	ProviderID string `json:"provider_id"`
	Status     string `json:"status"` // delivered, failed, bounced
	Reason     string `json:"reason,omitempty"`
}

// Inbound is a contact's message to the brokerage.
type Inbound struct {
	Channel nurture.Channel `json:"channel"`
	From    string          `json:"from"` // E.164 phone or email address
	Text    string          `json:"text"`
	At      time.Time       `json:"at"`
}

// Events is what one webhook call carried.
type Events struct {
	Receipts []Receipt `json:"receipts,omitempty"`
	Inbound  []Inbound `json:"inbound,omitempty"`
}

// Parse reads a webhook body: WhatsApp Cloud API's shape for provider "whatsapp", the
// gateway-neutral Events shape for the others. Phones are normalised like leads' are.
func Parse(provider string, body []byte, now time.Time) (Events, error) {
	var ev Events
	if provider == "whatsapp" {
		return parseMeta(body, now)
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		return ev, fmt.Errorf("webhook body: %w", err)
	}
	for i := range ev.Inbound {
		in := &ev.Inbound[i]
		if in.At.IsZero() {
			in.At = now
		}
		if in.Channel == nurture.Email {
			in.From = lead.NormalizeEmail(in.From)
		} else {
			in.From = lead.NormalizePhone(in.From)
		}
	}
	return ev, nil
}

type metaBody struct {
	Entry []struct {
		Changes []struct {
			Value struct {
				Messages []struct {
					From      string `json:"from"`
					Timestamp string `json:"timestamp"`
					Text      struct {
						Body string `json:"body"`
					} `json:"text"`
				} `json:"messages"`
				Statuses []struct {
					ID     string `json:"id"`
					Status string `json:"status"`
					Errors []struct {
						Title string `json:"title"`
					} `json:"errors"`
				} `json:"statuses"`
			} `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

func parseMeta(body []byte, now time.Time) (Events, error) {
	var mb metaBody
	var ev Events
	if err := json.Unmarshal(body, &mb); err != nil {
		return ev, fmt.Errorf("whatsapp webhook body: %w", err)
	}
	for _, e := range mb.Entry {
		for _, c := range e.Changes {
			for _, m := range c.Value.Messages {
				ev.Inbound = append(ev.Inbound, Inbound{Channel: nurture.WhatsApp, From: lead.NormalizePhone("+" + m.From),
					Text: m.Text.Body, At: now})
			}
			for _, s := range c.Value.Statuses {
				r := Receipt{ProviderID: s.ID, Status: s.Status}
				if len(s.Errors) > 0 {
					r.Reason = s.Errors[0].Title
				}
				if s.Status == "delivered" || s.Status == "failed" {
					ev.Receipts = append(ev.Receipts, r)
				}
			}
		}
	}
	return ev, nil
}

// FromConfig builds the deliverer the configuration asks for: the log locally (and whenever
// NURTURE_DELIVERY=log), SES, WhatsApp Cloud API and the SMS gateway when live.
func FromConfig(ctx context.Context, cfg config.Config, log *slog.Logger) (nurture.Deliverer, error) {
	if cfg.NurtureDelivery != "live" {
		return Log{Log: log}, nil
	}
	awsCfg, err := awsx.Config(ctx, awsx.Settings{Region: cfg.AWSRegion, Endpoint: cfg.AWSEndpointURL})
	if err != nil {
		return nil, err
	}
	return Router{
		nurture.Email:    NewSES(awsCfg, cfg.EmailFrom),
		nurture.WhatsApp: WhatsApp{BaseURL: cfg.WhatsAppAPIURL, Token: cfg.WhatsAppToken, PhoneID: cfg.WhatsAppPhoneID},
		nurture.SMS:      SMS{URL: cfg.SMSAPIURL, APIKey: cfg.SMSAPIKey, Sender: cfg.SMSSender},
	}, nil
}
