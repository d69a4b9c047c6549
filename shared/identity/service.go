package identity

import (
	"context"
	"net/mail"
	"strings"
	"time"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/audit"
)

// Settings are the identity rules from configuration.
type Settings struct {
	Secret     []byte        // JWT_SECRET
	AccessTTL  time.Duration // ACCESS_TOKEN_EXPIRE_MINUTES
	RefreshTTL time.Duration // JWT_REFRESH_TOKEN_EXPIRE_DAYS
	MaxLogins  int           // RATE_LIMIT_LOGIN_ATTEMPTS
	LockFor    time.Duration // how long an account or IP stays locked
	PerMinute  int           // RATE_LIMIT_REQUESTS_PER_MINUTE
}

// Service signs people in and manages users.
type Service struct {
	store   Store
	tokens  Tokens
	limiter Limiter
	signer  signer
	set     Settings
	Now     func() time.Time
}

// New returns the identity service.
func New(store Store, tokens Tokens, limiter Limiter, s Settings) *Service {
	return &Service{store: store, tokens: tokens, limiter: limiter, signer: signer{s.Secret}, set: s, Now: time.Now}
}

// TokenPair is what a login or refresh returns.
type TokenPair struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in" doc:"Seconds until the access token expires."`
}

var errBadLogin = apperr.New(apperr.Unauthorized, "email or password is wrong")

// Login checks the password and issues tokens. Failures count against both the account and
// the IP; past MaxLogins both are locked for LockFor, answered as rate_limited.
func (s *Service) Login(ctx context.Context, email, password, ip string) (TokenPair, error) {
	now := s.Now()
	keys := []string{"login:email:" + strings.ToLower(strings.TrimSpace(email)), "login:ip:" + ip}
	if wait, err := s.limiter.LoginLocked(ctx, keys, now); err != nil {
		return TokenPair{}, err
	} else if wait > 0 {
		return TokenPair{}, &apperr.Error{Code: apperr.RateLimited, RetryAfter: wait,
			Message: "too many failed logins; try again later"}
	}
	u, hash, err := s.store.UserByEmail(ctx, email)
	if apperr.CodeOf(err) == apperr.NotFound {
		CheckPassword(dummyHash(), password)
	} else if err != nil {
		return TokenPair{}, err
	}
	if err != nil || !CheckPassword(hash, password) || !u.Active {
		if ferr := s.limiter.LoginFailed(ctx, keys, s.set.MaxLogins, s.set.LockFor, now); ferr != nil {
			return TokenPair{}, ferr
		}
		return TokenPair{}, errBadLogin
	}
	if err := s.limiter.LoginSucceeded(ctx, keys[:1]); err != nil {
		return TokenPair{}, err
	}
	pair, err := s.issue(ctx, u, randomToken(16), now)
	if err == nil {
		err = s.store.Audit(ctx, audit.Entry{BrokerageID: u.BrokerageID, ActorID: u.ID, Action: "login",
			Entity: "user", EntityID: u.ID})
	}
	return pair, err
}

func (s *Service) issue(ctx context.Context, u User, family string, now time.Time) (TokenPair, error) {
	access, err := s.signer.sign(u, now, s.set.AccessTTL)
	if err != nil {
		return TokenPair{}, err
	}
	refresh := randomToken(32)
	err = s.tokens.SaveRefresh(ctx, Refresh{FamilyID: family, UserID: u.ID, ExpiresAt: now.Add(s.set.RefreshTTL)},
		HashToken(refresh))
	return TokenPair{AccessToken: access, RefreshToken: refresh, TokenType: "Bearer",
		ExpiresIn: int(s.set.AccessTTL.Seconds())}, err
}

var errBadRefresh = apperr.New(apperr.Unauthorized, "refresh token is invalid or expired")

// Refresh rotates a refresh token. Presenting one that was already used means it leaked:
// the whole family is revoked, so the thief's copy dies with the owner's.
func (s *Service) Refresh(ctx context.Context, token string) (TokenPair, error) {
	now := s.Now()
	r, err := s.tokens.UseRefresh(ctx, HashToken(token), now)
	if apperr.CodeOf(err) == apperr.NotFound {
		return TokenPair{}, errBadRefresh
	} else if err != nil {
		return TokenPair{}, err
	}
	if r.UsedAt != nil || r.RevokedAt != nil {
		if err := s.tokens.RevokeFamily(ctx, r.FamilyID, now); err != nil {
			return TokenPair{}, err
		}
		return TokenPair{}, apperr.New(apperr.Unauthorized, "refresh token reuse detected; sign in again")
	}
	if now.After(r.ExpiresAt) {
		return TokenPair{}, errBadRefresh
	}
	u, err := s.store.UserByID(ctx, r.UserID)
	if err != nil || !u.Active {
		return TokenPair{}, errBadRefresh
	}
	return s.issue(ctx, u, r.FamilyID, now)
}

