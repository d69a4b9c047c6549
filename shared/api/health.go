package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/propertypro/propertypro/shared/health"
	"github.com/propertypro/propertypro/shared/platform"
)

type liveOutput struct {
	Body struct {
		Status string `json:"status" enum:"ok" doc:"Always ok while the process serves."`
	}
}

// HealthLive is GET /health: liveness, with no dependency touched.
func HealthLive(api huma.API, op huma.Operation, _ *platform.Boot) {
	Handle(api, op, func(context.Context, *struct{}) (*liveOutput, error) {
		out := &liveOutput{}
		out.Body.Status = "ok"
		return out, nil
	})
}

type readyOutput struct {
	Status int `json:"-"`
	Body   health.Readiness
}

// HealthReady is GET /health/ready: every dependency checked concurrently.
func HealthReady(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Description = "Each dependency (database, vector store, AI provider, queues) with its status " +
		"and latency. 503 when a required dependency is down; degraded when a fallback serves."
	op.Responses = map[string]*huma.Response{"503": {Description: "A required dependency is down.",
		Content: map[string]*huma.MediaType{"application/json": {Schema: api.OpenAPI().Components.Schemas.Schema(
			reflectType[health.Readiness](), true, "")}}}}
	var checks []health.Check
	if b != nil {
		checks = platform.ReadinessChecks(b)
	}
	Handle(api, op, func(ctx context.Context, _ *struct{}) (*readyOutput, error) {
		rep := health.Run(ctx, checks, 3*time.Second)
		status := http.StatusOK
		if !rep.Ready() {
			status = http.StatusServiceUnavailable
		}
		return &readyOutput{Status: status, Body: rep}, nil
	})
}
