package openai_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/ai"
	"github.com/propertypro/propertypro/shared/ai/openai"
	"github.com/propertypro/propertypro/shared/apperr"
)

// fakeOpenAI speaks the OpenAI API's JSON on loopback. reply decides each answer; requests
// are kept for inspection.
type fakeOpenAI struct {
	reply func(w http.ResponseWriter, r *http.Request, body map[string]any)

	mu       sync.Mutex
	requests []recorded
}

type recorded struct {
	path, auth string
	body       map[string]any
}

func newFake(t *testing.T, reply func(w http.ResponseWriter, r *http.Request, body map[string]any)) (*fakeOpenAI, *httptest.Server) {
	f := &fakeOpenAI{reply: reply}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Errorf("request body is not JSON: %v", err)
		}
		f.mu.Lock()
		f.requests = append(f.requests, recorded{path: r.URL.Path, auth: r.Header.Get("Authorization"), body: body})
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		f.reply(w, r, body)
	}))
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeOpenAI) calls() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.requests...)
}

func completion(text string) func(http.ResponseWriter, *http.Request, map[string]any) {
	return func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
		fmt.Fprintf(w, `{"id":"chatcmpl-1","object":"chat.completion","created":1767225600,"model":"gpt-4o-mini-2024-07-18",
			"choices":[{"index":0,"message":{"role":"assistant","content":%q,"refusal":null},"logprobs":null,"finish_reason":"stop"}],
			"usage":{"prompt_tokens":55,"completion_tokens":9,"total_tokens":64},"system_fingerprint":"fp_1"}`, text)
	}
}

func apiError(status int, typ string, header map[string]string) func(http.ResponseWriter, *http.Request, map[string]any) {
	return func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"error":{"message":"fake %s","type":%q,"param":null,"code":null}}`, typ, typ)
	}
}

func hang(w http.ResponseWriter, r *http.Request, _ map[string]any) {
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

func newGenerator(t *testing.T, url string) *openai.Generator {
	t.Helper()
	g, err := openai.NewGenerator(openai.Settings{APIKey: "sk-test", BaseURL: url + "/v1", Model: "gpt-4o-mini"})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func request() ai.Request {
	return ai.Request{System: "You are PropertyPro's assistant.", MaxTokens: 300, Temperature: 0.1, Template: "answer@1",
		Messages: []ai.Message{
			{Role: ai.RoleUser, Content: "Hello"}, {Role: ai.RoleAssistant, Content: "Hi!"},
			{Role: ai.RoleUser, Content: "How are prices moving in JVC?"}},
		Context: []ai.Passage{{ID: "mr-7", Title: "JVC Q2", Text: "JVC prices rose 6% in Q2."}}}
}

func TestGenerate(t *testing.T) {
	fake, srv := newFake(t, completion("Prices in JVC rose 6% [mr-7]."))
	resp, err := newGenerator(t, srv.URL).Generate(context.Background(), request())
	if err != nil {
		t.Fatal(err)
	}
	resp.Latency = 0
	want := ai.Response{Text: "Prices in JVC rose 6% [mr-7].", Provider: "openai", Model: "gpt-4o-mini-2024-07-18", InputTokens: 55, OutputTokens: 9}
	if resp != want {
		t.Errorf("response = %+v\nwant %+v", resp, want)
	}
	calls := fake.calls()
	if len(calls) != 1 || calls[0].path != "/v1/chat/completions" || calls[0].auth != "Bearer sk-test" {
		t.Fatalf("calls = %+v", calls)
	}
	var body struct {
		Model    string `json:"model"`
		Messages []struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"messages"`
		Temperature         float64 `json:"temperature"`
		MaxCompletionTokens int     `json:"max_completion_tokens"`
	}
	raw, _ := json.Marshal(calls[0].body)
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatal(err)
	}
	var roles []string
	for _, m := range body.Messages {
		roles = append(roles, m.Role)
	}
	if body.Model != "gpt-4o-mini" || strings.Join(roles, ",") != "system,user,assistant,user" ||
		body.Temperature != 0.1 || body.MaxCompletionTokens != 300 {
		t.Errorf("request = %+v", body)
	}
	last := body.Messages[len(body.Messages)-1].Content
	if !strings.Contains(last, `<passage id="mr-7"`) || !strings.HasSuffix(last, "Question: How are prices moving in JVC?") {
		t.Errorf("last message does not carry the context and question:\n%s", last)
	}
}

