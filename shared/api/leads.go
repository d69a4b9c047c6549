package api

import (
	"context"

	"github.com/danielgtaylor/huma/v2"
	"github.com/propertypro/propertypro/shared/lead"
	"github.com/propertypro/propertypro/shared/page"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres"
)

func leadRoutes() map[string]Route {
	return map[string]Route{
		"api-leads-list":              LeadsList,
		"api-leads-create":            LeadsCreate,
		"api-leads-get":               LeadsGet,
		"api-leads-update":            LeadsUpdate,
		"api-leads-delete":            LeadsDelete,
		"api-leads-assign":            LeadsAssign,
		"api-leads-merge":             LeadsMerge,
		"api-leads-activities-list":   LeadActivitiesList,
		"api-leads-activities-create": LeadActivitiesCreate,
		"api-leads-export":            LeadsExport,
		"api-leads-erase":             LeadsErase,
		"api-tasks-list":              TasksList,
		"api-tasks-create":            TasksCreate,
		"api-tasks-get":               TasksGet,
		"api-tasks-update":            TasksUpdate,
		"api-tasks-delete":            TasksDelete,
	}
}

// leadService builds the lead service of a function from its boot.
func leadService(b *platform.Boot) *lead.Service {
	return lead.New(postgres.NewLeads(b.DB), lead.Settings{FirstContactSLA: b.Config.FirstContactSLA})
}

// leadRef is a lead's id and version, for its ETag.
func leadRef(l lead.Lead) (string, int) { return l.ID, l.Version }

// leadKey is a lead id in a path; its schema describes the parameter.
type leadKey string

// Schema describes the {id} parameter in the OpenAPI document.
func (leadKey) Schema(huma.Registry) *huma.Schema { return idSchema("Lead id.") }

