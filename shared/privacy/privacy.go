// Package privacy is the one classification of the columns that hold personal data, and the
// retention policy of each table. The log redaction tests, the erasure and export code and
// docs/data/classification.md all read it, so they cannot drift apart; a test fails when the
// schema gains a column that looks personal and is not classified here.
package privacy

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Class is how sensitive a column's content is.
type Class string

// The classes, most sensitive first.
const (
	// Credential: secrets (password hashes, token hashes). Never exported, never logged.
	Credential Class = "credential"
	// Contact: phone numbers, e-mail addresses, message recipients. Redacted in logs by key
	// and by pattern; erased on request; exported to the data subject.
	Contact Class = "contact"
	// Identity: names, nationality, parties to a deal. Erased on request unless a legal
	// hold (AML) applies; never logged.
	Identity Class = "identity"
	// FreeText: text people type that may contain any personal data (notes, message bodies,
	// prompts). Scrubbed by pattern in logs; erased with the lead it belongs to.
	FreeText Class = "free_text"
	// Financial: amounts and payment methods tied to a person. Kept for AML (5 years).
	Financial Class = "financial"
	// Network: IP addresses and login keys used for rate limiting; short retention.
	Network Class = "network"
)

// Column is one classified column.
type Column struct {
	Table, Name string
	Class       Class
	// Erase says the column is cleared or anonymised when its data subject asks.
	Erase bool
}

// columns is the classification, by table. Add a column here in the same change that adds
// it to a migration; TestSchemaIsClassified fails otherwise.
var columns = map[string]map[string]Class{
	"users":                 {"email": Contact, "full_name": Identity, "password_hash": Credential},
	"refresh_tokens":        {"token_hash": Credential},
	"login_attempts":        {"key": Network},
	"rate_buckets":          {"key": Network},
	"leads":                 {"full_name": Identity, "phone_e164": Contact, "phone_raw": Contact, "email": Contact, "nationality": Identity, "preferences": FreeText, "budget_min_aed": Financial, "budget_max_aed": Financial},
	"activities":            {"body": FreeText},
	"tasks":                 {"title": FreeText, "notes": FreeText},
	"viewings":              {"feedback": FreeText},
	"deals":                 {"parties": Identity, "payments": Financial, "co_broke_brokerage": Identity},
	"audit_log":             {"before": FreeText, "after": FreeText},
	"queue_messages":        {"body": FreeText, "last_error": FreeText},
	"ingestion_issues":      {"value": FreeText, "raw": FreeText},
	"conversation_messages": {"content": FreeText},
	"ai_calls":              {"prompt_redacted": FreeText, "response_redacted": FreeText},
	"reviews":               {"question": FreeText, "answer": FreeText, "final_answer": FreeText, "note": FreeText},
	"nurture_outbox":        {"recipient": Contact, "subject": FreeText, "body": FreeText},
}

// erasedOnRequest are the columns a data subject's erasure clears (the lead erasure of
// shared/lead: identity fields, contact details and what agents wrote about the lead).
var erasedOnRequest = map[string]bool{
	"leads.full_name": true, "leads.phone_e164": true, "leads.phone_raw": true, "leads.email": true,
	"leads.nationality": true, "leads.preferences": true, "leads.budget_min_aed": true, "leads.budget_max_aed": true,
	"activities.body": true, "tasks.title": true, "tasks.notes": true, "viewings.feedback": true,
	"nurture_outbox.recipient": true, "nurture_outbox.body": true, "nurture_outbox.subject": true,
}

// Columns lists every classified column, ordered by table and name.
func Columns() []Column {
	var out []Column
	for t, cols := range columns {
		for c, class := range cols {
			out = append(out, Column{Table: t, Name: c, Class: class, Erase: erasedOnRequest[t+"."+c]})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Table != out[j].Table {
			return out[i].Table < out[j].Table
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Classify returns a column's class, or "" when it holds no personal data.
func Classify(table, column string) Class { return columns[table][column] }

// Erased lists the columns of a table that an erasure request clears, sorted.
func Erased(table string) []string {
	var out []string
	for c := range columns[table] {
		if erasedOnRequest[table+"."+c] {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

// Retention is how long a table's rows are kept, and what happens after.
type Retention struct {
	Table  string
	Keep   time.Duration
	Column string // the timestamp the age is measured from
	// Where narrows the rows the policy applies to (SQL predicate, no user input).
	Where  string
	Reason string
}

const day = 24 * time.Hour

// Retentions are the per-table policies the retention schedule applies. Tables not listed
// are kept while the brokerage is a customer (leads are erased on request instead; deals
// and their audit trail fall under AML record keeping, 5 years after closing).
var Retentions = []Retention{
	{Table: "queue_messages", Keep: 14 * day, Column: "sent_at", Where: "dead",
		Reason: "dead letters are kept as long as SQS keeps a DLQ message (14 days)"},
	{Table: "login_attempts", Keep: 30 * day, Column: "updated_at",
		Reason: "rate-limit state; older failures no longer lock anyone"},
	{Table: "rate_buckets", Keep: 1 * day, Column: "updated_at", Reason: "token buckets refill within minutes"},
	{Table: "refresh_tokens", Keep: 90 * day, Column: "created_at",
		Reason: "longest refresh token lifetime (JWT_REFRESH_TOKEN_EXPIRE_DAYS ≤ 90)"},
	{Table: "ai_calls", Keep: 180 * day, Column: "created_at", Reason: "AI governance log: two quarterly reviews"},
	{Table: "audit_log", Keep: 5 * 365 * day, Column: "at", Reason: "AML record keeping and PDPL accountability (5 years)"},
	{Table: "object_traces", Keep: 7 * day, Column: "created_at",
		Reason: "trace context of uploads: only the processing of a fresh upload continues its trace"},
	{Table: "nurture_outbox", Keep: 400 * day, Column: "created_at",
		Where:  "status IN ('sent', 'delivered', 'failed', 'bounced', 'blocked', 'cancelled', 'done')",
		Reason: "finished messages: a year of contact history for consent and frequency questions"},
	{Table: "nurture_enrollments", Keep: 400 * day, Column: "updated_at", Where: "status <> 'active'",
		Reason: "ended sequences: a year, like the messages they sent"},
}

// ParsePolicy reads RETENTION_POLICY ("table=days,..."): the days to keep instead of a
// table's default. Only tables with a policy here may be named.
func ParsePolicy(s string) (map[string]int, error) {
	out := map[string]int{}
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		table, days, ok := strings.Cut(part, "=")
		table = strings.TrimSpace(table)
		d, err := strconv.Atoi(strings.TrimSpace(days))
		if !ok || err != nil || d < 1 {
			return nil, fmt.Errorf("RETENTION_POLICY: %q is not table=days (days ≥ 1)", part)
		}
		if !slices.ContainsFunc(Retentions, func(r Retention) bool { return r.Table == table }) {
			return nil, fmt.Errorf("RETENTION_POLICY: table %q has no retention policy; tables: %s", table, strings.Join(retainedTables(), ", "))
		}
		out[table] = d
	}
	return out, nil
}

// WithOverrides is Retentions with the days of policy (from ParsePolicy) in place of the defaults.
func WithOverrides(policy map[string]int) []Retention {
	out := slices.Clone(Retentions)
	for i, r := range out {
		if d, ok := policy[r.Table]; ok {
			out[i].Keep = time.Duration(d) * day
			out[i].Reason += fmt.Sprintf(" (RETENTION_POLICY: %d days)", d)
		}
	}
	return out
}

func retainedTables() []string {
	var out []string
	for _, r := range Retentions {
		out = append(out, r.Table)
	}
	return out
}
