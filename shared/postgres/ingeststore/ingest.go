package ingeststore

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/propertypro/propertypro/shared/postgres"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/ingest"
	"github.com/propertypro/propertypro/shared/ingest/read"
	"github.com/propertypro/propertypro/shared/location"
)

// reportIssues is how many issues the stored report carries inline; all are in the quarantine.
const reportIssues = 50

// Ingestions loads data drops and keeps their reports.
type Ingestions struct{ db *pgxpool.Pool }

// NewIngestions returns the ingestion repository.
func NewIngestions(db *pgxpool.Pool) *Ingestions { return &Ingestions{db: db} }

// IngestRequest is one object to ingest.
type IngestRequest struct {
	BrokerageID string
	Bucket      string
	Key         string
	ETag        string
	Dataset     string // forces the dataset of every table; "" detects it
	DryRun      bool   // validate and count, then roll the data back
	Force       bool   // ingest even when the object was ingested before
	// Open reads the object's tables; it is called once, after the duplicate check.
	Open func() ([]read.Table, error)
}

// Ingest runs the whole pipeline for one object: the file commits whole or not at all, bad
// rows go to the quarantine, and an object already ingested is a no-op.
func (s *Ingestions) Ingest(ctx context.Context, req IngestRequest) (ingest.Report, error) {
	rep := ingest.Report{BrokerageID: req.BrokerageID, Bucket: req.Bucket, Key: req.Key, ETag: req.ETag,
		DryRun: req.DryRun, Status: ingest.StatusRunning, StartedAt: time.Now().UTC(), Tables: []ingest.TableReport{}}
	if !req.DryRun && !req.Force {
		if prev, ok, err := s.succeeded(ctx, s.db, req); err != nil || ok {
			return prev, err
		}
	}
	err := s.db.QueryRow(ctx, `INSERT INTO ingestions (brokerage_id, bucket, key, etag, status, dry_run)
		VALUES ($1, $2, $3, $4, 'running', $5) RETURNING id::text`,
		req.BrokerageID, req.Bucket, req.Key, req.ETag, req.DryRun).Scan(&rep.ID)
	if err != nil {
		return rep, postgres.InvalidInput(err)
	}
	var issues []ingest.Issue
	dup, err := s.run(ctx, req, &rep, &issues)
	if dup != nil {
		_, _ = s.db.Exec(ctx, `DELETE FROM ingestions WHERE id = $1`, rep.ID)
		return *dup, nil
	}
	if err != nil {
		rep.Status, rep.Error = ingest.StatusFailed, err.Error()
		rep.Issues = head(issues)
		rep.FinishedAt = time.Now().UTC()
		// The data rolled back; the failure and its reason are what the report keeps.
		if ferr := s.finish(context.WithoutCancel(ctx), s.db, &rep, nil); ferr != nil {
			return rep, errors.Join(err, ferr)
		}
		return rep, err
	}
	return rep, nil
}

// run loads every table in one transaction and stores the report with it.
func (s *Ingestions) run(ctx context.Context, req IngestRequest, rep *ingest.Report, issues *[]ingest.Issue) (*ingest.Report, error) {
	var dup *ingest.Report
	err := postgres.InTx(ctx, s.db, func(tx pgx.Tx) error {
		// Two deliveries of one object at once: the second waits, then finds the first's success.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 7))`,
			req.Bucket+"|"+req.Key+"|"+req.ETag); err != nil {
			return err
		}
		// A file of a million rows takes longer than the pool's request-sized statement
		// timeout; the load is bounded by the caller's context (the function's timeout).
		if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
			return err
		}
		if !req.DryRun && !req.Force {
			if prev, ok, err := s.succeeded(ctx, tx, req); err != nil || ok {
				dup = &prev
				return err
			}
		}
		tables, err := req.Open()
		if err != nil {
			return err
		}
		env, err := s.env(ctx, tx, req.BrokerageID)
		if err != nil {
			return err
		}
		data, err := tx.Begin(ctx) // a savepoint, so a dry run can drop the data and keep the report
		if err != nil {
			return err
		}
		for i, t := range tables {
			if err := s.table(ctx, data, i, t, req, env, rep, issues); err != nil {
				return err
			}
		}
		if req.DryRun {
			err = data.Rollback(ctx)
		} else {
			err = data.Commit(ctx)
		}
		if err != nil {
			return err
		}
		rep.Status, rep.FinishedAt = ingest.StatusSucceeded, time.Now().UTC()
		rep.Sum()
		rep.Issues = head(*issues)
		if err := s.quarantine(ctx, tx, rep.ID, *issues); err != nil {
			return err
		}
		if err := postgres.WriteAudit(ctx, tx, audit.Entry{BrokerageID: req.BrokerageID, Action: "ingest", Entity: "ingestion",
			EntityID: rep.ID, After: rep.Totals}); err != nil {
			return err
		}
		return s.finish(ctx, tx, rep, nil)
	})
	if dup != nil && err == nil {
		return dup, nil
	}
	return nil, err
}

