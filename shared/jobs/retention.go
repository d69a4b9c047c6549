package jobs

import (
	"context"
	"time"

	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/privacy"
)

// Retention builds cron-retention: every table's retention policy from shared/privacy, with
// the days RETENTION_POLICY overrides, applied under an advisory lock, so the classification
// document and the deletions are one source. Deleting what is already gone is a no-op, so a
// re-run is harmless.
func Retention(b *platform.Boot) (platform.Handler, error) {
	policy, err := privacy.ParsePolicy(b.Config.RetentionPolicy)
	if err != nil {
		return platform.Handler{}, err
	}
	retentions := privacy.WithOverrides(policy)
	return platform.Handler{Job: func(ctx context.Context, now time.Time) error {
		_, err := postgres.WithJobLock(ctx, b.DB, b.Fn.Name, func(ctx context.Context) error {
			for _, r := range retentions {
				n, err := postgres.DeleteExpired(ctx, b.DB, r, now)
				if err != nil {
					return err
				}
				b.Log.InfoContext(ctx, "retention applied", "table", r.Table, "deleted", n, "keep_days", int(r.Keep.Hours()/24))
			}
			return nil
		})
		return err
	}}, nil
}
