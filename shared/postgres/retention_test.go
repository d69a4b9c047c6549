package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/postgres"
	"github.com/propertypro/propertypro/shared/privacy"
	"github.com/propertypro/propertypro/shared/testkit"
)

// Retention deletes only what its policy names: old dead letters go, recent ones and live
// messages of any age stay; every policy of the classification runs on the real schema.
func TestDeleteExpired(t *testing.T) {
	db := testkit.DB(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC)
	_, err := db.Exec(ctx, `INSERT INTO queue_messages (queue, body, dead, sent_at) VALUES
		('q', 'old dead', true, $1), ('q', 'new dead', true, $2), ('q', 'old live', false, $1)`,
		now.AddDate(0, 0, -30), now.AddDate(0, 0, -1))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range privacy.Retentions {
		if _, err := postgres.DeleteExpired(ctx, db, r, now); err != nil {
			t.Fatalf("%s: %v", r.Table, err)
		}
	}
	rows, _ := db.Query(ctx, "SELECT body FROM queue_messages ORDER BY body")
	var left []string
	for rows.Next() {
		var b string
		rows.Scan(&b)
		left = append(left, b)
	}
	if len(left) != 2 || left[0] != "new dead" || left[1] != "old live" {
		t.Fatalf("left = %v", left)
	}
}
