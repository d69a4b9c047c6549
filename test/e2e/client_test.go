package e2e_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/propertypro/propertypro/shared/apitest"
)

// client calls the API either in process (apitest) or, when E2E_BASE_URL is set, over HTTP
// against a running platform (`make run`), so one scenario checks both.
type client struct {
	t       *testing.T
	base    string       // E2E_BASE_URL, or "" in process
	handler http.Handler // in process
	seen    []string     // every response body, to check what must never appear
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) m(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("not a JSON object (%v): %s", err, r.body)
	}
	return v
}

func (r resp) want(t *testing.T, status int) resp {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	return r
}

func newClient(t *testing.T) (*client, *apitest.API) {
	if base := os.Getenv("E2E_BASE_URL"); base != "" {
		return &client{t: t, base: strings.TrimSuffix(base, "/")}, nil
	}
	a := apitest.New(t)
	return &client{t: t, handler: a.Handler}, a
}

func (c *client) do(token, method, path string, body any, headers ...string) resp {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, rd)
	if c.base != "" {
		var err error
		if req, err = http.NewRequest(method, c.base+path, rd); err != nil {
			c.t.Fatal(err)
		}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	var r resp
	if c.base == "" {
		rec := httptest.NewRecorder()
		c.handler.ServeHTTP(rec, req)
		r = resp{rec.Code, rec.Header(), rec.Body.Bytes()}
	} else {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			c.t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		r = resp{res.StatusCode, res.Header, b}
	}
	c.seen = append(c.seen, string(r.body))
	return r
}

// login signs in through the API and returns the access token.
func (c *client) login(email, password string) string {
	c.t.Helper()
	r := c.do("", "POST", "/v1/auth/login", map[string]string{"email": email, "password": password}).want(c.t, 200)
	return r.m(c.t)["access_token"].(string)
}
