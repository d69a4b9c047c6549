package api

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/identity"
	"github.com/propertypro/propertypro/shared/lambdahttp"
	"github.com/propertypro/propertypro/shared/logging"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres"
)

// identityService builds the identity service of a function from its boot.
func identityService(b *platform.Boot) *identity.Service {
	store := postgres.NewUsers(b.DB)
	return identity.New(store, store, store, identity.Settings{
		Secret: []byte(b.Config.JWTSecret), AccessTTL: b.Config.AccessTokenTTL(),
		RefreshTTL: b.Config.RefreshTokenTTL(), MaxLogins: b.Config.RateLimitLogins,
		LockFor: loginLock, PerMinute: b.Config.RateLimitPerMin,
	})
}

// authenticate is the middleware of every non-public operation: a valid bearer token of an
// active user within their rate limit, or a problem+json answer.
func authenticate(svc func() *identity.Service) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		token, ok := strings.CutPrefix(ctx.Header("Authorization"), "Bearer ")
		if !ok || token == "" {
			writeProblem(ctx, apperr.New(apperr.Unauthorized, "a bearer token is required (Authorization: Bearer <access_token>)"))
			return
		}
		actor, err := svc().Authenticate(ctx.Context(), strings.TrimSpace(token))
		if err != nil {
			writeProblem(ctx, err)
			return
		}
		c := access.With(ctx.Context(), actor)
		c = logging.WithFields(c, logging.Fields{UserID: actor.UserID, BrokerageID: actor.BrokerageID})
		next(huma.WithContext(ctx, c))
	}
}

// writeProblem answers from a middleware, where huma's error path is not available.
func writeProblem(ctx huma.Context, err error) {
	p := lambdahttp.ProblemFor(ctx.Context(), errLog, err, ctx.URL().Path)
	if e := apperr.As(err); e.RetryAfter > 0 {
		ctx.SetHeader("Retry-After", fmt.Sprint(int(e.RetryAfter.Seconds()+0.999)))
	}
	ctx.SetHeader("Content-Type", "application/problem+json")
	ctx.SetStatus(p.Status)
	json.NewEncoder(ctx.BodyWriter()).Encode(p)
}

// actor returns the authenticated caller of a request.
func actor(ctx context.Context) (access.Actor, error) { return access.From(ctx) }