// Logout revokes every refresh token of the user and every access token issued so far.
func (s *Service) Logout(ctx context.Context, a access.Actor) error {
	now := s.Now()
	if err := s.tokens.RevokeUser(ctx, a.UserID, now); err != nil {
		return err
	}
	u, err := s.store.UserByID(ctx, a.UserID)
	if err != nil {
		return err
	}
	u.TokenGeneration++
	_, err = s.store.UpdateUser(ctx, u, u.Version, audit.Entry{BrokerageID: a.BrokerageID, ActorID: a.UserID,
		Action: "logout", Entity: "user", EntityID: a.UserID})
	return err
}

// Authenticate turns a bearer token into the actor, refusing revoked tokens and inactive
// users, and spends one request of the user's per-minute budget.
func (s *Service) Authenticate(ctx context.Context, bearer string) (access.Actor, error) {
	now := s.Now()
	c, err := s.signer.verify(bearer, now)
	if err != nil {
		return access.Actor{}, apperr.Wrap(err, apperr.Unauthorized, "access token is invalid or expired")
	}
	u, err := s.store.UserByID(ctx, c.Subject)
	if err != nil || !u.Active || c.Generation != u.TokenGeneration {
		return access.Actor{}, apperr.New(apperr.Unauthorized, "access token is no longer valid; sign in again")
	}
	if wait, err := s.limiter.Take(ctx, "rate:user:"+u.ID, s.set.PerMinute, now); err != nil {
		return access.Actor{}, err
	} else if wait > 0 {
		return access.Actor{}, &apperr.Error{Code: apperr.RateLimited, RetryAfter: wait,
			Message: "request rate limit reached"}
	}
	a := access.Actor{UserID: u.ID, BrokerageID: u.BrokerageID, Role: u.Role}
	if u.Role == access.Manager {
		if a.Team, err = s.store.Team(ctx, u.ID); err != nil {
			return access.Actor{}, err
		}
	}
	return a, nil
}

// NewUser is what creating a user takes.
type NewUser struct {
	Email     string      `json:"email" format:"email" maxLength:"254"`
	Password  string      `json:"password" minLength:"10" maxLength:"256"`
	FullName  string      `json:"full_name,omitempty" maxLength:"200"`
	Role      access.Role `json:"role" enum:"admin,manager,agent,compliance_officer,reviewer"`
	ManagerID string      `json:"manager_id,omitempty" doc:"The team lead of an agent."`
	BRN       string      `json:"brn,omitempty" maxLength:"40" doc:"RERA broker registration number."`
}

// Bootstrap creates a user in the named brokerage, creating the brokerage when it does not
// exist: how the first admin is made, from the CLI.
func (s *Service) Bootstrap(ctx context.Context, brokerage string, nu NewUser) (User, error) {
	if strings.TrimSpace(brokerage) == "" {
		return User{}, apperr.Validation(apperr.FieldError{Field: "brokerage", Message: "is required"})
	}
	b, err := s.store.EnsureBrokerage(ctx, strings.TrimSpace(brokerage))
	if err != nil {
		return User{}, err
	}
	return s.create(ctx, b.ID, "", nu)
}

// CreateUser adds a user to the admin's brokerage.
func (s *Service) CreateUser(ctx context.Context, a access.Actor, nu NewUser) (User, error) {
	if err := a.Require(access.Admin); err != nil {
		return User{}, err
	}
	if nu.ManagerID != "" {
		if err := s.checkManager(ctx, a, nu.ManagerID); err != nil {
			return User{}, err
		}
	}
	return s.create(ctx, a.BrokerageID, a.UserID, nu)
}

func (s *Service) create(ctx context.Context, brokerageID, actorID string, nu NewUser) (User, error) {
	if err := validateNewUser(nu); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(nu.Password)
	if err != nil {
		return User{}, err
	}
	u := User{BrokerageID: brokerageID, Email: strings.ToLower(strings.TrimSpace(nu.Email)),
		FullName: strings.TrimSpace(nu.FullName), Role: nu.Role, ManagerID: nu.ManagerID, BRN: nu.BRN, Active: true}
	return s.store.CreateUser(ctx, u, hash, audit.Entry{BrokerageID: brokerageID, ActorID: actorID,
		Action: "create", Entity: "user"})
}

func validateNewUser(nu NewUser) error {
	var fe []apperr.FieldError
	if _, err := mail.ParseAddress(nu.Email); err != nil || !strings.Contains(nu.Email, "@") {
		fe = append(fe, apperr.FieldError{Field: "email", Message: "is not a valid email address"})
	}
	if err := ValidatePassword(nu.Password); err != nil {
		fe = append(fe, apperr.FieldError{Field: "password", Message: err.Error()})
	}
	if !nu.Role.Valid() {
		fe = append(fe, apperr.FieldError{Field: "role", Message: "must be one of admin, manager, agent, compliance_officer, reviewer"})
	}
	if len(fe) > 0 {
		return apperr.Validation(fe...)
	}
	return nil
}

