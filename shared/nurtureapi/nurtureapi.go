package nurtureapi

import (
	"context"
	"fmt"
	"html"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/api"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/delivery"
	"github.com/propertypro/propertypro/shared/nurture"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres/nurturestore"
)

func Routes() map[string]api.Route {
	return map[string]api.Route{
		"api-sequences-list":     SequencesList,
		"api-sequences-create":   SequencesCreate,
		"api-sequences-get":      SequencesGet,
		"api-sequences-update":   SequencesUpdate,
		"api-sequences-defaults": SequencesDefaults,
		"api-outbox-list":        OutboxList,
		"api-outbox-approve":     OutboxApprove,
		"api-webhooks-delivery":  WebhooksDelivery,
		"api-unsubscribe":        Unsubscribe,
		"api-jobs-list":          JobsList,
		"api-jobs-rerun":         JobsRerun,
	}
}

func nurtureStore(b *platform.Boot) *nurturestore.Nurture { return nurturestore.NewNurture(b.DB) }

type sequenceOutput struct {
	ETag string `header:"ETag"`
	Body nurture.Sequence
}

func sequenceOut(s nurture.Sequence) *sequenceOutput {
	return &sequenceOutput{ETag: api.ETag(s.Version), Body: s}
}

// editor is an actor who may change a brokerage's sequences.
func editor(ctx context.Context) (access.Actor, error) {
	a, err := access.From(ctx)
	if err == nil {
		err = a.Require(access.Admin, access.Manager)
	}
	return a, err
}

// SequencesList is GET /v1/sequences.
func SequencesList(reg huma.API, op huma.Operation, b *platform.Boot) {
	st := api.Lazy(b, nurtureStore)
	api.Handle(reg, op, func(ctx context.Context, _ *struct{}) (*struct {
		Body struct {
			Items []nurture.Sequence `json:"items"`
		}
	}, error) {
		a, err := access.From(ctx)
		if err != nil {
			return nil, err
		}
		items, err := st().Sequences(ctx, a.BrokerageID)
		out := &struct {
			Body struct {
				Items []nurture.Sequence `json:"items"`
			}
		}{}
		out.Body.Items = items
		return out, err
	})
}

// SequencesCreate is POST /v1/sequences.
func SequencesCreate(reg huma.API, op huma.Operation, b *platform.Boot) {
	op.DefaultStatus = 201
	op.Errors = append(op.Errors, 409, 422)
	st := api.Lazy(b, nurtureStore)
	api.Handle(reg, op, func(ctx context.Context, in *struct{ Body nurture.NewSequence }) (*sequenceOutput, error) {
		a, err := editor(ctx)
		if err != nil {
			return nil, err
		}
		s, err := st().SaveSequence(ctx, a.BrokerageID, a.UserID, in.Body, false, 0)
		if err != nil {
			return nil, err
		}
		return sequenceOut(s), nil
	})
}

type sequenceID struct {
	ID string `path:"id" maxLength:"64" doc:"Sequence id."`
}

// SequencesGet is GET /v1/sequences/{id}.
func SequencesGet(reg huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404)
	st := api.Lazy(b, nurtureStore)
	api.Handle(reg, op, func(ctx context.Context, in *sequenceID) (*sequenceOutput, error) {
		a, err := access.From(ctx)
		if err != nil {
			return nil, err
		}
		s, err := st().Sequence(ctx, a.BrokerageID, in.ID)
		if err != nil {
			return nil, err
		}
		return sequenceOut(s), nil
	})
}