type leadsListInput struct {
	Stage    lead.Stage  `query:"stage" enum:"new,contacted,qualified,viewing,offer,won,lost,nurture"`
	Source   lead.Source `query:"source" enum:"property_finder,bayut,dubizzle,website,referral,walk_in,social,whatsapp,other"`
	AgentID  string      `query:"agent_id" maxLength:"64" doc:"An agent's id, me, or none for unassigned leads."`
	ScoreMin int         `query:"score_min" minimum:"0" maximum:"100"`
	ScoreMax int         `query:"score_max" minimum:"0" maximum:"100" default:"100"`
	Q        string      `query:"q" maxLength:"200" doc:"Full text over name, email, phone and nationality; words match from their start (\"ahm\" finds Ahmed), a phone in any spelling finds its lead."`
	Sort     string      `query:"sort" enum:"created_at,-created_at,score,-score,full_name,-full_name" doc:"Default -created_at (newest first)."`
	Limit    int         `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor   string      `query:"cursor" maxLength:"512" doc:"next_cursor of the previous page."`
}

func (in *leadsListInput) paging() (string, int, string) { return in.Sort, in.Limit, in.Cursor }

func (in *leadsListInput) filter() (lead.Filter, error) {
	f := lead.Filter{Stage: in.Stage, Source: in.Source, AgentID: in.AgentID, Q: in.Q}
	if in.ScoreMin > 0 {
		f.ScoreMin = &in.ScoreMin
	}
	if in.ScoreMax < 100 {
		f.ScoreMax = &in.ScoreMax
	}
	return f, nil
}

// LeadsList is GET /v1/leads: the leads the caller sees, filtered, searched and paged.
func LeadsList(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 422)
	listRecords[leadsListInput](api, op, Lazy(b, leadService), lead.Sorts, lead.DefaultSort, (*lead.Service).List)
}

// LeadsCreate is POST /v1/leads. The same person arriving again (same phone in any
// spelling, or same email in any case) answers 409 with existing_id.
func LeadsCreate(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 409, 422)
	createRecord(api, op, Lazy(b, leadService), (*lead.Service).Create, tagged(leadRef))
}

// LeadsGet is GET /v1/leads/{id}.
func LeadsGet(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404)
	getRecord[leadKey](api, op, Lazy(b, leadService), (*lead.Service).Get, tagged(leadRef))
}

// LeadsUpdate is PATCH /v1/leads/{id}.
func LeadsUpdate(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404, 409, 412, 422)
	patchRecord[leadKey](api, op, Lazy(b, leadService), (*lead.Service).Update, tagged(leadRef))
}

// LeadsDelete is DELETE /v1/leads/{id}: a soft delete.
func LeadsDelete(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404, 409, 412)
	deleteRecord[leadKey](api, op, Lazy(b, leadService), (*lead.Service).Delete)
}

// LeadsAssign is POST /v1/leads/{id}/assign.
func LeadsAssign(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Description = "Gives the lead to an agent (admins; managers within their team). The agent gets a first-contact task due within LEAD_FIRST_CONTACT_SLA and the lead's timeline records the assignment."
	op.Errors = append(op.Errors, 404, 409, 422)
	svc := Lazy(b, leadService)
	Handle(api, op, func(ctx context.Context, in *struct {
		ID   string `path:"id" maxLength:"64" doc:"Lead id."`
		Body struct {
			AgentID string `json:"agent_id" maxLength:"64" doc:"The agent who will work the lead."`
		}
	}) (*recordOutput[lead.Lead], error) {
		a, err := actor(ctx)
		if err != nil {
			return nil, err
		}
		l, err := svc().Assign(ctx, a, in.ID, in.Body.AgentID)
		if err != nil {
			return nil, err
		}
		return tagged(leadRef)(l), nil
	})
}

// LeadsMerge is POST /v1/leads/{id}/merge.
func LeadsMerge(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Description = "Folds duplicate_id into this lead: empty fields are filled, preferences united, the earliest created_at kept; activities, tasks, viewings and deals move here; the duplicate points here (merged_into)."
	op.Errors = append(op.Errors, 404, 409, 422)
	svc := Lazy(b, leadService)
	Handle(api, op, func(ctx context.Context, in *struct {
		ID   string `path:"id" maxLength:"64" doc:"The surviving lead's id."`
		Body struct {
			DuplicateID string `json:"duplicate_id" maxLength:"64" doc:"The lead folded into this one."`
		}
	}) (*recordOutput[lead.Lead], error) {
		a, err := actor(ctx)
		if err != nil {
			return nil, err
		}
		l, err := svc().Merge(ctx, a, in.ID, in.Body.DuplicateID)
		if err != nil {
			return nil, err
		}
		return tagged(leadRef)(l), nil
	})
}

// leadActivitiesInput is the query of a lead's timeline: the lead is its filter.
type leadActivitiesInput struct {
	ID     string `path:"id" maxLength:"64" doc:"Lead id."`
	Sort   string `query:"sort" enum:"at,-at" doc:"Default -at (newest first)."`
	Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor string `query:"cursor" maxLength:"512" doc:"next_cursor of the previous page."`
}

func (in *leadActivitiesInput) paging() (string, int, string) { return in.Sort, in.Limit, in.Cursor }

func (in *leadActivitiesInput) filter() (string, error) { return in.ID, nil }

// LeadActivitiesList is GET /v1/leads/{id}/activities: the lead's timeline.
func LeadActivitiesList(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404, 422)
	listRecords[leadActivitiesInput](api, op, Lazy(b, leadService), []string{"at"}, page.Sort{Field: "at", Desc: true},
		(*lead.Service).Activities)
}

// LeadActivitiesCreate is POST /v1/leads/{id}/activities.
func LeadActivitiesCreate(api huma.API, op huma.Operation, b *platform.Boot) {
	op.DefaultStatus = 201
	op.Description = "Records a note, call, email, WhatsApp message, SMS or meeting. The first contact stops the speed-to-lead clock (first_contacted_at) and completes the first-contact task."
	op.Errors = append(op.Errors, 404, 409, 422)
	svc := Lazy(b, leadService)
	Handle(api, op, func(ctx context.Context, in *struct {
		ID   string `path:"id" maxLength:"64" doc:"Lead id."`
		Body lead.NewLeadActivity
	}) (*bodyOutput[lead.LeadActivity], error) {
		a, err := actor(ctx)
		if err != nil {
			return nil, err
		}
		act, err := svc().AddActivity(ctx, a, in.ID, in.Body)
		if err != nil {
			return nil, err
		}
		return bodyOf(act), nil
	})
}

type leadExportOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         lead.LeadExport
}

// LeadsExport is POST /v1/leads/{id}/export: the person's data under the UAE PDPL.
func LeadsExport(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Description = "All personal data held about the lead (PDPL access and portability): the lead, duplicates merged into it, its activities, tasks, viewings, deals and the audit entries about it. Admins and the lead's own agent or manager; audited."
	op.Errors = append(op.Errors, 404)
	svc := Lazy(b, leadService)
	Handle(api, op, func(ctx context.Context, in *byID[leadKey]) (*leadExportOutput, error) {
		a, err := actor(ctx)
		if err != nil {
			return nil, err
		}
		x, err := svc().Export(ctx, a, string(in.ID))
		if err != nil {
			return nil, err
		}
		return &leadExportOutput{CacheControl: "no-store", Body: x}, nil
	})
}

// LeadsErase is POST /v1/leads/{id}/erase: PDPL erasure, deferred by AML legal holds.
func LeadsErase(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Description = "Anonymises the lead's personal data (admins). When AML record keeping requires it (a won or AML-flagged deal, or any deal of the last 5 years) the identity fields are kept under a legal hold, reported with its end date; the rest is erased."
	op.Errors = append(op.Errors, 404, 409)
	svc := Lazy(b, leadService)
	Handle(api, op, func(ctx context.Context, in *byID[leadKey]) (*bodyOutput[lead.ErasureReport], error) {
		a, err := actor(ctx)
		if err != nil {
			return nil, err
		}
		r, err := svc().Erase(ctx, a, string(in.ID))
		if err != nil {
			return nil, err
		}
		return bodyOf(r), nil
	})
}
