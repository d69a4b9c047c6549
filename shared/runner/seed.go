package runner

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/data"
)

// Seed loads the project's sample data (data/) into an empty database. It is idempotent:
// rows that exist are left as they are, so a restart never duplicates or overwrites.
func Seed(ctx context.Context, db *pgxpool.Pool) (int, error) {
	raw, err := data.FS.ReadFile("brokerages.json")
	if err != nil {
		return 0, err
	}
	var brokerages []struct {
		Name string `json:"name"`
		ORN  string `json:"orn"`
	}
	if err := json.Unmarshal(raw, &brokerages); err != nil {
		return 0, fmt.Errorf("data/brokerages.json: %w", err)
	}
	added := 0
	for _, b := range brokerages {
		tag, err := db.Exec(ctx, `INSERT INTO brokerages (name, orn) VALUES ($1, $2) ON CONFLICT DO NOTHING`, b.Name, b.ORN)
		if err != nil {
			return added, fmt.Errorf("seeding brokerage %s: %w", b.Name, err)
		}
		added += int(tag.RowsAffected())
	}
	return added, nil
}
