package runner_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/api"
	"github.com/propertypro/propertypro/shared/identity"
	"github.com/propertypro/propertypro/shared/objects"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/runner"
	"github.com/propertypro/propertypro/shared/telemetry"
	"github.com/propertypro/propertypro/shared/testkit"
)

// printedSpan is one span as the stdout exporter prints it.
type printedSpan struct {
	Name        string
	SpanContext struct{ TraceID, SpanID string }
	Parent      struct{ TraceID, SpanID string }
}

func readSpans(t *testing.T, printed string) []printedSpan {
	t.Helper()
	var out []printedSpan
	dec := json.NewDecoder(bufio.NewReader(strings.NewReader(printed)))
	for dec.More() {
		var s printedSpan
		if err := dec.Decode(&s); err != nil {
			t.Fatalf("printed span: %v", err)
		}
		out = append(out, s)
	}
	return out
}

// traceOf returns the spans of the trace of the first span named root, by name, and checks
// that each of hops exists in that trace and has the previous hop among its ancestors: the
// trace is one chain root → hops[0] → hops[1] → ….
func traceOf(t *testing.T, spans []printedSpan, root string, hops ...string) {
	t.Helper()
	byID := map[string]printedSpan{}
	var top printedSpan
	for _, s := range spans {
		byID[s.SpanContext.SpanID] = s
		if s.Name == root && top.Name == "" {
			top = s
		}
	}
	if top.Name == "" {
		t.Fatalf("no printed span %q", root)
	}
	trace := top.SpanContext.TraceID
	ancestor := top
	for _, hop := range hops {
		found := false
		for _, s := range spans {
			if s.Name != hop || s.SpanContext.TraceID != trace {
				continue
			}
			for p := s; p.Parent.SpanID != ""; {
				var ok bool
				if p, ok = byID[p.Parent.SpanID]; !ok {
					break
				}
				if p.SpanContext.SpanID == ancestor.SpanContext.SpanID {
					found, ancestor = true, s
					break
				}
			}
			if found {
				break
			}
		}
		if !found {
			var names []string
			for _, s := range spans {
				if s.SpanContext.TraceID == trace {
					names = append(names, s.Name)
				}
			}
			t.Fatalf("trace %s (%s) has no %q below %q; its spans: %v", trace, root, hop, ancestor.Name, names)
		}
	}
}

// client calls the platform as one signed-in user.
type client struct {
	t     *testing.T
	base  string
	token string
}

func (c client) do(method, path string, body any, want int) map[string]any {
	c.t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, c.base+path, bytes.NewReader(raw))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		c.t.Fatalf("%s %s: %d (want %d): %s", method, path, resp.StatusCode, want, out)
	}
	var m map[string]any
	json.Unmarshal(out, &m)
	return m
}

// upload PUTs data to a presigned URL of the platform at base.
func (c client) upload(uploadURL string, data []byte) {
	c.t.Helper()
	u, err := url.Parse(uploadURL)
	if err != nil {
		c.t.Fatal(err)
	}
	b, _ := url.Parse(c.base) // the URL names the configured port; the test server has its own
	u.Scheme, u.Host = b.Scheme, b.Host
	req, _ := http.NewRequest(http.MethodPut, u.String(), bytes.NewReader(data))
	req.Header.Set("Content-Type", "text/plain")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		c.t.Fatalf("upload: %v %v", resp, err)
	}
	resp.Body.Close()
}

