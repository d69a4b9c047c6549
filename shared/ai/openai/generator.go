package openai

import (
	"context"
	"strings"
	"time"

	oai "github.com/openai/openai-go/v3"

	"github.com/propertypro/propertypro/shared/ai"
)

// Generator answers with an OpenAI chat model (/chat/completions). It implements ai.Generator.
type Generator struct {
	chat oai.ChatCompletionService
	s    Settings
}

// NewGenerator returns a Generator for s.Model; it fails without an API key.
func NewGenerator(s Settings) (*Generator, error) {
	s = s.withDefaults()
	opts, err := options(s)
	if err != nil {
		return nil, err
	}
	return &Generator{chat: oai.NewChatCompletionService(opts...), s: s}, nil
}

// Model returns the model answers are asked of.
func (g *Generator) Model() string { return g.s.Model }

// Generate implements ai.Generator. Errors are classified for ai.Chain: 429 rate_limited,
// 5xx and timeouts unavailable (both retryable), other 4xx final; a refusal or an empty
// answer is final too.
func (g *Generator) Generate(ctx context.Context, req ai.Request) (ai.Response, error) {
	start := time.Now()
	params := oai.ChatCompletionNewParams{
		Model:       g.s.Model,
		Messages:    messages(req),
		Temperature: oai.Float(req.Temperature),
	}
	if req.MaxTokens > 0 {
		// max_completion_tokens, not max_tokens: newer models reject the latter.
		params.MaxCompletionTokens = oai.Int(int64(req.MaxTokens))
	}
	resp, err := g.chat.New(ctx, params)
	if err != nil {
		return ai.Response{}, classify(err)
	}
	if len(resp.Choices) == 0 {
		return ai.Response{}, ai.InvalidResponse(ProviderName, "no choices")
	}
	msg := resp.Choices[0].Message
	text := strings.TrimSpace(msg.Content)
	if text == "" {
		if msg.Refusal != "" {
			return ai.Response{}, ai.InvalidResponse(ProviderName, "the model refused")
		}
		return ai.Response{}, ai.InvalidResponse(ProviderName, "empty answer (finish reason %s)", resp.Choices[0].FinishReason)
	}
	out := ai.Response{Text: text, Provider: ProviderName, Model: resp.Model, Latency: time.Since(start),
		InputTokens: int(resp.Usage.PromptTokens), OutputTokens: int(resp.Usage.CompletionTokens)}
	if out.Model == "" {
		out.Model = g.s.Model
	}
	if out.InputTokens == 0 && out.OutputTokens == 0 {
		out.InputTokens, out.OutputTokens = ai.EstimateInputTokens(req), ai.EstimateTokens(text)
	}
	return out, nil
}

func messages(req ai.Request) []oai.ChatCompletionMessageParamUnion {
	msgs := req.PromptMessages()
	out := make([]oai.ChatCompletionMessageParamUnion, 0, len(msgs)+1)
	if req.System != "" {
		out = append(out, oai.SystemMessage(req.System))
	}
	for _, m := range msgs {
		if m.Role == ai.RoleAssistant {
			out = append(out, oai.AssistantMessage(m.Content))
		} else {
			out = append(out, oai.UserMessage(m.Content))
		}
	}
	return out
}
