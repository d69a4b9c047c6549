package gemini_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/ai"
	"github.com/propertypro/propertypro/shared/ai/gemini"
	"github.com/propertypro/propertypro/shared/apperr"
)

// fakeGemini speaks the Gemini API's JSON on loopback. reply decides each answer; requests
// are kept for inspection.
type fakeGemini struct {
	t     *testing.T
	reply func(w http.ResponseWriter, r *http.Request, body map[string]any)

	mu       sync.Mutex
	requests []recorded
}

type recorded struct {
	path, key string
	body      map[string]any
}

func newFake(t *testing.T, reply func(w http.ResponseWriter, r *http.Request, body map[string]any)) (*fakeGemini, *httptest.Server) {
	f := &fakeGemini{t: t, reply: reply}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Errorf("request body is not JSON: %v", err)
		}
		f.mu.Lock()
		f.requests = append(f.requests, recorded{path: r.URL.Path, key: r.Header.Get("x-goog-api-key"), body: body})
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		f.reply(w, r, body)
	}))
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeGemini) calls() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.requests...)
}

func answer(text string) func(http.ResponseWriter, *http.Request, map[string]any) {
	return func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
		fmt.Fprintf(w, `{"candidates":[{"content":{"role":"model","parts":[{"text":%q}]},"finishReason":"STOP","index":0}],
			"usageMetadata":{"promptTokenCount":42,"candidatesTokenCount":7,"thoughtsTokenCount":5,"totalTokenCount":54},
			"modelVersion":"gemini-2.5-flash-001","responseId":"r1"}`, text)
	}
}

func apiError(status int, state string, header map[string]string, details string) func(http.ResponseWriter, *http.Request, map[string]any) {
	return func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		if details == "" {
			details = "[]"
		}
		fmt.Fprintf(w, `{"error":{"code":%d,"message":"fake %s","status":%q,"details":%s}}`, status, state, state, details)
	}
}

func hang(w http.ResponseWriter, r *http.Request, _ map[string]any) {
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

func newGenerator(t *testing.T, url string) *gemini.Generator {
	t.Helper()
	g, err := gemini.NewGenerator(context.Background(), gemini.Settings{APIKey: "test-key", BaseURL: url, Model: "gemini-2.5-flash"})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func request() ai.Request {
	return ai.Request{System: "You are PropertyPro's assistant.", MaxTokens: 256, Temperature: 0.2, Template: "answer@1",
		Messages: []ai.Message{
			{Role: ai.RoleUser, Content: "Hello"}, {Role: ai.RoleAssistant, Content: "Hi, how can I help?"},
			{Role: ai.RoleUser, Content: "What does RERA require for escrow?"}},
		Context: []ai.Passage{{ID: "doc-1#2", Title: "RERA", Text: "Off-plan payments go into escrow."}}}
}

func TestGenerate(t *testing.T) {
	fake, srv := newFake(t, answer("Developers must use an escrow account [doc-1#2]."))
	resp, err := newGenerator(t, srv.URL).Generate(context.Background(), request())
	if err != nil {
		t.Fatal(err)
	}
	want := ai.Response{Text: "Developers must use an escrow account [doc-1#2].", Provider: "gemini",
		Model: "gemini-2.5-flash-001", InputTokens: 42, OutputTokens: 12}
	resp.Latency = 0
	if resp != want {
		t.Errorf("response = %+v\nwant %+v", resp, want)
	}
	calls := fake.calls()
	if len(calls) != 1 {
		t.Fatalf("%d calls, want 1", len(calls))
	}
	c := calls[0]
	if c.path != "/v1beta/models/gemini-2.5-flash:generateContent" || c.key != "test-key" {
		t.Errorf("path %q key %q", c.path, c.key)
	}
	checkGenerateBody(t, c.body)
}

// checkGenerateBody checks the request against the Gemini API's shape.
func checkGenerateBody(t *testing.T, body map[string]any) {
	t.Helper()
	var req struct {
		Contents []struct {
			Role  string `json:"role"`
			Parts []struct {
				Text string `json:"text"`
			} `json:"parts"`
		} `json:"contents"`
		SystemInstruction struct {
			Parts []struct {
				Text string `json:"text"`
			} `json:"parts"`
		} `json:"systemInstruction"`
		GenerationConfig struct {
			Temperature     float64 `json:"temperature"`
			MaxOutputTokens int     `json:"maxOutputTokens"`
		} `json:"generationConfig"`
	}
	raw, _ := json.Marshal(body)
	if err := json.Unmarshal(raw, &req); err != nil {
		t.Fatal(err)
	}
	roles := []string{}
	for _, c := range req.Contents {
		roles = append(roles, c.Role)
	}
	if strings.Join(roles, ",") != "user,model,user" {
		t.Errorf("roles = %v", roles)
	}
	last := req.Contents[len(req.Contents)-1].Parts[0].Text
	if !strings.Contains(last, `<passage id="doc-1#2"`) || !strings.HasSuffix(last, "Question: What does RERA require for escrow?") {
		t.Errorf("last message does not carry the context and question:\n%s", last)
	}
	if req.SystemInstruction.Parts[0].Text != "You are PropertyPro's assistant." {
		t.Errorf("system instruction = %+v", req.SystemInstruction)
	}
	if math.Abs(req.GenerationConfig.Temperature-0.2) > 1e-6 || req.GenerationConfig.MaxOutputTokens != 256 {
		t.Errorf("generationConfig = %+v", req.GenerationConfig)
	}
}

func TestGenerateErrors(t *testing.T) {
	retryInfo := `[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.5s"}]`
	tests := []struct {
		name       string
		reply      func(http.ResponseWriter, *http.Request, map[string]any)
		wantCode   apperr.Code
		wantRetry  bool
		wantAfter  time.Duration
		wantStatus int
	}{
		{"429 with Retry-After", apiError(429, "RESOURCE_EXHAUSTED", map[string]string{"Retry-After": "2"}, ""), apperr.RateLimited, true, 2 * time.Second, 429},
		{"429 with RetryInfo", apiError(429, "RESOURCE_EXHAUSTED", nil, retryInfo), apperr.RateLimited, true, 1500 * time.Millisecond, 429},
		{"500", apiError(500, "INTERNAL", nil, ""), apperr.Unavailable, true, 0, 500},
		{"503", apiError(503, "UNAVAILABLE", nil, ""), apperr.Unavailable, true, 0, 503},
		{"400", apiError(400, "INVALID_ARGUMENT", nil, ""), apperr.Invalid, false, 0, 400},
		{"403 bad key", apiError(403, "PERMISSION_DENIED", nil, ""), apperr.Unavailable, false, 0, 403},
		{"500 with a body that is not JSON", func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
			w.WriteHeader(502)
			io.WriteString(w, "<html>bad gateway</html>")
		}, apperr.Unavailable, true, 0, 502},
		{"hanging server", hang, apperr.Unavailable, true, 0, 0},
		{"blocked prompt", func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
			io.WriteString(w, `{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":9}}`)
		}, apperr.Unavailable, false, 0, 0},
		{"empty answer", func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
			io.WriteString(w, `{"candidates":[{"content":{"role":"model","parts":[]},"finishReason":"MAX_TOKENS"}]}`)
		}, apperr.Unavailable, false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, srv := newFake(t, tt.reply)
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			_, err := newGenerator(t, srv.URL).Generate(ctx, request())
			if got := apperr.CodeOf(err); got != tt.wantCode {
				t.Fatalf("code = %q (%v), want %q", got, err, tt.wantCode)
			}
			retry, after := ai.Retryable(err)
			if retry != tt.wantRetry || after != tt.wantAfter {
				t.Errorf("Retryable = %v %v, want %v %v", retry, after, tt.wantRetry, tt.wantAfter)
			}
			if tt.wantStatus != 0 {
				var pe *ai.ProviderError
				if !errors.As(err, &pe) || pe.Status != tt.wantStatus {
					t.Errorf("status = %+v, want %d", pe, tt.wantStatus)
				}
			}
		})
	}
}

