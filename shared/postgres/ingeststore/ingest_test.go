package ingeststore_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/ingest"
	"github.com/propertypro/propertypro/shared/ingest/read"
	_ "github.com/propertypro/propertypro/shared/ingest/read/xlsx" // XLSX workbooks
	"github.com/propertypro/propertypro/shared/postgres/ingeststore"
	"github.com/propertypro/propertypro/shared/simulate"
	"github.com/propertypro/propertypro/shared/testkit"
)

// drops is a fresh schema with one brokerage, and helpers to ingest files into it.
type drops struct {
	t         *testing.T
	db        *pgxpool.Pool
	store     *ingeststore.Ingestions
	brokerage string
}

func newDrops(t *testing.T) *drops {
	db := testkit.DB(t)
	store := ingeststore.NewIngestions(db)
	b, err := store.ResolveBrokerage(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return &drops{t: t, db: db, store: store, brokerage: b}
}

func etag(b []byte) string { s := md5.Sum(b); return hex.EncodeToString(s[:]) }

// file ingests data as object key (its format taken from the key's extension).
func (d *drops) file(key, data string, tweak ...func(*ingeststore.IngestRequest)) (ingest.Report, error) {
	d.t.Helper()
	req := ingeststore.IngestRequest{BrokerageID: d.brokerage, Bucket: "drops", Key: key, ETag: etag([]byte(data)),
		Open: func() ([]read.Table, error) {
			return read.Open(key, strings.NewReader(data), strings.NewReader(data), int64(len(data)))
		}}
	for _, tw := range tweak {
		tw(&req)
	}
	return d.store.Ingest(context.Background(), req)
}

// clean ingests a file that must load without error and returns its report.
func (d *drops) clean(key, data string, tweak ...func(*ingeststore.IngestRequest)) ingest.Report {
	d.t.Helper()
	rep, err := d.file(key, data, tweak...)
	if err != nil {
		d.t.Fatalf("ingesting %s: %v", key, err)
	}
	if rep.Status != ingest.StatusSucceeded {
		d.t.Fatalf("ingesting %s: status %s: %s", key, rep.Status, rep.Error)
	}
	return rep
}

func (d *drops) count(sql string, args ...any) int {
	d.t.Helper()
	var n int
	if err := d.db.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		d.t.Fatal(err)
	}
	return n
}

func force(r *ingeststore.IngestRequest) { r.Force = true }

func want(t *testing.T, what string, got, wanted ingest.Counts) {
	t.Helper()
	if got != wanted {
		t.Fatalf("%s: counts %+v, want %+v", what, got, wanted)
	}
}

const propertiesCSV = `id,address,price_aed,bedrooms,bathrooms,square_feet,property_type,area,developer,completion_date,view,amenities,service_charges,agent,agency,status,listing_date,last_updated
1,"Marina Gate 1, Floor 20, Unit 2001, Dubai Marina, Dubai, UAE",2400000,2,3,1250,Apartment,Dubai Marina,Select Group,2019-05-01,Sea View,"Gym, Swimming Pool",21000,,Marina Crest Realty,Available,2025-01-10,2025-01-10 09:00:00
2,"Villa 12, Street 4, Arabian Ranches, Dubai, UAE",5200000,4,5,3600,Villa,Arabian Ranches,Emaar Properties,2015-03-01,Garden View,"['Private Garden', 'Maid''s Room']",40000,,Marina Crest Realty,Available,2025-02-01,2025-02-01 10:00:00
3,"Bloom Heights, JVC District 12, Dubai, UAE",900000,1,1,780,Apartment,Jumeirah Village Circle,Nakheel,2021-01-01,Community View,Gym,9000,,Marina Crest Realty,Sold,2025-03-01,2025-03-01 11:00:00
`

const transactionsCSV = `id,property_id,transaction_type,amount_aed,transaction_date,buyer_name,seller_name,agent_name,agency,commission_rate,commission_amount,status,payment_method,notes
1,1,Sale,2400000,2025-04-01,Huda Saleh,شامخ آل علي,Omar Khan,Marina Crest Realty,2,48000.00,Completed,Mortgage,"Form F signed.
DLD fee paid."
2,2,Lease,260000,2025-05-01,James Smith,Layla Haddad,Omar Khan,Marina Crest Realty,5,13000.00,Completed,Cheque,
3,3,Sale,910000,2025-06-01,مريم النعيمي,Chen Wang,Omar Khan,Marina Crest Realty,2,18200.00,Pending,Bank Transfer,
`

