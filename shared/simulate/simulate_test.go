package simulate_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/lead"
	"github.com/propertypro/propertypro/shared/simulate"
	"github.com/propertypro/propertypro/shared/testkit"
)

func small() simulate.Options {
	o := simulate.Defaults()
	o.Properties, o.Listings, o.Transactions, o.Clients, o.Agents, o.Users, o.MarketMonths = 120, 60, 400, 80, 12, 10, 3
	return o
}

func digests(t *testing.T, dir string, o simulate.Options) map[string][32]byte {
	t.Helper()
	files, err := simulate.Write(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][32]byte{}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = sha256.Sum256(b)
	}
	return out
}

func TestSameSeedSameBytes(t *testing.T) {
	o := small()
	a, b := digests(t, t.TempDir(), o), digests(t, t.TempDir(), o)
	if len(a) != len(simulate.Datasets()) {
		t.Fatalf("wrote %d files, want %d", len(a), len(simulate.Datasets()))
	}
	for name, d := range a {
		if b[name] != d {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
	o.Seed++
	c := digests(t, t.TempDir(), o)
	if c["transactions.csv"] == a["transactions.csv"] {
		t.Error("another seed wrote the same transactions")
	}
}

// More transactions must not change the properties they reference (entities are drawn per
// index), so a bench can grow one file without re-deriving the others.
func TestCountsDoNotShiftOtherFiles(t *testing.T) {
	o := small()
	a := digests(t, t.TempDir(), o)
	o.Transactions *= 3
	b := digests(t, t.TempDir(), o)
	if a["properties.csv"] != b["properties.csv"] {
		t.Fatal("properties.csv changed with the number of transactions")
	}
	var first, grown bytes.Buffer
	o2 := small()
	if err := simulate.WriteDataset(&first, "transactions", o2); err != nil {
		t.Fatal(err)
	}
	if err := simulate.WriteDataset(&grown, "transactions", o); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(grown.Bytes(), first.Bytes()) {
		t.Fatal("the first transactions changed when more were asked for")
	}
}

func rows(t *testing.T, dataset string, o simulate.Options) []map[string]string {
	t.Helper()
	var buf bytes.Buffer
	if err := simulate.WriteDataset(&buf, dataset, o); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(&buf)
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for i, h := range header {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
}

func TestDomainRules(t *testing.T) {
	o := small()
	seenArabic := false
	for _, c := range rows(t, "clients", o) {
		if p := lead.NormalizePhone(c["phone"]); !strings.HasPrefix(p, "+9715") || len(p) != 13 {
			t.Errorf("client phone %q normalises to %q, not a UAE mobile", c["phone"], p)
		}
		seenArabic = seenArabic || strings.ContainsFunc(c["first_name"], func(r rune) bool { return r >= 0x600 && r <= 0x6ff })
	}
	if !seenArabic {
		t.Error("no client has an Arabic name")
	}
	for _, tx := range rows(t, "transactions", o) {
		want := map[string]string{"Sale": "2", "Lease": "5"}[tx["transaction_type"]]
		if want != "" && tx["commission_rate"] != want {
			t.Errorf("a %s at %s%%", tx["transaction_type"], tx["commission_rate"])
		}
		if tx["payment_method"] == "Cash" && !strings.Contains(tx["notes"], "goAML") {
			t.Errorf("cash deal %s without its AML note", tx["id"])
		}
	}
	var trends []map[string]any
	var buf bytes.Buffer
	if err := simulate.WriteDataset(&buf, "market_trends", o); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(buf.Bytes(), &trends); err != nil || len(trends) == 0 {
		t.Fatalf("market_trends.json is not a JSON array: %v", err)
	}
}

func TestInvalidOptions(t *testing.T) {
	o := small()
	o.Listings = o.Properties + 1
	if _, err := simulate.Write(t.TempDir(), o); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("more listings than properties: %v", err)
	}
	o = small()
	o.Only = []string{"nope"}
	if err := o.Validate(); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("unknown dataset: %v", err)
	}
}

// TestCommittedSample: data/sample is exactly what the simulator writes for Sample().
func TestCommittedSample(t *testing.T) {
	root, err := testkit.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	got := digests(t, t.TempDir(), simulate.Sample())
	for name, d := range got {
		b, err := os.ReadFile(filepath.Join(root, "data", "sample", name))
		if err != nil || sha256.Sum256(b) != d {
			t.Errorf("data/sample/%s is missing or stale (%v): run go generate ./data", name, err)
		}
	}
}
