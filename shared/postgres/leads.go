package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/lead"
	"github.com/propertypro/propertypro/shared/page"
	"github.com/propertypro/propertypro/shared/task"
)

// Leads implements lead.Store.
type Leads struct{ db *pgxpool.Pool }

// NewLeads returns the lead repository.
func NewLeads(db *pgxpool.Pool) *Leads { return &Leads{db: db} }

const leadColumns = `l.id::text, l.brokerage_id::text, coalesce(l.agent_id::text, ''), l.full_name, l.phone_e164,
	l.phone_raw, l.email, l.nationality, l.language, l.source, l.stage, l.score, l.budget_min_aed::float8,
	l.budget_max_aed::float8, l.preferences, l.consent_whatsapp, l.whatsapp_opt_in_at, l.consent_email,
	l.email_unsubscribed_at, l.consent_sms, l.do_not_call, l.last_inbound_at, l.first_contacted_at,
	coalesce(l.merged_into::text, ''), l.erased_at, l.version, l.created_at, l.updated_at, l.deleted_at`

func scanLead(row pgx.Row) (lead.Lead, error) {
	var l lead.Lead
	var prefs []byte
	err := row.Scan(&l.ID, &l.BrokerageID, &l.AgentID, &l.FullName, &l.Phone, &l.PhoneRaw, &l.Email, &l.Nationality,
		&l.Language, &l.Source, &l.Stage, &l.Score, &l.BudgetMin, &l.BudgetMax, &prefs, &l.ConsentWhatsApp,
		&l.WhatsAppOptInAt, &l.ConsentEmail, &l.EmailUnsubscribedAt, &l.ConsentSMS, &l.DoNotCall, &l.LastInboundAt,
		&l.FirstContactedAt, &l.MergedInto, &l.ErasedAt, &l.Version, &l.CreatedAt, &l.UpdatedAt, &l.DeletedAt)
	if err == nil && len(prefs) > 0 {
		// Rows written by other tools may hold keys we do not model; they are ignored.
		_ = json.Unmarshal(prefs, &l.Preferences)
	}
	return l, err
}

func collectLeads(rows pgx.Rows, err error) ([]lead.Lead, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (lead.Lead, error) { return scanLead(r) })
}

// InTx runs fn in one transaction.
func (s *Leads) InTx(ctx context.Context, fn func(lead.Tx) error) error {
	return InTx(ctx, s.db, func(tx pgx.Tx) error { return fn(&leadTx{tx: tx}) })
}

// Lead returns a live lead of the brokerage, merged ones included.
func (s *Leads) Lead(ctx context.Context, brokerageID, id string) (lead.Lead, error) {
	return getLead(ctx, s.db, brokerageID, id, "")
}

func getLead(ctx context.Context, q Querier, brokerageID, id, lock string) (lead.Lead, error) {
	if !IsUUID(id) {
		return lead.Lead{}, apperr.New(apperr.NotFound, "lead %s not found", id)
	}
	l, err := scanLead(q.QueryRow(ctx, `SELECT `+leadColumns+` FROM leads l
		WHERE l.id = $1 AND l.brokerage_id = $2 AND l.deleted_at IS NULL `+lock, id, brokerageID))
	return l, NotFound(err, "lead %s not found", id)
}

// Member returns a user of the brokerage.
func (s *Leads) Member(ctx context.Context, brokerageID, userID string) (lead.Member, error) {
	return leadMember(ctx, s.db, brokerageID, userID)
}

func leadMember(ctx context.Context, q Querier, brokerageID, userID string) (task.Member, error) {
	if !IsUUID(userID) {
		return task.Member{}, apperr.New(apperr.NotFound, "user %s not found", userID)
	}
	var m task.Member
	err := q.QueryRow(ctx, `SELECT id::text, brokerage_id::text, full_name, role, active FROM users
		WHERE id = $1 AND brokerage_id = $2`, userID, brokerageID).Scan(&m.ID, &m.BrokerageID, &m.FullName, &m.Role, &m.Active)
	return m, NotFound(err, "user %s not found", userID)
}

// leadArgs collects positional arguments while a query is assembled.
type leadArgs []any

// add appends v and returns its placeholder, cast when cast is not "".
func (p *leadArgs) add(v any, cast string) string {
	*p = append(*p, v)
	ph := fmt.Sprintf("$%d", len(*p))
	if cast != "" {
		ph += "::" + cast
	}
	return ph
}