func head(is []ingest.Issue) []ingest.Issue { return is[:min(len(is), reportIssues)] }

// table stages one table through COPY and applies one upsert.
func (s *Ingestions) table(ctx context.Context, tx pgx.Tx, i int, t read.Table, req IngestRequest, env *ingest.Env,
	rep *ingest.Report, issues *[]ingest.Issue) error {
	ds, err := pick(req.Dataset, t.Reader.Header())
	if err != nil {
		if t.Name != "" {
			return fmt.Errorf("sheet %q: %w", t.Name, err)
		}
		return err
	}
	rep.Tables = append(rep.Tables, ingest.TableReport{Sheet: t.Name, Dataset: ds.Name, Target: ds.Target, Quirks: []string{}})
	tr := &rep.Tables[len(rep.Tables)-1]
	stage := fmt.Sprintf("ingest_stage_%d", i)
	if _, err := tx.Exec(ctx, stageDDL(stage, ds)); err != nil {
		return err
	}
	stream := ingest.NewStream(ds, t.Reader, env, tr, issues)
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{stage}, ds.ColumnNames(), newCopySource(ds, stream)); err != nil {
		if serr := stream.Err(); serr != nil {
			return serr
		}
		return fmt.Errorf("loading %s: %w", ds.Name, postgres.InvalidInput(err))
	}
	stream.Finish()
	// Statistics let the planner pick a hash join against the target for a large file. Only
	// the key columns are joined on; sampling the JSON columns too cost a second per million rows.
	if _, err := tx.Exec(ctx, analyzeSQL(stage, ds)); err != nil {
		return err
	}
	var ins, upd int
	if err := tx.QueryRow(ctx, upsertSQL(stage, ds)).Scan(&ins, &upd); err != nil {
		return fmt.Errorf("applying %s: %w", ds.Name, postgres.InvalidInput(err))
	}
	tr.Inserted, tr.Updated = ins, upd
	tr.Unchanged = stream.Staged - ins - upd
	if ds.UpdateOnly {
		tr.Unchanged = stream.Staged - upd
	}
	if ds.Target == "listings" {
		return s.loadListings(ctx, tx, req.BrokerageID, env)
	}
	return nil
}

func pick(name string, header []string) (*ingest.Dataset, error) {
	if name == "" {
		return ingest.Detect(header)
	}
	ds, ok := ingest.Lookup(name)
	if !ok {
		return nil, fmt.Errorf("unknown dataset %q; one of %s", name, strings.Join(ingest.DatasetNames(), ", "))
	}
	return ds, nil
}

// copySource hands the stream's rows to COPY with uuids as the 16 bytes the driver writes
// directly: given as text, every uuid value took pgx's slow fallback (a failed plan, an error
// value, a parse), a tenth of the CPU of a large load.
type copySource struct {
	*ingest.Stream
	uuids []int
}

func newCopySource(ds *ingest.Dataset, s *ingest.Stream) *copySource {
	c := &copySource{Stream: s}
	for i, col := range ds.Columns {
		if col.Type == "uuid" {
			c.uuids = append(c.uuids, i)
		}
	}
	return c
}

// Values converts the uuid columns of the current row; text that is not a uuid is left for
// Postgres to refuse with its own message.
func (c *copySource) Values() ([]any, error) {
	v, err := c.Stream.Values()
	for _, i := range c.uuids {
		if s, ok := v[i].(string); ok {
			if u, ok := parseUUID(s); ok {
				v[i] = u
			}
		}
	}
	return v, err
}

// parseUUID reads the canonical 8-4-4-4-12 hex form, without allocating: it runs per row.
func parseUUID(s string) ([16]byte, bool) {
	var u [16]byte
	var digits [32]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	copy(digits[:], s[:8])
	copy(digits[8:], s[9:13])
	copy(digits[12:], s[14:18])
	copy(digits[16:], s[19:23])
	copy(digits[20:], s[24:])
	_, err := hex.Decode(u[:], digits[:])
	return u, err == nil
}

