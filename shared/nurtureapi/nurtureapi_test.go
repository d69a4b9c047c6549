package nurtureapi_test

import (
	"context"
	"testing"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apitest"
	"github.com/propertypro/propertypro/shared/nurture"
)

func TestNurtureRoutes(t *testing.T) {
	a := apitest.New(t)
	admin := a.Brokerage("Dune Realty")
	agent := a.User(admin, "agent@dune.ae", access.Agent, "")
	other := a.Brokerage("Other Realty")
	ctx := context.Background()

	if a.Do(admin, "POST", "/v1/sequences/defaults", nil).Expect(t, 200).Map(t)["added"] != float64(4) {
		t.Fatal("a new brokerage gets four default sequences")
	}
	if a.Do(admin, "POST", "/v1/sequences/defaults", nil).Expect(t, 200).Map(t)["added"] != float64(0) {
		t.Fatal("installing defaults twice adds nothing")
	}
	var list struct{ Items []nurture.Sequence }
	a.Do(agent, "GET", "/v1/sequences", nil).Expect(t, 200).JSON(t, &list)
	if len(list.Items) != 4 {
		t.Fatalf("sequences %d", len(list.Items))
	}
	a.Do(other, "GET", "/v1/sequences/"+list.Items[0].ID, nil).Expect(t, 404)
	seq := map[string]any{"key": "open-house", "name": "Open house", "entry": map[string]any{"rule": "no_contact", "days": 30},
		"steps": []any{map[string]any{"kind": "message", "channel": "whatsapp", "template": map[string]any{"name": "oh",
			"body": map[string]any{"en": "Hi {{first_name}}"}}}}}
	a.Do(agent, "POST", "/v1/sequences", seq).Expect(t, 403)
	created := a.Do(admin, "POST", "/v1/sequences", seq).Expect(t, 201)
	a.Do(admin, "POST", "/v1/sequences", seq).Expect(t, 409)
	bad := map[string]any{"key": "bad", "name": "Bad", "entry": map[string]any{"rule": "new_lead"},
		"steps": []any{map[string]any{"kind": "message", "channel": "sms", "template": map[string]any{"body": map[string]any{"en": "{{oops}}"}}}}}
	a.Do(admin, "POST", "/v1/sequences", bad).Expect(t, 422)
	id := created.Map(t)["id"].(string)
	seq["name"] = "Open house (v2)"
	a.Do(admin, "PUT", "/v1/sequences/"+id, seq, `If-Match: "9"`).Expect(t, 412)
	if got := a.Do(admin, "PUT", "/v1/sequences/"+id, seq, `If-Match: "1"`).Expect(t, 200); got.Header.Get("ETag") != `"2"` {
		t.Fatalf("etag %s", got.Header.Get("ETag"))
	}

	// A lead in the welcome sequence replies by WhatsApp through the signed webhook.
	var lead string
	if err := a.DB.QueryRow(ctx, `INSERT INTO leads (brokerage_id, agent_id, full_name, phone_e164, email, source,
		consent_whatsapp, consent_email) VALUES ($1, $2, 'Huda Saleh', '+971501112233', 'huda@example.com', 'bayut', true, true)
		RETURNING id::text`, admin.BrokerageID, agent.ID).Scan(&lead); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.Exec(ctx, `INSERT INTO nurture_enrollments (brokerage_id, sequence_id, lead_id, due_at, stage_at_entry, created_at)
		SELECT brokerage_id, id, $2, now(), 'new', now() - interval '1 hour' FROM nurture_sequences
		WHERE brokerage_id = $1 AND key = 'new-lead-welcome'`, admin.BrokerageID, lead); err != nil {
		t.Fatal(err)
	}
	body := `{"entry":[{"changes":[{"value":{"messages":[{"from":"971501112233","text":{"body":"Call me"}}]}}]}]}`
	key := []byte(a.Config.SecretKey)
	a.Do(apitest.User{}, "POST", "/v1/webhooks/whatsapp", body, "X-Hub-Signature-256: sha256=00").Expect(t, 401)
	a.Do(apitest.User{}, "POST", "/v1/webhooks/whatsapp", body).Expect(t, 401)
	got := a.Do(apitest.User{}, "POST", "/v1/webhooks/whatsapp", body, "X-Hub-Signature-256: "+nurture.Sign(key, []byte(body))).Expect(t, 200).Map(t)
	if got["replies"] != float64(1) {
		t.Fatalf("webhook %v", got)
	}
	var status, reason string
	var inbound bool
	if err := a.DB.QueryRow(ctx, `SELECT e.status, e.exit_reason, l.last_inbound_at IS NOT NULL FROM nurture_enrollments e
		JOIN leads l ON l.id = e.lead_id WHERE e.lead_id = $1`, lead).Scan(&status, &reason, &inbound); err != nil {
		t.Fatal(err)
	}
	if status != "exited" || reason != "replied" || !inbound {
		t.Fatalf("after the reply: %s %s window open %v", status, reason, inbound)
	}

	// The email unsubscribe link works without login, and only with its signature.
	tok := nurture.UnsubscribeToken(key, lead, nurture.Email)
	a.Do(apitest.User{}, "GET", "/v1/unsubscribe/"+tok+"x", nil).Expect(t, 404)
	a.Do(apitest.User{}, "GET", "/v1/unsubscribe/"+nurture.UnsubscribeToken([]byte("forged"), lead, nurture.Email), nil).Expect(t, 404)
	a.Do(apitest.User{}, "GET", "/v1/unsubscribe/"+tok, nil).Expect(t, 200)
	a.Do(apitest.User{}, "GET", "/v1/unsubscribe/"+tok, nil).Expect(t, 200) // twice is harmless
	var consent, unsubscribed bool
	if err := a.DB.QueryRow(ctx, `SELECT consent_email, email_unsubscribed_at IS NOT NULL FROM leads WHERE id = $1`, lead).Scan(&consent, &unsubscribed); err != nil {
		t.Fatal(err)
	}
	if consent || !unsubscribed {
		t.Fatal("the unsubscribe was not honoured")
	}

	// Failed jobs: only admins list and re-run them.
	var failed string
	if err := a.DB.QueryRow(ctx, `INSERT INTO nurture_outbox (brokerage_id, lead_id, status, reason, created_at, updated_at)
		VALUES ($1, $2, 'failed', 'dead_lettered', now(), now()) RETURNING id::text`, admin.BrokerageID, lead).Scan(&failed); err != nil {
		t.Fatal(err)
	}
	a.Do(agent, "GET", "/v1/jobs/failed", nil).Expect(t, 403)
	var jobs struct{ Items []map[string]any }
	a.Do(admin, "GET", "/v1/jobs/failed", nil).Expect(t, 200).JSON(t, &jobs)
	if len(jobs.Items) != 1 {
		t.Fatalf("failed jobs %v", jobs.Items)
	}
	a.Do(other, "POST", "/v1/jobs/"+failed+"/rerun", nil).Expect(t, 404)
	a.Do(admin, "POST", "/v1/jobs/"+failed+"/rerun", nil).Expect(t, 204)
	a.Do(admin, "POST", "/v1/jobs/"+failed+"/rerun", nil).Expect(t, 409)
	var queued int
	if err := a.DB.QueryRow(ctx, `SELECT count(*) FROM queue_messages WHERE queue = 'nurture-send' AND body LIKE '%'||$1||'%'`, failed).Scan(&queued); err != nil {
		t.Fatal(err)
	}
	if queued != 1 {
		t.Fatalf("the re-run was announced %d times", queued)
	}
}
