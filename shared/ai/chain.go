package ai

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/propertypro/propertypro/shared/apperr"
)

// Provider is one link of a Chain.
type Provider struct {
	Name      string
	Generator Generator
	// Degraded marks the offline extractive provider: its answers are flagged degraded, it
	// costs nothing (so a spent budget never skips it) and it is never retried, since a
	// deterministic provider that failed once fails again.
	Degraded bool
}

// ChainSettings tune a Chain; zero values take the defaults in brackets.
type ChainSettings struct {
	// AttemptTimeout bounds one call to one provider [10s].
	AttemptTimeout time.Duration
	// MaxAttempts is the number of calls per paid provider, retries included [2].
	MaxAttempts int
	// BaseBackoff is the wait before the first retry, doubled for each further one [250ms].
	BaseBackoff time.Duration
	// MaxRetryWait caps any wait before a retry, Retry-After included [2s]. A provider that
	// asks for a longer pause is left alone and the next provider answers instead, because
	// a person is waiting for the answer.
	MaxRetryWait time.Duration
	// FallbackReserve is kept back from the caller's deadline for the degraded provider, so
	// that a slow paid provider cannot eat the time the offline answer needs [200ms].
	FallbackReserve time.Duration
	// Budget caps paid providers per brokerage; nil means no cap. When Reserve fails the
	// paid providers are skipped and a degraded provider answers.
	Budget Budget
	// Logger receives one line per failed attempt, without prompt text [slog.Default()].
	Logger *slog.Logger
	// Redact scrubs an error's text before it is logged (logging.RedactString); when nil
	// only the error's code and HTTP status are logged, since a provider's message may
	// quote the prompt.
	Redact func(string) string
	// Observe, when set, is called for every attempt and skip: the governance log's feed.
	Observe func(ctx context.Context, a Attempt)
	// Sleep waits between retries [a timer that stops early when ctx ends]; tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Attempt is one call (or skip) of one provider, reported to ChainSettings.Observe.
type Attempt struct {
	Provider     string
	Model        string
	Template     string
	BrokerageID  string
	Try          int // 1 for the first call to this provider
	Latency      time.Duration
	InputTokens  int
	OutputTokens int
	Err          error
	// Skipped says why the provider was not called ("budget", "deadline"); "" when it was.
	Skipped string
}

// Chain is a Generator that asks providers in order (Gemini, then OpenAI, then offline) and
// returns the first answer, retrying retryable failures with backoff and falling back on
// every other failure.
type Chain struct {
	providers []Provider
	s         ChainSettings
}

// NewChain returns a chain over providers, in order; providers without a Generator (an
// unconfigured key) are left out.
func NewChain(s ChainSettings, providers ...Provider) *Chain {
	s = s.withDefaults()
	c := &Chain{s: s}
	for _, p := range providers {
		if p.Generator != nil {
			c.providers = append(c.providers, p)
		}
	}
	return c
}

func (s ChainSettings) withDefaults() ChainSettings {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&s.AttemptTimeout, 10*time.Second)
	def(&s.BaseBackoff, 250*time.Millisecond)
	def(&s.MaxRetryWait, 2*time.Second)
	def(&s.FallbackReserve, 200*time.Millisecond)
	if s.MaxAttempts <= 0 {
		s.MaxAttempts = 2
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if s.Sleep == nil {
		s.Sleep = sleep
	}
	return s
}

// Providers returns the names of the providers, in the order they are tried.
func (c *Chain) Providers() []string {
	names := make([]string, len(c.providers))
	for i, p := range c.providers {
		names[i] = p.Name
	}
	return names
}

// Generate implements Generator. Response.Provider names who answered and Response.Degraded
// is true when a degraded provider did. The error of the last provider tried is returned
// when none answered, and the context's error (as unavailable) when the caller gave up.
func (c *Chain) Generate(ctx context.Context, req Request) (Response, error) {
	if len(req.Messages) == 0 {
		return Response{}, apperr.New(apperr.Invalid, "the request has no message")
	}
	var lastErr error
	budgetSpent := false
	for _, p := range c.providers {
		if !p.Degraded && budgetSpent {
			continue
		}
		var resp Response
		var err error
		if p.Degraded {
			resp, err = c.tryProvider(ctx, p, req)
		} else {
			resp, budgetSpent, err = c.tryPaid(ctx, p, req)
		}
		if err == nil {
			return resp, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			return Response{}, apperr.Wrap(ctx.Err(), apperr.Unavailable, "the answer took too long")
		}
	}
	if lastErr == nil {
		lastErr = apperr.New(apperr.Unavailable, "no AI provider is configured")
	}
	return Response{}, lastErr
}

// tryPaid reserves the call's tokens, calls the provider and settles the reservation with
// what was used. refused is true when the budget would not allow the call.
func (c *Chain) tryPaid(ctx context.Context, p Provider, req Request) (resp Response, refused bool, err error) {
	reserved, err := c.reserve(ctx, req)
	if err != nil {
		c.observe(ctx, Attempt{Provider: p.Name, Template: req.Template, BrokerageID: req.BrokerageID, Skipped: "budget", Err: err})
		return Response{}, true, err
	}
	resp, err = c.tryProvider(ctx, p, req)
	used := 0
	if err == nil {
		used = resp.InputTokens + resp.OutputTokens
	}
	c.settle(ctx, req, reserved, used)
	return resp, false, err
}

// reserve sets aside the tokens one paid call may use: the prompt and the longest answer.
// It reserves nothing when there is no budget.
func (c *Chain) reserve(ctx context.Context, req Request) (int, error) {
	if c.s.Budget == nil {
		return 0, nil
	}
	out := req.MaxTokens
	if out <= 0 {
		out = 1024
	}
	n := EstimateInputTokens(req) + out
	if err := c.s.Budget.Reserve(ctx, req.BrokerageID, n); err != nil {
		return 0, err
	}
	return n, nil
}

// settle releases a reservation and charges what the call used; it survives a cancelled
// request, since the tokens were spent all the same.
func (c *Chain) settle(ctx context.Context, req Request, reserved, used int) {
	if c.s.Budget == nil {
		return
	}
	if err := c.s.Budget.Record(context.WithoutCancel(ctx), req.BrokerageID, reserved, used); err != nil {
		c.s.Logger.WarnContext(ctx, "ai budget record failed", "brokerage_id", req.BrokerageID, "code", string(apperr.CodeOf(err)))
	}
}

// tryProvider calls one provider until it answers, fails for good or runs out of attempts.
func (c *Chain) tryProvider(ctx context.Context, p Provider, req Request) (Response, error) {
	attempts := c.s.MaxAttempts
	if p.Degraded {
		attempts = 1
	}
	var err error
	for try := 1; try <= attempts; try++ {
		var resp Response
		resp, err = c.call(ctx, p, req, try)
		if err == nil {
			resp.Degraded = p.Degraded
			return resp, nil
		}
		if ctx.Err() != nil || try == attempts {
			return Response{}, err
		}
		retry, after := Retryable(err)
		if !retry {
			return Response{}, err
		}
		wait := after
		if wait <= 0 {
			wait = c.backoff(try)
		}
		if wait > c.s.MaxRetryWait || !c.fits(ctx, wait) {
			return Response{}, err
		}
		if serr := c.s.Sleep(ctx, wait); serr != nil {
			return Response{}, err
		}
	}
	return Response{}, err
}

// call makes one attempt under its own timeout and reports it.
func (c *Chain) call(ctx context.Context, p Provider, req Request, try int) (Response, error) {
	timeout := c.s.AttemptTimeout
	if !p.Degraded {
		left, ok := c.timeLeft(ctx)
		if ok && left <= 0 {
			err := apperr.New(apperr.Unavailable, "no time left to ask the %s AI provider", p.Name)
			c.observe(ctx, Attempt{Provider: p.Name, Template: req.Template, BrokerageID: req.BrokerageID, Try: try, Skipped: "deadline", Err: err})
			return Response{}, err
		}
		if ok {
			timeout = min(timeout, left)
		}
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	resp, err := p.Generator.Generate(actx, req)
	latency := time.Since(start)
	if err == nil {
		if resp.Provider == "" {
			resp.Provider = p.Name
		}
		if resp.Latency == 0 {
			resp.Latency = latency
		}
	}
	a := Attempt{Provider: p.Name, Model: resp.Model, Template: req.Template, BrokerageID: req.BrokerageID, Try: try,
		Latency: latency, InputTokens: resp.InputTokens, OutputTokens: resp.OutputTokens, Err: err}
	c.observe(ctx, a)
	if err != nil {
		c.logFailure(ctx, p, req, try, latency, err)
	}
	return resp, err
}

func (c *Chain) logFailure(ctx context.Context, p Provider, req Request, try int, latency time.Duration, err error) {
	attrs := []any{"provider", p.Name, "template", req.Template, "try", try,
		"code", string(apperr.CodeOf(err)), "latency_ms", latency.Milliseconds()}
	var pe *ProviderError
	if errors.As(err, &pe) && pe.Status != 0 {
		attrs = append(attrs, "status", pe.Status)
	}
	if c.s.Redact != nil {
		attrs = append(attrs, "error", c.s.Redact(err.Error()))
	}
	c.s.Logger.WarnContext(ctx, "ai provider failed", attrs...)
}

// timeLeft is what the caller's deadline leaves a paid provider after the fallback reserve.
func (c *Chain) timeLeft(ctx context.Context) (time.Duration, bool) {
	dl, ok := ctx.Deadline()
	if !ok {
		return 0, false
	}
	return time.Until(dl) - c.s.FallbackReserve, true
}

// fits reports whether a wait followed by a useful attempt fits before the caller's deadline.
func (c *Chain) fits(ctx context.Context, wait time.Duration) bool {
	left, ok := c.timeLeft(ctx)
	return !ok || left > wait
}

// backoff doubles BaseBackoff per retry with up to 25% jitter, so that many Lambdas hit by
// the same outage do not retry in step.
func (c *Chain) backoff(try int) time.Duration {
	d := c.s.BaseBackoff << (try - 1)
	return d + time.Duration(rand.Int64N(int64(d)/4+1)) // #nosec G404 -- retry jitter, not a secret
}

func (c *Chain) observe(ctx context.Context, a Attempt) {
	if c.s.Observe != nil {
		c.s.Observe(ctx, a)
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
