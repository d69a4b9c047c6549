// Package ai declares the ports PropertyPro's domain uses to talk to language models and
// embedding models, and the fallback Chain that keeps answers coming when a provider fails.
//
// Nothing here imports a provider SDK: the adapters live in ai/gemini, ai/openai and
// ai/offline, and ai/providers assembles them from settings, so a Lambda that never calls a
// model never links an SDK. Domain packages import only this package.
//
// How the assistant uses it: put the retrieved passages in Request.Context (best first),
// the conversation in Request.Messages (the question last), the prompt template's id and
// version in Request.Template and the caller's brokerage in Request.BrokerageID, then call
// Chain.Generate. Answers cite passages as "[id]" whichever provider answered;
// Response.Provider and Response.Degraded say who did. ChainSettings.Observe feeds the
// governance log with every attempt.
package ai

import (
	"context"
	"time"
)

// Role says who wrote a message of a conversation.
type Role string

// The roles a conversation may contain; the system prompt travels in Request.System.
const (
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
)

// Message is one turn of a conversation.
type Message struct {
	Role    Role
	Content string
}

// Passage is one piece of retrieved knowledge offered to the model as context.
//
// Passages are untrusted data (a document may contain "ignore your instructions"), so
// adapters render them apart from the instructions (see RenderContext) and answers cite
// them by ID in square brackets, e.g. "[doc-12#3]".
type Passage struct {
	ID    string // stable id the answer cites, e.g. a chunk or listing id
	Title string // human title of the source, shown in citations
	Text  string // the passage itself
}

// Request is one generation call: a system prompt, the conversation so far (its last user
// message is the question), and the retrieved context the answer must be grounded in.
type Request struct {
	System   string
	Messages []Message
	// Context holds retrieved passages, best first. Adapters append them to the last user
	// message (RenderContext); the offline generator extracts its answer from them.
	Context     []Passage
	MaxTokens   int     // upper bound on output tokens; 0 leaves the provider's default
	Temperature float64 // 0 asks for the most deterministic answer
	// Template names the prompt template and its version (e.g. "assistant-answer@3") so
	// that governance can tie every logged call to the prompt that produced it.
	Template string
	// BrokerageID selects the token budget the call is charged to.
	BrokerageID string
}

// Question returns the content of the last user message, or "" when there is none.
func (r Request) Question() string {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Role == RoleUser {
			return r.Messages[i].Content
		}
	}
	return ""
}

// Response is a generated answer and what it cost.
type Response struct {
	Text         string
	Provider     string // "gemini", "openai", "offline", ...
	Model        string // the model that answered, as the provider reported it
	InputTokens  int
	OutputTokens int
	Latency      time.Duration
	// Degraded is true when no language model answered and the text is the offline
	// provider's extractive answer; set by Chain.
	Degraded bool
}

// Generator produces an answer to a Request. Implementations are safe for concurrent use.
type Generator interface {
	Generate(ctx context.Context, req Request) (Response, error)
}

// GeneratorFunc adapts a function to Generator, for fakes and small wrappers.
type GeneratorFunc func(ctx context.Context, req Request) (Response, error)

// Generate calls f.
func (f GeneratorFunc) Generate(ctx context.Context, req Request) (Response, error) {
	return f(ctx, req)
}

// Embedder turns texts into vectors for similarity search. Implementations are safe for
// concurrent use.
//
// Vectors of different models are not comparable, so there is deliberately no fallback
// between embedders: a store keeps Model() next to every vector and re-embeds what an older
// model produced.
type Embedder interface {
	// Embed returns one vector of Dimensions() floats per text, in order.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	// Model names the model, its version and its output size, e.g. "offline-hash-v1@768".
	Model() string
	// Dimensions is the length of every vector Embed returns.
	Dimensions() int
}
