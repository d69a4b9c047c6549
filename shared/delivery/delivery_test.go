package delivery

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/propertypro/propertypro/shared/nurture"
)

// fakeServer answers every request with answer and keeps the last request's path, headers
// and JSON body.
type fakeServer struct {
	*httptest.Server
	path, auth string
	body       map[string]any
}

func newFake(t *testing.T, status int, answer string) *fakeServer {
	f := &fakeServer{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		f.path, f.auth, f.body = r.URL.Path, r.Header.Get("Authorization"), map[string]any{}
		_ = json.Unmarshal(raw, &f.body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(f.Close)
	return f
}

var msg = nurture.Message{ID: "ob-1", LeadID: "l-1", Channel: nurture.WhatsApp, To: "+971501234567",
	Template: "new_lead_welcome", Language: "ar", Subject: "Homes", Body: "مرحباً سارة",
	Params: []string{"سارة", "Omar"}, Variables: map[string]string{"unsubscribe_url": "https://x/v1/unsubscribe/t"}}

func TestWhatsApp(t *testing.T) {
	for _, tc := range []struct {
		name     string
		approved bool
		wantType string
	}{{"free text inside the window", false, "text"}, {"approved template outside it", true, "template"}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, 200, `{"messaging_product":"whatsapp","messages":[{"id":"wamid.1"}]}`)
			m := msg
			m.Approved = tc.approved
			id, err := WhatsApp{BaseURL: f.URL, Token: "tok", PhoneID: "555"}.Deliver(context.Background(), m)
			if err != nil || id != "wamid.1" {
				t.Fatalf("id %q, err %v", id, err)
			}
			if f.path != "/555/messages" || f.auth != "Bearer tok" || f.body["to"] != "971501234567" || f.body["type"] != tc.wantType {
				t.Errorf("request %s %s %v", f.path, f.auth, f.body)
			}
			if tc.approved {
				tpl := f.body["template"].(map[string]any)
				if tpl["name"] != "new_lead_welcome" || tpl["language"].(map[string]any)["code"] != "ar" {
					t.Errorf("template %v", tpl)
				}
			}
		})
	}
	t.Run("provider error", func(t *testing.T) {
		f := newFake(t, 400, `{"error":{"message":"bad"}}`)
		if _, err := (WhatsApp{BaseURL: f.URL, PhoneID: "1"}).Deliver(context.Background(), msg); err == nil {
			t.Fatal("a 400 must be an error")
		}
	})
}

func TestSMS(t *testing.T) {
	f := newFake(t, 201, `{"id":"sms-9"}`)
	m := msg
	m.Channel = nurture.SMS
	id, err := SMS{URL: f.URL + "/send", APIKey: "k", Sender: "Palm"}.Deliver(context.Background(), m)
	if err != nil || id != "sms-9" {
		t.Fatalf("id %q, err %v", id, err)
	}
	if f.body["reference"] != "ob-1" || f.body["from"] != "Palm" || f.auth != "Bearer k" {
		t.Errorf("request %v", f.body)
	}
}

func TestSES(t *testing.T) {
	f := newFake(t, 200, `{"MessageId":"ses-42"}`)
	cfg := aws.Config{Region: "me-central-1", BaseEndpoint: aws.String(f.URL),
		Credentials: credentials.NewStaticCredentialsProvider("a", "b", "")}
	m := msg
	m.Channel, m.To = nurture.Email, "sara@example.com"
	id, err := SES{Client: sesv2.NewFromConfig(cfg), From: "team@palm.example"}.Deliver(context.Background(), m)
	if err != nil || id != "ses-42" {
		t.Fatalf("id %q, err %v", id, err)
	}
	if f.path != "/v2/email/outbound-emails" || f.body["FromEmailAddress"] != "team@palm.example" {
		t.Errorf("request %s %v", f.path, f.body)
	}
	if !strings.Contains(mustJSON(f.body), "List-Unsubscribe") {
		t.Error("emails must carry List-Unsubscribe")
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestRouterAndParse(t *testing.T) {
	if _, err := (Router{}).Deliver(context.Background(), msg); err == nil {
		t.Error("a channel without an adapter must fail")
	}
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	meta := `{"entry":[{"changes":[{"value":{"messages":[{"from":"971501234567","text":{"body":"yes"}}],
		"statuses":[{"id":"wamid.1","status":"delivered"},{"id":"wamid.2","status":"read"}]}}]}]}`
	ev, err := Parse("whatsapp", []byte(meta), now)
	if err != nil || len(ev.Inbound) != 1 || ev.Inbound[0].From != "+971501234567" || len(ev.Receipts) != 1 {
		t.Fatalf("%+v %v", ev, err)
	}
	ev, err = Parse("sms", []byte(`{"inbound":[{"channel":"sms","from":"050 123 4567","text":"STOP"}]}`), now)
	if err != nil || ev.Inbound[0].From != "+971501234567" || !ev.Inbound[0].At.Equal(now) {
		t.Fatalf("%+v %v", ev, err)
	}
}