// SequencesUpdate is PUT /v1/sequences/{id}: the sequence is replaced; its key stays.
func SequencesUpdate(reg huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404, 412, 422)
	st := api.Lazy(b, nurtureStore)
	api.Handle(reg, op, func(ctx context.Context, in *struct {
		ID      string `path:"id" maxLength:"64" doc:"Sequence id."`
		IfMatch string `header:"If-Match" doc:"The ETag of the version you read; 412 when it is stale."`
		Body    nurture.NewSequence
	}) (*sequenceOutput, error) {
		a, err := editor(ctx)
		if err != nil {
			return nil, err
		}
		version, err := api.IfMatch(in.IfMatch)
		if err != nil {
			return nil, err
		}
		cur, err := st().Sequence(ctx, a.BrokerageID, in.ID)
		if err != nil {
			return nil, err
		}
		in.Body.Key = cur.Key
		s, err := st().SaveSequence(ctx, a.BrokerageID, a.UserID, in.Body, true, version)
		if err != nil {
			return nil, err
		}
		return sequenceOut(s), nil
	})
}

// SequencesDefaults is POST /v1/sequences/defaults.
func SequencesDefaults(reg huma.API, op huma.Operation, b *platform.Boot) {
	st := api.Lazy(b, nurtureStore)
	api.Handle(reg, op, func(ctx context.Context, _ *struct{}) (*struct {
		Body struct {
			Added int `json:"added" doc:"Default sequences installed by this call (0 when all were there)."`
		}
	}, error) {
		a, err := editor(ctx)
		if err != nil {
			return nil, err
		}
		n, err := st().InstallDefaults(ctx, a.BrokerageID, a.UserID)
		out := &struct {
			Body struct {
				Added int `json:"added" doc:"Default sequences installed by this call (0 when all were there)."`
			}
		}{}
		out.Body.Added = n
		return out, err
	})
}

type outboxOutput struct {
	Body struct {
		Items []nurturestore.OutboxEntry `json:"items"`
	}
}

// OutboxList is GET /v1/outbox.
func OutboxList(reg huma.API, op huma.Operation, b *platform.Boot) {
	st := api.Lazy(b, nurtureStore)
	api.Handle(reg, op, func(ctx context.Context, in *struct {
		Status string `query:"status" enum:"queued,deferred,review,sending,sent,delivered,failed,bounced,blocked,cancelled,done"`
		LeadID string `query:"lead_id" maxLength:"64"`
		Limit  int    `query:"limit" minimum:"1" maximum:"500" default:"100"`
	}) (*outboxOutput, error) {
		a, err := access.From(ctx)
		if err == nil {
			err = a.Require(access.Admin, access.Manager, access.Reviewer, access.ComplianceOfficer)
		}
		if err != nil {
			return nil, err
		}
		out := &outboxOutput{}
		out.Body.Items, err = st().Outbox(ctx, a.BrokerageID, in.Status, in.LeadID, in.Limit)
		return out, err
	})
}

type outboxID struct {
	ID string `path:"id" maxLength:"64" doc:"Outbox message id."`
}

// requeue moves a message back to queued and announces it to task-nurture-send.
func requeue(ctx context.Context, b *platform.Boot, st *nurturestore.Nurture, a access.Actor, id string, from []string, approve bool) (*struct{}, error) {
	if err := st.Requeue(ctx, a.BrokerageID, a.UserID, id, from, approve); err != nil {
		return nil, err
	}
	return nil, delivery.Announce(b)(ctx, id)
}

// OutboxApprove is POST /v1/outbox/{id}/approve.
func OutboxApprove(reg huma.API, op huma.Operation, b *platform.Boot) {
	op.DefaultStatus = 204
	op.Errors = append(op.Errors, 409)
	st := api.Lazy(b, nurtureStore)
	api.Handle(reg, op, func(ctx context.Context, in *outboxID) (*struct{}, error) {
		a, err := access.From(ctx)
		if err == nil {
			err = a.Require(access.Admin, access.Manager, access.Reviewer)
		}
		if err != nil {
			return nil, err
		}
		return requeue(ctx, b, st(), a, in.ID, []string{nurture.StatusReview}, true)
	})
}

// JobsList is GET /v1/jobs/failed.
func JobsList(reg huma.API, op huma.Operation, b *platform.Boot) {
	st := api.Lazy(b, nurtureStore)
	api.Handle(reg, op, func(ctx context.Context, in *struct {
		Limit int `query:"limit" minimum:"1" maximum:"500" default:"100"`
	}) (*outboxOutput, error) {
		a, err := access.From(ctx)
		if err == nil {
			err = a.Require(access.Admin)
		}
		if err != nil {
			return nil, err
		}
		out := &outboxOutput{}
		out.Body.Items, err = st().Outbox(ctx, a.BrokerageID, nurture.StatusFailed, "", in.Limit)
		return out, err
	})
}