func TestIngestDeltaLoad(t *testing.T) {
	d := newDrops(t)
	want(t, "properties", d.clean("a/properties.csv", propertiesCSV).Totals, ingest.Counts{Read: 3, Inserted: 3})
	first := d.clean("a/transactions.csv", transactionsCSV)
	want(t, "first load", first.Totals, ingest.Counts{Read: 3, Inserted: 3})
	if n := d.count(`SELECT count(*) FROM deals WHERE brokerage_id = $1 AND external_ref LIKE 'TX-%' AND listing_id IS NOT NULL`, d.brokerage); n != 3 {
		t.Fatalf("%d deals linked to their listings", n)
	}

	// The same rows again (a forced reload of the object): nothing is rewritten.
	again := d.clean("a/transactions.csv", transactionsCSV, force)
	want(t, "second load", again.Totals, ingest.Counts{Read: 3, Unchanged: 3})
	if n := d.count(`SELECT count(*) FROM deals WHERE version > 1`); n != 0 {
		t.Fatalf("%d deals rewritten by an unchanged file", n)
	}

	// One changed amount: one row updated, its version moves, the others stay.
	changed := strings.Replace(transactionsCSV, "3,3,Sale,910000", "3,3,Sale,915000", 1)
	changed = strings.Replace(changed, "18200.00", "18300.00", 1)
	want(t, "changed row", d.clean("a/transactions-v2.csv", changed).Totals, ingest.Counts{Read: 3, Updated: 1, Unchanged: 2})
	if n := d.count(`SELECT count(*) FROM deals WHERE external_ref = 'TX-3' AND version = 2 AND price_aed = 915000`); n != 1 {
		t.Fatal("the changed deal was not updated")
	}
	if n := d.count(`SELECT count(*) FROM deals`); n != 3 {
		t.Fatalf("%d deals after three loads of three rows", n)
	}
}

func TestIngestSameObjectTwiceIsANoop(t *testing.T) {
	d := newDrops(t)
	first := d.clean("a/properties.csv", propertiesCSV)
	again := d.clean("a/properties.csv", propertiesCSV)
	if !again.Duplicate || again.ID != first.ID {
		t.Fatalf("second delivery: duplicate %v, id %s (first %s)", again.Duplicate, again.ID, first.ID)
	}
	if n := d.count(`SELECT count(*) FROM ingestions`); n != 1 {
		t.Fatalf("%d ingestions recorded for one object", n)
	}
	if n := d.count(`SELECT count(*) FROM listings WHERE version > 1`); n != 0 {
		t.Fatalf("a redelivery rewrote %d listings", n)
	}
	// Another ETag of the same key is new content and loads.
	other := d.clean("a/properties.csv", propertiesCSV, func(r *ingeststore.IngestRequest) { r.ETag = "v2" })
	if other.Duplicate || other.ID == first.ID {
		t.Fatal("a new version of the object was taken for a duplicate")
	}
}

