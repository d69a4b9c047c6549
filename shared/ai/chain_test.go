package ai_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/ai"
	"github.com/propertypro/propertypro/shared/ai/offline"
	"github.com/propertypro/propertypro/shared/apperr"
)

// script is a fake provider answering its calls with the given results in turn; a nil error
// means success. The last result repeats.
type script struct {
	name    string
	results []error
	hang    bool // wait for the context instead of answering

	mu    sync.Mutex
	calls int
}

func (s *script) Generate(ctx context.Context, req ai.Request) (ai.Response, error) {
	s.mu.Lock()
	i := min(s.calls, len(s.results)-1)
	s.calls++
	s.mu.Unlock()
	if s.hang {
		<-ctx.Done()
		return ai.Response{}, ai.TransportError(s.name, ctx.Err())
	}
	if err := s.results[i]; err != nil {
		return ai.Response{}, err
	}
	return ai.Response{Text: "answer from " + s.name, Model: s.name + "-model", InputTokens: 100, OutputTokens: 20}, nil
}

func (s *script) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

var (
	errRateLimited   = ai.HTTPError("p", 429, 0, errors.New("quota"))
	errRateLimitedRA = ai.HTTPError("p", 429, 700*time.Millisecond, errors.New("quota"))
	errRateLimitLong = ai.HTTPError("p", 429, time.Minute, errors.New("quota"))
	errServer        = ai.HTTPError("p", 500, 0, errors.New("boom"))
	errBadRequest    = ai.HTTPError("p", 400, 0, errors.New("bad"))
	errUnauthorized  = ai.HTTPError("p", 401, 0, errors.New("key"))
)

func question() ai.Request {
	return ai.Request{System: "sys", Template: "answer@1", BrokerageID: "b1",
		Messages: []ai.Message{{Role: ai.RoleUser, Content: "What does RERA require for escrow?"}},
		Context:  []ai.Passage{{ID: "d1", Title: "Escrow", Text: "RERA requires an escrow account for off-plan payments."}}}
}

func TestChainFallback(t *testing.T) {
	tests := []struct {
		name         string
		gemini       []error
		openai       []error
		geminiHang   bool
		wantProvider string
		wantDegraded bool
		wantGemini   int // calls
		wantOpenAI   int
		wantSleeps   []time.Duration // exact waits; nil means none
	}{
		{"first provider answers", []error{nil}, []error{nil}, false, "gemini", false, 1, 0, nil},
		{"429 then success retries the same provider", []error{errRateLimited, nil}, []error{nil}, false, "gemini", false, 2, 0, []time.Duration{-1}},
		{"Retry-After is honoured", []error{errRateLimitedRA, nil}, []error{nil}, false, "gemini", false, 2, 0, []time.Duration{700 * time.Millisecond}},
		{"Retry-After beyond the cap falls back at once", []error{errRateLimitLong}, []error{nil}, false, "openai", false, 1, 1, nil},
		{"500 twice falls back to openai", []error{errServer}, []error{nil}, false, "openai", false, 2, 1, []time.Duration{-1}},
		{"400 is not retried", []error{errBadRequest}, []error{nil}, false, "openai", false, 1, 1, nil},
		{"401 is not retried", []error{errUnauthorized}, []error{nil}, false, "openai", false, 1, 1, nil},
		{"timeouts fall back", nil, []error{nil}, true, "openai", false, 2, 1, []time.Duration{-1}},
		{"both paid fail: offline answers degraded", []error{errServer}, []error{errRateLimited}, false, "offline", true, 2, 2, []time.Duration{-1, -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gem := &script{name: "gemini", results: tt.gemini, hang: tt.geminiHang}
			if gem.results == nil {
				gem.results = []error{nil}
			}
			oai := &script{name: "openai", results: tt.openai}
			var sleeps []time.Duration
			var attempts []ai.Attempt
			chain := ai.NewChain(ai.ChainSettings{
				AttemptTimeout: 50 * time.Millisecond, Logger: quiet(),
				Sleep:   func(_ context.Context, d time.Duration) error { sleeps = append(sleeps, d); return nil },
				Observe: func(_ context.Context, a ai.Attempt) { attempts = append(attempts, a) },
			},
				ai.Provider{Name: "gemini", Generator: gem},
				ai.Provider{Name: "openai", Generator: oai},
				ai.Provider{Name: "offline", Generator: offline.NewGenerator(offline.GeneratorSettings{}), Degraded: true})
			resp, err := chain.Generate(context.Background(), question())
			if err != nil {
				t.Fatal(err)
			}
			if resp.Provider != tt.wantProvider || resp.Degraded != tt.wantDegraded {
				t.Errorf("answered by %q degraded=%v, want %q degraded=%v", resp.Provider, resp.Degraded, tt.wantProvider, tt.wantDegraded)
			}
			if gem.count() != tt.wantGemini || oai.count() != tt.wantOpenAI {
				t.Errorf("calls gemini=%d openai=%d, want %d and %d", gem.count(), oai.count(), tt.wantGemini, tt.wantOpenAI)
			}
			checkSleeps(t, sleeps, tt.wantSleeps)
			if n := len(attempts); n != tt.wantGemini+tt.wantOpenAI+btoi(tt.wantDegraded) {
				t.Errorf("%d attempts observed, want one per call", n)
			}
			for _, a := range attempts {
				if a.Template != "answer@1" || a.BrokerageID != "b1" || a.Try < 1 {
					t.Errorf("attempt lacks context: %+v", a)
				}
			}
		})
	}
}

