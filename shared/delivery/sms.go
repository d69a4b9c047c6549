package delivery

import (
	"context"
	"fmt"
	"net/http"

	"github.com/propertypro/propertypro/shared/nurture"
)

// SMS sends through an HTTP SMS gateway: POST JSON {to, from, text, reference} with a Bearer
// key, answered by {"id": "..."}. The reference (the outbox id) lets the gateway drop repeats.
type SMS struct {
	URL    string
	APIKey string
	Sender string
	HTTP   *http.Client
}

// Deliver posts m to the gateway and returns its message id.
func (s SMS) Deliver(ctx context.Context, m nurture.Message) (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	req := map[string]string{"to": m.To, "from": s.Sender, "text": m.Body, "reference": m.ID}
	if err := postJSON(ctx, s.HTTP, s.URL, map[string]string{"Authorization": "Bearer " + s.APIKey}, req, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", fmt.Errorf("sms gateway answered without an id")
	}
	return out.ID, nil
}
