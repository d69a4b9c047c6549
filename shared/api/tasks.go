package api

import (
	"context"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/propertypro/propertypro/shared/page"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/task"
)

// taskService builds the task service of a function from its boot.
func taskService(b *platform.Boot) *task.Service { return task.New(postgres.NewTasks(b.DB)) }

type taskOutput struct {
	ETag string `header:"ETag"`
	Body task.Task
}

func taskOut(t task.Task) *taskOutput { return &taskOutput{ETag: ETag(t.Version), Body: t} }

type tasksListInput struct {
	Status     task.Status `query:"status" enum:"open,done,cancelled"`
	AssigneeID string      `query:"assignee_id" maxLength:"64" doc:"A user's id, or me."`
	LeadID     string      `query:"lead_id" maxLength:"64"`
	DueBefore  time.Time   `query:"due_before" doc:"Only tasks due before this time (RFC 3339)."`
	Sort       string      `query:"sort" enum:"due_at,-due_at,created_at,-created_at" doc:"Default due_at (soonest first; undated last)."`
	Limit      int         `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor     string      `query:"cursor" maxLength:"512" doc:"next_cursor of the previous page."`
}

type tasksOutput struct {
	Body page.Result[task.Task]
}

// TasksList is GET /v1/tasks: the tasks the caller sees (their own; a manager's team's).
func TasksList(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 422)
	svc := Lazy(b, taskService)
	Handle(api, op, func(ctx context.Context, in *tasksListInput) (*tasksOutput, error) {
		a, err := actor(ctx)
		if err != nil {
			return nil, err
		}
		sort, err := page.ParseSort(in.Sort, task.Sorts, task.DefaultSort)
		if err != nil {
			return nil, err
		}
		f := task.Filter{Status: in.Status, AssigneeID: in.AssigneeID, LeadID: in.LeadID, DueBefore: in.DueBefore}
		res, err := svc().List(ctx, a, f, page.Request{Cursor: in.Cursor, Limit: in.Limit, Sort: sort})
		if err != nil {
			return nil, err
		}
		return &tasksOutput{Body: res}, nil
	})
}

// TasksCreate is POST /v1/tasks.
func TasksCreate(api huma.API, op huma.Operation, b *platform.Boot) {
	op.DefaultStatus = 201
	op.Errors = append(op.Errors, 422)
	svc := Lazy(b, taskService)
	Handle(api, op, func(ctx context.Context, in *struct{ Body task.NewTask }) (*taskOutput, error) {
		a, err := actor(ctx)
		if err != nil {
			return nil, err
		}
		t, err := svc().Create(ctx, a, in.Body)
		if err != nil {
			return nil, err
		}
		return taskOut(t), nil
	})
}

// taskKey is a task id in a path; its schema describes the parameter.
type taskKey string

// Schema describes the {id} parameter in the OpenAPI document.
func (taskKey) Schema(huma.Registry) *huma.Schema { return idSchema("Task id.") }

// TasksGet is GET /v1/tasks/{id}.
func TasksGet(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404)
	getRecord[taskKey](api, op, Lazy(b, taskService), (*task.Service).Get, taskOut)
}

// TasksUpdate is PATCH /v1/tasks/{id}.
func TasksUpdate(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404, 412, 422)
	patchRecord[taskKey](api, op, Lazy(b, taskService), (*task.Service).Update, taskOut)
}

// TasksDelete is DELETE /v1/tasks/{id}: a soft delete.
func TasksDelete(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404, 412)
	deleteRecord[taskKey](api, op, Lazy(b, taskService), (*task.Service).Delete)
}