// JobsRerun is POST /v1/jobs/{id}/rerun.
func JobsRerun(reg huma.API, op huma.Operation, b *platform.Boot) {
	op.DefaultStatus = 204
	op.Errors = append(op.Errors, 409)
	st := api.Lazy(b, nurtureStore)
	api.Handle(reg, op, func(ctx context.Context, in *outboxID) (*struct{}, error) {
		a, err := access.From(ctx)
		if err == nil {
			err = a.Require(access.Admin)
		}
		if err != nil {
			return nil, err
		}
		return requeue(ctx, b, st(), a, in.ID, []string{nurture.StatusFailed}, false)
	})
}

type webhookOutput struct {
	Body struct {
		Receipts int `json:"receipts" doc:"Receipts that moved a message."`
		Replies  int `json:"replies" doc:"Inbound messages matched to a lead."`
	}
}

// WebhooksDelivery is POST /v1/webhooks/{provider}: signed with HMAC-SHA256 of the body
// (X-Hub-Signature-256: sha256=<hex>, Meta's scheme, keyed with SECRET_KEY).
func WebhooksDelivery(reg huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 401, 422)
	st := api.Lazy(b, nurtureStore)
	api.Handle(reg, op, func(ctx context.Context, in *struct {
		Provider  string `path:"provider" enum:"whatsapp,email,sms"`
		Signature string `header:"X-Hub-Signature-256" doc:"sha256=<hex HMAC-SHA256 of the body>"`
		RawBody   []byte
	}) (*webhookOutput, error) {
		if !nurture.Verify(delivery.SigningKey(b), in.RawBody, in.Signature) {
			return nil, apperr.New(apperr.Unauthorized, "the webhook signature does not match")
		}
		now := time.Now()
		ev, err := delivery.Parse(in.Provider, in.RawBody, now)
		if err != nil {
			return nil, apperr.Wrap(err, apperr.Invalid, "the webhook body is not understood")
		}
		out := &webhookOutput{}
		for _, r := range ev.Receipts {
			moved, err := st().Receipt(ctx, r.ProviderID, r.Status, r.Reason)
			if err != nil {
				return nil, err
			}
			out.Body.Receipts += oneIf(moved)
		}
		for _, m := range ev.Inbound {
			n, err := st().Inbound(ctx, m.Channel, m.From, m.Text, m.At)
			if err != nil {
				return nil, err
			}
			out.Body.Replies += n
		}
		return out, nil
	})
}

func oneIf(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Unsubscribe is GET /v1/unsubscribe/{token}: a signed link honoured without login.
func Unsubscribe(reg huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404)
	st := api.Lazy(b, nurtureStore)
	api.Handle(reg, op, func(ctx context.Context, in *struct {
		Token string `path:"token" maxLength:"300"`
	}) (*struct {
		ContentType string `header:"Content-Type"`
		Body        []byte
	}, error) {
		lead, ch, err := nurture.ParseUnsubscribeToken(delivery.SigningKey(b), in.Token)
		if err != nil {
			return nil, err
		}
		if err := st().Unsubscribe(ctx, lead, ch, time.Now()); err != nil {
			return nil, err
		}
		page := fmt.Sprintf(`<!doctype html><meta charset="utf-8"><title>Unsubscribed</title>`+
			`<p>You will receive no more %s messages from us.</p><p dir="rtl">لن تصلك رسائل %s منا بعد الآن.</p>`,
			html.EscapeString(string(ch)), html.EscapeString(string(ch)))
		return &struct {
			ContentType string `header:"Content-Type"`
			Body        []byte
		}{ContentType: "text/html; charset=utf-8", Body: []byte(page)}, nil
	})
}
