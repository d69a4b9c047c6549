package ingestapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apitest"
	"github.com/propertypro/propertypro/shared/ingest"
	"github.com/propertypro/propertypro/shared/ingest/ingestwire"
	"github.com/propertypro/propertypro/shared/lambdasqs"
	"github.com/propertypro/propertypro/shared/objects"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres/ingeststore"
	"github.com/propertypro/propertypro/shared/runner"
)

// uploadCreated is the answer of POST /v1/ingestions/uploads.
type uploadCreated struct {
	Key           string    `json:"key"`
	Dataset       string    `json:"dataset"`
	UploadURL     string    `json:"upload_url"`
	UploadMethod  string    `json:"upload_method"`
	ExpiresAt     time.Time `json:"expires_at"`
	MaxSize       int64     `json:"max_size"`
	IngestionsURL string    `json:"ingestions_url"`
}

func requestUpload(t *testing.T, a *apitest.API, u apitest.User, body map[string]any) (uploadCreated, apitest.Response) {
	t.Helper()
	res := a.Do(u, "POST", "/v1/ingestions/uploads", body).Expect(t, 201)
	var up uploadCreated
	res.JSON(t, &up)
	return up, res
}

func TestIngestionUploadRoles(t *testing.T) {
	a := apitest.New(t)
	admin := a.Brokerage("Dune Realty")
	other := a.Brokerage("Other Realty")
	body := map[string]any{"filename": "clients.csv"}
	for _, u := range []apitest.User{admin, a.User(admin, "manager@dune.ae", access.Manager, ""), other} {
		up, res := requestUpload(t, a, u, body)
		prefix := u.BrokerageID + "/uploads/"
		id, name, _ := strings.Cut(strings.TrimPrefix(up.Key, prefix), "/")
		if !strings.HasPrefix(up.Key, prefix) || len(id) != 36 || name != "clients.csv" {
			t.Errorf("%s got key %q, want %s<uuid>/clients.csv", u.Email, up.Key, prefix)
		}
		want := "/v1/ingestions?key=" + url.QueryEscape(up.Key)
		if loc := res.Header.Get("Location"); loc != want || up.IngestionsURL != want {
			t.Errorf("Location %q, ingestions_url %q, want %q", loc, up.IngestionsURL, want)
		}
		if up.UploadMethod != "PUT" || up.UploadURL == "" || up.MaxSize != a.Config.MaxFileSize || time.Until(up.ExpiresAt) <= 0 {
			t.Errorf("upload %+v", up)
		}
	}
	// The body cannot steer the key into another brokerage: properties the route does not define are refused.
	steer := a.Do(admin, "POST", "/v1/ingestions/uploads", map[string]any{"filename": "clients.csv",
		"brokerage_id": other.BrokerageID, "key": other.BrokerageID + "/clients.csv"}).Expect(t, 422)
	if s := string(steer.Body); !strings.Contains(s, `"field":"brokerage_id"`) || !strings.Contains(s, `"field":"key"`) {
		t.Errorf("steering the key: %s", s)
	}
	for _, role := range []access.Role{access.Agent, access.ComplianceOfficer, access.Reviewer} {
		u := a.User(admin, string(role)+"@dune.ae", role, "")
		a.Do(u, "POST", "/v1/ingestions/uploads", body).Expect(t, 403)
	}
	a.Do(apitest.User{}, "POST", "/v1/ingestions/uploads", body).Expect(t, 401)
}

func TestIngestionUploadValidation(t *testing.T) {
	a := apitest.New(t)
	admin := a.Brokerage("Dune Realty")
	cases := []struct {
		body    map[string]any
		field   string
		mention string // what the message must name
	}{
		{map[string]any{}, "filename", ""},
		{map[string]any{"filename": ""}, "filename", ""},
		{map[string]any{"filename": strings.Repeat("a", 252) + ".csv"}, "filename", "255"},
		{map[string]any{"filename": "../etc/clients.csv"}, "filename", "folder"},
		{map[string]any{"filename": `dir\clients.csv`}, "filename", "folder"},
		{map[string]any{"filename": "clients..csv"}, "filename", ".."},
		{map[string]any{"filename": "clients\r\n.csv"}, "filename", "control characters"},
		{map[string]any{"filename": ".clients.csv"}, "filename", "."},
		{map[string]any{"filename": "clients.pdf"}, "filename", ".csv, .json, .xlsx"},
		{map[string]any{"filename": "clients.csv", "dataset": "leads"}, "dataset", "agents, clients, listings, market_data"},
		{map[string]any{"filename": "clients.csv", "dataset": 7}, "dataset", ""},
	}
	for _, c := range cases {
		var p struct {
			Code   string `json:"code"`
			Errors []struct{ Field, Message string }
		}
		res := a.Do(admin, "POST", "/v1/ingestions/uploads", c.body).Expect(t, 422)
		res.JSON(t, &p)
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
			t.Errorf("%v: content type %s", c.body, ct)
		}
		found := false
		for _, e := range p.Errors {
			found = found || e.Field == c.field && strings.Contains(e.Message, c.mention)
		}
		if p.Code != "invalid" || !found {
			t.Errorf("%v: want an error on %s naming %q, got %s", c.body, c.field, c.mention, res.Body)
		}
	}
}

