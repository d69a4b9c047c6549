package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/page"
	"github.com/propertypro/propertypro/shared/task"
)

// Tasks implements task.Store.
type Tasks struct{ db *pgxpool.Pool }

// NewTasks returns the task repository.
func NewTasks(db *pgxpool.Pool) *Tasks { return &Tasks{db: db} }

const taskColumns = `t.id::text, t.brokerage_id::text, coalesce(t.assignee_id::text, ''), coalesce(t.lead_id::text, ''),
	coalesce(t.deal_id::text, ''), t.title, t.notes, t.kind, t.due_at, t.status, t.priority, t.completed_at,
	t.version, t.created_at, t.updated_at, t.deleted_at`

func scanTask(row pgx.Row) (task.Task, error) {
	var t task.Task
	err := row.Scan(&t.ID, &t.BrokerageID, &t.AssigneeID, &t.LeadID, &t.DealID, &t.Title, &t.Notes, &t.Kind, &t.DueAt,
		&t.Status, &t.Priority, &t.CompletedAt, &t.Version, &t.CreatedAt, &t.UpdatedAt, &t.DeletedAt)
	return t, err
}

func collectTasks(rows pgx.Rows, err error) ([]task.Task, error) {
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (task.Task, error) { return scanTask(r) })
	if out == nil {
		out = []task.Task{}
	}
	return out, err
}

func insertTask(ctx context.Context, q Querier, t task.Task) (task.Task, error) {
	out, err := scanTask(q.QueryRow(ctx, `INSERT INTO tasks AS t (brokerage_id, assignee_id, lead_id, deal_id, title,
		notes, kind, due_at, status, priority, completed_at)
		VALUES ($1::uuid, NULLIF($2::text, '')::uuid, NULLIF($3::text, '')::uuid, NULLIF($4::text, '')::uuid, $5, $6, $7,
			$8::timestamptz, $9, $10, $11::timestamptz)
		RETURNING `+taskColumns, t.BrokerageID, t.AssigneeID, t.LeadID, t.DealID, t.Title, t.Notes, string(t.Kind),
		t.DueAt, string(t.Status), string(t.Priority), t.CompletedAt))
	return out, InvalidInput(err)
}

// CreateTask inserts a task and its audit entry.
func (s *Tasks) CreateTask(ctx context.Context, t task.Task, e audit.Entry) (task.Task, error) {
	var out task.Task
	err := InTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if out, err = insertTask(ctx, tx, t); err != nil {
			return err
		}
		e.EntityID, e.After = out.ID, out
		return WriteAudit(ctx, tx, e)
	})
	return out, err
}

// Task returns a live task of the brokerage.
func (s *Tasks) Task(ctx context.Context, brokerageID, id string) (task.Task, error) {
	if !IsUUID(id) {
		return task.Task{}, apperr.New(apperr.NotFound, "task %s not found", id)
	}
	t, err := scanTask(s.db.QueryRow(ctx, `SELECT `+taskColumns+` FROM tasks t
		WHERE t.id = $1 AND t.brokerage_id = $2 AND t.deleted_at IS NULL`, id, brokerageID))
	return t, NotFound(err, "task %s not found", id)
}

// UpdateTask writes a task whose version is still t.Version, with its audit entry.
func (s *Tasks) UpdateTask(ctx context.Context, t task.Task, e audit.Entry) (task.Task, error) {
	var out task.Task
	err := InTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		out, err = scanTask(tx.QueryRow(ctx, `UPDATE tasks AS t SET assignee_id = NULLIF($4::text, '')::uuid, title = $5,
			notes = $6, kind = $7, due_at = $8::timestamptz, status = $9, priority = $10, completed_at = $11::timestamptz,
			deleted_at = $12::timestamptz, version = t.version + 1, updated_at = now()
			WHERE t.id = $1 AND t.brokerage_id = $2 AND t.version = $3 AND t.deleted_at IS NULL
			RETURNING `+taskColumns, t.ID, t.BrokerageID, t.Version, t.AssigneeID, t.Title, t.Notes, string(t.Kind),
			t.DueAt, string(t.Status), string(t.Priority), t.CompletedAt, t.DeletedAt))
		if err == pgx.ErrNoRows {
			return apperr.New(apperr.PreconditionFailed, "task %s changed since it was read", t.ID)
		} else if err != nil {
			return err
		}
		if out.DeletedAt == nil {
			e.After = out
		}
		return WriteAudit(ctx, tx, e)
	})
	return out, InvalidInput(err)
}

