package knowledgestore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/propertypro/propertypro/shared/ai"
)

// dubai is the time zone a brokerage's day starts in (UTC+4, no daylight saving), so the
// budget renews at local midnight and not at 4 a.m.
var dubai = time.FixedZone("Asia/Dubai", 4*60*60)

// AIBudget is the ai.Budget of the paid AI providers, shared by every Lambda instance: each
// brokerage may spend its daily tokens (ai_token_budgets, else the default limit, which is
// AI_TOKEN_BUDGET) per Dubai day. Reservations and charges are single statements, so
// concurrent requests cannot overspend together.
type AIBudget struct {
	db    *pgxpool.Pool
	limit int64
	now   func() time.Time
}

var _ ai.Budget = (*AIBudget)(nil)

// NewAIBudget returns the budget with limit tokens per brokerage and day unless the
// brokerage has a limit of its own.
func NewAIBudget(db *pgxpool.Pool, limit int) *AIBudget {
	return &AIBudget{db: db, limit: int64(limit), now: time.Now}
}

// SetClock replaces the clock, for tests of the day's roll-over.
func (b *AIBudget) SetClock(now func() time.Time) { b.now = now }

func (b *AIBudget) day() time.Time {
	y, m, d := b.now().In(dubai).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// reserveSQL adds a reservation only when used + reserved + the new tokens stay within the
// brokerage's limit; no row back means the budget is spent.
const reserveSQL = `WITH lim AS (SELECT coalesce((SELECT daily_tokens FROM ai_token_budgets WHERE brokerage_id = $1), $4::bigint) AS n)
	INSERT INTO ai_token_usage AS u (brokerage_id, day, reserved)
	SELECT $1, $2, $3 FROM lim WHERE $3 <= lim.n
	ON CONFLICT (brokerage_id, day) DO UPDATE SET reserved = u.reserved + EXCLUDED.reserved
	WHERE u.used + u.reserved + EXCLUDED.reserved <= (SELECT n FROM lim)
	RETURNING 1`

// Reserve implements ai.Budget. Calls made for no brokerage (system jobs) are not capped.
func (b *AIBudget) Reserve(ctx context.Context, brokerageID string, tokens int) error {
	if brokerageID == "" {
		return nil
	}
	var one int
	err := b.db.QueryRow(ctx, reserveSQL, brokerageID, b.day(), int64(tokens), b.limit).Scan(&one)
	if err == pgx.ErrNoRows {
		return ai.ErrBudgetExhausted
	}
	return err
}

// Record implements ai.Budget: the reservation is released and the tokens used charged to
// today, which is the reservation's day unless the call ran over midnight.
func (b *AIBudget) Record(ctx context.Context, brokerageID string, reserved, used int) error {
	if brokerageID == "" {
		return nil
	}
	_, err := b.db.Exec(ctx, `INSERT INTO ai_token_usage AS u (brokerage_id, day, used) VALUES ($1, $2, $4)
		ON CONFLICT (brokerage_id, day) DO UPDATE SET used = u.used + EXCLUDED.used,
			reserved = greatest(0, u.reserved - $3)`, brokerageID, b.day(), int64(reserved), int64(used))
	return err
}

// Used returns the tokens a brokerage has spent today.
func (b *AIBudget) Used(ctx context.Context, brokerageID string) (int64, error) {
	var n int64
	err := b.db.QueryRow(ctx, `SELECT coalesce((SELECT used FROM ai_token_usage WHERE brokerage_id = $1 AND day = $2), 0)`,
		brokerageID, b.day()).Scan(&n)
	return n, err
}

// SetLimit gives a brokerage a daily limit of its own (its plan), replacing the default.
func (b *AIBudget) SetLimit(ctx context.Context, brokerageID string, tokens int64) error {
	_, err := b.db.Exec(ctx, `INSERT INTO ai_token_budgets (brokerage_id, daily_tokens) VALUES ($1, $2)
		ON CONFLICT (brokerage_id) DO UPDATE SET daily_tokens = EXCLUDED.daily_tokens, updated_at = now()`, brokerageID, tokens)
	return err
}
