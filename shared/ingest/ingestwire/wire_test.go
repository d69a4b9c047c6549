package ingestwire_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/propertypro/propertypro/shared/apitest"
	"github.com/propertypro/propertypro/shared/awsx"
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
