package api_test

import (
	"net/http"
	"testing"

	"github.com/propertypro/propertypro/shared/apitest"
	"github.com/propertypro/propertypro/shared/metrics"
)

// The middleware counts requests and errors by route pattern (never the raw path), and a 401
// from the login route counts as a failed login.
func TestRequestMetricsByRoute(t *testing.T) {
	a := apitest.New(t)
	route := "POST /v1/auth/login"
	before := metrics.Default.Value(metrics.LoginFailures)
	beforeErr := metrics.Default.Value(metrics.APIErrors, "route", route, "class", "4xx")
	a.Do(apitest.User{}, "POST", "/v1/auth/login", map[string]string{
		"email": "nobody@example.ae", "password": "wrong-password-1"}).Expect(t, http.StatusUnauthorized)
	a.Do(apitest.User{}, "GET", "/v1/no-such-thing", nil).Expect(t, http.StatusNotFound)
	if got := metrics.Default.Value(metrics.LoginFailures); got != before+1 {
		t.Errorf("login failures = %v, want %v", got, before+1)
	}
	if got := metrics.Default.Value(metrics.APIErrors, "route", route, "class", "4xx"); got != beforeErr+1 {
		t.Errorf("4xx errors of %s = %v, want %v", route, got, beforeErr+1)
	}
	if metrics.Default.Value(metrics.APILatency, "route", route) < 1 {
		t.Error("login latency not observed")
	}
	if metrics.Default.Value(metrics.APIRequests, "route", "unmatched", "status", "404") < 1 {
		t.Error("unmatched request not counted under one series")
	}
}
