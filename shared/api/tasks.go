package api

import (
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/task"
)

// taskService builds the task service of a function from its boot.
func taskService(b *platform.Boot) *task.Service { return task.New(postgres.NewTasks(b.DB)) }

// taskRef is a task's id and version, for its ETag.
func taskRef(t task.Task) (string, int) { return t.ID, t.Version }

type tasksListInput struct {
	Status     task.Status `query:"status" enum:"open,done,cancelled"`
	AssigneeID string      `query:"assignee_id" maxLength:"64" doc:"A user's id, or me."`
	LeadID     string      `query:"lead_id" maxLength:"64"`
	DueBefore  time.Time   `query:"due_before" doc:"Only tasks due before this time (RFC 3339)."`
	Sort       string      `query:"sort" enum:"due_at,-due_at,created_at,-created_at" doc:"Default due_at (soonest first; undated last)."`
	Limit      int         `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor     string      `query:"cursor" maxLength:"512" doc:"next_cursor of the previous page."`
}

func (in *tasksListInput) paging() (string, int, string) { return in.Sort, in.Limit, in.Cursor }

func (in *tasksListInput) filter() (task.Filter, error) {
	return task.Filter{Status: in.Status, AssigneeID: in.AssigneeID, LeadID: in.LeadID, DueBefore: in.DueBefore}, nil
}

// TasksList is GET /v1/tasks: the tasks the caller sees (their own; a manager's team's).
func TasksList(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 422)
	listRecords[tasksListInput](api, op, Lazy(b, taskService), task.Sorts, task.DefaultSort, (*task.Service).List)
}

// TasksCreate is POST /v1/tasks.
func TasksCreate(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 422)
	createRecord(api, op, Lazy(b, taskService), (*task.Service).Create, tagged(taskRef))
}

// taskKey is a task id in a path; its schema describes the parameter.
type taskKey string

// Schema describes the {id} parameter in the OpenAPI document.
func (taskKey) Schema(huma.Registry) *huma.Schema { return idSchema("Task id.") }

// TasksGet is GET /v1/tasks/{id}.
func TasksGet(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404)
	getRecord[taskKey](api, op, Lazy(b, taskService), (*task.Service).Get, tagged(taskRef))
}

// TasksUpdate is PATCH /v1/tasks/{id}.
func TasksUpdate(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404, 412, 422)
	patchRecord[taskKey](api, op, Lazy(b, taskService), (*task.Service).Update, tagged(taskRef))
}

// TasksDelete is DELETE /v1/tasks/{id}: a soft delete.
func TasksDelete(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404, 412)
	deleteRecord[taskKey](api, op, Lazy(b, taskService), (*task.Service).Delete)
}