// checkSleeps compares waits; -1 in want stands for a backoff of 250ms plus up to 25% jitter.
func checkSleeps(t *testing.T, got, want []time.Duration) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("slept %v, want %v", got, want)
	}
	for i, w := range want {
		if w == -1 {
			if got[i] < 250*time.Millisecond || got[i] > 313*time.Millisecond {
				t.Errorf("backoff %v outside 250ms..312ms", got[i])
			}
		} else if got[i] != w {
			t.Errorf("slept %v, want %v", got[i], w)
		}
	}
}

func TestChainBackoffGrows(t *testing.T) {
	gem := &script{name: "gemini", results: []error{errServer}}
	var sleeps []time.Duration
	chain := ai.NewChain(ai.ChainSettings{MaxAttempts: 4, BaseBackoff: 100 * time.Millisecond, Logger: quiet(),
		Sleep: func(_ context.Context, d time.Duration) error { sleeps = append(sleeps, d); return nil }},
		ai.Provider{Name: "gemini", Generator: gem})
	_, err := chain.Generate(context.Background(), question())
	if apperr.CodeOf(err) != apperr.Unavailable {
		t.Fatalf("err = %v, want unavailable", err)
	}
	if gem.count() != 4 || len(sleeps) != 3 {
		t.Fatalf("%d calls and sleeps %v, want 4 calls and 3 sleeps", gem.count(), sleeps)
	}
	for i, base := range []time.Duration{100, 200, 400} {
		base *= time.Millisecond
		if sleeps[i] < base || sleeps[i] > base+base/4 {
			t.Errorf("sleep %d = %v, want %v..%v", i, sleeps[i], base, base+base/4)
		}
	}
}

func TestChainBudget(t *testing.T) {
	tests := []struct {
		name         string
		limit        int
		geminiErr    error
		wantProvider string
		wantDegraded bool
		wantUsed     int
	}{
		{"within budget: paid provider answers and is charged", 100000, nil, "gemini", false, 120},
		{"failed call is not charged, the next one is", 100000, errBadRequest, "openai", false, 120},
		{"spent: offline answers, nothing charged", 10, nil, "offline", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			budget := ai.NewMemoryBudget(tt.limit, 24*time.Hour)
			gem := &script{name: "gemini", results: []error{tt.geminiErr}}
			var skipped []string
			chain := ai.NewChain(ai.ChainSettings{Budget: budget, Logger: quiet(),
				Observe: func(_ context.Context, a ai.Attempt) {
					if a.Skipped != "" {
						skipped = append(skipped, a.Provider+":"+a.Skipped)
					}
				}},
				ai.Provider{Name: "gemini", Generator: gem},
				ai.Provider{Name: "openai", Generator: &script{name: "openai", results: []error{nil}}},
				ai.Provider{Name: "offline", Generator: offline.NewGenerator(offline.GeneratorSettings{}), Degraded: true})
			resp, err := chain.Generate(context.Background(), question())
			if err != nil {
				t.Fatal(err)
			}
			if resp.Provider != tt.wantProvider || resp.Degraded != tt.wantDegraded {
				t.Errorf("answered by %q degraded=%v, want %q degraded=%v", resp.Provider, resp.Degraded, tt.wantProvider, tt.wantDegraded)
			}
			if got := budget.Used("b1"); got != tt.wantUsed {
				t.Errorf("used %d tokens, want %d", got, tt.wantUsed)
			}
			if tt.wantDegraded && !slices.Equal(skipped, []string{"gemini:budget"}) {
				t.Errorf("skips = %v, want [gemini:budget]", skipped)
			}
			// A reservation left behind would shrink the budget for good.
			if err := budget.Reserve(context.Background(), "b1", tt.limit-tt.wantUsed); err != nil {
				t.Errorf("the whole remaining budget cannot be reserved: %v", err)
			}
		})
	}
}

