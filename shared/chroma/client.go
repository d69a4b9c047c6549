// Package chroma is a thin client of Chroma's v2 HTTP API implementing vector.Store.
//
// It speaks plain JSON over net/http rather than using Chroma's Go client, which needs cgo
// (our Lambdas build with CGO_ENABLED=0). Collections are created with cosine space and
// remember their dimensions in their metadata, so that a mismatch is reported before Chroma
// sees it and with the same apperr codes the embedded store uses.
package chroma

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/vector"
)

// TokenHeader names the header that carries Settings.Token.
type TokenHeader string

// The two ways a Chroma server accepts a token.
const (
	HeaderChromaToken   TokenHeader = "X-Chroma-Token" // the token as is
	HeaderAuthorization TokenHeader = "Authorization"  // "Bearer <token>"
)

// Settings configure a Client. Only URL is required.
type Settings struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:8000 (see BaseURL).
	URL string
	// Tenant and Database are created when missing; default_tenant and default_database.
	Tenant   string
	Database string
	// Token, when set, is sent on every request in TokenHeader (default X-Chroma-Token).
	Token       string
	TokenHeader TokenHeader
	// Timeout bounds each request; 10 seconds when zero.
	Timeout time.Duration
	// Retries is how often a request failing with a connection error or 502/503/504 is
	// repeated; 2 when zero, none when negative. Every call here is idempotent.
	Retries int
	// HTTPClient defaults to a client of its own.
	HTTPClient *http.Client
}

// Client is a vector.Store backed by a Chroma server.
type Client struct {
	s    Settings
	base string // .../api/v2/tenants/{t}/databases/{d}
	http *http.Client

	mu       sync.Mutex
	ready    bool // tenant and database exist, limits known
	maxBatch int
	base64   bool
	colls    map[string]collInfo
}

type collInfo struct {
	id   string
	dims int
}

var _ vector.Store = (*Client)(nil)

// New checks the settings; it does no I/O, so a cold start never waits on Chroma.
func New(s Settings) (*Client, error) {
	u, err := url.Parse(s.URL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, apperr.New(apperr.Invalid, "chroma URL %q is not an absolute URL", s.URL)
	}
	if s.Tenant == "" {
		s.Tenant = "default_tenant"
	}
	if s.Database == "" {
		s.Database = "default_database"
	}
	if s.TokenHeader == "" {
		s.TokenHeader = HeaderChromaToken
	}
	if s.TokenHeader != HeaderChromaToken && s.TokenHeader != HeaderAuthorization {
		return nil, apperr.New(apperr.Invalid, "chroma token header %q is neither %s nor %s",
			s.TokenHeader, HeaderChromaToken, HeaderAuthorization)
	}
	if s.Timeout <= 0 {
		s.Timeout = 10 * time.Second
	}
	if s.Retries == 0 {
		s.Retries = 2
	}
	hc := s.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	s.URL = strings.TrimRight(s.URL, "/")
	return &Client{
		s:     s,
		http:  hc,
		base:  s.URL + "/api/v2/tenants/" + url.PathEscape(s.Tenant) + "/databases/" + url.PathEscape(s.Database),
		colls: map[string]collInfo{},
	}, nil
}

// Heartbeat asks the server for its heartbeat.
func (c *Client) Heartbeat(ctx context.Context) error {
	return c.do(ctx, http.MethodGet, c.s.URL+"/api/v2/heartbeat", nil, nil)
}

// chromaError is the body of every Chroma error response.
type chromaError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// statusError keeps the HTTP status of a failed call for the retry decision.
type statusError struct {
	status int
	body   chromaError
}

func (e *statusError) Error() string {
	return fmt.Sprintf("chroma answered %d %s: %s", e.status, e.body.Error, e.body.Message)
}

// do sends one JSON request, retrying transient failures, and decodes the answer into out.
func (c *Client) do(ctx context.Context, method, url string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return apperr.Wrap(err, apperr.Internal, "encoding a chroma request")
		}
	}
	var err error
	for attempt := 0; ; attempt++ {
		err = c.once(ctx, method, url, body, out)
		if err == nil || attempt >= c.s.Retries || !transient(err) || ctx.Err() != nil {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(100<<attempt) * time.Millisecond):
		}
	}
	return mapError(err, method, url)
}

func (c *Client) once(ctx context.Context, method, url string, body []byte, out any) error {
	ctx, cancel := context.WithTimeout(ctx, c.s.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if c.s.Token != "" {
		v := c.s.Token
		if c.s.TokenHeader == HeaderAuthorization {
			v = "Bearer " + v
		}
		req.Header.Set(string(c.s.TokenHeader), v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		se := &statusError{status: resp.StatusCode}
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		if json.Unmarshal(raw, &se.body) != nil {
			se.body.Message = strings.TrimSpace(string(raw))
		}
		return se
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("decoding chroma's answer: %w", err)
	}
	return nil
}

func transient(err error) bool {
	var se *statusError
	if errors.As(err, &se) {
		return se.status == http.StatusBadGateway || se.status == http.StatusServiceUnavailable ||
			se.status == http.StatusGatewayTimeout
	}
	return !strings.HasPrefix(err.Error(), "decoding chroma's answer")
}

// mapError turns a failed call into the apperr vocabulary. Chroma's own message is kept for
// invalid input because it says what was wrong (e.g. the dimensions it expected).
func mapError(err error, method, url string) error {
	if err == nil {
		return nil
	}
	var se *statusError
	if !errors.As(err, &se) {
		return apperr.Wrap(err, apperr.Unavailable, "the vector store (chroma) cannot be reached")
	}
	switch {
	case se.status == http.StatusBadRequest || se.status == http.StatusUnprocessableEntity:
		return apperr.Wrap(err, apperr.Invalid, "the vector store rejected the request: %s", se.body.Message)
	case se.status == http.StatusUnauthorized || se.status == http.StatusForbidden:
		return apperr.Wrap(err, apperr.Unavailable, "the vector store (chroma) rejected our credentials")
	case se.status == http.StatusNotFound:
		return apperr.Wrap(err, apperr.NotFound, "not found in the vector store: %s", se.body.Message)
	case se.status == http.StatusConflict:
		return apperr.Wrap(err, apperr.Conflict, "conflict in the vector store: %s", se.body.Message)
	case se.status == http.StatusTooManyRequests:
		return apperr.Wrap(err, apperr.RateLimited, "the vector store is rate limiting us")
	case se.status >= 500:
		return apperr.Wrap(err, apperr.Unavailable, "the vector store (chroma) failed")
	}
	return apperr.Wrap(err, apperr.Internal, "unexpected answer from chroma to %s %s", method, url)
}
