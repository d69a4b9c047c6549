package api

import (
	"context"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/propertypro/propertypro/shared/analytics"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/page"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres"
)

func insightRoutes() map[string]Route {
	return map[string]Route{
		"api-analytics-kpis": AnalyticsKPIs,
		"api-audit-list":     AuditList,
	}
}

// analyticsService builds the analytics and audit-trail service of a function from its boot.
func analyticsService(b *platform.Boot) *analytics.Service {
	return analytics.New(postgres.NewAnalytics(b.DB), postgres.NewAuditTrail(b.DB))
}

// AnalyticsKPIs is GET /v1/analytics/kpis.
func AnalyticsKPIs(api huma.API, op huma.Operation, b *platform.Boot) {
	salesSchemas(api)
	op.Errors = append(op.Errors, 422)
	op.Description = "Lead conversion by source, speed to first contact, time to close, pipeline value by stage and " +
		"the leaderboard over [from, to) (default: the last 30 days). Agents see their own numbers, managers " +
		"their team's, the other roles the brokerage's."
	svc := Lazy(b, analyticsService)
	Handle(api, op, func(ctx context.Context, in *struct {
		From time.Time `query:"from" doc:"Start of the window (RFC 3339), inclusive."`
		To   time.Time `query:"to" doc:"End of the window (RFC 3339), exclusive; default now."`
	}) (*struct{ Body analytics.KPIs }, error) {
		a, err := actor(ctx)
		if err != nil {
			return nil, err
		}
		k, err := svc().KPIs(ctx, a, in.From, in.To)
		return &struct{ Body analytics.KPIs }{Body: k}, err
	})
}

// AuditList is GET /v1/audit (admins).
func AuditList(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 422)
	op.Description = "The brokerage's audit trail, newest first, with each write's before and after " +
		"(secrets redacted when written)."
	svc := Lazy(b, analyticsService)
	Handle(api, op, func(ctx context.Context, in *struct {
		ActorID  string    `query:"actor_id" maxLength:"64"`
		Entity   string    `query:"entity" maxLength:"40" doc:"e.g. deal, lead, listing, user, viewing."`
		EntityID string    `query:"entity_id" maxLength:"64"`
		Action   string    `query:"action" maxLength:"40" doc:"e.g. create, update, delete, login."`
		From     time.Time `query:"from" doc:"At or after (RFC 3339)."`
		To       time.Time `query:"to" doc:"Before (RFC 3339)."`
		Limit    int       `query:"limit" minimum:"1" maximum:"200" doc:"Page size (default 50)."`
		Cursor   string    `query:"cursor" maxLength:"1024" doc:"next_cursor of the previous page."`
	}) (*struct{ Body page.Result[audit.Record] }, error) {
		a, err := actor(ctx)
		if err != nil {
			return nil, err
		}
		res, err := svc().AuditTrail(ctx, a, analytics.AuditQuery{ActorID: in.ActorID, Entity: in.Entity,
			EntityID: in.EntityID, Action: in.Action, From: in.From, To: in.To, Cursor: in.Cursor, Limit: in.Limit})
		return &struct{ Body page.Result[audit.Record] }{Body: res}, err
	})
}