// leadOwnerScope restricts rows to what an actor sees through their owner column.
func leadOwnerScope(args *leadArgs, column string, s task.Scope) string {
	if s.Owners == nil {
		return "true"
	}
	cond := column + "::text = ANY(" + args.add(s.Owners, "text[]") + ")"
	if s.Unassigned {
		cond = "(" + cond + " OR " + column + " IS NULL)"
	}
	return cond
}

// leadKeyset is the condition that starts a page after the cursor's row, and the ORDER BY.
func leadKeyset(args *leadArgs, expr, cast, idExpr, idCast string, p page.Request) (cond, order string, err error) {
	pos, err := p.Decode()
	if err != nil {
		return "", "", err
	}
	dir, op := "ASC", ">"
	if p.Sort.Desc {
		dir, op = "DESC", "<"
	}
	order = fmt.Sprintf("%s %s, %s %s", expr, dir, idExpr, dir)
	if pos == nil {
		return "true", order, nil
	}
	cond = fmt.Sprintf("(%s, %s) %s (%s, %s)", expr, idExpr, op, args.add(pos.Value, cast), args.add(pos.ID, idCast))
	return cond, order, nil
}

// leadSorts maps the sort fields to their expressions and cursor casts.
var leadSorts = map[string][2]string{
	"created_at": {"l.created_at", "timestamptz"},
	"score":      {"l.score", "smallint"},
	"full_name":  {"l.full_name", "text"},
}

// Leads lists live, unmerged leads in scope, newest first by default, limit+1 rows.
func (s *Leads) Leads(ctx context.Context, brokerageID string, sc task.Scope, f lead.Filter, p page.Request) ([]lead.Lead, error) {
	args := &leadArgs{}
	where := []string{"l.brokerage_id = " + args.add(brokerageID, "uuid"), "l.deleted_at IS NULL",
		"l.merged_into IS NULL", leadOwnerScope(args, "l.agent_id", sc)}
	if f.Stage != "" {
		where = append(where, "l.stage = "+args.add(string(f.Stage), "text"))
	}
	if f.Source != "" {
		where = append(where, "l.source = "+args.add(string(f.Source), "text"))
	}
	switch f.AgentID {
	case "":
	case "none":
		where = append(where, "l.agent_id IS NULL")
	default:
		where = append(where, "l.agent_id::text = "+args.add(f.AgentID, "text"))
	}
	if f.ScoreMin != nil {
		where = append(where, "l.score >= "+args.add(*f.ScoreMin, "int"))
	}
	if f.ScoreMax != nil {
		where = append(where, "l.score <= "+args.add(*f.ScoreMax, "int"))
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		where = append(where, leadSearch(args, q, f.Phone))
	}
	sort, ok := leadSorts[p.Sort.Field]
	if !ok {
		return nil, apperr.Validation(apperr.FieldError{Field: "sort", Message: "is not a lead sort"})
	}
	cond, order, err := leadKeyset(args, sort[0], sort[1], "l.id", "uuid", p)
	if err != nil {
		return nil, err
	}
	where = append(where, cond)
	sql := `SELECT ` + leadColumns + ` FROM leads l WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY ` + order + ` LIMIT ` + args.add(p.Size()+1, "int")
	rows, err := collectLeads(s.db.Query(ctx, sql, *args...))
	return rows, InvalidInput(err)
}

// leadSearch matches q against the search column: as a web search when it uses the
// operators (quotes, -, or), otherwise every word as a prefix, so that "ahm" finds Ahmed as
// the user types. A query that reads as a phone number also matches the normalised phone,
// and five or more digits match anywhere in it.
func leadSearch(args *leadArgs, q, phone string) string {
	var ors []string
	qa := args.add(q, "text")
	if strings.ContainsAny(q, `"-`) || strings.Contains(strings.ToLower(q), " or ") {
		ors = append(ors, "l.search @@ websearch_to_tsquery('simple', "+qa+")")
	} else {
		ors = append(ors, `l.search @@ (SELECT string_agg(quote_literal(lexeme) || ':*', ' & ')
			FROM unnest(to_tsvector('simple', `+qa+`)))::tsquery`)
	}
	if phone != "" {
		ors = append(ors, "l.phone_e164 = "+args.add(phone, "text"))
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		if strings.ContainsRune(" +-().", r) {
			return -1
		}
		return 'x'
	}, q)
	if len(digits) >= 5 && !strings.Contains(digits, "x") {
		ors = append(ors, "strpos(l.phone_e164, "+args.add(digits, "text")+") > 0")
	}
	return "(" + strings.Join(ors, " OR ") + ")"
}