// ingestTask is task-ingest-file as the local platform builds it.
func ingestTask(t *testing.T, a *apitest.API) platform.Handler {
	t.Helper()
	fn, _ := functions.Lookup("task-ingest-file")
	b := &platform.Boot{Fn: fn, Config: a.Config, DB: a.DB, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Objects: objects.Dir{Root: runner.DropsDir(a.Config.LocalDir), MaxSize: a.Config.MaxFileSize}}
	h, err := ingestwire.IngestFile(b)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// objectCreated is the body SQS carries for S3's notification of a PUT (keys are URL-encoded).
func objectCreated(key, etag string) string {
	ev := map[string]any{"Records": []any{map[string]any{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
		"s3": map[string]any{"bucket": map[string]any{"name": functions.BucketDataDrops},
			"object": map[string]any{"key": url.QueryEscape(key), "eTag": etag}}}}}
	b, _ := json.Marshal(ev)
	return string(b)
}

// An upload's whole road: request the URL, PUT the file, the task ingests it, and the
// ingestion shows under ?key= for its brokerage only, loaded as the dataset named.
func TestIngestionUploadEndToEnd(t *testing.T) {
	a := apitest.New(t)
	admin := a.Brokerage("Dune Realty")
	manager := a.User(admin, "manager@dune.ae", access.Manager, "")
	other := a.Brokerage("Other Realty")
	task := ingestTask(t, a)
	const roster = "agent_id,name,email,phone,license_number\n1,Huda Saleh,huda@dune.ae,+971501234567,BRN-1\n"
	cases := []struct {
		name, filename, dataset, data string
		read, rejected                int
	}{
		{"detected", "Client Book 2025.CSV", "", clients, 3, 2},
		// The roster lacks the column detection looks for: only the named dataset loads it.
		{"named", "roster.csv", "agents", roster, 1, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := map[string]any{"filename": c.filename}
			if c.dataset != "" {
				body["dataset"] = c.dataset
			}
			up, res := requestUpload(t, a, manager, body)
			poll := res.Header.Get("Location")
			var list struct {
				Items []ingeststore.IngestionSummary
			}
			if a.Do(admin, "GET", poll, nil).Expect(t, 200).JSON(t, &list); len(list.Items) != 0 {
				t.Fatalf("an ingestion before the upload: %+v", list.Items)
			}
			put, err := url.Parse(up.UploadURL)
			if err != nil || !strings.HasPrefix(put.Path, objects.UploadPath) {
				t.Fatalf("upload_url %q is not the local object store's", up.UploadURL)
			}
			etag := strings.Trim(a.Do(apitest.User{}, up.UploadMethod, put.RequestURI(), c.data).Expect(t, 200).Header.Get("ETag"), `"`)
			for range 2 { // at-least-once delivery: the second is a no-op
				if err := task.Task(context.Background(), lambdasqs.Message{ID: c.name, Body: objectCreated(up.Key, etag)}); err != nil {
					t.Fatal(err)
				}
			}
			a.Do(admin, "GET", poll, nil).Expect(t, 200).JSON(t, &list)
			if len(list.Items) != 1 || list.Items[0].Key != up.Key || list.Items[0].Status != ingest.StatusSucceeded ||
				list.Items[0].RowsRead != c.read || list.Items[0].Rejected != c.rejected {
				t.Fatalf("ingestions of %s: %+v", up.Key, list.Items)
			}
			var rep ingest.Report
			a.Do(manager, "GET", "/v1/ingestions/"+list.Items[0].ID, nil).Expect(t, 200).JSON(t, &rep)
			want := c.dataset
			if want == "" {
				want = "clients"
			}
			if rep.BrokerageID != admin.BrokerageID || len(rep.Tables) != 1 || rep.Tables[0].Dataset != want {
				t.Errorf("report %+v, want dataset %s in %s", rep, want, admin.BrokerageID)
			}
			if a.Do(other, "GET", poll, nil).Expect(t, 200).JSON(t, &list); len(list.Items) != 0 {
				t.Errorf("another brokerage sees %d ingestions of %s", len(list.Items), up.Key)
			}
		})
	}
	var all struct {
		Items []ingeststore.IngestionSummary
	}
	if a.Do(admin, "GET", "/v1/ingestions", nil).Expect(t, 200).JSON(t, &all); len(all.Items) != len(cases) {
		t.Errorf("without ?key= the list has %d ingestions, want %d", len(all.Items), len(cases))
	}
}
