// Package lambdahttp is the HTTP edge: it turns API Gateway v2 events into net/http requests
// and back, and maps PropertyPro's error vocabulary onto HTTP status codes and RFC 9457
// problem+json bodies, in one table.
package lambdahttp

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/propertypro/propertypro/shared/apperr"
)

// statusOf is the one table from error code to HTTP status.
var statusOf = map[apperr.Code]int{
	apperr.Invalid:            http.StatusUnprocessableEntity,
	apperr.NotFound:           http.StatusNotFound,
	apperr.Conflict:           http.StatusConflict,
	apperr.PreconditionFailed: http.StatusPreconditionFailed,
	apperr.Unauthorized:       http.StatusUnauthorized,
	apperr.Forbidden:          http.StatusForbidden,
	apperr.RateLimited:        http.StatusTooManyRequests,
	apperr.Unavailable:        http.StatusServiceUnavailable,
	apperr.Internal:           http.StatusInternalServerError,
}

// Status returns the HTTP status for an error code.
func Status(c apperr.Code) int {
	if s, ok := statusOf[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// CodeForStatus is the reverse of Status, for errors that arrive as a bare status (a router's
// 404 or 405, a body too large).
func CodeForStatus(status int) apperr.Code {
	for c, s := range statusOf {
		if s == status {
			return c
		}
	}
	switch {
	case status == http.StatusBadRequest || status == http.StatusRequestEntityTooLarge ||
		status == http.StatusUnsupportedMediaType:
		return apperr.Invalid
	case status == http.StatusMethodNotAllowed:
		return apperr.NotFound
	case status >= 500:
		return apperr.Internal
	}
	return apperr.Invalid
}

// Problem is an RFC 9457 problem details body, with PropertyPro's extensions.
type Problem struct {
	Type       string              `json:"type"`
	Title      string              `json:"title"`
	Status     int                 `json:"status"`
	Detail     string              `json:"detail,omitempty"`
	Instance   string              `json:"instance,omitempty"`
	Code       apperr.Code         `json:"code"`
	Errors     []apperr.FieldError `json:"errors,omitempty"`
	ExistingID string              `json:"existing_id,omitempty"`
}

// ProblemFor builds the client-facing problem for err. Internal errors are logged once with
// their cause and answered with a generic message, so details never leak to the client.
func ProblemFor(ctx context.Context, log *slog.Logger, err error, instance string) Problem {
	e := apperr.As(err)
	status := Status(e.Code)
	p := Problem{
		Type:       "https://propertypro.dev/problems/" + string(e.Code),
		Title:      http.StatusText(status),
		Status:     status,
		Detail:     e.Message,
		Instance:   instance,
		Code:       e.Code,
		Errors:     e.Fields,
		ExistingID: e.ExistingID,
	}
	if e.Code == apperr.Internal || e.Code == apperr.Unavailable {
		log.ErrorContext(ctx, "request failed", "code", e.Code, "path", instance, "err", err)
		if e.Code == apperr.Internal {
			p.Detail = "an unexpected error occurred; it has been logged"
		}
	}
	return p
}

// WriteProblem writes err as problem+json, with Retry-After for rate limits.
func WriteProblem(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	p := ProblemFor(r.Context(), log, err, r.URL.Path)
	if e := apperr.As(err); e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds()+0.999)))
	}
	WriteJSON(w, p.Status, "application/problem+json", p)
}

// WriteJSON writes v as JSON with a status and content type.
func WriteJSON(w http.ResponseWriter, status int, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
