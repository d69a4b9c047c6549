package postgres_test

import (
	"context"
	"testing"

	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/testkit"
)

// Two overlapping runs of a job: the second finds the lock taken and skips.
func TestWithJobLockSkipsOverlappingRuns(t *testing.T) {
	db := testkit.DB(t)
	ctx := context.Background()
	var inner bool
	ran, err := postgres.WithJobLock(ctx, db, "job", func(ctx context.Context) error {
		var err error
		inner, err = postgres.WithJobLock(ctx, db, "job", func(context.Context) error { return nil })
		if err != nil {
			return err
		}
		return postgres.Analyze(ctx, db)
	})
	if err != nil || !ran || inner {
		t.Fatalf("outer ran=%v inner ran=%v err=%v", ran, inner, err)
	}
	if again, err := postgres.WithJobLock(ctx, db, "job", func(context.Context) error { return nil }); err != nil || !again {
		t.Fatal("lock not released")
	}
}
