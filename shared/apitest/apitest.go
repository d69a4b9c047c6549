// Package apitest drives the whole HTTP API in process for tests: every HTTP function of the
// manifest mounted as the local runner mounts it, over a fresh migrated schema, with helpers
// to create brokerages and users and to call routes as them.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/api"
	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/identity"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/runner"
	"github.com/propertypro/propertypro/shared/testkit"
)

// Password is the password of every user the helpers create.
const Password = "correct horse battery staple"

// API is the platform under test.
type API struct {
	t       testing.TB
	DB      *pgxpool.Pool
	Config  config.Config
	Handler http.Handler
	ids     *identity.Service
}

// New starts the API over a fresh schema. Optional tweaks adjust the configuration first.
func New(t testing.TB, tweaks ...func(*config.Config)) *API {
	t.Helper()
	cfg, err := config.FromLookup(func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Env, cfg.LocalDir = "test", t.TempDir()
	cfg.JWTSecret, cfg.SecretKey = strings.Repeat("k", 32), "test-secret-key"
	cfg.RateLimitPerMin = 100000
	for _, tw := range tweaks {
		tw(&cfg)
	}
	db := testkit.DB(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p, err := runner.New(context.Background(), cfg, log, &runner.Database{Pool: db})
	if err != nil {
		t.Fatal(err)
	}
	return &API{t: t, DB: db, Config: cfg, Handler: p.Handler(),
		ids: api.IdentityService(&platform.Boot{Config: cfg, Log: log, DB: db})}
}

// User is a created user with a valid access token.
type User struct {
	identity.User
	Token string
}

// Brokerage creates a brokerage with its first admin.
func (a *API) Brokerage(name string) User {
	a.t.Helper()
	u, err := a.ids.Bootstrap(context.Background(), name, identity.NewUser{
		Email: "admin@" + slug(name) + ".ae", Password: Password, Role: access.Admin, FullName: name + " Admin"})
	if err != nil {
		a.t.Fatalf("creating brokerage %s: %v", name, err)
	}
	return a.signIn(u)
}

// User creates a user in admin's brokerage; managerID may be "".
func (a *API) User(admin User, email string, role access.Role, managerID string) User {
	a.t.Helper()
	actor := access.Actor{UserID: admin.ID, BrokerageID: admin.BrokerageID, Role: access.Admin}
	u, err := a.ids.CreateUser(context.Background(), actor, identity.NewUser{Email: email, Password: Password,
		Role: role, ManagerID: managerID, FullName: email})
	if err != nil {
		a.t.Fatalf("creating user %s: %v", email, err)
	}
	return a.signIn(u)
}

func (a *API) signIn(u identity.User) User {
	pair, err := a.ids.Login(context.Background(), u.Email, Password, "127.0.0.1")
	if err != nil {
		a.t.Fatalf("signing in %s: %v", u.Email, err)
	}
	return User{User: u, Token: pair.AccessToken}
}

// Response is a recorded response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test when it is not JSON.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("response is not JSON (%v): %s", err, r.Body)
	}
}

// Map decodes the body as a JSON object.
func (r Response) Map(t testing.TB) map[string]any {
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// Do calls method path as user (zero User: anonymous) with body (nil, []byte, string or a
// value marshalled to JSON) and extra headers given as "Name: value".
func (a *API) Do(as User, method, path string, body any, headers ...string) Response {
	a.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		js, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = bytes.NewReader(js)
	}
	req := httptest.NewRequest(method, path, rd)
	req.RemoteAddr = "198.51.100.7:40000"
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if as.Token != "" {
		req.Header.Set("Authorization", "Bearer "+as.Token)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	rec := httptest.NewRecorder()
	a.Handler.ServeHTTP(rec, req)
	return Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// Expect fails the test unless the response has the status.
func (r Response) Expect(t testing.TB, status int) Response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	return r
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
