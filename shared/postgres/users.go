package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/audit"
	"github.com/propertypro/propertypro/shared/identity"
)

// Users implements identity.Store, identity.Tokens and identity.Limiter.
type Users struct{ db *pgxpool.Pool }

// NewUsers returns the identity repository.
func NewUsers(db *pgxpool.Pool) *Users { return &Users{db: db} }

const userColumns = `id::text, brokerage_id::text, email, full_name, role, coalesce(manager_id::text, ''),
	coalesce(brn, ''), active, version, created_at, updated_at, token_generation`

func scanUser(row pgx.Row) (identity.User, error) {
	var u identity.User
	err := row.Scan(&u.ID, &u.BrokerageID, &u.Email, &u.FullName, &u.Role, &u.ManagerID, &u.BRN,
		&u.Active, &u.Version, &u.CreatedAt, &u.UpdatedAt, &u.TokenGeneration)
	return u, err
}

// EnsureBrokerage returns the brokerage with this name (any case), creating it if needed.
func (s *Users) EnsureBrokerage(ctx context.Context, name string) (identity.Brokerage, error) {
	var b identity.Brokerage
	err := s.db.QueryRow(ctx, `
		WITH ins AS (INSERT INTO brokerages (name) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id, name, orn)
		SELECT id::text, name, coalesce(orn, '') FROM ins
		UNION ALL SELECT id::text, name, coalesce(orn, '') FROM brokerages WHERE lower(name) = lower($1)
		LIMIT 1`, name).Scan(&b.ID, &b.Name, &b.ORN)
	return b, err
}

// CreateUser inserts a user; an email in use answers conflict.
func (s *Users) CreateUser(ctx context.Context, u identity.User, hash string, e audit.Entry) (identity.User, error) {
	var out identity.User
	err := InTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		out, err = scanUser(tx.QueryRow(ctx, `INSERT INTO users (brokerage_id, email, full_name, password_hash, role, manager_id, brn)
			VALUES ($1, $2, $3, $4, $5, NULLIF($6, '')::uuid, NULLIF($7, '')) RETURNING `+userColumns,
			u.BrokerageID, u.Email, u.FullName, hash, string(u.Role), u.ManagerID, u.BRN))
		if err != nil {
			return err
		}
		e.EntityID, e.After = out.ID, out
		return WriteAudit(ctx, tx, e)
	})
	if _, dup := UniqueViolation(err); dup {
		return identity.User{}, apperr.New(apperr.Conflict, "a user with email %s already exists", u.Email)
	}
	return out, InvalidInput(err)
}

// UserByEmail returns the user and its password hash.
func (s *Users) UserByEmail(ctx context.Context, email string) (identity.User, string, error) {
	var hash string
	row := s.db.QueryRow(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE lower(email) = lower($1)`,
		strings.TrimSpace(email))
	var u identity.User
	err := row.Scan(&u.ID, &u.BrokerageID, &u.Email, &u.FullName, &u.Role, &u.ManagerID, &u.BRN,
		&u.Active, &u.Version, &u.CreatedAt, &u.UpdatedAt, &u.TokenGeneration, &hash)
	return u, hash, InvalidInput(NotFound(err, "no such user"))
}

// UserByID returns a user; a malformed id is simply not found.
func (s *Users) UserByID(ctx context.Context, id string) (identity.User, error) {
	if !IsUUID(id) {
		return identity.User{}, apperr.New(apperr.NotFound, "user %s not found", id)
	}
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	return u, NotFound(err, "user %s not found", id)
}

// ListUsers lists a brokerage's users by email.
func (s *Users) ListUsers(ctx context.Context, brokerageID string, f identity.UserFilter) ([]identity.User, error) {
	rows, err := s.db.Query(ctx, `SELECT `+userColumns+` FROM users
		WHERE brokerage_id = $1 AND ($2 = '' OR role = $2) AND ($3::boolean IS NULL OR active = $3)
		ORDER BY lower(email) LIMIT 1000`, brokerageID, string(f.Role), f.Active)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (identity.User, error) { return scanUser(r) })
}

// UpdateUser writes u if its version is still expectVersion (optimistic concurrency).
func (s *Users) UpdateUser(ctx context.Context, u identity.User, expectVersion int, e audit.Entry) (identity.User, error) {
	var out identity.User
	err := InTx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		out, err = scanUser(tx.QueryRow(ctx, `UPDATE users SET full_name = $3, role = $4, manager_id = NULLIF($5, '')::uuid,
			brn = NULLIF($6, ''), active = $7, token_generation = $8, version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2 RETURNING `+userColumns,
			u.ID, expectVersion, u.FullName, string(u.Role), u.ManagerID, u.BRN, u.Active, u.TokenGeneration))
		if err != nil {
			return NotFound(err, "user %s changed since it was read", u.ID)
		}
		e.After = out
		return WriteAudit(ctx, tx, e)
	})
	if apperr.CodeOf(err) == apperr.NotFound {
		return identity.User{}, apperr.New(apperr.PreconditionFailed, "user %s changed since it was read", u.ID)
	}
	return out, InvalidInput(err)
}

// Team lists the agents a manager leads.
func (s *Users) Team(ctx context.Context, managerID string) ([]string, error) {
	rows, err := s.db.Query(ctx, `SELECT id::text FROM users WHERE manager_id = $1`, managerID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// Audit records an entry outside any other write (logins).
func (s *Users) Audit(ctx context.Context, e audit.Entry) error { return WriteAudit(ctx, s.db, e) }

// UUIDArg passes s as a uuid parameter, or NULL (matching no row) when s is not one: an id
// from a URL or a queue message is then compared with the primary key's index, where
// "id::text = $1" would read the whole table.
func UUIDArg(s string) any {
	if IsUUID(s) {
		return s
	}
	return nil
}

// IsUUID reports whether s is a uuid in its canonical text form.
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case !strings.ContainsRune("0123456789abcdefABCDEF", c):
			return false
		}
	}
	return true
}
