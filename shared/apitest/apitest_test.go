package apitest_test

import (
	"strings"
	"testing"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apitest"
)

// The identity routes end to end, and the rules that hold on every route.
func TestIdentityRoutes(t *testing.T) {
	a := apitest.New(t)
	admin := a.Brokerage("Marina Crest")
	other := a.Brokerage("Palm Horizon")

	a.Do(apitest.User{}, "GET", "/v1/me", nil).Expect(t, 401)
	me := a.Do(admin, "GET", "/v1/me", nil).Expect(t, 200)
	if me.Header.Get("ETag") == "" || strings.Contains(string(me.Body), "argon2") {
		t.Fatalf("me: %v %s", me.Header, me.Body)
	}
	created := a.Do(admin, "POST", "/v1/users", map[string]any{"email": "agent@crest.ae", "password": "a-long-password",
		"role": "agent", "brn": "BRN-1"}).Expect(t, 201).Map(t)
	a.Do(admin, "POST", "/v1/users", map[string]any{"email": "agent@crest.ae", "password": "a-long-password",
		"role": "agent"}).Expect(t, 409)
	bad := a.Do(admin, "POST", "/v1/users", map[string]any{"email": "x", "password": "short", "role": "boss", "extra": 1}).Expect(t, 422)
	if bad.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(string(bad.Body), `"field"`) {
		t.Fatalf("422: %v %s", bad.Header, bad.Body)
	}
	id := created["id"].(string)
	a.Do(other, "GET", "/v1/users/"+id, nil).Expect(t, 404)
	a.Do(other, "PATCH", "/v1/users/"+id, map[string]any{"role": "admin"}).Expect(t, 404)
	a.Do(admin, "PATCH", "/v1/users/"+id, map[string]any{"role": "manager"}, `If-Match: "7"`).Expect(t, 412)
	a.Do(admin, "PATCH", "/v1/users/"+id, map[string]any{"role": "manager"}, `If-Match: "1"`).Expect(t, 200)

	agent := a.User(admin, "second@crest.ae", access.Agent, "")
	a.Do(agent, "POST", "/v1/users", map[string]any{"email": "x@crest.ae", "password": "a-long-password", "role": "admin"}).Expect(t, 403)

	// Login: right password, then the lock after repeated failures, answered 429 with Retry-After.
	login := a.Do(apitest.User{}, "POST", "/v1/auth/login", map[string]any{"email": "second@crest.ae", "password": apitest.Password}).Expect(t, 200).Map(t)
	refreshed := a.Do(apitest.User{}, "POST", "/v1/auth/refresh", map[string]any{"refresh_token": login["refresh_token"]}).Expect(t, 200).Map(t)
	a.Do(apitest.User{}, "POST", "/v1/auth/refresh", map[string]any{"refresh_token": login["refresh_token"]}).Expect(t, 401)
	a.Do(apitest.User{}, "POST", "/v1/auth/refresh", map[string]any{"refresh_token": refreshed["refresh_token"]}).Expect(t, 401)
	for range a.Config.RateLimitLogins {
		a.Do(apitest.User{}, "POST", "/v1/auth/login", map[string]any{"email": "second@crest.ae", "password": "wrong-password"}).Expect(t, 401)
	}
	locked := a.Do(apitest.User{}, "POST", "/v1/auth/login", map[string]any{"email": "second@crest.ae", "password": apitest.Password}).Expect(t, 429)
	if locked.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	a.Do(apitest.User{}, "POST", "/v1/auth/login", `{"email":"a\u0000@b.ae","password":"x"}`).Expect(t, 422)
	a.Do(agent, "GET", "/v1/users?role=%00", nil).Expect(t, 422)
	a.Do(agent, "POST", "/v1/auth/logout", nil).Expect(t, 204)
	a.Do(agent, "GET", "/v1/me", nil).Expect(t, 401)
}
