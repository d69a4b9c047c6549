package providers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/ai"
	"github.com/propertypro/propertypro/shared/ai/providers"
	"github.com/propertypro/propertypro/shared/config"
)

// behaviour is what a fake provider does with every call.
type behaviour string

const (
	ok        behaviour = "ok"
	limited   behaviour = "429"
	broken    behaviour = "500"
	hanging   behaviour = "hang"
	badKeyErr behaviour = "401"
)

// fakeServer answers in the JSON of the Gemini API (gemini=true) or of the OpenAI API.
func fakeServer(t *testing.T, gemini bool, b behaviour, calls *atomic.Int32) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		switch b {
		case hanging:
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		case limited, broken, badKeyErr:
			status := map[behaviour]int{limited: 429, broken: 500, badKeyErr: 401}[b]
			if b == limited {
				w.Header().Set("Retry-After", "0.01")
			}
			w.WriteHeader(status)
			if gemini {
				fmt.Fprintf(w, `{"error":{"code":%d,"message":"fake","status":"X"}}`, status)
			} else {
				io.WriteString(w, `{"error":{"message":"fake","type":"x","param":null,"code":null}}`)
			}
			return
		}
		if gemini {
			io.WriteString(w, `{"candidates":[{"content":{"role":"model","parts":[{"text":"gemini says [d1]"}]},"finishReason":"STOP"}],
				"usageMetadata":{"promptTokenCount":30,"candidatesTokenCount":4},"modelVersion":"gemini-2.5-flash"}`)
		} else {
			io.WriteString(w, `{"id":"c","object":"chat.completion","created":1,"model":"gpt-4o-mini",
				"choices":[{"index":0,"message":{"role":"assistant","content":"openai says [d1]"},"finish_reason":"stop"}],
				"usage":{"prompt_tokens":31,"completion_tokens":5,"total_tokens":36}}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestChainOverRealSDKs runs the whole chain, both real SDKs against fake servers: each
// failure of Gemini hands over to OpenAI, and each failure of both to the offline answer.
func TestChainOverRealSDKs(t *testing.T) {
	tests := []struct {
		name         string
		gemini       behaviour
		openai       behaviour
		wantProvider string
		wantDegraded bool
		wantGemini   int32
		wantOpenAI   int32
	}{
		{"gemini answers", ok, ok, "gemini", false, 1, 0},
		{"gemini 429 → openai", limited, ok, "openai", false, 2, 1},
		{"gemini 500 → openai", broken, ok, "openai", false, 2, 1},
		{"gemini timeout → openai", hanging, ok, "openai", false, 2, 1},
		{"gemini bad key → openai", badKeyErr, ok, "openai", false, 1, 1},
		{"both 429 → offline", limited, limited, "offline", true, 2, 2},
		{"gemini 500, openai timeout → offline", broken, hanging, "offline", true, 2, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gCalls, oCalls atomic.Int32
			g := fakeServer(t, true, tt.gemini, &gCalls)
			o := fakeServer(t, false, tt.openai, &oCalls)
			chain, err := providers.NewChain(context.Background(), providers.Settings{
				GoogleAPIKey: "g-key", OpenAIAPIKey: "o-key", GeminiBaseURL: g.URL, OpenAIBaseURL: o.URL + "/v1",
				Chain: ai.ChainSettings{AttemptTimeout: 150 * time.Millisecond, BaseBackoff: 5 * time.Millisecond,
					Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}})
			if err != nil {
				t.Fatal(err)
			}
			resp, err := chain.Generate(context.Background(), ai.Request{
				Messages: []ai.Message{{Role: ai.RoleUser, Content: "What does RERA require for escrow?"}},
				Context:  []ai.Passage{{ID: "d1", Title: "RERA", Text: "RERA requires an escrow account for off-plan sales."}}})
			if err != nil {
				t.Fatal(err)
			}
			if resp.Provider != tt.wantProvider || resp.Degraded != tt.wantDegraded {
				t.Errorf("answered by %q degraded=%v, want %q degraded=%v", resp.Provider, resp.Degraded, tt.wantProvider, tt.wantDegraded)
			}
			if !strings.Contains(resp.Text, "[d1]") {
				t.Errorf("answer cites nothing: %q", resp.Text)
			}
			if gCalls.Load() != tt.wantGemini || oCalls.Load() != tt.wantOpenAI {
				t.Errorf("calls gemini=%d openai=%d, want %d and %d", gCalls.Load(), oCalls.Load(), tt.wantGemini, tt.wantOpenAI)
			}
		})
	}
}

func TestNewChainLinks(t *testing.T) {
	tests := []struct {
		name string
		s    providers.Settings
		want []string
	}{
		{"no keys: offline only", providers.Settings{}, []string{"offline"}},
		{"openai only", providers.Settings{OpenAIAPIKey: "o"}, []string{"openai", "offline"}},
		{"both", providers.Settings{GoogleAPIKey: "g", OpenAIAPIKey: "o"}, []string{"gemini", "openai", "offline"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chain, err := providers.NewChain(context.Background(), tt.s)
			if err != nil {
				t.Fatal(err)
			}
			if got := chain.Providers(); !slices.Equal(got, tt.want) {
				t.Errorf("Providers() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNewEmbedder(t *testing.T) {
	tests := []struct {
		name      string
		s         providers.Settings
		wantModel string
		wantErr   bool
	}{
		{"default offline", providers.Settings{}, "offline-hash-v1@768", false},
		{"gemini", providers.Settings{Embedder: "gemini", GoogleAPIKey: "g"}, "gemini-embedding-001@768", false},
		{"openai at 512", providers.Settings{Embedder: "openai", OpenAIAPIKey: "o", Dimensions: 512}, "text-embedding-3-small@512", false},
		{"gemini without key", providers.Settings{Embedder: "gemini"}, "", true},
		{"unknown", providers.Settings{Embedder: "bert"}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := providers.NewEmbedder(context.Background(), tt.s)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && e.Model() != tt.wantModel {
				t.Errorf("Model() = %q, want %q", e.Model(), tt.wantModel)
			}
		})
	}
}

func TestFromConfig(t *testing.T) {
	c := config.Config{GoogleAPIKey: "g", OpenAIAPIKey: "o", AIModel: "gemini-2.5-pro", OpenAIModel: "gpt-4.1-mini"}
	s := providers.FromConfig(c)
	if s.GoogleAPIKey != "g" || s.OpenAIAPIKey != "o" || s.GeminiModel != "gemini-2.5-pro" || s.OpenAIModel != "gpt-4.1-mini" || s.Embedder != "offline" {
		t.Errorf("FromConfig = %+v", s)
	}
}