func signIn(t *testing.T, b *platform.Boot, brokerage string) string {
	t.Helper()
	ids := api.IdentityService(b)
	email := "admin@" + strings.ToLower(strings.Fields(brokerage)[0]) + ".ae"
	if _, err := ids.Bootstrap(context.Background(), brokerage, identity.NewUser{Email: email,
		Password: "correct horse battery staple", Role: access.Admin, FullName: brokerage + " Admin"}); err != nil {
		t.Fatal(err)
	}
	pair, err := ids.Login(context.Background(), email, "correct horse battery staple", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return pair.AccessToken
}

// counter reads one sample of a Prometheus text scrape; an absent sample is 0.
func counter(scrape, sample string) float64 {
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(sample) + ` (\S+)$`).FindStringSubmatch(scrape)
	if m == nil {
		return 0
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

const marinaGate = "Marina Gate service charges are AED 18 per square foot per year, billed quarterly " +
	"by the owners association. Chiller fees are separate and metered."

// The local platform end to end (issue 7's Done-when): a few API calls and one document
// ingestion move the counters at /metrics, and the printed spans show the upload as one trace,
// hop by hop: POST /v1/documents → the object landing in the drops folder (S3's event) → the
// queue → task-process-document; after which the document is searchable.
func TestDocumentUploadIsOneTrace(t *testing.T) {
	pool := testkit.DB(t)
	printed := &syncBuffer{}
	shutdown, err := telemetry.Setup(context.Background(), telemetry.Settings{Service: "test", Exporter: "stdout", Writer: printed})
	if err != nil {
		t.Fatal(err)
	}
	defer shutdown(context.Background())
	cfg := testConfig(t)
	p, err := runner.New(context.Background(), cfg, quiet(), &runner.Database{Pool: pool})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	stopped := make(chan error, 1)
	go func() { stopped <- p.Run(ctx, func(a string) { addr <- a }) }()
	base := "http://" + <-addr
	c := client{t: t, base: base, token: signIn(t, &platform.Boot{Config: cfg, Log: quiet(), DB: pool}, "Marina Crest")}
	before := get(t, base+"/metrics")

	c.do("GET", "/v1/me", nil, 200)
	c.do("GET", "/v1/listings", nil, 200)
	doc := c.do("POST", "/v1/documents", map[string]any{"filename": "marina-gate.txt"}, 201)
	id := doc["id"].(string)
	c.upload(doc["upload_url"].(string), []byte(marinaGate))
	deadline := time.Now().Add(60 * time.Second)
	for status := ""; status != "ready"; status, _ = c.do("GET", "/v1/documents/"+id, nil, 200)["status"].(string) {
		if status == "failed" || time.Now().After(deadline) {
			t.Fatalf("document %s: %q", id, status)
		}
		time.Sleep(200 * time.Millisecond)
	}
	dropMarketData(t, cfg.LocalDir, c.do("GET", "/v1/me", nil, 200)["brokerage_id"].(string))
	loaded := `ingestion_rows_total{dataset="market_data",outcome="loaded"}`
	for counter(get(t, base+"/metrics"), loaded) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%s never moved", loaded)
		}
		time.Sleep(200 * time.Millisecond)
	}
	answer := c.do("POST", "/v1/assistant/chat", map[string]any{"message": "What are the service charges at Marina Gate?"}, 200)
	cited := false
	for _, ci := range answer["citations"].([]any) {
		cited = cited || strings.HasPrefix(ci.(map[string]any)["id"].(string), id)
	}
	if !cited {
		t.Errorf("the uploaded document is not searchable: %v", answer)
	}
	after := get(t, base+"/metrics")
	cancel()
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}

	for _, sample := range []string{
		`api_requests_total{route="GET /v1/me",status="200"}`,
		`api_requests_total{route="POST /v1/documents",status="201"}`,
		`api_requests_total{route="POST /v1/assistant/chat",status="200"}`,
		`task_runs_total{function="task-process-document",outcome="success"}`,
	} {
		if counter(after, sample) <= counter(before, sample) {
			t.Errorf("%s did not move: %v → %v", sample, counter(before, sample), counter(after, sample))
		}
	}
	traceOf(t, readSpans(t, printed.String()), "POST /v1/documents",
		"s3 ObjectCreated documents", "send process-document", "process process-document")
}

// In AWS, S3 sends its notification straight to the queue, without trace attributes: the
// worker continues the upload's trace from the context recorded when the upload was issued.
func TestS3NotificationContinuesUploadTrace(t *testing.T) {
	pool := testkit.DB(t)
	printed := &syncBuffer{}
	shutdown, err := telemetry.Setup(context.Background(), telemetry.Settings{Service: "test", Exporter: "stdout", Writer: printed})
	if err != nil {
		t.Fatal(err)
	}
	defer shutdown(context.Background())
	cfg := testConfig(t)
	p, err := runner.New(context.Background(), cfg, quiet(), &runner.Database{Pool: pool})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p.Handler()) // HTTP only: no drops watcher, no consumers
	defer srv.Close()
	c := client{t: t, base: srv.URL, token: signIn(t, &platform.Boot{Config: cfg, Log: quiet(), DB: pool}, "Dune Realty")}
	doc := c.do("POST", "/v1/documents", map[string]any{"filename": "dune.txt"}, 201)
	key := doc["object_key"].(string)
	drops := objects.Dir{Root: runner.DropsDir(cfg.LocalDir)}
	if _, err := drops.Put(context.Background(), functions.BucketDocuments, key, strings.NewReader(marinaGate), "text/plain"); err != nil {
		t.Fatal(err)
	}
	var rec events.S3EventRecord
	rec.EventSource, rec.EventName = "aws:s3", "ObjectCreated:Put"
	rec.S3.Bucket.Name = functions.BucketDocuments
	rec.S3.Object.Key = strings.ReplaceAll(url.QueryEscape(key), "%2F", "/")
	body, _ := json.Marshal(events.S3Event{Records: []events.S3EventRecord{rec}})
	ev, _ := json.Marshal(events.SQSEvent{Records: []events.SQSMessage{{MessageId: "m-1", Body: string(body),
		Attributes: map[string]string{"ApproximateReceiveCount": "1"}}}})
	out, err := p.Invoke(context.Background(), "task-process-document", ev)
	if err != nil || strings.Contains(string(out), "m-1") {
		t.Fatalf("invoke: %s %v", out, err)
	}
	if got := c.do("GET", "/v1/documents/"+doc["id"].(string), nil, 200)["status"]; got != "ready" {
		t.Fatalf("document %v", got)
	}
	traceOf(t, readSpans(t, printed.String()), "POST /v1/documents", "process process-document")
}

// dropMarketData copies the committed market-data sample into the local data-drops bucket
// under the brokerage's prefix, as a customer's export lands in S3.
func dropMarketData(t *testing.T, localDir, brokerage string) {
	t.Helper()
	root, err := testkit.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "data", "sample", "market_data.csv"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(runner.DropsDir(localDir), functions.BucketDataDrops, brokerage)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "market_data.csv"), data, 0o644); err != nil {
		t.Fatal(err)
	}
}
