package platform

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/config"
)

// FlagOn reports whether a boolean feature flag is on: an operator's override in the
// feature_flags table (set by `propertypro ops flag`) wins over the configuration, so a
// schedule can be switched off in an incident without a redeploy. Without a database, or
// before the table exists, the configuration decides.
func FlagOn(ctx context.Context, db *pgxpool.Pool, cfg config.Config, name string) (bool, error) {
	def, err := cfg.Flag(name)
	if err != nil || db == nil {
		return def, err
	}
	var on bool
	err = db.QueryRow(ctx, "SELECT enabled FROM feature_flags WHERE name = $1", name).Scan(&on)
	if err != nil {
		return def, nil // no override (or no table yet): the configuration decides
	}
	return on, nil
}

// FlagOverride is one operator override of a feature flag.
type FlagOverride struct {
	Name      string
	Enabled   bool
	UpdatedBy string
	UpdatedAt time.Time
}

// SetFlag stores an operator's override of a flag that the configuration defines.
func SetFlag(ctx context.Context, db *pgxpool.Pool, cfg config.Config, name string, on bool, by string) error {
	if _, err := cfg.Flag(name); err != nil {
		return err
	}
	_, err := db.Exec(ctx, `INSERT INTO feature_flags (name, enabled, updated_by) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET enabled = excluded.enabled, updated_by = excluded.updated_by,
		updated_at = now()`, name, on, by)
	return err
}

// ClearFlag removes an override, handing the flag back to the configuration.
func ClearFlag(ctx context.Context, db *pgxpool.Pool, name string) error {
	_, err := db.Exec(ctx, "DELETE FROM feature_flags WHERE name = $1", name)
	return err
}

// FlagOverrides lists the overrides in force.
func FlagOverrides(ctx context.Context, db *pgxpool.Pool) ([]FlagOverride, error) {
	rows, err := db.Query(ctx, "SELECT name, enabled, updated_by, updated_at FROM feature_flags ORDER BY name")
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[FlagOverride])
	if errors.Is(err, pgx.ErrNoRows) {
		err = nil
	}
	return out, err
}
