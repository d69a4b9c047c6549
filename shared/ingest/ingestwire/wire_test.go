package ingestwire_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/propertypro/propertypro/shared/apitest"
	"github.com/propertypro/propertypro/shared/awsx"
	"github.com/propertypro/propertypro/shared/ingest"
	"github.com/propertypro/propertypro/shared/ingest/ingestwire"
	"github.com/propertypro/propertypro/shared/objects"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres/ingeststore"
)

const agents = "agent_id,name,email,phone,license_number\n1,Huda Saleh,huda@dune.ae,+971501234567,BRN-1\n"

// A drop is loaded only into the brokerage its key names. Deployed, a key that names none,
// or one that does not exist, is left unloaded: never put into whichever tenant is oldest.
func TestDropsLoadOnlyIntoTheBrokerageTheyName(t *testing.T) {
	a := apitest.New(t)
	oldest := a.Brokerage("Oldest Realty")
	named := a.Brokerage("Named Realty")
	for _, env := range []string{"prod", "local"} {
		t.Run(env, func(t *testing.T) {
			root := t.TempDir()
			cfg := a.Config
			cfg.Env = env
			b := &platform.Boot{Config: cfg, DB: a.DB, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
				Objects: objects.Dir{Root: root}}
			store := ingeststore.NewIngestions(a.DB)
			drop := func(key string) {
				t.Helper()
				path := filepath.Join(root, "data-drops", filepath.FromSlash(key))
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(agents), 0o644); err != nil {
					t.Fatal(err)
				}
				ev := awsx.ObjectEvent{Name: "ObjectCreated:Put", Bucket: "data-drops", Key: key, ETag: env + key}
				if err := ingestwire.Object(context.Background(), b, store, ev); err != nil {
					t.Fatalf("%s: %v", key, err)
				}
			}
			count := func(brokerage string) (n int) {
				t.Helper()
				err := a.DB.QueryRow(context.Background(), `SELECT count(*) FROM ingestions WHERE brokerage_id = $1 AND etag LIKE $2`,
					brokerage, env+"%").Scan(&n)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			drop(named.BrokerageID + "/agents.csv")
			drop("agents.csv")
			drop("00000000-0000-4000-8000-000000000000/agents.csv")
			if got := count(named.BrokerageID); got != 1 {
				t.Errorf("the named brokerage has %d ingestions, want 1", got)
			}
			want := 0 // deployed: the unprefixed and the unknown key stay unloaded
			if env == "local" {
				want = 1 // locally a key without a brokerage goes to the oldest one; an unknown id still does not
			}
			if got := count(oldest.BrokerageID); got != want {
				t.Errorf("the oldest brokerage has %d ingestions, want %d", got, want)
			}
		})
	}
}

// A file uploaded through POST /v1/ingestions/uploads loads as the dataset its key names and
// is held to MAX_FILE_SIZE; the same bytes under any other key load as they always have.
func TestUploadKeysCarryTheDatasetAndTheSizeLimit(t *testing.T) {
	a := apitest.New(t)
	owner := a.Brokerage("Upload Realty")
	root := t.TempDir()
	cfg := a.Config
	cfg.Env = "prod"
	b := &platform.Boot{Config: cfg, DB: a.DB, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Objects: objects.Dir{Root: root}}
	store := ingeststore.NewIngestions(a.DB)
	ingestKey := func(key, data string) ingest.Report {
		t.Helper()
		path := filepath.Join(root, "data-drops", filepath.FromSlash(key))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		ev := awsx.ObjectEvent{Name: "ObjectCreated:Put", Bucket: "data-drops", Key: key, ETag: key}
		if err := ingestwire.Object(context.Background(), b, store, ev); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		items, err := store.ListIngestions(context.Background(), owner.BrokerageID, 10, ingeststore.IngestionFilter{Key: key})
		if err != nil || len(items) != 1 {
			t.Fatalf("%s: %d ingestions, %v", key, len(items), err)
		}
		rep, err := store.IngestionReport(context.Background(), owner.BrokerageID, items[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	typed, _ := ingest.NewUpload(owner.BrokerageID, "roster.csv", "agents")
	plain, _ := ingest.NewUpload(owner.BrokerageID, "roster.csv", "")
	// agents lacks the "specializations" column detection looks for: only a named dataset loads it.
	if rep := ingestKey(typed.Key(), agents); rep.Status != ingest.StatusSucceeded || rep.Tables[0].Dataset != "agents" || rep.Totals.Inserted != 1 {
		t.Errorf("upload naming agents: %s %q %+v", rep.Status, rep.Error, rep.Tables)
	}
	for _, key := range []string{plain.Key(), owner.BrokerageID + "/agents.csv",
		owner.BrokerageID + "/uploads/" + plain.ID + "/leads/roster.csv"} {
		if rep := ingestKey(key, agents); rep.Status != ingest.StatusFailed || !strings.Contains(rep.Error, "no dataset matches") {
			t.Errorf("%s is detected as before: %s %q", key, rep.Status, rep.Error)
		}
	}

	b.Config.MaxFileSize = int64(len(agents)) - 1
	big, _ := ingest.NewUpload(owner.BrokerageID, "roster.csv", "agents")
	if rep := ingestKey(big.Key(), agents); rep.Status != ingest.StatusFailed || !strings.Contains(rep.Error, "MAX_FILE_SIZE") {
		t.Errorf("an upload over MAX_FILE_SIZE: %s %q", rep.Status, rep.Error)
	}
	detected := "agent_id,name,email,phone,license_number,specializations\n2,Noor Al Hashimi,noor@dune.ae,+971501234568,BRN-2,Villas\n"
	if int64(len(detected)) <= b.Config.MaxFileSize {
		t.Fatal("fixture: the detected file must be over the limit")
	}
	if rep := ingestKey(owner.BrokerageID+"/big/agents.csv", detected); rep.Status != ingest.StatusSucceeded {
		t.Errorf("a drop outside uploads/ is not held to MAX_FILE_SIZE, as before: %s %q", rep.Status, rep.Error)
	}
}
