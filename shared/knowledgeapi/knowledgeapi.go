package knowledgeapi

import (
	"context"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/api"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/knowledge"
	"github.com/propertypro/propertypro/shared/knowledgewire"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/postgres/knowledgestore"
	"github.com/propertypro/propertypro/shared/telemetry"
)

func Routes() map[string]api.Route {
	return map[string]api.Route{
		"api-documents-create":             DocumentsCreate,
		"api-documents-get":                DocumentsGet,
		"api-assistant-chat":               AssistantChat,
		"api-assistant-conversations-list": ConversationsList,
		"api-assistant-conversations-get":  ConversationsGet,
		"api-reviews-list":                 ReviewsList,
		"api-reviews-decide":               ReviewsDecide,
	}
}

// uploadTTL is how long a presigned upload URL stays valid.
const uploadTTL = 15 * time.Minute

type knowledgeSvc struct {
	svc *knowledge.Service
	err error
}

func knowledgeService(b *platform.Boot) knowledgeSvc {
	s, err := knowledgewire.Service(b)
	return knowledgeSvc{s, err}
}

type documentCreated struct {
	Location string `header:"Location"`
	Body     struct {
		knowledge.Document
		UploadURL    string    `json:"upload_url" doc:"PUT the file's bytes here before expires_at."`
		UploadMethod string    `json:"upload_method"`
		ExpiresAt    time.Time `json:"expires_at"`
		MaxSize      int64     `json:"max_size" doc:"MAX_FILE_SIZE: larger uploads are refused."`
	}
}

// DocumentsCreate is POST /v1/documents: a document row and a presigned upload URL.
func DocumentsCreate(reg huma.API, op huma.Operation, b *platform.Boot) {
	op.DefaultStatus = 201
	op.Errors = append(op.Errors, 403, 422)
	repo := api.Lazy(b, func(b *platform.Boot) *knowledge.Service {
		return &knowledge.Service{Repo: knowledgestore.NewKnowledge(b.DB)}
	})
	api.Handle(reg, op, func(ctx context.Context, in *struct {
		Body struct {
			Filename   string `json:"filename" minLength:"1" maxLength:"255"`
			Title      string `json:"title,omitempty" maxLength:"300"`
			Visibility int    `json:"visibility,omitempty" minimum:"0" maximum:"2" doc:"0 everyone, 1 managers and above, 2 admins and compliance officers; at most your own role's (422 otherwise)."`
		}
	}) (*documentCreated, error) {
		a, err := access.From(ctx)
		if err != nil {
			return nil, err
		}
		if a.Role == "reviewer" {
			return nil, apperr.New(apperr.Forbidden, "reviewers do not upload documents")
		}
		// A document is published at most to the readers its uploader belongs to: an agent
		// must not place text in the knowledge that only admins' answers draw on.
		if in.Body.Visibility > knowledge.VisibilityOf(a.Role) {
			return nil, apperr.Validation(apperr.FieldError{Field: "visibility", Value: in.Body.Visibility,
				Message: "may not exceed your own role's visibility"})
		}
		d, err := repo().NewDocument(ctx, a.BrokerageID, a.UserID, in.Body.Filename, in.Body.Title, in.Body.Visibility)
		if err != nil {
			return nil, err
		}
		url, err := b.Objects.PresignPut(ctx, functions.BucketDocuments, d.ObjectKey, uploadTTL)
		if err != nil {
			return nil, err
		}
		// The object's processing continues this request's trace (see object_traces); a
		// failure to record it costs the trace, never the upload.
		if err := postgres.RecordObjectTrace(ctx, b.DB, functions.BucketDocuments, d.ObjectKey, telemetry.Inject(ctx, nil)); err != nil {
			b.Log.WarnContext(ctx, "recording the upload's trace context", "document_id", d.ID, "err", err)
		}
		out := &documentCreated{Location: "/v1/documents/" + d.ID}
		out.Body.Document, out.Body.UploadURL, out.Body.UploadMethod = d, url, "PUT"
		out.Body.ExpiresAt, out.Body.MaxSize = time.Now().Add(uploadTTL).UTC(), b.Config.MaxFileSize
		return out, nil
	})
}

// DocumentsGet is GET /v1/documents/{id}.
func DocumentsGet(reg huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404)
	repo := api.Lazy(b, func(b *platform.Boot) *knowledgestore.Knowledge { return knowledgestore.NewKnowledge(b.DB) })
	api.Handle(reg, op, func(ctx context.Context, in *struct {
		ID string `path:"id" maxLength:"64"`
	}) (*struct{ Body knowledge.Document }, error) {
		a, err := access.From(ctx)
		if err != nil {
			return nil, err
		}
		d, err := repo().GetDocument(ctx, a.BrokerageID, in.ID)
		if err != nil {
			return nil, err
		}
		if d.Visibility > knowledge.VisibilityOf(a.Role) {
			return nil, apperr.New(apperr.NotFound, "no document %s", in.ID)
		}
		return &struct{ Body knowledge.Document }{d}, nil
	})
}

