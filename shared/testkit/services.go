// Package testkit gives tests the real parts they run against (Postgres, emulators, servers)
// and one rule for when a part is missing: skip on a developer machine, fail in CI.
package testkit

import (
	"os"
	"testing"
)

// ServicesRequired reports whether CI asked for every service to be present (REQUIRE_SERVICES=1).
func ServicesRequired() bool { return os.Getenv("REQUIRE_SERVICES") == "1" }

// Unavailable ends a test that needs a service it cannot reach: it fails when
// REQUIRE_SERVICES=1 (CI) and otherwise skips, saying which service and why.
func Unavailable(t testing.TB, service string, err error) {
	t.Helper()
	if ServicesRequired() {
		t.Fatalf("%s is required (REQUIRE_SERVICES=1) but unavailable: %v", service, err)
	}
	t.Skipf("skipping: %s unavailable (%v); set REQUIRE_SERVICES=1 to make this a failure", service, err)
}