// stageType is a column's type in the staging table. Numbers stage as float8, which the
// driver writes in binary as is, where numeric costs a decimal conversion per value; the
// upsert's assignment casts round them to the target column's precision.
func stageType(t string) string {
	if t == "numeric" {
		return "float8"
	}
	return t
}

func stageDDL(stage string, ds *ingest.Dataset) string {
	cols := make([]string, len(ds.Columns))
	for i, c := range ds.Columns {
		cols[i] = pgx.Identifier{c.Name}.Sanitize() + " " + stageType(c.Type)
	}
	return fmt.Sprintf("CREATE TEMP TABLE %s (%s) ON COMMIT DROP", pgx.Identifier{stage}.Sanitize(), strings.Join(cols, ", "))
}

func analyzeSQL(stage string, ds *ingest.Dataset) string {
	keys := make([]string, len(ds.Key))
	for i, k := range ds.Key {
		keys[i] = pgx.Identifier{k}.Sanitize()
	}
	if len(keys) == 0 {
		return "ANALYZE " + pgx.Identifier{stage}.Sanitize()
	}
	return fmt.Sprintf("ANALYZE %s (%s)", pgx.Identifier{stage}.Sanitize(), strings.Join(keys, ", "))
}

// upsertSQL writes the staged rows in one statement keyed on the natural key; a row whose
// values are all the same is not rewritten (delta load), and the counts come back.
func upsertSQL(stage string, ds *ingest.Dataset) string {
	var cols, set, old, neu []string
	for _, c := range ds.Columns {
		id := pgx.Identifier{c.Name}.Sanitize()
		cols = append(cols, id)
		if slices.Contains(ds.Key, c.Name) || slices.Contains(ds.Keep, c.Name) {
			continue
		}
		set = append(set, id+" = s."+id)
		old, neu = append(old, "t."+id), append(neu, "s."+id)
	}
	table, st := pgx.Identifier{ds.Target}.Sanitize(), pgx.Identifier{stage}.Sanitize()
	touch := ""
	if ds.Versioned {
		touch = ", version = t.version + 1, updated_at = now()"
	}
	changed := fmt.Sprintf("(%s) IS DISTINCT FROM (%s)", strings.Join(old, ", "), strings.Join(neu, ", "))
	if ds.UpdateOnly {
		var on []string
		for _, k := range ds.Key {
			on = append(on, fmt.Sprintf("t.%[1]s = s.%[1]s", pgx.Identifier{k}.Sanitize()))
		}
		return fmt.Sprintf(`WITH up AS (UPDATE %s t SET %s%s FROM %s s WHERE %s AND t.deleted_at IS NULL AND %s RETURNING 1)
			SELECT 0, count(*)::int FROM up`, table, strings.Join(set, ", "), touch, st, strings.Join(on, " AND "), changed)
	}
	guard := ""
	if ds.Guard != "" {
		guard = " AND " + ds.Guard
	}
	// Rows whose stored twin is identical are left out before the insert: ON CONFLICT DO
	// UPDATE locks (and so writes) every conflicting row even when its WHERE then skips it,
	// which made a re-ingest of an unchanged file cost nearly as much as the first load.
	var match []string
	for _, k := range ds.Key {
		match = append(match, fmt.Sprintf("t.%[1]s = s.%[1]s", pgx.Identifier{k}.Sanitize()))
	}
	if _, live, ok := strings.Cut(ds.Conflict, " WHERE "); ok {
		match = append(match, "t."+live) // a one-column predicate of the partial unique index, e.g. deleted_at IS NULL
	}
	same := fmt.Sprintf("NOT EXISTS (SELECT 1 FROM %s t WHERE %s AND (%s) IS NOT DISTINCT FROM (%s))",
		table, strings.Join(match, " AND "), strings.Join(old, ", "), strings.Join(neu, ", "))
	set, neu = nil, nil
	for _, o := range old {
		id := strings.TrimPrefix(o, "t.")
		set, neu = append(set, id+" = EXCLUDED."+id), append(neu, "EXCLUDED."+id)
	}
	changed = fmt.Sprintf("(%s) IS DISTINCT FROM (%s)", strings.Join(old, ", "), strings.Join(neu, ", "))
	return fmt.Sprintf(`WITH up AS (INSERT INTO %[1]s AS t (%[2]s) SELECT %[2]s FROM %[3]s s WHERE %[9]s
		ON CONFLICT %[4]s DO UPDATE SET %[5]s%[6]s WHERE %[7]s%[8]s RETURNING (xmax = 0) AS inserted)
		SELECT count(*) FILTER (WHERE inserted)::int, count(*) FILTER (WHERE NOT inserted)::int FROM up`,
		table, strings.Join(cols, ", "), st, ds.Conflict, strings.Join(set, ", "), touch, changed, guard, same)
}