// AssistantChat is POST /v1/assistant/chat.
func AssistantChat(reg huma.API, op huma.Operation, b *platform.Boot) {
	op.Description = "Property searches are answered from the listings you can see, with the filters taken from the question " +
		"(budget in AED, bedrooms, community, type, sale or rent); other questions from the knowledge base by hybrid retrieval, " +
		"through Gemini, then OpenAI, then an offline extractive answer (degraded: true). Answers flagged by a guardrail or " +
		"with weak sources wait in /v1/reviews."
	op.Errors = append(op.Errors, 404, 422, 429)
	svc := api.Lazy(b, knowledgeService)
	api.Handle(reg, op, func(ctx context.Context, in *struct {
		Body struct {
			Message        string `json:"message" minLength:"1" maxLength:"4000"`
			ConversationID string `json:"conversation_id,omitempty" maxLength:"64"`
		}
	}) (*struct{ Body knowledge.Answer }, error) {
		a, err := access.From(ctx)
		if err != nil {
			return nil, err
		}
		s := svc()
		if s.err != nil {
			return nil, s.err
		}
		ans, err := s.svc.Chat(ctx, a, in.Body.Message, in.Body.ConversationID)
		if err != nil {
			return nil, err
		}
		return &struct{ Body knowledge.Answer }{ans}, nil
	})
}

// ConversationsList is GET /v1/assistant/conversations.
func ConversationsList(reg huma.API, op huma.Operation, b *platform.Boot) {
	repo := api.Lazy(b, func(b *platform.Boot) *knowledgestore.Knowledge { return knowledgestore.NewKnowledge(b.DB) })
	api.Handle(reg, op, func(ctx context.Context, in *struct {
		Limit int `query:"limit" minimum:"1" maximum:"200" default:"50"`
	}) (*struct {
		Body struct {
			Items []knowledge.Conversation `json:"items"`
		}
	}, error) {
		a, err := access.From(ctx)
		if err != nil {
			return nil, err
		}
		cs, err := repo().Conversations(ctx, a, in.Limit)
		if err != nil {
			return nil, err
		}
		out := &struct {
			Body struct {
				Items []knowledge.Conversation `json:"items"`
			}
		}{}
		out.Body.Items = append([]knowledge.Conversation{}, cs...)
		return out, nil
	})
}

// ConversationsGet is GET /v1/assistant/conversations/{id}.
func ConversationsGet(reg huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404)
	repo := api.Lazy(b, func(b *platform.Boot) *knowledgestore.Knowledge { return knowledgestore.NewKnowledge(b.DB) })
	api.Handle(reg, op, func(ctx context.Context, in *struct {
		ID string `path:"id" maxLength:"64"`
	}) (*struct{ Body knowledge.Conversation }, error) {
		a, err := access.From(ctx)
		if err != nil {
			return nil, err
		}
		c, err := repo().Conversation(ctx, a, in.ID)
		if err != nil {
			return nil, err
		}
		return &struct{ Body knowledge.Conversation }{c}, nil
	})
}

type reviewsOutput struct {
	Body struct {
		Items []knowledge.Review `json:"items"`
	}
}

// ReviewsList is GET /v1/reviews: the review queue, oldest first.
func ReviewsList(reg huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 403)
	repo := api.Lazy(b, func(b *platform.Boot) *knowledgestore.Knowledge { return knowledgestore.NewKnowledge(b.DB) })
	api.Handle(reg, op, func(ctx context.Context, in *struct {
		Status string `query:"status" enum:"pending,approved,edited,rejected" default:"pending"`
		Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
	}) (*reviewsOutput, error) {
		a, err := access.From(ctx)
		if err != nil {
			return nil, err
		}
		if err := a.Require(knowledge.ReviewerRoles...); err != nil {
			return nil, err
		}
		rs, err := repo().Reviews(ctx, a.BrokerageID, in.Status, in.Limit)
		if err != nil {
			return nil, err
		}
		out := &reviewsOutput{}
		out.Body.Items = append([]knowledge.Review{}, rs...)
		return out, nil
	})
}

// ReviewsDecide is POST /v1/reviews/{id}/decision.
func ReviewsDecide(reg huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 403, 404, 409, 422)
	repo := api.Lazy(b, func(b *platform.Boot) *knowledgestore.Knowledge { return knowledgestore.NewKnowledge(b.DB) })
	api.Handle(reg, op, func(ctx context.Context, in *struct {
		ID   string `path:"id" maxLength:"64"`
		Body knowledge.Decision
	}) (*struct{ Body knowledge.Review }, error) {
		a, err := access.From(ctx)
		if err != nil {
			return nil, err
		}
		if err := a.Require(knowledge.ReviewerRoles...); err != nil {
			return nil, err
		}
		if err := in.Body.Validate(); err != nil {
			return nil, err
		}
		r, err := repo().DecideReview(ctx, a, in.ID, in.Body)
		if err != nil {
			return nil, err
		}
		return &struct{ Body knowledge.Review }{r}, nil
	})
}
