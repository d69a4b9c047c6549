// Package jobs holds the work of PropertyPro's scheduled functions.
package jobs

import (
	"context"
	"time"

	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres"
)

// DBMaintenance builds cron-db-maintenance: ANALYZE under an advisory lock, so two firings
// that overlap do the work once.
func DBMaintenance(b *platform.Boot) (platform.Handler, error) {
	return platform.Handler{Job: func(ctx context.Context, now time.Time) error {
		start := time.Now()
		ran, err := postgres.WithJobLock(ctx, b.DB, b.Fn.Name, func(ctx context.Context) error {
			return postgres.Analyze(ctx, b.DB)
		})
		if err != nil {
			return err
		}
		b.Log.InfoContext(ctx, "database maintenance", "ran", ran, "scheduled_for", now,
			"duration_ms", time.Since(start).Milliseconds())
		return nil
	}}, nil
}
