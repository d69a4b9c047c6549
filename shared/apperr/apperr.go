// Package apperr is the one error vocabulary of PropertyPro.
//
// Domain code says what went wrong (invalid, not_found, ...); only the edge (lambdahttp)
// decides what that means in HTTP. Internal details stay in the wrapped error, which is
// logged and never shown to a client.
package apperr

import (
	"errors"
	"fmt"
	"time"
)

// Code classifies an error for clients and for the HTTP status table at the edge.
type Code string

// The codes. Every error a client sees carries exactly one of them.
const (
	Invalid            Code = "invalid"             // the input breaks a rule (422)
	NotFound           Code = "not_found"           // no such thing, or not visible to the caller (404)
	Conflict           Code = "conflict"            // clashes with existing state, e.g. a duplicate (409)
	PreconditionFailed Code = "precondition_failed" // If-Match names a stale version (412)
	Unauthorized       Code = "unauthorized"        // no valid credentials (401)
	Forbidden          Code = "forbidden"           // authenticated but not allowed (403)
	RateLimited        Code = "rate_limited"        // too many requests; see RetryAfter (429)
	Unavailable        Code = "unavailable"         // a dependency is down; retry later (503)
	Internal           Code = "internal"            // a bug or an unexpected failure (500)
)

// FieldError names one invalid field of a request and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Value   any    `json:"value,omitempty"`
}

// Error is an error with a code, a message safe to show to the client and an optional cause.
type Error struct {
	Code       Code
	Message    string
	Fields     []FieldError
	RetryAfter time.Duration
	// ID of an existing resource a conflict refers to (e.g. the lead a duplicate matches).
	ExistingID string
	Cause      error
}

// Error renders the code, the message and the cause, for logs.
func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Cause)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap exposes the cause to errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Cause }

// New makes an error with a code and a client-safe message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap makes an error with a code and a client-safe message around a cause kept for the logs.
func Wrap(cause error, code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Cause: cause}
}

// Validation reports invalid input field by field.
func Validation(fields ...FieldError) *Error {
	return &Error{Code: Invalid, Message: "the request has invalid fields", Fields: fields}
}

// CodeOf returns the code of the first *Error in err's chain, Internal for any other error,
// and "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns err's *Error, or an Internal one wrapping err when it carries no code.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: Internal, Message: "an unexpected error occurred", Cause: err}
}