func TestChainFailures(t *testing.T) {
	tests := []struct {
		name      string
		providers []ai.Provider
		ctx       func() (context.Context, context.CancelFunc)
		req       ai.Request
		wantCode  apperr.Code
	}{
		{"no providers", nil, background, question(), apperr.Unavailable},
		{"no message", []ai.Provider{{Name: "gemini", Generator: &script{results: []error{nil}}}}, background,
			ai.Request{}, apperr.Invalid},
		{"all paid fail without offline: last error", []ai.Provider{
			{Name: "gemini", Generator: &script{results: []error{errServer}}},
			{Name: "openai", Generator: &script{results: []error{errBadRequest}}}}, background, question(), apperr.Invalid},
		{"caller cancelled", []ai.Provider{{Name: "gemini", Generator: &script{results: []error{nil}, hang: true}}},
			func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 20*time.Millisecond)
			},
			question(), apperr.Unavailable},
		{"budget spent without offline", []ai.Provider{{Name: "gemini", Generator: &script{results: []error{nil}}}},
			background, question(), apperr.RateLimited},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := tt.ctx()
			defer cancel()
			s := ai.ChainSettings{Logger: quiet(), FallbackReserve: time.Millisecond,
				Sleep: func(context.Context, time.Duration) error { return nil }}
			if tt.wantCode == apperr.RateLimited {
				s.Budget = ai.NewMemoryBudget(0, time.Hour)
			}
			_, err := ai.NewChain(s, tt.providers...).Generate(ctx, tt.req)
			if got := apperr.CodeOf(err); got != tt.wantCode {
				t.Errorf("code = %q (%v), want %q", got, err, tt.wantCode)
			}
		})
	}
}

// TestChainKeepsTimeForFallback checks that a hanging paid provider cannot use up the
// caller's deadline: the offline answer still arrives in time.
func TestChainKeepsTimeForFallback(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	chain := ai.NewChain(ai.ChainSettings{AttemptTimeout: 10 * time.Second, FallbackReserve: 100 * time.Millisecond, Logger: quiet()},
		ai.Provider{Name: "gemini", Generator: &script{name: "gemini", results: []error{nil}, hang: true}},
		ai.Provider{Name: "offline", Generator: offline.NewGenerator(offline.GeneratorSettings{}), Degraded: true})
	resp, err := chain.Generate(ctx, question())
	if err != nil {
		t.Fatal(err)
	}
	if !resp.Degraded {
		t.Errorf("answered by %q, want the offline provider", resp.Provider)
	}
}

func TestChainProviders(t *testing.T) {
	chain := ai.NewChain(ai.ChainSettings{},
		ai.Provider{Name: "gemini"}, // no key configured
		ai.Provider{Name: "openai", Generator: &script{results: []error{nil}}},
		ai.Provider{Name: "offline", Generator: offline.NewGenerator(offline.GeneratorSettings{}), Degraded: true})
	if got := chain.Providers(); !slices.Equal(got, []string{"openai", "offline"}) {
		t.Errorf("Providers() = %v", got)
	}
}

func background() (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// BenchmarkChainOffline measures what the Chain adds to the offline provider: the chat round
// trip's floor when no paid provider is configured.
func BenchmarkChainOffline(b *testing.B) {
	gen := offline.NewGenerator(offline.GeneratorSettings{})
	chain := ai.NewChain(ai.ChainSettings{Logger: quiet()}, ai.Provider{Name: "offline", Generator: gen, Degraded: true})
	req := question()
	for i := range 8 {
		req.Context = append(req.Context, ai.Passage{ID: "p" + string(rune('a'+i)), Title: "Policy",
			Text: "Developers must deposit off-plan payments into a registered escrow account. Withdrawals follow certified construction progress. Fees are 4% of the price."})
	}
	ctx := context.Background()
	b.Run("direct", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := gen.Generate(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("chain", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := chain.Generate(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
	// overhead isolates the Chain's own cost (timeout context, observation, bookkeeping)
	// with a provider that does nothing.
	noop := ai.GeneratorFunc(func(context.Context, ai.Request) (ai.Response, error) { return ai.Response{Text: "x"}, nil })
	bare := ai.NewChain(ai.ChainSettings{Logger: quiet(), Budget: ai.NewMemoryBudget(1<<62, time.Hour)},
		ai.Provider{Name: "noop", Generator: noop})
	b.Run("overhead", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := bare.Generate(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestChainLogsNoPromptText(t *testing.T) {
	secret := "client Fatima's passport is N1234567"
	failing := ai.GeneratorFunc(func(context.Context, ai.Request) (ai.Response, error) {
		return ai.Response{}, ai.HTTPError("gemini", 400, 0, errors.New("invalid prompt: "+secret))
	})
	tests := []struct {
		name       string
		redact     func(string) string
		wantError  bool
		wantSecret bool
	}{
		{"without a redactor only code and status are logged", nil, false, false},
		{"with a redactor the scrubbed text is logged", func(string) string { return "[scrubbed]" }, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf strings.Builder
			chain := ai.NewChain(ai.ChainSettings{Logger: slog.New(slog.NewTextHandler(&buf, nil)), Redact: tt.redact},
				ai.Provider{Name: "gemini", Generator: failing},
				ai.Provider{Name: "offline", Generator: offline.NewGenerator(offline.GeneratorSettings{}), Degraded: true})
			req := question()
			req.Messages[0].Content = secret
			if _, err := chain.Generate(context.Background(), req); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if !strings.Contains(out, "status=400") || !strings.Contains(out, "code=invalid") {
				t.Errorf("log lacks code and status: %s", out)
			}
			if strings.Contains(out, "N1234567") != tt.wantSecret || strings.Contains(out, "error=") != tt.wantError {
				t.Errorf("log = %s", out)
			}
		})
	}
}
