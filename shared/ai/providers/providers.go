// Package providers assembles PropertyPro's AI providers from settings: the answer chain
// (Gemini, then OpenAI, then the offline extractive answer) and the configured embedder.
//
// It is the one place that imports both provider SDKs, for the main.go of the functions
// that answer questions or embed documents; every other package depends on the ai ports
// only, so Lambdas without AI never link an SDK.
package providers

import (
	"context"
	"fmt"
	"net/http"

	"github.com/propertypro/propertypro/shared/ai"
	"github.com/propertypro/propertypro/shared/ai/gemini"
	"github.com/propertypro/propertypro/shared/ai/offline"
	"github.com/propertypro/propertypro/shared/ai/openai"
	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/logging"
)

// Embedder names accepted by Settings.Embedder.
const (
	EmbedderOffline = "offline"
	EmbedderGemini  = "gemini"
	EmbedderOpenAI  = "openai"
)

// Settings choose and configure the providers. A provider without a key is left out of
// the chain; the offline provider is always its last link.
type Settings struct {
	GoogleAPIKey string
	OpenAIAPIKey string
	GeminiModel  string // AI_MODEL
	OpenAIModel  string // OPENAI_MODEL
	// GeminiBaseURL and OpenAIBaseURL redirect the SDKs, e.g. to a local fake server.
	GeminiBaseURL string
	OpenAIBaseURL string
	// Embedder is "offline" (the default: no network, no key), "gemini" or "openai". It is
	// chosen once per deployment: vectors of different embedders cannot be mixed.
	Embedder   string
	Dimensions int // vector length of every embedder [768]
	// HTTPClient carries the paid providers' calls [one client of their own each].
	HTTPClient *http.Client
	Chain      ai.ChainSettings
}

// FromConfig takes the keys and models from the platform configuration; the embedder stays
// the offline default, since the configuration has no key choosing another.
func FromConfig(c config.Config) Settings {
	return Settings{GoogleAPIKey: c.GoogleAPIKey, OpenAIAPIKey: c.OpenAIAPIKey, GeminiModel: c.AIModel,
		OpenAIModel: c.OpenAIModel, GeminiBaseURL: c.GeminiBaseURL, OpenAIBaseURL: c.OpenAIBaseURL, Embedder: EmbedderOffline}
}

// NewChain returns the answer chain Gemini → OpenAI → offline, each paid provider present
// only when its key is set.
func NewChain(ctx context.Context, s Settings) (*ai.Chain, error) {
	var links []ai.Provider
	if s.GoogleAPIKey != "" {
		g, err := gemini.NewGenerator(ctx, gemini.Settings{APIKey: s.GoogleAPIKey, BaseURL: s.GeminiBaseURL,
			Model: s.GeminiModel, HTTPClient: s.HTTPClient})
		if err != nil {
			return nil, fmt.Errorf("providers: gemini: %w", err)
		}
		links = append(links, ai.Provider{Name: gemini.ProviderName, Generator: g})
	}
	if s.OpenAIAPIKey != "" {
		o, err := openai.NewGenerator(openai.Settings{APIKey: s.OpenAIAPIKey, BaseURL: s.OpenAIBaseURL,
			Model: s.OpenAIModel, HTTPClient: s.HTTPClient})
		if err != nil {
			return nil, fmt.Errorf("providers: openai: %w", err)
		}
		links = append(links, ai.Provider{Name: openai.ProviderName, Generator: o})
	}
	gen := offline.NewGenerator(offline.GeneratorSettings{Embedder: offline.NewEmbedder(s.Dimensions)})
	links = append(links, ai.Provider{Name: offline.ProviderName, Generator: gen, Degraded: true})
	if s.Chain.Redact == nil {
		s.Chain.Redact = logging.RedactString
	}
	return ai.NewChain(s.Chain, links...), nil
}

// NewEmbedder returns the embedder s.Embedder names; a paid one needs its key.
func NewEmbedder(ctx context.Context, s Settings) (ai.Embedder, error) {
	switch s.Embedder {
	case "", EmbedderOffline:
		return offline.NewEmbedder(s.Dimensions), nil
	case EmbedderGemini:
		return gemini.NewEmbedder(ctx, gemini.Settings{APIKey: s.GoogleAPIKey, BaseURL: s.GeminiBaseURL,
			Dimensions: s.Dimensions, HTTPClient: s.HTTPClient})
	case EmbedderOpenAI:
		return openai.NewEmbedder(openai.Settings{APIKey: s.OpenAIAPIKey, BaseURL: s.OpenAIBaseURL,
			Dimensions: s.Dimensions, HTTPClient: s.HTTPClient})
	default:
		return nil, fmt.Errorf("providers: unknown embedder %q (want offline, gemini or openai)", s.Embedder)
	}
}