func TestGenerateErrors(t *testing.T) {
	tests := []struct {
		name       string
		reply      func(http.ResponseWriter, *http.Request, map[string]any)
		wantCode   apperr.Code
		wantRetry  bool
		wantAfter  time.Duration
		wantStatus int
	}{
		{"429 with Retry-After", apiError(429, "rate_limit_exceeded", map[string]string{"Retry-After": "3"}), apperr.RateLimited, true, 3 * time.Second, 429},
		{"429 with retry-after-ms", apiError(429, "rate_limit_exceeded", map[string]string{"retry-after-ms": "1200", "Retry-After": "2"}), apperr.RateLimited, true, 1200 * time.Millisecond, 429},
		{"500", apiError(500, "server_error", nil), apperr.Unavailable, true, 0, 500},
		{"503", apiError(503, "server_error", nil), apperr.Unavailable, true, 0, 503},
		{"400", apiError(400, "invalid_request_error", nil), apperr.Invalid, false, 0, 400},
		{"401", apiError(401, "invalid_api_key", nil), apperr.Unavailable, false, 0, 401},
		{"hanging server", hang, apperr.Unavailable, true, 0, 0},
		{"refusal", func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
			io.WriteString(w, `{"id":"c","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":5,"total_tokens":10}}`)
		}, apperr.Unavailable, false, 0, 0},
		{"no choices", func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
			io.WriteString(w, `{"id":"c","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[]}`)
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

// TestChainFallsBack drives the real SDK through ai.Chain: every failure of the fake OpenAI
// must end with the next provider's answer, after the retries the error allows.
func TestChainFallsBack(t *testing.T) {
	tests := []struct {
		name      string
		reply     func(http.ResponseWriter, *http.Request, map[string]any)
		wantCalls int
	}{
		{"429 with Retry-After is retried, then falls back", apiError(429, "rate_limit_exceeded", map[string]string{"retry-after-ms": "10"}), 2},
		{"429 asking for a long wait falls back at once", apiError(429, "rate_limit_exceeded", map[string]string{"Retry-After": "30"}), 1},
		{"500 is retried, then falls back", apiError(500, "server_error", nil), 2},
		{"401 falls back at once", apiError(401, "invalid_api_key", nil), 1},
		{"timeout is retried, then falls back", hang, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, srv := newFake(t, tt.reply)
			next := ai.GeneratorFunc(func(context.Context, ai.Request) (ai.Response, error) {
				return ai.Response{Text: "offline answer"}, nil
			})
			chain := ai.NewChain(ai.ChainSettings{AttemptTimeout: 150 * time.Millisecond, BaseBackoff: 5 * time.Millisecond,
				MaxRetryWait: time.Second, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
				ai.Provider{Name: "openai", Generator: newGenerator(t, srv.URL)},
				ai.Provider{Name: "offline", Generator: next, Degraded: true})
			resp, err := chain.Generate(context.Background(), request())
			if err != nil {
				t.Fatal(err)
			}
			if resp.Provider != "offline" || !resp.Degraded {
				t.Errorf("answered by %q degraded=%v", resp.Provider, resp.Degraded)
			}
			if n := len(fake.calls()); n != tt.wantCalls {
				t.Errorf("openai called %d times, want %d", n, tt.wantCalls)
			}
		})
	}
}

func TestEmbed(t *testing.T) {
	dims := 4
	fake, srv := newFake(t, func(w http.ResponseWriter, _ *http.Request, body map[string]any) {
		inputs := body["input"].([]any)
		data := make([]map[string]any, len(inputs))
		for i := range inputs {
			vec := make([]float64, dims)
			vec[i%dims] = 1
			// Answer in reverse order: the adapter must place vectors by index.
			data[len(inputs)-1-i] = map[string]any{"object": "embedding", "index": i, "embedding": vec}
		}
		json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": "text-embedding-3-small",
			"usage": map[string]any{"prompt_tokens": 8, "total_tokens": 8}})
	})
	e, err := openai.NewEmbedder(openai.Settings{APIKey: "sk", BaseURL: srv.URL + "/v1", Dimensions: dims, BatchSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	if e.Model() != "text-embedding-3-small@4" || e.Dimensions() != dims {
		t.Errorf("Model %q Dimensions %d", e.Model(), e.Dimensions())
	}
	tests := []struct {
		name        string
		n           int
		wantBatches []int
	}{
		{"none", 0, nil},
		{"one batch", 3, []int{3}},
		{"split", 7, []int{3, 3, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(fake.calls())
			texts := make([]string, tt.n)
			for i := range texts {
				texts[i] = fmt.Sprint("text ", i)
			}
			vecs, err := e.Embed(context.Background(), texts)
			if err != nil {
				t.Fatal(err)
			}
			if len(vecs) != tt.n {
				t.Fatalf("%d vectors for %d texts", len(vecs), tt.n)
			}
			for i, v := range vecs {
				if len(v) != dims || v[(i%3)%dims] != 1 {
					t.Errorf("vector %d = %v, misplaced", i, v)
				}
			}
			var sizes []int
			for _, c := range fake.calls()[before:] {
				if c.path != "/v1/embeddings" || c.body["model"] != "text-embedding-3-small" ||
					c.body["dimensions"] != float64(dims) || c.body["encoding_format"] != "float" {
					t.Errorf("request %s %v", c.path, c.body)
				}
				sizes = append(sizes, len(c.body["input"].([]any)))
			}
			if fmt.Sprint(sizes) != fmt.Sprint(tt.wantBatches) {
				t.Errorf("batches %v, want %v", sizes, tt.wantBatches)
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
		{"429", apiError(429, "rate_limit_exceeded", nil), apperr.RateLimited},
		{"500", apiError(500, "server_error", nil), apperr.Unavailable},
		{"too few vectors", func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
			io.WriteString(w, `{"object":"list","data":[{"object":"embedding","index":0,"embedding":[1,0]}],"model":"m","usage":{"prompt_tokens":1,"total_tokens":1}}`)
		}, apperr.Unavailable},
		{"duplicate index", func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
			io.WriteString(w, `{"object":"list","data":[{"object":"embedding","index":0,"embedding":[1,0]},{"object":"embedding","index":0,"embedding":[0,1]}],"model":"m","usage":{"prompt_tokens":1,"total_tokens":1}}`)
		}, apperr.Unavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, srv := newFake(t, tt.reply)
			e, err := openai.NewEmbedder(openai.Settings{APIKey: "sk", BaseURL: srv.URL + "/v1", Dimensions: 2})
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

// TestIgnoresEnvironment checks that OPENAI_* variables cannot redirect the adapter: the
// settings alone decide where calls go.
func TestIgnoresEnvironment(t *testing.T) {
	t.Setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
	t.Setenv("OPENAI_ORG_ID", "org-from-env")
	var org string
	_, srv := newFake(t, func(w http.ResponseWriter, r *http.Request, b map[string]any) {
		org = r.Header.Get("OpenAI-Organization")
		completion("ok")(w, r, b)
	})
	if _, err := newGenerator(t, srv.URL).Generate(context.Background(), request()); err != nil {
		t.Fatal(err)
	}
	if org != "" {
		t.Errorf("organization header %q leaked from the environment", org)
	}
}

func TestNeedsAPIKey(t *testing.T) {
	if _, err := openai.NewGenerator(openai.Settings{}); err == nil {
		t.Error("NewGenerator without a key succeeded")
	}
	if _, err := openai.NewEmbedder(openai.Settings{}); err == nil {
		t.Error("NewEmbedder without a key succeeded")
	}
}
