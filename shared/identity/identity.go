// Package identity is sign-in and user management: password hashing, access and refresh
// tokens with rotation and reuse detection, login lock-out and per-user rate limits, and the
// users of a brokerage as its admins manage them.
package identity

import (
	"context"
	"time"

	"github.com/propertypro/propertypro/shared/access"
	"github.com/propertypro/propertypro/shared/audit"
)

// User is a person who signs in. The password hash never leaves the store's adapter.
type User struct {
	ID          string      `json:"id"`
	BrokerageID string      `json:"brokerage_id"`
	Email       string      `json:"email"`
	FullName    string      `json:"full_name"`
	Role        access.Role `json:"role"`
	ManagerID   string      `json:"manager_id,omitempty"`
	BRN         string      `json:"brn,omitempty"`
	Active      bool        `json:"active"`
	Version     int         `json:"version"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
	// TokenGeneration is bumped by logout and deactivation; access tokens of an older
	// generation are refused.
	TokenGeneration int `json:"-"`
}

// Brokerage is a licensed office, the tenant of every row.
type Brokerage struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	ORN  string `json:"orn,omitempty"`
}

// Refresh is a stored refresh token.
type Refresh struct {
	ID        string
	FamilyID  string
	UserID    string
	ExpiresAt time.Time
	UsedAt    *time.Time
	RevokedAt *time.Time
}

// Store keeps brokerages and users.
type Store interface {
	EnsureBrokerage(ctx context.Context, name string) (Brokerage, error)
	CreateUser(ctx context.Context, u User, passwordHash string, e audit.Entry) (User, error)
	UserByEmail(ctx context.Context, email string) (User, string, error)
	UserByID(ctx context.Context, id string) (User, error)
	ListUsers(ctx context.Context, brokerageID string, f UserFilter) ([]User, error)
	UpdateUser(ctx context.Context, u User, expectVersion int, e audit.Entry) (User, error)
	Team(ctx context.Context, managerID string) ([]string, error)
	Audit(ctx context.Context, e audit.Entry) error
}

// UserFilter narrows a user listing.
type UserFilter struct {
	Role   access.Role
	Active *bool
}

// Tokens keeps refresh-token families.
type Tokens interface {
	SaveRefresh(ctx context.Context, r Refresh, hash []byte) error
	// UseRefresh marks the token used and returns it as it was before, atomically, so two
	// concurrent refreshes with one token cannot both succeed.
	UseRefresh(ctx context.Context, hash []byte, now time.Time) (Refresh, error)
	RevokeFamily(ctx context.Context, familyID string, now time.Time) error
	RevokeUser(ctx context.Context, userID string, now time.Time) error
}

// Limiter counts failed logins and request rates across every instance.
type Limiter interface {
	// LoginLocked returns how long the keys (email, IP) are still locked, 0 if not.
	LoginLocked(ctx context.Context, keys []string, now time.Time) (time.Duration, error)
	LoginFailed(ctx context.Context, keys []string, max int, lockFor time.Duration, now time.Time) error
	LoginSucceeded(ctx context.Context, keys []string) error
	// Take spends one request of key's per-minute budget and returns how long to wait when
	// it is spent.
	Take(ctx context.Context, key string, perMinute int, now time.Time) (time.Duration, error)
}
