package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/identity"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/testkit"
)

func newIdentity(t *testing.T, perMinute int) (*identity.Service, *time.Time) {
	store := postgres.NewUsers(testkit.DB(t))
	svc := identity.New(store, store, store, identity.Settings{Secret: []byte("0123456789abcdef0123456789abcdef"),
		AccessTTL: 15 * time.Minute, RefreshTTL: 24 * time.Hour, MaxLogins: 3, LockFor: 10 * time.Minute, PerMinute: perMinute})
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	svc.Now = func() time.Time { return now }
	return svc, &now
}

func TestLoginRefreshLogout(t *testing.T) {
	svc, now := newIdentity(t, 100)
	ctx := context.Background()
	admin, err := svc.Bootstrap(ctx, "Marina Crest Realty", identity.NewUser{Email: "Admin@Crest.ae", Password: "correct horse battery", Role: access.Admin})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Bootstrap(ctx, "marina crest realty", identity.NewUser{Email: "admin@crest.ae", Password: "correct horse battery", Role: access.Admin}); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("duplicate email: %v", err)
	}
	pair, err := svc.Login(ctx, "admin@crest.ae", "correct horse battery", "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.Authenticate(ctx, pair.AccessToken)
	if err != nil || a.UserID != admin.ID || a.Role != access.Admin || a.BrokerageID != admin.BrokerageID {
		t.Fatalf("actor %+v err %v", a, err)
	}
	// Rotation: the new refresh token works; the old one is reuse and kills the family.
	*now = now.Add(time.Minute)
	next, err := svc.Refresh(ctx, pair.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Refresh(ctx, pair.RefreshToken); apperr.CodeOf(err) != apperr.Unauthorized {
		t.Fatalf("reuse: %v", err)
	}
	if _, err := svc.Refresh(ctx, next.RefreshToken); apperr.CodeOf(err) != apperr.Unauthorized {
		t.Fatalf("family not revoked: %v", err)
	}
	// Logout ends access tokens issued before it.
	pair, _ = svc.Login(ctx, "admin@crest.ae", "correct horse battery", "10.0.0.1")
	*now = now.Add(2 * time.Second)
	if err := svc.Logout(ctx, a); err != nil {
		t.Fatal(err)
	}
	*now = now.Add(2 * time.Second)
	if _, err := svc.Authenticate(ctx, pair.AccessToken); apperr.CodeOf(err) != apperr.Unauthorized {
		t.Fatalf("access token survived logout: %v", err)
	}
	if _, err := svc.Refresh(ctx, pair.RefreshToken); apperr.CodeOf(err) != apperr.Unauthorized {
		t.Fatalf("refresh token survived logout: %v", err)
	}
}

func TestLoginLockout(t *testing.T) {
	svc, now := newIdentity(t, 100)
	ctx := context.Background()
	svc.Bootstrap(ctx, "B", identity.NewUser{Email: "a@b.ae", Password: "correct horse battery", Role: access.Agent})
	for i := range 3 {
		if _, err := svc.Login(ctx, "a@b.ae", "wrong password!", "10.0.0.2"); apperr.CodeOf(err) != apperr.Unauthorized {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	_, err := svc.Login(ctx, "a@b.ae", "correct horse battery", "10.0.0.3")
	if e := apperr.As(err); e.Code != apperr.RateLimited || e.RetryAfter <= 0 {
		t.Fatalf("locked account: %v", err)
	}
	*now = now.Add(11 * time.Minute)
	if _, err := svc.Login(ctx, "a@b.ae", "correct horse battery", "10.0.0.3"); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
	// Unknown emails fail the same way.
	if _, err := svc.Login(ctx, "nobody@b.ae", "whatever12345", "10.0.0.4"); apperr.CodeOf(err) != apperr.Unauthorized {
		t.Fatal(err)
	}
}

func TestRequestRateLimit(t *testing.T) {
	svc, now := newIdentity(t, 3)
	ctx := context.Background()
	svc.Bootstrap(ctx, "B", identity.NewUser{Email: "a@b.ae", Password: "correct horse battery", Role: access.Agent})
	pair, _ := svc.Login(ctx, "a@b.ae", "correct horse battery", "ip")
	for i := range 3 {
		if _, err := svc.Authenticate(ctx, pair.AccessToken); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	_, err := svc.Authenticate(ctx, pair.AccessToken)
	if e := apperr.As(err); e.Code != apperr.RateLimited || e.RetryAfter <= 0 || e.RetryAfter > 21*time.Second {
		t.Fatalf("4th request: %v (retry after %v)", err, e.RetryAfter)
	}
	*now = now.Add(21 * time.Second)
	if _, err := svc.Authenticate(ctx, pair.AccessToken); err != nil {
		t.Fatalf("after refill: %v", err)
	}
}

func TestUserManagement(t *testing.T) {
	svc, _ := newIdentity(t, 100)
	ctx := context.Background()
	admin, _ := svc.Bootstrap(ctx, "B", identity.NewUser{Email: "admin@b.ae", Password: "correct horse battery", Role: access.Admin})
	other, _ := svc.Bootstrap(ctx, "Other", identity.NewUser{Email: "admin@o.ae", Password: "correct horse battery", Role: access.Admin})
	a := access.Actor{UserID: admin.ID, BrokerageID: admin.BrokerageID, Role: access.Admin}
	mgr, err := svc.CreateUser(ctx, a, identity.NewUser{Email: "m@b.ae", Password: "correct horse battery", Role: access.Manager})
	if err != nil {
		t.Fatal(err)
	}
	agent, err := svc.CreateUser(ctx, a, identity.NewUser{Email: "ag@b.ae", Password: "correct horse battery", Role: access.Agent, ManagerID: mgr.ID, BRN: "BRN-1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateUser(ctx, a, identity.NewUser{Email: "x@b.ae", Password: "short", Role: "boss"}); apperr.CodeOf(err) != apperr.Invalid || len(apperr.As(err).Fields) != 2 {
		t.Fatalf("validation: %v", err)
	}
	if _, err := svc.GetUser(ctx, a, other.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("other brokerage visible: %v", err)
	}
	agentActor := access.Actor{UserID: agent.ID, BrokerageID: agent.BrokerageID, Role: access.Agent}
	if _, err := svc.CreateUser(ctx, agentActor, identity.NewUser{Email: "y@b.ae", Password: "correct horse battery", Role: access.Admin}); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("agent created a user: %v", err)
	}
	role := access.Manager
	if _, err := svc.UpdateUser(ctx, a, agent.ID, identity.UserPatch{Role: &role}, agent.Version+5); apperr.CodeOf(err) != apperr.PreconditionFailed {
		t.Fatalf("stale version: %v", err)
	}
	off := false
	u, err := svc.UpdateUser(ctx, a, agent.ID, identity.UserPatch{Active: &off}, agent.Version)
	if err != nil || u.Active || u.Version != agent.Version+1 {
		t.Fatalf("deactivate: %+v %v", u, err)
	}
	if _, err := svc.Login(ctx, "ag@b.ae", "correct horse battery", "ip"); apperr.CodeOf(err) != apperr.Unauthorized {
		t.Fatalf("inactive user logged in: %v", err)
	}
	if _, err := svc.UpdateUser(ctx, a, admin.ID, identity.UserPatch{Active: &off}, 0); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("self-deactivation: %v", err)
	}
}
