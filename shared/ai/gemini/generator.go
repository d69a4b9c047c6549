package gemini

import (
	"context"
	"strings"
	"time"

	"google.golang.org/genai"

	"github.com/propertypro/propertypro/shared/ai"
)

// Generator answers with a Gemini model (generateContent). It implements ai.Generator.
type Generator struct {
	client *genai.Client
	s      Settings
}

// NewGenerator returns a Generator for s.Model; it fails without an API key.
func NewGenerator(ctx context.Context, s Settings) (*Generator, error) {
	s = s.withDefaults()
	c, err := newClient(ctx, s)
	if err != nil {
		return nil, err
	}
	return &Generator{client: c, s: s}, nil
}

// Model returns the model answers are asked of.
func (g *Generator) Model() string { return g.s.Model }

// Generate implements ai.Generator. Errors are classified for ai.Chain: 429 rate_limited,
// 5xx and timeouts unavailable (both retryable), other 4xx final; an answer blocked by
// Gemini's safety filters or without text is final too.
func (g *Generator) Generate(ctx context.Context, req ai.Request) (ai.Response, error) {
	start := time.Now()
	ctx, hint := withHint(ctx)
	resp, err := g.client.Models.GenerateContent(ctx, g.s.Model, contents(req), g.config(req))
	if err != nil {
		return ai.Response{}, classify(err, hint)
	}
	text, err := answerText(resp)
	if err != nil {
		return ai.Response{}, err
	}
	out := ai.Response{Text: text, Provider: ProviderName, Model: g.s.Model, Latency: time.Since(start)}
	if resp.ModelVersion != "" {
		out.Model = resp.ModelVersion
	}
	if u := resp.UsageMetadata; u != nil {
		// Thinking tokens are billed as output, so the budget must see them.
		out.InputTokens = int(u.PromptTokenCount)
		out.OutputTokens = int(u.CandidatesTokenCount + u.ThoughtsTokenCount)
	} else {
		out.InputTokens, out.OutputTokens = ai.EstimateInputTokens(req), ai.EstimateTokens(text)
	}
	return out, nil
}

func contents(req ai.Request) []*genai.Content {
	msgs := req.PromptMessages()
	out := make([]*genai.Content, 0, len(msgs))
	for _, m := range msgs {
		role := genai.Role(genai.RoleUser)
		if m.Role == ai.RoleAssistant {
			role = genai.RoleModel
		}
		out = append(out, genai.NewContentFromText(m.Content, role))
	}
	return out
}

func (g *Generator) config(req ai.Request) *genai.GenerateContentConfig {
	cfg := &genai.GenerateContentConfig{
		Temperature:           genai.Ptr(float32(req.Temperature)),
		AutomaticContinuation: genai.Ptr(false),
	}
	if req.System != "" {
		cfg.SystemInstruction = genai.NewContentFromText(req.System, genai.RoleUser)
	}
	if req.MaxTokens > 0 {
		cfg.MaxOutputTokens = int32(req.MaxTokens)
	}
	if g.s.ThinkingBudget != nil {
		cfg.ThinkingConfig = &genai.ThinkingConfig{ThinkingBudget: g.s.ThinkingBudget}
	}
	return cfg
}

// answerText returns the text of the first candidate, or a final error saying why there is
// none (a blocked prompt, a safety stop, an empty answer).
func answerText(resp *genai.GenerateContentResponse) (string, error) {
	if fb := resp.PromptFeedback; fb != nil && fb.BlockReason != "" {
		return "", ai.InvalidResponse(ProviderName, "prompt blocked: %s", fb.BlockReason)
	}
	text := strings.TrimSpace(resp.Text())
	if text != "" {
		return text, nil
	}
	reason := "no candidate"
	if len(resp.Candidates) > 0 && resp.Candidates[0] != nil {
		reason = "finish reason " + string(resp.Candidates[0].FinishReason)
	}
	return "", ai.InvalidResponse(ProviderName, "empty answer (%s)", reason)
}
