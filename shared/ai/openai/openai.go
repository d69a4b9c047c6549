// Package openai is PropertyPro's adapter to the OpenAI API through the official SDK
// (github.com/openai/openai-go/v3): the fallback answer provider (chat completions) and the
// text-embedding-3-small embedder. Only the Lambdas that call OpenAI import it.
package openai

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	oai "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/propertypro/propertypro/shared/ai"
)

// ProviderName is how responses, errors and logs name this provider.
const ProviderName = "openai"

// Defaults for the zero values of Settings.
const (
	DefaultBaseURL        = "https://api.openai.com/v1/"
	DefaultModel          = "gpt-4o-mini"
	DefaultEmbeddingModel = "text-embedding-3-small"
	DefaultDimensions     = 768
	DefaultBatch          = 100
)

// Settings configure the adapter; the caller reads them from config (adapters never read
// the environment). Zero values take the defaults above.
type Settings struct {
	APIKey string
	// BaseURL of the API including its version path; tests point it at a local fake server.
	BaseURL        string
	Model          string // model for answers (OPENAI_MODEL)
	EmbeddingModel string
	// Dimensions asks text-embedding-3 models for shorter vectors (the dimensions parameter).
	Dimensions int
	BatchSize  int // texts per embedding call
	// HTTPClient carries the calls [a client of its own]; its timeout, if any, also applies.
	HTTPClient *http.Client
}

func (s Settings) withDefaults() Settings {
	if s.BaseURL == "" {
		s.BaseURL = DefaultBaseURL
	}
	if s.Model == "" {
		s.Model = DefaultModel
	}
	if s.EmbeddingModel == "" {
		s.EmbeddingModel = DefaultEmbeddingModel
	}
	if s.Dimensions <= 0 {
		s.Dimensions = DefaultDimensions
	}
	if s.BatchSize <= 0 {
		s.BatchSize = DefaultBatch
	}
	if s.HTTPClient == nil {
		s.HTTPClient = &http.Client{}
	}
	return s
}

// options are the SDK options of every call. They are all explicit, and the services are
// built without oai.NewClient, which would read OPENAI_* variables from the environment;
// the SDK's own retries are off because ai.Chain retries and falls back.
func options(s Settings) ([]option.RequestOption, error) {
	if s.APIKey == "" {
		return nil, errors.New("openai: an API key is required")
	}
	return []option.RequestOption{
		option.WithBaseURL(s.BaseURL),
		option.WithAPIKey(s.APIKey),
		option.WithHTTPClient(s.HTTPClient),
		option.WithMaxRetries(0),
	}, nil
}

// classify turns an SDK error into the ai error vocabulary, reading how long OpenAI asked
// us to wait from retry-after-ms or Retry-After.
func classify(err error) error {
	var apiErr *oai.Error
	if errors.As(err, &apiErr) {
		return ai.HTTPError(ProviderName, apiErr.StatusCode, retryAfter(apiErr.Response), err)
	}
	return ai.TransportError(ProviderName, err)
}

func retryAfter(resp *http.Response) time.Duration {
	if resp == nil {
		return 0
	}
	if ms, err := strconv.ParseFloat(strings.TrimSpace(resp.Header.Get("retry-after-ms")), 64); err == nil && ms > 0 {
		return time.Duration(ms * float64(time.Millisecond))
	}
	return ai.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
}