// taskSorts maps the sort fields to their expressions and cursor casts; tasks without a
// due date sort after every dated one.
var taskSorts = map[string][2]string{
	"due_at":     {"coalesce(t.due_at, 'infinity'::timestamptz)", "timestamptz"},
	"created_at": {"t.created_at", "timestamptz"},
}

// Tasks lists live tasks in scope, limit+1 rows.
func (s *Tasks) Tasks(ctx context.Context, brokerageID string, sc task.Scope, f task.Filter, p page.Request) ([]task.Task, error) {
	args := &leadArgs{}
	where := "t.brokerage_id = " + args.add(brokerageID, "uuid") + " AND t.deleted_at IS NULL AND " +
		leadOwnerScope(args, "t.assignee_id", sc)
	if f.Status != "" {
		where += " AND t.status = " + args.add(string(f.Status), "text")
	}
	if f.AssigneeID != "" {
		where += " AND t.assignee_id::text = " + args.add(f.AssigneeID, "text")
	}
	if f.LeadID != "" {
		where += " AND t.lead_id::text = " + args.add(f.LeadID, "text")
	}
	if !f.DueBefore.IsZero() {
		where += " AND t.due_at < " + args.add(f.DueBefore, "timestamptz")
	}
	sort, ok := taskSorts[p.Sort.Field]
	if !ok {
		return nil, apperr.Validation(apperr.FieldError{Field: "sort", Message: "is not a task sort"})
	}
	cond, order, err := leadKeyset(args, sort[0], sort[1], "t.id", "uuid", p)
	if err != nil {
		return nil, err
	}
	rows, err := collectTasks(s.db.Query(ctx, `SELECT `+taskColumns+` FROM tasks t WHERE `+where+` AND `+cond+
		` ORDER BY `+order+` LIMIT `+args.add(p.Size()+1, "int"), *args...))
	return rows, InvalidInput(err)
}

// Member returns a user of the brokerage.
func (s *Tasks) Member(ctx context.Context, brokerageID, userID string) (task.Member, error) {
	return leadMember(ctx, s.db, brokerageID, userID)
}

// LeadOwner returns the agent of a live lead of the brokerage.
func (s *Tasks) LeadOwner(ctx context.Context, brokerageID, leadID string) (string, error) {
	return taskSubjectOwner(ctx, s.db, `SELECT coalesce(agent_id::text, '') FROM leads
		WHERE id = $1 AND brokerage_id = $2 AND deleted_at IS NULL AND merged_into IS NULL`, brokerageID, leadID, "lead")
}

// DealOwner returns the agent of a live deal of the brokerage.
func (s *Tasks) DealOwner(ctx context.Context, brokerageID, dealID string) (string, error) {
	return taskSubjectOwner(ctx, s.db, `SELECT coalesce(agent_id::text, '') FROM deals
		WHERE id = $1 AND brokerage_id = $2 AND deleted_at IS NULL`, brokerageID, dealID, "deal")
}

func taskSubjectOwner(ctx context.Context, q Querier, sql, brokerageID, id, what string) (string, error) {
	if !IsUUID(id) {
		return "", apperr.New(apperr.NotFound, "%s %s not found", what, id)
	}
	var o string
	err := q.QueryRow(ctx, sql, id, brokerageID).Scan(&o)
	return o, NotFound(err, "%s %s not found", what, id)
}
