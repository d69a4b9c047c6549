package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/identity"
)

// SaveRefresh stores a refresh token's hash.
func (s *Users) SaveRefresh(ctx context.Context, r identity.Refresh, hash []byte) error {
	_, err := s.db.Exec(ctx, `INSERT INTO refresh_tokens (family_id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)`,
		r.FamilyID, r.UserID, hash, r.ExpiresAt)
	return err
}

// UseRefresh marks a token used and returns its state from before, in one statement.
func (s *Users) UseRefresh(ctx context.Context, hash []byte, now time.Time) (identity.Refresh, error) {
	var r identity.Refresh
	err := s.db.QueryRow(ctx, `
		UPDATE refresh_tokens t SET used_at = coalesce(t.used_at, $2)
		FROM (SELECT id, used_at FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE) old
		WHERE t.id = old.id
		RETURNING t.id::text, t.family_id, t.user_id::text, t.expires_at, old.used_at, t.revoked_at`, hash, now).
		Scan(&r.ID, &r.FamilyID, &r.UserID, &r.ExpiresAt, &r.UsedAt, &r.RevokedAt)
	return r, NotFound(err, "refresh token not found")
}

// RevokeFamily revokes every token of a family.
func (s *Users) RevokeFamily(ctx context.Context, familyID string, now time.Time) error {
	_, err := s.db.Exec(ctx, `UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL`, familyID, now)
	return err
}

// RevokeUser revokes every token of a user.
func (s *Users) RevokeUser(ctx context.Context, userID string, now time.Time) error {
	_, err := s.db.Exec(ctx, `UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`, userID, now)
	return err
}

// LoginLocked returns the longest remaining lock among keys.
func (s *Users) LoginLocked(ctx context.Context, keys []string, now time.Time) (time.Duration, error) {
	var until *time.Time
	err := s.db.QueryRow(ctx, `SELECT max(locked_until) FROM login_attempts WHERE key = ANY($1) AND locked_until > $2`,
		keys, now).Scan(&until)
	if err != nil || until == nil {
		return 0, err
	}
	return until.Sub(now), nil
}

// LoginFailed counts a failure for each key and locks those that reached max.
func (s *Users) LoginFailed(ctx context.Context, keys []string, max int, lockFor time.Duration, now time.Time) error {
	return InTx(ctx, s.db, func(tx pgx.Tx) error {
		for _, k := range keys {
			_, err := tx.Exec(ctx, `
				INSERT INTO login_attempts AS a (key, failures, updated_at) VALUES ($1, 1, $2)
				ON CONFLICT (key) DO UPDATE SET
				  failures = CASE WHEN a.locked_until IS NOT NULL AND a.locked_until <= $2 THEN 1 ELSE a.failures + 1 END,
				  locked_until = CASE WHEN a.locked_until IS NOT NULL AND a.locked_until <= $2 THEN NULL ELSE a.locked_until END,
				  updated_at = $2`, k, now)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE login_attempts SET locked_until = $3, failures = 0
				WHERE key = $1 AND failures >= $2`, k, max, now.Add(lockFor)); err != nil {
				return err
			}
		}
		return nil
	})
}

// LoginSucceeded forgets the failures of keys.
func (s *Users) LoginSucceeded(ctx context.Context, keys []string) error {
	_, err := s.db.Exec(ctx, `DELETE FROM login_attempts WHERE key = ANY($1) AND (locked_until IS NULL OR locked_until < now())`, keys)
	return err
}

// Take spends a token of key's bucket (capacity perMinute, refilled continuously) in one
// statement, so concurrent Lambda instances share one budget.
func (s *Users) Take(ctx context.Context, key string, perMinute int, now time.Time) (time.Duration, error) {
	if perMinute <= 0 {
		return 0, apperr.New(apperr.Internal, "rate limit must be positive")
	}
	var tokens float64
	err := s.db.QueryRow(ctx, `
		INSERT INTO rate_buckets AS b (key, tokens, updated_at) VALUES ($1, $2 - 1, $3)
		ON CONFLICT (key) DO UPDATE SET
		  tokens = least($2, b.tokens + extract(epoch FROM ($3 - b.updated_at)) * $2 / 60.0) - 1,
		  updated_at = $3
		RETURNING tokens`, key, float64(perMinute), now).Scan(&tokens)
	if err != nil || tokens >= 0 {
		return 0, err
	}
	// Spent: give the token back and say how long until one is available.
	s.db.Exec(ctx, `UPDATE rate_buckets SET tokens = tokens + 1 WHERE key = $1`, key)
	return time.Duration(-tokens * 60 / float64(perMinute) * float64(time.Second)), nil
}
