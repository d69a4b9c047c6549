package api

import (
	"context"
	"net"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/identity"
	"github.com/propertypro/propertypro/shared/platform"
)

func identityRoutes() map[string]Route {
	return map[string]Route{
		"api-auth-login":       AuthLogin,
		"api-auth-refresh":     AuthRefresh,
		"api-auth-logout":      AuthLogout,
		"api-me":               Me,
		"api-users-list":       UsersList,
		"api-users-create":     UsersCreate,
		"api-users-get":        UsersGet,
		"api-users-update":     UsersUpdate,
		"api-users-deactivate": UsersDeactivate,
	}
}

// loginLock is how long an account or IP stays locked after RATE_LIMIT_LOGIN_ATTEMPTS failures.
const loginLock = 15 * time.Minute

type loginInput struct {
	Body struct {
		Email    string `json:"email" maxLength:"254" doc:"The user's email."`
		Password string `json:"password" maxLength:"256"`
	}
}

type tokensOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         identity.TokenPair
}

func tokens(p identity.TokenPair) *tokensOutput {
	return &tokensOutput{CacheControl: "no-store", Body: p}
}

// AuthLogin is POST /v1/auth/login.
func AuthLogin(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 401, 429)
	svc := Lazy(b, identityService)
	Handle(api, op, func(ctx context.Context, in *loginInput) (*tokensOutput, error) {
		pair, err := svc().Login(ctx, in.Body.Email, in.Body.Password, clientIP(ctx))
		if err != nil {
			return nil, err
		}
		return tokens(pair), nil
	})
}

type refreshInput struct {
	Body struct {
		RefreshToken string `json:"refresh_token" maxLength:"512"`
	}
}

// AuthRefresh is POST /v1/auth/refresh.
func AuthRefresh(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Description = "Rotates the refresh token: the one presented stops working. Presenting a used one again revokes its whole family."
	op.Errors = append(op.Errors, 401)
	svc := Lazy(b, identityService)
	Handle(api, op, func(ctx context.Context, in *refreshInput) (*tokensOutput, error) {
		pair, err := svc().Refresh(ctx, in.Body.RefreshToken)
		if err != nil {
			return nil, err
		}
		return tokens(pair), nil
	})
}

// AuthLogout is POST /v1/auth/logout: ends every session of the caller.
func AuthLogout(api huma.API, op huma.Operation, b *platform.Boot) {
	svc := Lazy(b, identityService)
	Handle(api, op, func(ctx context.Context, _ *struct{}) (*struct{}, error) {
		a, err := actor(ctx)
		if err != nil {
			return nil, err
		}
		return nil, svc().Logout(ctx, a)
	})
}

// userRef is a user's id and version, for their ETag.
func userRef(u identity.User) (string, int) { return u.ID, u.Version }

// Me is GET /v1/me.
func Me(api huma.API, op huma.Operation, b *platform.Boot) {
	svc := Lazy(b, identityService)
	Handle(api, op, func(ctx context.Context, _ *struct{}) (*recordOutput[identity.User], error) {
		a, err := actor(ctx)
		if err != nil {
			return nil, err
		}
		u, err := svc().Me(ctx, a)
		if err != nil {
			return nil, err
		}
		return tagged(userRef)(u), nil
	})
}

type usersOutput struct {
	Body struct {
		Items []identity.User `json:"items"`
	}
}

// UsersList is GET /v1/users.
func UsersList(api huma.API, op huma.Operation, b *platform.Boot) {
	svc := Lazy(b, identityService)
	Handle(api, op, func(ctx context.Context, in *struct {
		Role   access.Role `query:"role" enum:"admin,manager,agent,compliance_officer,reviewer"`
		Active string      `query:"active" enum:"true,false"`
	}) (*usersOutput, error) {
		a, err := actor(ctx)
		if err != nil {
			return nil, err
		}
		f := identity.UserFilter{Role: in.Role}
		if in.Active != "" {
			on := in.Active == "true"
			f.Active = &on
		}
		users, err := svc().ListUsers(ctx, a, f)
		out := &usersOutput{}
		out.Body.Items = users
		return out, err
	})
}

// UsersCreate is POST /v1/users (admins).
func UsersCreate(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 409, 422)
	createRecord(api, op, Lazy(b, identityService), (*identity.Service).CreateUser, tagged(userRef))
}

// userKey is a user id in a path; its schema describes the parameter.
type userKey string

// Schema describes the {id} parameter in the OpenAPI document.
func (userKey) Schema(huma.Registry) *huma.Schema { return idSchema("User id.") }

// UsersGet is GET /v1/users/{id}.
func UsersGet(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404)
	getRecord[userKey](api, op, Lazy(b, identityService), (*identity.Service).GetUser, tagged(userRef))
}

// UsersUpdate is PATCH /v1/users/{id} (admins): role, team, BRN, name, active.
func UsersUpdate(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404, 409, 412, 422)
	patchRecord[userKey](api, op, Lazy(b, identityService), (*identity.Service).UpdateUser, tagged(userRef))
}

// UsersDeactivate is DELETE /v1/users/{id} (admins): the user can no longer sign in; their
// records stay.
func UsersDeactivate(api huma.API, op huma.Operation, b *platform.Boot) {
	op.Errors = append(op.Errors, 404, 409)
	svc := Lazy(b, identityService)
	Handle(api, op, func(ctx context.Context, in *byID[userKey]) (*recordOutput[identity.User], error) {
		a, err := actor(ctx)
		if err != nil {
			return nil, err
		}
		off := false
		u, err := svc().UpdateUser(ctx, a, string(in.ID), identity.UserPatch{Active: &off}, 0)
		if err != nil {
			return nil, err
		}
		return tagged(userRef)(u), nil
	})
}

// clientIP is the caller's address as API Gateway or the local server saw it (never a
// client-supplied header, which anyone can forge to dodge the login lock).
func clientIP(ctx context.Context) string {
	addr, _ := ctx.Value(remoteAddrKey{}).(string)
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}

type remoteAddrKey struct{}
