package knowledgeapi_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apitest"
	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/knowledgewire"
	"github.com/propertypro/propertypro/shared/lambdasqs"
	"github.com/propertypro/propertypro/shared/objects"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/runner"
	"github.com/propertypro/propertypro/shared/testkit"
)

// fixtureQuestions asks about each document kind the seed documents come in (the fixtures
// under knowledgewire/testdata/documents are our own, written by its gen.go); each question
// is answered only by its file.
var fixtureQuestions = []struct{ file, question string }{
	{"company_policies.txt", "How quickly must we reply to a new portal enquiry?"},
	{"company_policies.docx", "What referral fee does an agent get for referring a client to a partner brokerage?"},
	{"legal_guidelines.pdf", "How much notice does a landlord need to evict for personal use?"},
	{"market_report.docx", "What is the average price per sq ft in Town Square?"},
	{"property_brochure.pdf", "How much is the sky villa in Dubai Creek Harbour?"},
}

// uploadAndProcess registers a document through the API, PUTs its bytes to the presigned
// URL and delivers the S3 notification to task-process-document, as production does.
func uploadAndProcess(t *testing.T, a *apitest.API, u apitest.User, name string, data []byte) string {
	t.Helper()
	created := a.Do(u, "POST", "/v1/documents", map[string]any{"filename": name}).Expect(t, 201).Map(t)
	put, err := url.Parse(created["upload_url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	a.Do(apitest.User{}, "PUT", put.RequestURI(), string(data)).Expect(t, 200)
	fn, _ := functions.Lookup("task-process-document")
	b := &platform.Boot{Fn: fn, Config: a.Config, DB: a.DB, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Objects: objects.Dir{Root: runner.DropsDir(a.Config.LocalDir), MaxSize: a.Config.MaxFileSize}}
	h, err := knowledgewire.ProcessDocument(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Task(context.Background(), lambdasqs.Message{ID: name, Body: s3Event("documents", created["object_key"].(string))}); err != nil {
		t.Fatal(err)
	}
	id := created["id"].(string)
	if doc := a.Do(u, "GET", "/v1/documents/"+id, nil).Expect(t, 200).Map(t); doc["status"] != "ready" {
		t.Fatalf("%s: %v", name, doc)
	}
	return id
}

// askCites asks a question through the API and checks that a document citation names id.
func askCites(t *testing.T, a *apitest.API, u apitest.User, question, id string) map[string]any {
	t.Helper()
	ans := a.Do(u, "POST", "/v1/assistant/chat", map[string]any{"message": question}).Expect(t, 200).Map(t)
	cites, _ := ans["citations"].([]any)
	for _, c := range cites {
		if m := c.(map[string]any); m["kind"] == "document" && m["id"] == id {
			return ans
		}
	}
	t.Errorf("%q: citations %v do not name document %s\n%s", question, cites, id, ans["answer"])
	return ans
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "knowledgewire", "testdata", "documents", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestEachDocumentKindIsFound uploads one document of every kind and asks about each, with
// the embedded store and, when TEST_CHROMA_URL names one, a real Chroma server.
func TestEachDocumentKindIsFound(t *testing.T) {
	for name, tweak := range vectorStoreTweaks(t) {
		t.Run(name, func(t *testing.T) {
			a := apitest.New(t, tweak)
			admin := a.Brokerage("Creek Realty")
			agent := a.User(admin, "noor@creek.ae", access.Agent, "")
			ids := map[string]string{}
			for _, f := range fixtureQuestions {
				ids[f.file] = uploadAndProcess(t, a, agent, f.file, fixture(t, f.file))
			}
			for _, f := range fixtureQuestions {
				t.Run(f.file, func(t *testing.T) {
					ans := askCites(t, a, agent, f.question, ids[f.file])
					if ans["retrieval"] != "hybrid" {
						t.Errorf("retrieval %v, want hybrid with a working vector store", ans["retrieval"])
					}
				})
			}
		})
	}
}

// TestVectorStoreDown points the platform at a Chroma that is not there: documents still
// become searchable, answers come from full text and cite their source, and /health/ready
// reports the vector store degraded while staying ready.
func TestVectorStoreDown(t *testing.T) {
	closed := freePort(t)
	a := apitest.New(t, func(c *config.Config) { c.ChromaHost, c.ChromaPort = "127.0.0.1", closed })
	admin := a.Brokerage("Offline Realty")
	agent := a.User(admin, "zayed@offline.ae", access.Agent, "")
	id := uploadAndProcess(t, a, agent, "legal_guidelines.pdf", fixture(t, "legal_guidelines.pdf"))
	ans := askCites(t, a, agent, "How much notice does a landlord need to evict for personal use?", id)
	if ans["retrieval"] != "fulltext" {
		t.Errorf("retrieval %v, want fulltext", ans["retrieval"])
	}
	ready := a.Do(apitest.User{}, "GET", "/health/ready", nil).Expect(t, 200).Map(t)
	if ready["status"] != "degraded" {
		t.Errorf("readiness %v, want degraded", ready)
	}
	for _, c := range ready["checks"].([]any) {
		m := c.(map[string]any)
		if m["name"] == "vector_store" && (m["status"] != "degraded" || !strings.Contains(m["error"].(string), "full-text")) {
			t.Errorf("vector store check %v, want degraded with full-text retrieval", m)
		}
	}
}

// vectorStoreTweaks configure the platform for each vector store under test: the embedded
// store and, when TEST_CHROMA_URL names one (required under REQUIRE_SERVICES=1), Chroma.
func vectorStoreTweaks(t *testing.T) map[string]func(*config.Config) {
	stores := map[string]func(*config.Config){"embedded": func(*config.Config) {}}
	if u := os.Getenv("TEST_CHROMA_URL"); u != "" || testkit.ServicesRequired() {
		stores["chroma"] = func(c *config.Config) {
			parsed, err := url.Parse(u)
			if err != nil || u == "" {
				t.Fatalf("TEST_CHROMA_URL %q is required (REQUIRE_SERVICES=1) and must be a URL", u)
			}
			c.ChromaHost, c.ChromaPort = parsed.Hostname(), port(t, parsed.Port())
		}
	}
	return stores
}

// freePort returns a loopback port nothing listens on.
func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return p
}

func port(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(fmt.Errorf("TEST_CHROMA_URL needs a port: %w", err))
	}
	return n
}
