package ingeststore_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/propertypro/propertypro/shared/ingest"
	"github.com/propertypro/propertypro/shared/ingest/read"
	"github.com/propertypro/propertypro/shared/postgres/ingeststore"
	"github.com/propertypro/propertypro/shared/testkit"
)

// seedData finds the customers' exports beside the repository (never inside it).
func seedData(t *testing.T) string {
	var dirs []string
	if root, err := testkit.RepoRoot(); err == nil {
		dirs = append(dirs, filepath.Join(root, "..", "shared", "seed-data"))
	}
	for _, d := range append(dirs, "/work/shared/seed-data") {
		if _, err := os.Stat(filepath.Join(d, "properties.csv")); err == nil {
			return d
		}
	}
	t.Skip("skipping: ../shared/seed-data (the customers' exports) is not beside the repository")
	return ""
}

// seedFiles in the order their references need, with the records each holds (DOMAIN.md).
var seedFiles = []struct {
	name    string
	records int // 0: a workbook, counted per sheet
}{
	{"agents.csv", 100}, {"users.csv", 200}, {"properties.csv", 500}, {"listings.csv", 400},
	{"transactions.csv", 300}, {"clients.csv", 300}, {"market_data.csv", 150}, {"market_reports.csv", 50},
	{"neighborhoods.json", 20}, {"market_trends.json", 48}, {"property_analytics.json", 100},
	{"company_hierarchy.json", 1}, {"real_estate_data.xlsx", 0},
}

// TestSeedData: every customer export ingests, its report's counts add up to its records,
// the quirks met are named, and delivering the same files again changes nothing.
func TestSeedData(t *testing.T) {
	dir := seedData(t)
	d := newDrops(t)
	ingestAll := func() []ingest.Report {
		var out []ingest.Report
		for _, f := range seedFiles {
			path := filepath.Join(dir, f.name)
			fh, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			st, _ := fh.Stat()
			tag, _, err := fileTag(path)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := d.store.Ingest(context.Background(), ingeststore.IngestRequest{BrokerageID: d.brokerage, Bucket: "seed",
				Key: f.name, ETag: tag, Open: func() ([]read.Table, error) { return read.Open(f.name, fh, fh, st.Size()) }})
			fh.Close()
			if err != nil || rep.Status != ingest.StatusSucceeded {
				t.Fatalf("%s: status %s: %v", f.name, rep.Status, err)
			}
			out = append(out, rep)
		}
		return out
	}
	first := ingestAll()
	quirks := map[string]bool{}
	for i, rep := range first {
		f := seedFiles[i]
		read := 0
		for _, tb := range rep.Tables {
			if tb.Read != tb.Inserted+tb.Updated+tb.Unchanged+tb.Rejected {
				t.Errorf("%s %s: counts do not add up: %+v", f.name, tb.Sheet, tb.Counts)
			}
			for _, q := range tb.Quirks {
				quirks[q] = true
			}
			read += tb.Read
		}
		if f.records > 0 && read != f.records {
			t.Errorf("%s: read %d records, the file holds %d", f.name, read, f.records)
		}
		if f.records == 0 && (len(rep.Tables) != 2 || read == 0) {
			t.Errorf("%s: %d sheets, %d records", f.name, len(rep.Tables), read)
		}
	}
	for _, q := range []string{"python_list_cells", "multi_line_cells", "mapped_transaction_type_assignment"} {
		if !quirks[q] {
			t.Errorf("the reports do not name the quirk %s (named: %v)", q, quirks)
		}
	}

	before := seedSnapshot(t, d)
	for i, rep := range ingestAll() {
		if !rep.Duplicate || rep.ID != first[i].ID {
			t.Errorf("%s delivered again was not recognised as the same object", seedFiles[i].name)
		}
	}
	if after := seedSnapshot(t, d); after != before {
		t.Fatalf("a second delivery changed the data: %v → %v", before, after)
	}
}

// seedSnapshot sums row counts and versions of the loaded tables.
func seedSnapshot(t *testing.T, d *drops) [4]int {
	return [4]int{
		d.count(`SELECT count(*) + coalesce(sum(version), 0) FROM listings`),
		d.count(`SELECT count(*) + coalesce(sum(version), 0) FROM deals`),
		d.count(`SELECT count(*) + coalesce(sum(version), 0) FROM leads`),
		d.count(`SELECT (SELECT count(*) FROM market_observations) + (SELECT count(*) FROM community_profiles) + (SELECT count(*) FROM users)`),
	}
}

// fileTag is the MD5 of a file's content, as the CLI keys a local file.
func fileTag(path string) (string, int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", 0, err
	}
	return etag(b), int64(len(b)), nil
}
