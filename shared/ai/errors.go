package ai

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/propertypro/propertypro/shared/apperr"
)

// ProviderError describes a failed call to a provider, for the Chain's retry decision and for
// logs. Adapters wrap it in an *apperr.Error (see HTTPError and TransportError) so callers
// see the usual error vocabulary.
type ProviderError struct {
	Provider string
	// Status is the HTTP status the provider answered, 0 when no answer arrived.
	Status int
	// Retryable is true when the same call may succeed later: 429, 5xx, timeouts and
	// broken connections.
	Retryable bool
	// RetryAfter is how long the provider asked us to wait, 0 when it did not say.
	RetryAfter time.Duration
	Err        error
}

// Error names the provider, the status and the cause.
func (e *ProviderError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("%s: HTTP %d: %v", e.Provider, e.Status, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Provider, e.Err)
}

// Unwrap exposes the cause.
func (e *ProviderError) Unwrap() error { return e.Err }

// HTTPError classifies a provider's HTTP error status into the error vocabulary:
// 429 is rate_limited and retryable; 408 and 5xx are unavailable and retryable; 401 and 403
// are unavailable but final (our key is wrong, not the caller's request); other 4xx are
// invalid and final.
func HTTPError(provider string, status int, retryAfter time.Duration, cause error) *apperr.Error {
	pe := &ProviderError{Provider: provider, Status: status, RetryAfter: retryAfter, Err: cause}
	var e *apperr.Error
	switch {
	case status == 429:
		pe.Retryable = true
		e = apperr.Wrap(pe, apperr.RateLimited, "the %s AI provider is rate limiting us", provider)
		e.RetryAfter = retryAfter
	case status == 408 || status >= 500:
		pe.Retryable = true
		e = apperr.Wrap(pe, apperr.Unavailable, "the %s AI provider is unavailable", provider)
		e.RetryAfter = retryAfter
	case status == 401 || status == 403:
		e = apperr.Wrap(pe, apperr.Unavailable, "the %s AI provider rejected our credentials", provider)
	default:
		e = apperr.Wrap(pe, apperr.Invalid, "the %s AI provider refused the request", provider)
	}
	return e
}

// TransportError classifies a failure that produced no HTTP answer. Timeouts and network
// errors are unavailable and retryable; a cancelled context is unavailable and final;
// anything else (an unreadable response, say) is unavailable and final, since repeating
// the call would most likely read the same thing.
func TransportError(provider string, err error) *apperr.Error {
	pe := &ProviderError{Provider: provider, Err: err}
	var netErr net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return apperr.Wrap(pe, apperr.Unavailable, "the call to the %s AI provider was cancelled", provider)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr):
		pe.Retryable = true
		return apperr.Wrap(pe, apperr.Unavailable, "the %s AI provider did not answer in time", provider)
	default:
		return apperr.Wrap(pe, apperr.Unavailable, "the call to the %s AI provider failed", provider)
	}
}

// InvalidResponse reports an answer that arrived but cannot be used (no text, blocked by the
// provider's safety filter, wrong number of vectors). It is final: the Chain falls back.
func InvalidResponse(provider, format string, args ...any) *apperr.Error {
	pe := &ProviderError{Provider: provider, Err: fmt.Errorf(format, args...)}
	return apperr.Wrap(pe, apperr.Unavailable, "the %s AI provider gave an unusable answer", provider)
}

// Retryable reports whether the call that failed with err may be repeated, and how long
// the provider asked to wait first (0 when it did not say).
func Retryable(err error) (bool, time.Duration) {
	var pe *ProviderError
	if errors.As(err, &pe) {
		return pe.Retryable, pe.RetryAfter
	}
	return errors.Is(err, context.DeadlineExceeded), 0
}

// ParseRetryAfter reads a Retry-After header: delay-seconds (fractions allowed, as some
// providers send them) or an HTTP date. It returns 0 for an empty or unreadable value.
func ParseRetryAfter(value string, now time.Time) time.Duration {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(value, 64); err == nil {
		if secs <= 0 || secs > 24*3600 {
			return 0
		}
		return time.Duration(secs * float64(time.Second))
	}
	for _, layout := range httpDateLayouts {
		if t, err := time.Parse(layout, value); err == nil {
			if t.After(now) {
				return t.Sub(now)
			}
			return 0
		}
	}
	return 0
}

// httpDateLayouts are the date formats HTTP allows (RFC 9110), spelled out so that this
// port package need not import net/http.
var httpDateLayouts = []string{
	"Mon, 02 Jan 2006 15:04:05 GMT",
	"Monday, 02-Jan-06 15:04:05 GMT",
	"Mon Jan _2 15:04:05 2006",
}
