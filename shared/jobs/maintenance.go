// Package jobs holds the work of PropertyPro's scheduled functions.
package jobs

import (
	"context"
	"time"

	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/postgres"
)

// PartitionMonthsAhead is how many months of partitions beyond the current one maintenance
// keeps ready for time-partitioned tables: a few missed nightly runs never leave inserts
// without a partition.
const PartitionMonthsAhead = 3

// DBMaintenance builds cron-db-maintenance: partitions ahead for time-partitioned tables,
// then ANALYZE, under an advisory lock, so two firings that overlap do the work once.
func DBMaintenance(b *platform.Boot) (platform.Handler, error) {
	return platform.Handler{Job: func(ctx context.Context, now time.Time) error {
		start := time.Now()
		var created []string
		ran, err := postgres.WithJobLock(ctx, b.DB, b.Fn.Name, func(ctx context.Context) (err error) {
			if created, err = postgres.EnsurePartitions(ctx, b.DB, now, PartitionMonthsAhead); err != nil {
				return err
			}
			return postgres.Analyze(ctx, b.DB)
		})
		if err != nil {
			return err
		}
		b.Log.InfoContext(ctx, "database maintenance", "ran", ran, "partitions_created", created,
			"scheduled_for", now, "duration_ms", time.Since(start).Milliseconds())
		return nil
	}}, nil
}