// TestChainFallsBack drives the real SDK through ai.Chain: every failure of the fake Gemini
// must end with the next provider's answer, after the retries the error allows.
func TestChainFallsBack(t *testing.T) {
	tests := []struct {
		name      string
		reply     func(http.ResponseWriter, *http.Request, map[string]any)
		wantCalls int
	}{
		{"429 with Retry-After is retried, then falls back", apiError(429, "RESOURCE_EXHAUSTED", map[string]string{"Retry-After": "0.01"}, ""), 2},
		{"429 asking for a long wait falls back at once", apiError(429, "RESOURCE_EXHAUSTED", map[string]string{"Retry-After": "60"}, ""), 1},
		{"500 is retried, then falls back", apiError(500, "INTERNAL", nil, ""), 2},
		{"400 falls back at once", apiError(400, "INVALID_ARGUMENT", nil, ""), 1},
		{"timeout is retried, then falls back", hang, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, srv := newFake(t, tt.reply)
			next := ai.GeneratorFunc(func(context.Context, ai.Request) (ai.Response, error) {
				return ai.Response{Text: "from openai", Model: "gpt"}, nil
			})
			chain := ai.NewChain(ai.ChainSettings{AttemptTimeout: 150 * time.Millisecond, BaseBackoff: 5 * time.Millisecond,
				MaxRetryWait: time.Second, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
				ai.Provider{Name: "gemini", Generator: newGenerator(t, srv.URL)},
				ai.Provider{Name: "openai", Generator: next})
			resp, err := chain.Generate(context.Background(), request())
			if err != nil {
				t.Fatal(err)
			}
			if resp.Provider != "openai" || resp.Text != "from openai" {
				t.Errorf("answered by %q: %q", resp.Provider, resp.Text)
			}
			if n := len(fake.calls()); n != tt.wantCalls {
				t.Errorf("gemini called %d times, want %d", n, tt.wantCalls)
			}
		})
	}
}