// env preloads what mapping consults, so a row costs map look-ups and no round trips.
func (s *Ingestions) env(ctx context.Context, q postgres.Querier, brokerageID string) (*ingest.Env, error) {
	aliases, err := pairs(ctx, q, `SELECT alias, location_id::text FROM location_aliases`)
	if err != nil {
		return nil, err
	}
	agents, err := pairs(ctx, q, `SELECT lower(full_name), id::text FROM users WHERE brokerage_id = $1 AND role = 'agent'`, brokerageID)
	if err != nil {
		return nil, err
	}
	bands := map[string][2]float64{}
	rows, err := q.Query(ctx, `SELECT community_id::text, min(avg_price_per_sqft)::float8, max(avg_price_per_sqft)::float8
		FROM market_observations WHERE community_id IS NOT NULL AND avg_price_per_sqft IS NOT NULL GROUP BY 1`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id string
		var lo, hi float64
		if err := rows.Scan(&id, &lo, &hi); err != nil {
			return nil, err
		}
		bands[id] = [2]float64{lo, hi}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	env := &ingest.Env{BrokerageID: brokerageID, Now: time.Now().UTC(),
		Community: func(name string) (string, bool) {
			for _, c := range location.Candidates(name) {
				if id, ok := aliases[c]; ok {
					return id, true
				}
			}
			return "", false
		},
		Agent: func(name string) (string, bool) {
			id, ok := agents[strings.ToLower(strings.TrimSpace(name))]
			return id, ok
		},
		PricePerSqft: func(id string) (float64, float64, bool) { b, ok := bands[id]; return b[0], b[1], ok },
	}
	return env, s.loadListings(ctx, q, brokerageID, env)
}

func (s *Ingestions) loadListings(ctx context.Context, q postgres.Querier, brokerageID string, env *ingest.Env) error {
	listings, err := pairs(ctx, q, `SELECT reference, id::text FROM listings WHERE brokerage_id = $1 AND deleted_at IS NULL`, brokerageID)
	if err != nil {
		return err
	}
	env.Listing = func(ref string) (string, bool) { id, ok := listings[ref]; return id, ok }
	return nil
}

func pairs(ctx context.Context, q postgres.Querier, sql string, args ...any) (map[string]string, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

// quarantine stores every kept issue with the row it came from.
func (s *Ingestions) quarantine(ctx context.Context, tx pgx.Tx, id string, issues []ingest.Issue) error {
	n := 0
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"ingestion_issues"},
		[]string{"ingestion_id", "n", "sheet", "line", "col", "value", "reason", "warning", "raw"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if n >= len(issues) {
				return nil, nil
			}
			i := issues[n]
			n++
			return []any{id, n, i.Sheet, i.Line, i.Column, clean(i.Value), clean(i.Reason), i.Warning, clean(i.Raw)}, nil
		}))
	return err
}

// clean drops NUL bytes, which Postgres text cannot hold.
func clean(s string) string { return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "") }

func (s *Ingestions) finish(ctx context.Context, q postgres.Querier, rep *ingest.Report, _ error) error {
	names := []string{}
	for _, t := range rep.Tables {
		names = append(names, t.Dataset)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `UPDATE ingestions SET status = $2, datasets = $3, rows_read = $4, rejected = $5,
		report = $6::jsonb, error = $7, finished_at = now() WHERE id = $1`,
		rep.ID, rep.Status, names, rep.Totals.Read, rep.Totals.Rejected, clean(string(b)), clean(rep.Error))
	return err
}

// succeeded finds the earlier success of the same object.
func (s *Ingestions) succeeded(ctx context.Context, q postgres.Querier, req IngestRequest) (ingest.Report, bool, error) {
	var raw string
	err := q.QueryRow(ctx, `SELECT report::text FROM ingestions WHERE bucket = $1 AND key = $2 AND etag = $3
		AND status = 'succeeded' AND NOT dry_run`, req.Bucket, req.Key, req.ETag).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return ingest.Report{}, false, nil
	}
	if err != nil {
		return ingest.Report{}, false, err
	}
	var rep ingest.Report
	if err := json.Unmarshal([]byte(raw), &rep); err != nil {
		return rep, false, err
	}
	rep.Duplicate = true
	return rep, true, nil
}
