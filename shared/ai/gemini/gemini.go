// Package gemini is PropertyPro's adapter to Google's Gemini API through the official SDK
// (google.golang.org/genai): answers with a Gemini model and embeddings with
// gemini-embedding-001. Only the Lambdas that call Gemini import it.
package gemini

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"google.golang.org/genai"

	"github.com/propertypro/propertypro/shared/ai"
)

// ProviderName is how responses, errors and logs name this provider.
const ProviderName = "gemini"

// Defaults for the zero values of Settings.
const (
	DefaultBaseURL        = "https://generativelanguage.googleapis.com/"
	DefaultModel          = "gemini-2.5-flash"
	DefaultEmbeddingModel = "gemini-embedding-001"
	DefaultDimensions     = 768
	// MaxBatch is the most texts the API embeds in one batchEmbedContents call.
	MaxBatch = 100
)

// Settings configure the adapter; the caller reads them from config (adapters never read
// the environment). Zero values take the defaults above.
type Settings struct {
	APIKey string
	// BaseURL of the API; tests point it at a local fake server.
	BaseURL string
	// APIVersion is the path segment before /models ["v1beta"].
	APIVersion     string
	Model          string // model for answers (AI_MODEL)
	EmbeddingModel string
	Dimensions     int // output dimensionality of embeddings
	BatchSize      int // texts per embedding call, at most MaxBatch
	// TaskType tells the embedding model how vectors will be used, e.g. "RETRIEVAL_DOCUMENT";
	// empty leaves the model's default, which suits documents and queries alike.
	TaskType string
	// ThinkingBudget caps the tokens a thinking model spends before answering; 0 turns
	// thinking off where the model allows it (faster answers), nil keeps the model default.
	ThinkingBudget *int32
	// HTTPClient carries the calls [a client of its own]; its timeout, if any, also applies.
	HTTPClient *http.Client
}

func (s Settings) withDefaults() Settings {
	if s.BaseURL == "" {
		s.BaseURL = DefaultBaseURL
	}
	if s.APIVersion == "" {
		s.APIVersion = "v1beta"
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
	if s.BatchSize <= 0 || s.BatchSize > MaxBatch {
		s.BatchSize = MaxBatch
	}
	if s.HTTPClient == nil {
		s.HTTPClient = &http.Client{}
	}
	return s
}

// newClient builds the SDK client with everything explicit: backend, key and base URL are
// set so that the SDK's own environment lookups (GOOGLE_GENAI_USE_VERTEXAI,
// GOOGLE_GEMINI_BASE_URL, ...) never change where calls go; retries are left to ai.Chain.
func newClient(ctx context.Context, s Settings) (*genai.Client, error) {
	if s.APIKey == "" {
		return nil, errors.New("gemini: an API key is required")
	}
	hc := *s.HTTPClient
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = &hintTransport{base: base}
	return genai.NewClient(ctx, &genai.ClientConfig{
		APIKey:      s.APIKey,
		Backend:     genai.BackendGeminiAPI,
		HTTPClient:  &hc,
		HTTPOptions: genai.HTTPOptions{BaseURL: s.BaseURL, APIVersion: s.APIVersion},
	})
}

// failureHint keeps what the SDK's error value drops: the HTTP status and the Retry-After
// header of the last failed response of one call.
type failureHint struct {
	mu         sync.Mutex
	status     int
	retryAfter time.Duration
}

type hintKey struct{}

func withHint(ctx context.Context) (context.Context, *failureHint) {
	h := &failureHint{}
	return context.WithValue(ctx, hintKey{}, h), h
}

// hintTransport records failed responses into the call's failureHint.
type hintTransport struct{ base http.RoundTripper }

// RoundTrip implements http.RoundTripper.
func (t *hintTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err == nil && resp.StatusCode >= 400 {
		if h, ok := req.Context().Value(hintKey{}).(*failureHint); ok {
			h.mu.Lock()
			h.status = resp.StatusCode
			h.retryAfter = ai.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
			h.mu.Unlock()
		}
	}
	return resp, err
}

// classify turns an SDK error into the ai error vocabulary. Gemini says how long to wait
// either in a Retry-After header or in a google.rpc.RetryInfo detail; both are read.
func classify(err error, h *failureHint) error {
	h.mu.Lock()
	status, after := h.status, h.retryAfter
	h.mu.Unlock()
	var apiErr genai.APIError
	if errors.As(err, &apiErr) {
		if apiErr.Code != 0 {
			status = apiErr.Code
		}
		if after == 0 {
			after = retryInfoDelay(apiErr.Details)
		}
		return ai.HTTPError(ProviderName, status, after, err)
	}
	if status != 0 {
		return ai.HTTPError(ProviderName, status, after, err)
	}
	return ai.TransportError(ProviderName, err)
}

// retryInfoDelay reads {"@type": ".../google.rpc.RetryInfo", "retryDelay": "37s"}.
func retryInfoDelay(details []map[string]any) time.Duration {
	for _, d := range details {
		if t, _ := d["@type"].(string); t != "type.googleapis.com/google.rpc.RetryInfo" {
			continue
		}
		if s, ok := d["retryDelay"].(string); ok {
			if dur, err := time.ParseDuration(s); err == nil && dur > 0 {
				return dur
			}
		}
	}
	return 0
}
