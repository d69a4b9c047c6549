package knowledge

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/ai"
	"github.com/propertypro/propertypro/shared/apperr"
)

// Call is one AI provider call (or skip) as the governance log keeps it.
type Call struct {
	BrokerageID, UserID          string
	Provider, Model, Template    string
	Try                          int
	InputTokens, OutputTokens    int
	Latency                      time.Duration
	CostUSD                      float64
	Outcome, Error               string
	PromptRedacted, ResponseText string
	CreatedAt                    time.Time
}

// pricePerMillion is the USD list price per million input and output tokens, for the
// cost estimate; unknown models cost nothing, which under-reports rather than invents.
var pricePerMillion = map[string][2]float64{
	"gemini": {0.30, 2.50}, "openai": {0.15, 0.60},
}

// EstimateCost is a call's cost in USD at list prices.
func EstimateCost(provider string, in, out int) float64 {
	p := pricePerMillion[provider]
	return (float64(in)*p[0] + float64(out)*p[1]) / 1e6
}

type callsKey struct{}

type callLog struct {
	mu    sync.Mutex
	items []ai.Attempt
}

func withCalls(ctx context.Context) (context.Context, *[]ai.Attempt) {
	l := &callLog{}
	ctx = context.WithValue(ctx, callsKey{}, l)
	return ctx, &l.items
}

// Observe is the chain's ai.ChainSettings.Observe: it collects every attempt of the request
// in progress, so that the service logs them with the prompt they belong to.
func Observe(ctx context.Context, a ai.Attempt) {
	if l, ok := ctx.Value(callsKey{}).(*callLog); ok {
		l.mu.Lock()
		l.items = append(l.items, a)
		l.mu.Unlock()
	}
}

// Redact is applied to prompts and answers before they are logged.
var Redact = func(s string) string { clean, _ := ScrubAnswer(s); return clean }

func (s *Service) logCalls(ctx context.Context, a access.Actor, req ai.Request, resp ai.Response, attempts []ai.Attempt) {
	prompt := Redact(renderPrompt(req))
	if len(attempts) == 0 { // a generator outside a Chain: log the answer itself
		attempts = []ai.Attempt{{Provider: resp.Provider, Model: resp.Model, Template: req.Template, Try: 1,
			Latency: resp.Latency, InputTokens: resp.InputTokens, OutputTokens: resp.OutputTokens}}
	}
	calls := make([]Call, len(attempts))
	for i, at := range attempts {
		c := Call{BrokerageID: a.BrokerageID, UserID: a.UserID, Provider: at.Provider, Model: at.Model,
			Template: req.Template, Try: at.Try, InputTokens: at.InputTokens, OutputTokens: at.OutputTokens,
			Latency: at.Latency, CostUSD: EstimateCost(at.Provider, at.InputTokens, at.OutputTokens),
			Outcome: "ok", PromptRedacted: prompt, CreatedAt: s.now()}
		switch {
		case at.Skipped != "":
			c.Outcome = "skipped:" + at.Skipped
		case at.Err != nil:
			c.Outcome, c.Error = "error", string(apperr.CodeOf(at.Err))
		case at.Provider == resp.Provider:
			c.ResponseText = Redact(resp.Text)
		}
		calls[i] = c
	}
	if err := s.Repo.LogCalls(ctx, calls); err != nil {
		s.Log.ErrorContext(ctx, "governance log write failed", "err", err)
	}
}

func renderPrompt(req ai.Request) string {
	var b strings.Builder
	b.WriteString(req.Question())
	for _, p := range req.Context {
		b.WriteString("\n[" + p.ID + "] " + excerpt(p.Text))
	}
	return b.String()
}

// Review statuses and decisions.
const (
	ReviewPending  = "pending"
	ReviewApproved = "approved"
	ReviewEdited   = "edited"
	ReviewRejected = "rejected"
)

// Review is a flagged answer waiting for, or decided by, a reviewer.
type Review struct {
	ID             string     `json:"id"`
	ConversationID string     `json:"conversation_id"`
	MessageID      string     `json:"message_id"`
	Question       string     `json:"question"`
	Answer         string     `json:"answer"`
	Reasons        []string   `json:"reasons"`
	Status         string     `json:"status" enum:"pending,approved,edited,rejected"`
	FinalAnswer    string     `json:"final_answer,omitempty"`
	Note           string     `json:"note,omitempty"`
	ReviewerID     string     `json:"reviewer_id,omitempty"`
	DecidedAt      *time.Time `json:"decided_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
}

// Decision is a reviewer's verdict on a review.
type Decision struct {
	Action string `json:"action" enum:"approve,edit,reject"`
	Answer string `json:"answer,omitempty" maxLength:"8000" doc:"The corrected answer (edit)."`
	Note   string `json:"note,omitempty" maxLength:"2000"`
}

// ReviewerRoles may decide reviews.
var ReviewerRoles = []access.Role{access.Reviewer, access.Admin, access.ComplianceOfficer, access.Manager}

// Validate checks a decision before it is applied.
func (d Decision) Validate() error {
	switch d.Action {
	case "approve", "reject":
		return nil
	case "edit":
		if strings.TrimSpace(d.Answer) == "" {
			return apperr.Validation(apperr.FieldError{Field: "answer", Message: "an edit needs the corrected answer"})
		}
		return nil
	}
	return apperr.Validation(apperr.FieldError{Field: "action", Message: "must be approve, edit or reject"})
}

// Status is the review status a decision leads to.
func (d Decision) Status() string {
	return map[string]string{"approve": ReviewApproved, "edit": ReviewEdited, "reject": ReviewRejected}[d.Action]
}
