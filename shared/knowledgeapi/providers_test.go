package knowledgeapi_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apitest"
	"github.com/propertypro/propertypro/shared/config"
)

// fakeAPI answers every request with status and body, counting the calls.
func fakeAPI(t *testing.T, status int, body string, calls *atomic.Int32) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

const openAIAnswer = `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini",
	"choices":[{"index":0,"message":{"role":"assistant","content":"Off-plan buyers pay into an escrow account."},"finish_reason":"stop"}],
	"usage":{"prompt_tokens":120,"completion_tokens":9,"total_tokens":129}}`

// POST /v1/assistant/chat through the real SDKs, configured by GEMINI_BASE_URL and
// OPENAI_BASE_URL: when Gemini fails OpenAI answers; when both fail the offline provider
// answers, marked degraded. Either way the caller gets a 200 and an answer.
func TestChatFallsBackAcrossProviders(t *testing.T) {
	for _, c := range []struct {
		name           string
		openAIStatus   int
		openAIBody     string
		wantProvider   string
		wantDegraded   bool
		wantOpenAICall bool
	}{
		{"gemini down, openai answers", 200, openAIAnswer, "openai", false, true},
		{"both down", 429, `{"error":{"message":"rate limited","type":"rate_limit","param":null,"code":null}}`, "offline", true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var geminiCalls, openAICalls atomic.Int32
			gemini := fakeAPI(t, 500, `{"error":{"code":500,"message":"fake outage","status":"INTERNAL"}}`, &geminiCalls)
			openAI := fakeAPI(t, c.openAIStatus, c.openAIBody, &openAICalls)
			a := apitest.New(t, func(cfg *config.Config) {
				cfg.GoogleAPIKey, cfg.GeminiBaseURL = "test-google-key", gemini
				cfg.OpenAIAPIKey, cfg.OpenAIBaseURL = "test-openai-key", openAI+"v1/"
			})
			agent := a.User(a.Brokerage("Creek Realty"), "omar@creek.ae", access.Agent, "")
			ans := a.Do(agent, "POST", "/v1/assistant/chat", map[string]any{"message": "What does RERA require for escrow?"}).
				Expect(t, 200).Map(t)
			if ans["provider"] != c.wantProvider || ans["degraded"] != c.wantDegraded || fmt.Sprint(ans["answer"]) == "" {
				t.Errorf("answer %v: want provider %s, degraded %v", ans, c.wantProvider, c.wantDegraded)
			}
			if geminiCalls.Load() == 0 || (openAICalls.Load() > 0) != c.wantOpenAICall {
				t.Errorf("calls: gemini %d, openai %d", geminiCalls.Load(), openAICalls.Load())
			}
		})
	}
}