func TestEmbed(t *testing.T) {
	dims := 8
	fake, srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, body map[string]any) {
		reqs := body["requests"].([]any)
		embs := make([]map[string]any, len(reqs))
		for i := range reqs {
			vals := make([]float64, dims)
			vals[i%dims] = 3 // not normalised, as Gemini's truncated outputs are not
			vals[(i+1)%dims] = 4
			embs[i] = map[string]any{"values": vals}
		}
		json.NewEncoder(w).Encode(map[string]any{"embeddings": embs})
	})
	e, err := gemini.NewEmbedder(context.Background(), gemini.Settings{APIKey: "k", BaseURL: srv.URL, Dimensions: dims, TaskType: "RETRIEVAL_DOCUMENT"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Model() != "gemini-embedding-001@8" || e.Dimensions() != dims {
		t.Errorf("Model %q Dimensions %d", e.Model(), e.Dimensions())
	}
	tests := []struct {
		name       string
		n          int
		wantBatchs []int
	}{
		{"none", 0, nil},
		{"one", 1, []int{1}},
		{"exactly one batch", 100, []int{100}},
		{"split at 100", 250, []int{100, 100, 50}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(fake.calls())
			texts := make([]string, tt.n)
			for i := range texts {
				texts[i] = fmt.Sprintf("text %d", i)
			}
			vecs, err := e.Embed(context.Background(), texts)
			if err != nil {
				t.Fatal(err)
			}
			if len(vecs) != tt.n {
				t.Fatalf("%d vectors for %d texts", len(vecs), tt.n)
			}
			for _, v := range vecs {
				if len(v) != dims || math.Abs(float64(v[0]*v[0]+v[1]*v[1]+v[2]*v[2]+v[3]*v[3]+v[4]*v[4]+v[5]*v[5]+v[6]*v[6]+v[7]*v[7])-1) > 1e-5 {
					t.Fatalf("vector %v is not a unit vector of %d", v, dims)
				}
			}
			var sizes []int
			for _, c := range fake.calls()[before:] {
				if c.path != "/v1beta/models/gemini-embedding-001:batchEmbedContents" {
					t.Errorf("path = %q", c.path)
				}
				reqs := c.body["requests"].([]any)
				first := reqs[0].(map[string]any)
				if first["model"] != "models/gemini-embedding-001" || first["outputDimensionality"] != float64(dims) || first["taskType"] != "RETRIEVAL_DOCUMENT" {
					t.Errorf("request = %v", first)
				}
				sizes = append(sizes, len(reqs))
			}
			if fmt.Sprint(sizes) != fmt.Sprint(tt.wantBatchs) {
				t.Errorf("batches %v, want %v", sizes, tt.wantBatchs)
			}
		})
	}
}

func TestEmbedErrors(t *testing.T) {
	tests := []struct {
		name     string
		reply    func(http.ResponseWriter, *http.Request, map[string]any)
		wantCode apperr.Code
	}{
		{"429", apiError(429, "RESOURCE_EXHAUSTED", nil, ""), apperr.RateLimited},
		{"500", apiError(500, "INTERNAL", nil, ""), apperr.Unavailable},
		{"too few vectors", func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
			io.WriteString(w, `{"embeddings":[{"values":[1,0]}]}`)
		}, apperr.Unavailable},
		{"wrong size", func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
			io.WriteString(w, `{"embeddings":[{"values":[1,0,0]},{"values":[1,0,0]}]}`)
		}, apperr.Unavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, srv := newFake(t, tt.reply)
			e, err := gemini.NewEmbedder(context.Background(), gemini.Settings{APIKey: "k", BaseURL: srv.URL, Dimensions: 2})
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.Embed(context.Background(), []string{"a", "b"})
			if got := apperr.CodeOf(err); got != tt.wantCode {
				t.Errorf("code = %q (%v), want %q", got, err, tt.wantCode)
			}
		})
	}
}

func TestNeedsAPIKey(t *testing.T) {
	if _, err := gemini.NewGenerator(context.Background(), gemini.Settings{}); err == nil {
		t.Error("NewGenerator without a key succeeded")
	}
	if _, err := gemini.NewEmbedder(context.Background(), gemini.Settings{}); err == nil {
		t.Error("NewEmbedder without a key succeeded")
	}
}

// TestIgnoresEnvironment checks that the SDK's environment variables cannot redirect the
// adapter or swap its key: the settings alone decide.
func TestIgnoresEnvironment(t *testing.T) {
	t.Setenv("GOOGLE_GEMINI_BASE_URL", "http://127.0.0.1:1/")
	t.Setenv("GOOGLE_GENAI_USE_VERTEXAI", "true")
	t.Setenv("GOOGLE_API_KEY", "key-from-env")
	fake, srv := newFake(t, answer("ok"))
	if _, err := newGenerator(t, srv.URL).Generate(context.Background(), request()); err != nil {
		t.Fatal(err)
	}
	if calls := fake.calls(); len(calls) != 1 || calls[0].key != "test-key" {
		t.Errorf("calls = %+v, want one with the configured key", calls)
	}
}
