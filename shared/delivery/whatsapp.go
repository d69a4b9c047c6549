package delivery

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/propertypro/propertypro/shared/nurture"
)

// WhatsApp sends through the WhatsApp Cloud API: an approved template outside the 24-hour
// window, free text inside it.
type WhatsApp struct {
	BaseURL string // https://graph.facebook.com/v21.0
	Token   string
	PhoneID string
	HTTP    *http.Client
}

type waText struct {
	Body string `json:"body"`
}

type waParam struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type waComponent struct {
	Type       string    `json:"type"`
	Parameters []waParam `json:"parameters"`
}

type waTemplate struct {
	Name       string            `json:"name"`
	Language   map[string]string `json:"language"`
	Components []waComponent     `json:"components,omitempty"`
}

type waRequest struct {
	Product  string      `json:"messaging_product"`
	To       string      `json:"to"`
	Type     string      `json:"type"`
	Text     *waText     `json:"text,omitempty"`
	Template *waTemplate `json:"template,omitempty"`
}

// Deliver posts m to /{phone-number-id}/messages and returns the wamid.
func (w WhatsApp) Deliver(ctx context.Context, m nurture.Message) (string, error) {
	req := waRequest{Product: "whatsapp", To: strings.TrimPrefix(m.To, "+"), Type: "text", Text: &waText{Body: m.Body}}
	if m.Approved {
		params := make([]waParam, len(m.Params))
		for i, p := range m.Params {
			params[i] = waParam{Type: "text", Text: p}
		}
		req.Type, req.Text = "template", nil
		req.Template = &waTemplate{Name: m.Template, Language: map[string]string{"code": m.Language},
			Components: []waComponent{{Type: "body", Parameters: params}}}
	}
	var out struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
	}
	url := strings.TrimSuffix(w.BaseURL, "/") + "/" + w.PhoneID + "/messages"
	if err := postJSON(ctx, w.HTTP, url, map[string]string{"Authorization": "Bearer " + w.Token}, req, &out); err != nil {
		return "", err
	}
	if len(out.Messages) == 0 || out.Messages[0].ID == "" {
		return "", fmt.Errorf("whatsapp answered without a message id")
	}
	return out.Messages[0].ID, nil
}