func (s *Service) checkManager(ctx context.Context, a access.Actor, id string) error {
	m, err := s.store.UserByID(ctx, id)
	if err != nil || m.BrokerageID != a.BrokerageID || m.Role != access.Manager {
		return apperr.Validation(apperr.FieldError{Field: "manager_id", Message: "must be a manager of your brokerage"})
	}
	return nil
}

// Me returns the caller's own user.
func (s *Service) Me(ctx context.Context, a access.Actor) (User, error) {
	return s.store.UserByID(ctx, a.UserID)
}

// ListUsers lists the brokerage's users (admins and managers).
func (s *Service) ListUsers(ctx context.Context, a access.Actor, f UserFilter) ([]User, error) {
	if err := a.Require(access.Admin, access.Manager); err != nil {
		return nil, err
	}
	return s.store.ListUsers(ctx, a.BrokerageID, f)
}

// GetUser returns one user of the caller's brokerage; another brokerage's id is not found.
func (s *Service) GetUser(ctx context.Context, a access.Actor, id string) (User, error) {
	u, err := s.store.UserByID(ctx, id)
	if err != nil && apperr.CodeOf(err) != apperr.NotFound {
		return User{}, err // an outage is not a missing user
	}
	if err != nil || u.BrokerageID != a.BrokerageID || (a.Role != access.Admin && a.UserID != id) {
		return User{}, apperr.New(apperr.NotFound, "user %s not found", id)
	}
	return u, nil
}

// UserPatch is a partial update of a user; nil fields are left alone.
type UserPatch struct {
	FullName  *string      `json:"full_name,omitempty" maxLength:"200"`
	Role      *access.Role `json:"role,omitempty" enum:"admin,manager,agent,compliance_officer,reviewer"`
	ManagerID *string      `json:"manager_id,omitempty"`
	BRN       *string      `json:"brn,omitempty" maxLength:"40"`
	Active    *bool        `json:"active,omitempty"`
}

// UpdateUser changes a user (admins only). version is the If-Match version, 0 for none.
// Deactivating a user also ends their sessions.
func (s *Service) UpdateUser(ctx context.Context, a access.Actor, id string, p UserPatch, version int) (User, error) {
	if err := a.Require(access.Admin); err != nil {
		return User{}, err
	}
	u, err := s.GetUser(ctx, a, id)
	if err != nil {
		return User{}, err
	}
	if err := access.CheckVersion("user", id, version, u.Version); err != nil {
		return User{}, err
	}
	before := u
	if err := s.applyPatch(ctx, a, &u, p); err != nil {
		return User{}, err
	}
	if !u.Active && before.Active {
		u.TokenGeneration++
		if err := s.tokens.RevokeUser(ctx, u.ID, s.Now()); err != nil {
			return User{}, err
		}
	}
	return s.store.UpdateUser(ctx, u, u.Version, audit.Entry{BrokerageID: a.BrokerageID, ActorID: a.UserID,
		Action: "update", Entity: "user", EntityID: id, Before: before})
}

func (s *Service) applyPatch(ctx context.Context, a access.Actor, u *User, p UserPatch) error {
	if p.Role != nil {
		if !p.Role.Valid() {
			return apperr.Validation(apperr.FieldError{Field: "role", Message: "is not a role"})
		}
		if u.ID == a.UserID && *p.Role != access.Admin {
			return apperr.New(apperr.Conflict, "you cannot remove your own admin role")
		}
		u.Role = *p.Role
	}
	if p.Active != nil {
		if u.ID == a.UserID && !*p.Active {
			return apperr.New(apperr.Conflict, "you cannot deactivate yourself")
		}
		u.Active = *p.Active
	}
	if p.ManagerID != nil {
		if *p.ManagerID != "" {
			if err := s.checkManager(ctx, a, *p.ManagerID); err != nil {
				return err
			}
		}
		u.ManagerID = *p.ManagerID
	}
	if p.FullName != nil {
		u.FullName = strings.TrimSpace(*p.FullName)
	}
	if p.BRN != nil {
		u.BRN = *p.BRN
	}
	return nil
}

// AccessTokenFor issues an access token for an active user without a password: for the
// operator's CLI (`propertypro invoke --as`), never reachable from the API. It is audited.
func (s *Service) AccessTokenFor(ctx context.Context, email string) (string, error) {
	u, _, err := s.store.UserByEmail(ctx, email)
	if err != nil {
		return "", err
	}
	if !u.Active {
		return "", apperr.New(apperr.Forbidden, "user %s is deactivated", email)
	}
	if err := s.store.Audit(ctx, audit.Entry{BrokerageID: u.BrokerageID, ActorID: u.ID, Action: "cli_token",
		Entity: "user", EntityID: u.ID}); err != nil {
		return "", err
	}
	return s.signer.sign(u, s.Now(), s.set.AccessTTL)
}
