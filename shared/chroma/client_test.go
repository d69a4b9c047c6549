package chroma_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/chroma"
	"github.com/propertypro/propertypro/shared/testkit"
	"github.com/propertypro/propertypro/shared/vector"
	"github.com/propertypro/propertypro/shared/vector/vectortest"
)

// serverURL is the Chroma server the tests use: TEST_CHROMA_URL (scripts/chroma.sh starts
// one). Without it, or when it does not answer, the test skips, and fails under
// REQUIRE_SERVICES=1. There is no default address: a test must never write into a server
// that someone else happens to run on a well-known port.
func serverURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("TEST_CHROMA_URL")
	if u == "" {
		testkit.Unavailable(t, "Chroma", errors.New("TEST_CHROMA_URL is not set"))
	}
	c, err := chroma.New(chroma.Settings{URL: u, Retries: -1, Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Heartbeat(context.Background()); err != nil {
		testkit.Unavailable(t, "Chroma", err)
	}
	return u
}

// TestContract runs the vector store contract; each subtest gets a database of its own,
// dropped afterwards, so runs never see each other's collections.
func TestContract(t *testing.T) {
	u := serverURL(t)
	vectortest.Run(t, func(t *testing.T) vector.Store {
		db := "test_" + randomHex()
		c, err := chroma.New(chroma.Settings{URL: u, Database: db})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { dropDatabase(t, u, "default_tenant", db) })
		return c
	})
}

func dropDatabase(t *testing.T, u, tenant, db string) {
	req, _ := http.NewRequest(http.MethodDelete, u+"/api/v2/tenants/"+tenant+"/databases/"+db, nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
}

func randomHex() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