// Activities lists a lead's timeline, newest first by default, limit+1 rows.
func (s *Leads) Activities(ctx context.Context, brokerageID, leadID string, p page.Request) ([]lead.LeadActivity, error) {
	return listActivities(ctx, s.db, brokerageID, leadID, p)
}

// leadTx implements lead.Tx over one pgx transaction.
type leadTx struct{ tx pgx.Tx }

// Lock takes transaction-level advisory locks on the brokerage's identity keys, in a fixed
// order so that two transactions locking the same keys cannot deadlock.
func (t *leadTx) Lock(ctx context.Context, brokerageID string, keys []string) error {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	for _, k := range keys {
		if _, err := t.tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))`,
			"lead:"+brokerageID+":"+k); err != nil {
			return err
		}
	}
	return nil
}

// Duplicate finds a live, unmerged, unerased lead with the phone or the email.
func (t *leadTx) Duplicate(ctx context.Context, brokerageID, phone, email, exceptID string) (string, error) {
	if phone == "" && email == "" {
		return "", nil
	}
	var id string
	err := t.tx.QueryRow(ctx, `SELECT id::text FROM leads
		WHERE brokerage_id = $1 AND deleted_at IS NULL AND merged_into IS NULL AND erased_at IS NULL
		  AND id::text <> $4::text
		  AND (($2::text <> '' AND phone_e164 = $2::text) OR ($3::text <> '' AND lower(email) = lower($3::text)))
		ORDER BY created_at, id LIMIT 1`, brokerageID, phone, email, exceptID).Scan(&id)
	if err == pgx.ErrNoRows {
		return "", nil
	}
	return id, err
}

// NextAgent is round-robin routing: the routing row is locked for the rest of the
// transaction, so concurrent creates take turns and never pick the same agent twice.
func (t *leadTx) NextAgent(ctx context.Context, brokerageID string) (lead.Member, error) {
	if _, err := t.tx.Exec(ctx, `INSERT INTO lead_routing (brokerage_id) VALUES ($1)
		ON CONFLICT (brokerage_id) DO NOTHING`, brokerageID); err != nil {
		return lead.Member{}, err
	}
	var last string
	if err := t.tx.QueryRow(ctx, `SELECT coalesce(last_agent_id::text, '') FROM lead_routing
		WHERE brokerage_id = $1 FOR UPDATE`, brokerageID).Scan(&last); err != nil {
		return lead.Member{}, err
	}
	var m lead.Member
	err := t.tx.QueryRow(ctx, `
		WITH last AS (SELECT created_at, id FROM users WHERE id::text = $2::text)
		SELECT u.id::text, u.brokerage_id::text, u.full_name, u.role, u.active FROM users u
		WHERE u.brokerage_id = $1 AND u.role = 'agent' AND u.active
		ORDER BY EXISTS (SELECT 1 FROM last WHERE (u.created_at, u.id) > (last.created_at, last.id)) DESC,
			u.created_at, u.id
		LIMIT 1`, brokerageID, last).Scan(&m.ID, &m.BrokerageID, &m.FullName, &m.Role, &m.Active)
	if err == pgx.ErrNoRows {
		return lead.Member{}, nil
	} else if err != nil {
		return lead.Member{}, err
	}
	_, err = t.tx.Exec(ctx, `UPDATE lead_routing SET last_agent_id = $2, updated_at = now() WHERE brokerage_id = $1`,
		brokerageID, m.ID)
	return m, err
}

// Lead returns a live lead locked for update.
func (t *leadTx) Lead(ctx context.Context, brokerageID, id string) (lead.Lead, error) {
	return getLead(ctx, t.tx, brokerageID, id, "FOR UPDATE")
}

// MergedInto returns the live leads folded into id, locked for update.
func (t *leadTx) MergedInto(ctx context.Context, brokerageID, id string) ([]lead.Lead, error) {
	return collectLeads(t.tx.Query(ctx, `SELECT `+leadColumns+` FROM leads l
		WHERE l.brokerage_id = $1 AND l.merged_into = $2 AND l.deleted_at IS NULL ORDER BY l.created_at, l.id FOR UPDATE`,
		brokerageID, id))
}

// leadValues are the writable columns of a lead, in the order the statements below use.
func leadValues(l lead.Lead) ([]any, error) {
	prefs, err := json.Marshal(l.Preferences)
	return []any{l.AgentID, l.FullName, l.Phone, l.PhoneRaw, l.Email, l.Nationality, string(l.Language),
		string(l.Source), string(l.Stage), l.Score, l.BudgetMin, l.BudgetMax, string(prefs), l.ConsentWhatsApp,
		l.WhatsAppOptInAt, l.ConsentEmail, l.EmailUnsubscribedAt, l.ConsentSMS, l.DoNotCall, l.LastInboundAt,
		l.FirstContactedAt}, err
}

// Insert adds a lead.
func (t *leadTx) Insert(ctx context.Context, l lead.Lead) (lead.Lead, error) {
	vals, err := leadValues(l)
	if err != nil {
		return lead.Lead{}, err
	}
	out, err := scanLead(t.tx.QueryRow(ctx, `INSERT INTO leads AS l (brokerage_id, agent_id, full_name, phone_e164,
		phone_raw, email, nationality, language, source, stage, score, budget_min_aed, budget_max_aed, preferences,
		consent_whatsapp, whatsapp_opt_in_at, consent_email, email_unsubscribed_at, consent_sms, do_not_call,
		last_inbound_at, first_contacted_at)
		VALUES ($1::uuid, NULLIF($2::text, '')::uuid, $3, $4, $5, $6, $7, $8, $9, $10, $11::int, $12::numeric,
			$13::numeric, $14::jsonb, $15, $16::timestamptz, $17, $18::timestamptz, $19, $20, $21::timestamptz,
			$22::timestamptz)
		RETURNING `+leadColumns, append([]any{l.BrokerageID}, vals...)...))
	return out, InvalidInput(err)
}

// Save writes a lead whose version is still l.Version, bumping it.
func (t *leadTx) Save(ctx context.Context, l lead.Lead) (lead.Lead, error) {
	vals, err := leadValues(l)
	if err != nil {
		return lead.Lead{}, err
	}
	args := append([]any{l.ID, l.BrokerageID, l.Version, l.MergedInto, l.ErasedAt, l.DeletedAt, l.CreatedAt}, vals...)
	out, err := scanLead(t.tx.QueryRow(ctx, `UPDATE leads AS l SET merged_into = NULLIF($4::text, '')::uuid,
		erased_at = $5::timestamptz, deleted_at = $6::timestamptz, created_at = $7::timestamptz,
		agent_id = NULLIF($8::text, '')::uuid, full_name = $9, phone_e164 = $10, phone_raw = $11, email = $12,
		nationality = $13, language = $14, source = $15, stage = $16, score = $17::int, budget_min_aed = $18::numeric,
		budget_max_aed = $19::numeric, preferences = $20::jsonb, consent_whatsapp = $21,
		whatsapp_opt_in_at = $22::timestamptz, consent_email = $23, email_unsubscribed_at = $24::timestamptz,
		consent_sms = $25, do_not_call = $26, last_inbound_at = $27::timestamptz, first_contacted_at = $28::timestamptz,
		version = l.version + 1, updated_at = now()
		WHERE l.id = $1 AND l.brokerage_id = $2 AND l.version = $3
		RETURNING `+leadColumns, args...))
	if err == pgx.ErrNoRows {
		return lead.Lead{}, apperr.New(apperr.PreconditionFailed, "lead %s changed since it was read", l.ID)
	}
	return out, InvalidInput(err)
}

// AddTask inserts a task created by a lead operation (first contact).
func (t *leadTx) AddTask(ctx context.Context, tk task.Task) (task.Task, error) {
	return insertTask(ctx, t.tx, tk)
}

// CloseTasks sets the status of a lead's open tasks of one kind.
func (t *leadTx) CloseTasks(ctx context.Context, brokerageID, leadID string, kind task.Kind, status task.Status) ([]task.Task, error) {
	return collectTasks(t.tx.Query(ctx, `UPDATE tasks AS t SET status = $4,
		completed_at = CASE WHEN $4::text = 'done' THEN now() END, version = t.version + 1, updated_at = now()
		WHERE t.brokerage_id = $1 AND t.lead_id = $2 AND t.kind = $3 AND t.status = 'open' AND t.deleted_at IS NULL
		RETURNING `+taskColumns, brokerageID, leadID, string(kind), string(status)))
}

// MoveRecords re-points everything attached to one lead to another.
func (t *leadTx) MoveRecords(ctx context.Context, brokerageID, fromID, toID string) error {
	for _, sql := range []string{
		`UPDATE activities SET entity_id = $3 WHERE brokerage_id = $1 AND entity = 'lead' AND entity_id = $2`,
		`UPDATE tasks SET lead_id = $3, version = version + 1, updated_at = now() WHERE brokerage_id = $1 AND lead_id = $2`,
		`UPDATE viewings SET lead_id = $3, version = version + 1, updated_at = now() WHERE brokerage_id = $1 AND lead_id = $2`,
		`UPDATE deals SET lead_id = $3, version = version + 1, updated_at = now() WHERE brokerage_id = $1 AND lead_id = $2`,
		`UPDATE leads SET merged_into = $3, version = version + 1, updated_at = now() WHERE brokerage_id = $1 AND merged_into = $2`,
	} {
		if _, err := t.tx.Exec(ctx, sql, brokerageID, fromID, toID); err != nil {
			return err
		}
	}
	return nil
}

// Deals returns what AML retention needs to know about the leads' deals, deleted ones
// included: a soft-deleted deal is still a record the law may require us to keep.
func (t *leadTx) Deals(ctx context.Context, brokerageID string, leadIDs []string) ([]lead.DealFacts, error) {
	rows, err := t.tx.Query(ctx, `SELECT id::text, stage, aml_flag, created_at, closed_at FROM deals
		WHERE brokerage_id = $1 AND lead_id::text = ANY($2::text[]) ORDER BY created_at`, brokerageID, leadIDs)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (lead.DealFacts, error) {
		var d lead.DealFacts
		err := r.Scan(&d.ID, &d.Stage, &d.AMLFlag, &d.CreatedAt, &d.ClosedAt)
		return d, err
	})
}

// Records gathers what is held about the leads beyond their rows.
func (t *leadTx) Records(ctx context.Context, brokerageID string, leadIDs []string, withAML bool) (lead.Records, error) {
	var r lead.Records
	var err error
	if r.Activities, err = activitiesOf(ctx, t.tx, brokerageID, leadIDs); err != nil {
		return r, err
	}
	if r.Tasks, err = collectTasks(t.tx.Query(ctx, `SELECT `+taskColumns+` FROM tasks t
		WHERE t.brokerage_id = $1 AND t.lead_id::text = ANY($2::text[]) AND t.deleted_at IS NULL ORDER BY t.created_at, t.id`,
		brokerageID, leadIDs)); err != nil {
		return r, err
	}
	if r.Viewings, err = leadJSONRows(ctx, t.tx, `SELECT to_jsonb(v) - 'deleted_at' FROM viewings v
		WHERE v.brokerage_id = $1 AND v.lead_id::text = ANY($2::text[]) AND v.deleted_at IS NULL ORDER BY v.scheduled_at`,
		brokerageID, leadIDs); err != nil {
		return r, err
	}
	if r.Deals, err = leadJSONRows(ctx, t.tx, `SELECT CASE WHEN $3::boolean THEN to_jsonb(d) - 'deleted_at'
			ELSE to_jsonb(d) - 'deleted_at' - 'aml_flag' - 'aml_reasons' END
		FROM deals d WHERE d.brokerage_id = $1 AND d.lead_id::text = ANY($2::text[]) AND d.deleted_at IS NULL
		ORDER BY d.created_at`, brokerageID, leadIDs, withAML); err != nil {
		return r, err
	}
	r.Audit, err = leadAuditTrail(ctx, t.tx, brokerageID, leadIDs)
	return r, err
}

func leadJSONRows(ctx context.Context, q Querier, sql string, args ...any) ([]map[string]any, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (map[string]any, error) {
		var raw []byte
		if err := r.Scan(&raw); err != nil {
			return nil, err
		}
		var m map[string]any
		return m, json.Unmarshal(raw, &m)
	})
	if out == nil {
		out = []map[string]any{}
	}
	return out, err
}

// leadAuditTrail returns the audit entries about the leads, their activities and their tasks.
func leadAuditTrail(ctx context.Context, q Querier, brokerageID string, leadIDs []string) ([]audit.Record, error) {
	rows, err := q.Query(ctx, `SELECT a.id, coalesce(a.brokerage_id::text, ''), coalesce(a.actor_id::text, ''), a.action,
			a.entity, a.entity_id, a.before, a.after, a.request_id, a.at
		FROM audit_log a
		WHERE a.brokerage_id = $1 AND (
			(a.entity = 'lead' AND a.entity_id = ANY($2::text[]))
			OR (a.entity = 'task' AND a.entity_id IN (SELECT id::text FROM tasks WHERE lead_id::text = ANY($2::text[])))
			OR (a.entity = 'activity' AND a.entity_id IN (SELECT id::text FROM activities
				WHERE entity = 'lead' AND entity_id::text = ANY($2::text[]))))
		ORDER BY a.at, a.id`, brokerageID, leadIDs)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (audit.Record, error) {
		var rec audit.Record
		var before, after []byte
		err := r.Scan(&rec.ID, &rec.BrokerageID, &rec.ActorID, &rec.Action, &rec.Entity, &rec.EntityID, &before, &after,
			&rec.RequestID, &rec.At)
		rec.Before, rec.After = before, after
		return rec, err
	})
	if out == nil {
		out = []audit.Record{}
	}
	return out, err
}

// Erase clears the personal data held about the leads outside their rows: activity bodies,
// task titles and notes, viewing feedback, nurture messages (recipient, subject, body), deal
// parties (unless AML keeps them), and the same fields in earlier audit snapshots. The
// columns are those shared/privacy marks for erasure; a test checks they stay the same.
func (t *leadTx) Erase(ctx context.Context, brokerageID string, e lead.Erasing) error {
	stmts := []string{
		`UPDATE activities SET body = '' WHERE brokerage_id = $1 AND entity = 'lead' AND entity_id::text = ANY($2::text[])`,
		`UPDATE tasks SET notes = '', title = initcap(replace(kind, '_', ' ')), version = version + 1, updated_at = now()
			WHERE brokerage_id = $1 AND lead_id::text = ANY($2::text[])`,
		`UPDATE viewings SET feedback = '', version = version + 1, updated_at = now()
			WHERE brokerage_id = $1 AND lead_id::text = ANY($2::text[])`,
		`UPDATE nurture_outbox SET recipient = '', subject = '', body = '', updated_at = now()
			WHERE brokerage_id = $1 AND lead_id::text = ANY($2::text[])`,
	}
	if !e.KeepDeals {
		stmts = append(stmts, `UPDATE deals SET parties = '{}', version = version + 1, updated_at = now()
			WHERE brokerage_id = $1 AND lead_id::text = ANY($2::text[])`)
	}
	for _, sql := range stmts {
		if _, err := t.tx.Exec(ctx, sql, brokerageID, e.LeadIDs); err != nil {
			return err
		}
	}
	return leadScrubAudit(ctx, t.tx, brokerageID, e)
}

// leadScrubAudit replaces erased values in earlier audit snapshots with a marker: the trail
// keeps who did what and when, not the person's data.
func leadScrubAudit(ctx context.Context, q Querier, brokerageID string, e lead.Erasing) error {
	scrub := func(col string) string {
		return col + ` = CASE WHEN jsonb_typeof(` + col + `) = 'object' THEN (SELECT coalesce(jsonb_object_agg(k,
			CASE WHEN k = ANY($3::text[]) THEN '"[erased]"'::jsonb ELSE v END), '{}'::jsonb) FROM jsonb_each(` + col + `) AS e(k, v))
			ELSE ` + col + ` END`
	}
	set := "SET " + scrub("before") + ", " + scrub("after")
	type target struct {
		where string
		keys  []string
	}
	targets := []target{
		{`entity = 'lead' AND entity_id = ANY($2::text[])`, e.LeadFields},
		{`entity = 'task' AND entity_id IN (SELECT id::text FROM tasks WHERE lead_id::text = ANY($2::text[]))`, []string{"title", "notes"}},
		{`entity = 'activity' AND entity_id IN (SELECT id::text FROM activities WHERE entity = 'lead'
			AND entity_id::text = ANY($2::text[]))`, []string{"body"}},
		{`entity = 'viewing' AND entity_id IN (SELECT id::text FROM viewings WHERE lead_id::text = ANY($2::text[]))`, []string{"feedback"}},
	}
	if !e.KeepDeals {
		targets = append(targets, target{`entity = 'deal' AND entity_id IN (SELECT id::text FROM deals
			WHERE lead_id::text = ANY($2::text[]))`, []string{"parties"}})
	}
	for _, s := range targets {
		if _, err := q.Exec(ctx, `UPDATE audit_log `+set+` WHERE brokerage_id = $1 AND `+s.where,
			brokerageID, e.LeadIDs, s.keys); err != nil {
			return err
		}
	}
	return nil
}

// Audit records an entry in the transaction.
func (t *leadTx) Audit(ctx context.Context, e audit.Entry) error { return WriteAudit(ctx, t.tx, e) }
