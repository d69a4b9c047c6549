package privacy_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/propertypro/propertypro/shared/lead"
	"github.com/propertypro/propertypro/shared/logging"
	"github.com/propertypro/propertypro/shared/privacy"
	"github.com/propertypro/propertypro/shared/testkit"
)

// personal matches column names that usually hold personal data: a new one must be classified.
var personal = regexp.MustCompile(`(^|_)(email|phone|name|nationality|passport|emirates_id|address|` +
	`password|token_hash|recipient|body|notes|feedback|content|parties|payments|raw|prompt)`)

// notPersonal are matching columns reviewed and found to hold no personal data.
var notPersonal = map[string]bool{
	"brokerages.name": true, "locations.name_en": true, "locations.name_ar": true, "nurture_sequences.name": true,
	"community_profiles.name": true, "org_charts.company_name": true, "documents.filename": true,
	"knowledge_chunks.body": true, "knowledge_sources.body": true, "market_reports.file_path": true, "nurture_sequences.key": true,
	"listings.title": true, "location_aliases.name": true, "listing_analytics.reference": true,
	"deals.co_broke_brokerage": true, "leads.consent_email": true, "leads.email_unsubscribed_at": true,
	"documents.content_hash": true, "feature_flags.name": true,
}

// Every column of the migrated schema whose name looks personal is classified (or reviewed as
// not personal), and every classified column exists.
func TestSchemaIsClassified(t *testing.T) {
	db := testkit.DB(t)
	rows, err := db.Query(context.Background(), `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name <> 'goose_db_version'`)
	if err != nil {
		t.Fatal(err)
	}
	exists := map[string]bool{}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		exists[table+"."+col] = true
		if personal.MatchString(col) && privacy.Classify(table, col) == "" && !notPersonal[table+"."+col] {
			t.Errorf("%s.%s looks personal but is not classified in shared/privacy", table, col)
		}
	}
	for _, c := range privacy.Columns() {
		if !exists[c.Table+"."+c.Name] {
			t.Errorf("classified column %s.%s is not in the schema", c.Table, c.Name)
		}
	}
	for _, r := range privacy.Retentions {
		if !exists[r.Table+"."+r.Column] {
			t.Errorf("retention of %s measures age from %s, which does not exist", r.Table, r.Column)
		}
	}
}

// samples are values of each class as they would appear in a log line.
var samples = map[privacy.Class]string{
	privacy.Contact:    "+971 50 123 4567",
	privacy.Credential: "$2a$12$abcdefghijklmnopqrstuv",
}

// A log line never shows a credential or contact detail: not as the value of an attribute
// named like its column, and (contact details) not inside free text either. Names (Identity)
// are logged by id only, by convention: no pattern can recognise a name.
func TestLogsRedactClassifiedColumns(t *testing.T) {
	var buf bytes.Buffer
	log := logging.New(&buf, "debug")
	for _, c := range privacy.Columns() {
		if c.Class != privacy.Contact && c.Class != privacy.Credential {
			continue
		}
		t.Run(c.Table+"."+c.Name, func(t *testing.T) {
			value := samples[c.Class]
			if strings.Contains(c.Name, "email") || c.Name == "recipient" {
				value = "fatima.alzahra@example.ae"
			}
			buf.Reset()
			log.Info("update", c.Name, value)
			if c.Class == privacy.Contact { // credentials have no text pattern: keep them out of messages
				log.Info("failed: " + c.Name + " = " + value)
				log.Error("wrapped", "err", errString("saving "+value))
			}
			if strings.Contains(buf.String(), value) {
				t.Fatalf("%s leaked into a log line:\n%s", value, buf.String())
			}
		})
	}
	buf.Reset()
	log.Info("login", "authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "password", "hunter2hunter2")
	for _, leak := range []string{"eyJhbGciOiJIUzI1NiJ9", "hunter2"} {
		if strings.Contains(buf.String(), leak) {
			t.Errorf("%s leaked: %s", leak, buf.String())
		}
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// The lead erasure clears exactly the columns the classification marks for erasure: the
// lead's own and those of the tables that hold data about it.
func TestErasureMatchesClassification(t *testing.T) {
	if lead.ErasedName == "" {
		t.Fatal("erased leads need a replacement name")
	}
	var want []string
	for _, c := range privacy.Columns() {
		switch {
		case !c.Erase:
		case c.Table == "leads":
			want = append(want, c.Name)
		default:
			want = append(want, c.Table+"."+c.Name)
		}
	}
	got := lead.ErasableFields()
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("the lead erasure clears %v; the classification marks %v", got, want)
	}
}

// docs/data/classification.md lists every classified column and every retention policy.
func TestClassificationDocumented(t *testing.T) {
	root, err := testkit.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join(root, "docs", "data", "classification.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range privacy.Columns() {
		row := fmt.Sprintf("| `%s.%s` | %s |", c.Table, c.Name, c.Class)
		if !strings.Contains(string(doc), row) {
			t.Errorf("classification.md lacks %q", row)
		}
	}
	for _, r := range privacy.Retentions {
		if !strings.Contains(string(doc), "| `"+r.Table+"` |") {
			t.Errorf("classification.md lacks the retention of %s", r.Table)
		}
	}
}