func TestIngestQuarantinesBadRows(t *testing.T) {
	d := newDrops(t)
	bad := propertiesCSV +
		"4,Somewhere,not-a-price,2,2,900,Apartment,Dubai Marina,,,,,,,,Available,,\n" +
		"5,Somewhere,1000000,2,2,900,Castle,Dubai Marina,,,,,,,,Available,,\n" +
		",Somewhere,1000000,2,2,900,Apartment,Dubai Marina,,,,,,,,Available,,\n" +
		"1,Again,1000000,2,2,900,Apartment,Dubai Marina,,,,,,,,Available,,\n"
	rep := d.clean("a/properties.csv", bad)
	want(t, "quarantine", ingest.Counts{Read: rep.Totals.Read, Inserted: rep.Totals.Inserted, Rejected: rep.Totals.Rejected},
		ingest.Counts{Read: 7, Inserted: 3, Rejected: 4})
	var got []ingest.Issue
	if err := d.store.EachIssue(context.Background(), d.brokerage, rep.ID, func(i ingest.Issue) error {
		if !i.Warning {
			got = append(got, i)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	expect := []struct {
		line          int
		column, value string
		reason        string
	}{
		{5, "price_aed", "not-a-price", "is not a number"},
		{6, "property_type", "Castle", "is not one of"},
		{7, "id", "", "is required"},
		{8, "reference", "PROP-1", "duplicate of line 2"},
	}
	if len(got) != len(expect) {
		t.Fatalf("quarantined %d issues, want %d: %+v", len(got), len(expect), got)
	}
	for i, e := range expect {
		g := got[i]
		if g.Line != e.line || g.Column != e.column || g.Value != e.value || !strings.Contains(g.Reason, e.reason) {
			t.Errorf("issue %d = line %d %s=%q %q; want line %d %s=%q containing %q", i, g.Line, g.Column, g.Value, g.Reason,
				e.line, e.column, e.value, e.reason)
		}
	}
	if !strings.Contains(got[1].Reason, "apartment") || got[0].Raw == "" {
		t.Errorf("a rejection names the allowed values and keeps the row: %+v", got[1])
	}
	if n := d.count(`SELECT count(*) FROM listings`); n != 3 {
		t.Fatalf("%d listings loaded, want the 3 good rows", n)
	}
}

// A client in a users export is refused for that one reason, not also as an unknown role.
func TestClientInUsersExportHasOneReason(t *testing.T) {
	d := newDrops(t)
	users := "id,username,email,first_name,last_name,phone,role,department,hire_date,status,last_login,created_at\n" +
		"1,sami,sami@example.ae,Sami,Powell,,client,,2023-02-08,Active,,2025-01-06\n" +
		"2,jordan,jordan@example.ae,Jordan,Brown,,manager,Operations,2022-10-10,Active,,2025-05-31\n"
	rep := d.clean("a/users.csv", users)
	var reasons []string
	if err := d.store.EachIssue(context.Background(), d.brokerage, rep.ID, func(i ingest.Issue) error {
		if !i.Warning {
			reasons = append(reasons, i.Column+": "+i.Reason)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if rep.Totals.Rejected != 1 || len(reasons) != 1 || !strings.Contains(reasons[0], "clients are leads") {
		t.Fatalf("rejected %d rows for %q, want the client row once", rep.Totals.Rejected, reasons)
	}
}

// repeat is an endless stream of one byte, so a 100 MB cell costs no 100 MB string.
type repeat byte

func (r repeat) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// open is an IngestRequest opener over a stream that is not seekable (as S3 bodies are).
func openStream(name string, r io.Reader) func(*ingeststore.IngestRequest) {
	return func(req *ingeststore.IngestRequest) {
		req.Open = func() ([]read.Table, error) { return read.Open(name, r, nil, 0) }
	}
}

// TestDamagedFiles: every damaged file gets a clear stored report, nothing of it is loaded
// when it cannot be read whole, and the process survives.
func TestDamagedFiles(t *testing.T) {
	header := "id,address,price_aed,bedrooms,bathrooms,square_feet,property_type,area\n"
	good := strings.Repeat("1,A,1000000,1,1,700,Apartment,Dubai Marina\n", 1)
	goodRows := func(n int) string {
		var b strings.Builder
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, "%d,Tower %d,1000000,1,1,700,Apartment,Dubai Marina\n", i, i)
		}
		return b.String()
	}
	wide := "9999," + strings.Repeat("x,", 10_000) + "x\n"
	utf16 := "\xff\xfe" + strings.Repeat("i\x00d\x00,\x00", 20)
	latin1Mostly := header + strings.Repeat("1,Caf\xe9 \xe0 la cr\xe8me \xe9\xe9\xe9,1000000,1,1,700,Apartment,Dubai Marina\n", 20)
	latin1Row := header + goodRows(3) + "4,Caf\xe9,1000000,1,1,700,Apartment,Dubai Marina\n"
	cases := []struct {
		name, key string
		data      string
		stream    io.Reader // instead of data, for files too large to hold
		damaged   string    // a fragment of the error of a file refused whole
		loaded    int       // rows that load
		rejected  int
		reason    string // a fragment of the last rejection's reason
	}{
		{name: "truncated CSV (open quote)", key: "t.csv", data: header + goodRows(5) + "6,\"Tower 6, Dubai Mar", loaded: 5, rejected: 1, reason: "truncated"},
		{name: "truncated JSON", key: "t.json", data: `[{"id": 1, "address": "A", "price_aed": 1000000, "property_type": "Apartment", "area": "Dubai Marina", "square_feet": 700}, {"id": 2, "addr`, damaged: "truncated"},
		{name: "UTF-16", key: "u.csv", data: utf16, damaged: "UTF-16"},
		{name: "Latin-1 throughout", key: "l.csv", data: latin1Mostly, damaged: "not UTF-8"},
		{name: "Latin-1 in one row", key: "l1.csv", data: latin1Row, loaded: 3, rejected: 1, reason: "UTF-8"},
		{name: "binary junk", key: "b.csv", data: "\x00\x01\x02\x03PK\x05\x06" + strings.Repeat("\x00\xff", 500), damaged: "binary"},
		{name: "binary junk named xlsx", key: "b.xlsx", data: "PK\x03\x04" + strings.Repeat("\x00\xff", 500), damaged: "XLSX"},
		{name: "a row of 10,000 columns", key: "w.csv", data: header + goodRows(2) + wide, loaded: 2, rejected: 1, reason: "columns; at most 1000"},
		{name: "a 100 MB cell", key: "c.csv", stream: io.MultiReader(strings.NewReader(header+good+"2,\""),
			io.LimitReader(repeat('x'), 100<<20), strings.NewReader("\",1,1,1,700,Apartment,Dubai Marina\n")), damaged: "longer than"},
	}
	d := newDrops(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var tweak []func(*ingeststore.IngestRequest)
			if tc.stream != nil {
				tweak = append(tweak, openStream(tc.key, tc.stream), func(r *ingeststore.IngestRequest) { r.ETag = tc.name })
			}
			before := d.count(`SELECT count(*) FROM listings`)
			rep, err := d.file(tc.key, tc.data, tweak...)
			after := d.count(`SELECT count(*) FROM listings`)
			if tc.damaged != "" {
				if !errors.Is(err, read.ErrDamaged) || rep.Status != ingest.StatusFailed || !strings.Contains(rep.Error, tc.damaged) {
					t.Fatalf("want a failed report naming %q, got status %s, error %v", tc.damaged, rep.Status, err)
				}
				if after != before {
					t.Fatalf("a damaged file left %d rows behind", after-before)
				}
				var stored string
				if err := d.db.QueryRow(context.Background(), `SELECT status || ': ' || error FROM ingestions WHERE id = $1`, rep.ID).Scan(&stored); err != nil || !strings.Contains(stored, "failed: ") {
					t.Fatalf("stored report %q, %v", stored, err)
				}
				return
			}
			if err != nil || rep.Status != ingest.StatusSucceeded {
				t.Fatalf("status %s: %v", rep.Status, err)
			}
			if rep.Totals.Rejected != tc.rejected || rep.Totals.Read != tc.loaded+tc.rejected {
				t.Fatalf("counts %+v, want %d loaded and %d rejected", rep.Totals, tc.loaded, tc.rejected)
			}
			if len(rep.Issues) == 0 || !strings.Contains(rep.Issues[len(rep.Issues)-1].Reason, tc.reason) {
				t.Fatalf("the rejection does not say %q: %+v", tc.reason, rep.Issues)
			}
		})
	}
}

// TestFileCommitsWholeOrNotAtAll: rows already staged are dropped with the file when a later
// part of it cannot be read.
func TestFileCommitsWholeOrNotAtAll(t *testing.T) {
	d := newDrops(t)
	var b bytes.Buffer
	b.WriteString(strings.SplitN(propertiesCSV, "\n", 2)[0] + "\n")
	for i := 1; i <= 500; i++ {
		fmt.Fprintf(&b, "%d,Tower,1000000,1,1,700,Apartment,Dubai Marina,,,,,,,,Available,,\n", i)
	}
	b.WriteString("501,\"" + strings.Repeat("y", 2*read.MaxLineBytes))
	rep, err := d.file("whole.csv", b.String())
	if !errors.Is(err, read.ErrDamaged) || rep.Status != ingest.StatusFailed {
		t.Fatalf("status %s, %v", rep.Status, err)
	}
	if n := d.count(`SELECT count(*) FROM listings`); n != 0 {
		t.Fatalf("%d rows of a failed file were committed", n)
	}
	if n := d.count(`SELECT count(*) FROM ingestions WHERE status = 'failed'`); n != 1 {
		t.Fatal("the failure was not recorded")
	}
	// A failed object is not a success: delivering it again tries again.
	if again, _ := d.file("whole.csv", b.String()); again.Duplicate {
		t.Fatal("a failed ingestion made its object a duplicate")
	}
}

// TestSimulatedDataIngestsCleanly: what `propertypro simulate` writes loads with no rejection,
// every count adds up, and a forced reload changes nothing.
func TestSimulatedDataIngestsCleanly(t *testing.T) {
	d := newDrops(t)
	o := simulate.Defaults()
	o.Properties, o.Listings, o.Transactions, o.Clients, o.Agents, o.Users, o.MarketMonths = 150, 80, 400, 120, 15, 12, 3
	dir := t.TempDir()
	files, err := simulate.Write(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	load := func(f simulate.File, tweak ...func(*ingeststore.IngestRequest)) ingest.Report {
		b, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		return d.clean(f.Name, string(b), tweak...)
	}
	for _, f := range files {
		rep := load(f)
		c := rep.Totals
		if rep.Tables[0].Dataset != f.Dataset {
			t.Errorf("%s detected as %s", f.Name, rep.Tables[0].Dataset)
		}
		if c.Read != f.Rows || c.Rejected != 0 || c.Inserted+c.Updated != f.Rows {
			t.Errorf("%s: counts %+v for %d rows; issues %+v", f.Name, c, f.Rows, rep.Issues)
		}
	}
	for _, f := range files {
		if f.Dataset == "properties" || f.Dataset == "listings" {
			continue // the listing feed owns what the inventory first wrote (see TestSeedData)
		}
		if c := load(f, force).Totals; c.Unchanged != f.Rows {
			t.Errorf("%s reloaded: %+v", f.Name, c)
		}
	}
}
