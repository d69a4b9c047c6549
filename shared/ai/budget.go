package ai

import (
	"context"
	"sync"
	"time"

	"github.com/propertypro/propertypro/shared/apperr"
)

// ErrBudgetExhausted is returned by Budget.Reserve when a brokerage has spent its tokens.
var ErrBudgetExhausted = apperr.New(apperr.RateLimited, "the brokerage's AI token budget is spent")

// Budget caps what paid providers may spend per brokerage.
//
// The Chain reserves an estimate before a paid call, so that concurrent requests cannot
// overspend together, and records what the call really used afterwards.
type Budget interface {
	// Reserve sets tokens aside for brokerageID, or returns ErrBudgetExhausted (or another
	// error) when the call must not be made.
	Reserve(ctx context.Context, brokerageID string, tokens int) error
	// Record settles a reservation: reserved tokens are released and used tokens charged.
	Record(ctx context.Context, brokerageID string, reserved, used int) error
}

// MemoryBudget is a Budget held in memory, per process: for the local platform and tests.
// Each brokerage gets Limit tokens per Window (fixed windows starting at its first call).
type MemoryBudget struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu       sync.Mutex
	limits   map[string]int
	accounts map[string]*budgetAccount
}

type budgetAccount struct {
	start    time.Time
	used     int
	reserved int
}

// NewMemoryBudget returns a budget of limit tokens per window for every brokerage.
func NewMemoryBudget(limit int, window time.Duration) *MemoryBudget {
	return &MemoryBudget{limit: limit, window: window, now: time.Now,
		limits: map[string]int{}, accounts: map[string]*budgetAccount{}}
}

// SetLimit gives one brokerage a limit of its own (its plan).
func (b *MemoryBudget) SetLimit(brokerageID string, limit int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.limits[brokerageID] = limit
}

// SetClock replaces the clock, for tests of window roll-over.
func (b *MemoryBudget) SetClock(now func() time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.now = now
}

// Reserve implements Budget.
func (b *MemoryBudget) Reserve(_ context.Context, brokerageID string, tokens int) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	acc := b.account(brokerageID)
	if acc.used+acc.reserved+tokens > b.limitOf(brokerageID) {
		return ErrBudgetExhausted
	}
	acc.reserved += tokens
	return nil
}

// Record implements Budget.
func (b *MemoryBudget) Record(_ context.Context, brokerageID string, reserved, used int) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	acc := b.account(brokerageID)
	acc.reserved = max(0, acc.reserved-reserved)
	acc.used += used
	return nil
}

// Used returns the tokens brokerageID has spent in the current window.
func (b *MemoryBudget) Used(brokerageID string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.account(brokerageID).used
}

func (b *MemoryBudget) limitOf(brokerageID string) int {
	if l, ok := b.limits[brokerageID]; ok {
		return l
	}
	return b.limit
}

// account returns the brokerage's account, starting a new window when the old one ended.
// Reservations carry over: the calls they belong to are still running.
func (b *MemoryBudget) account(brokerageID string) *budgetAccount {
	now := b.now()
	acc, ok := b.accounts[brokerageID]
	if !ok {
		acc = &budgetAccount{start: now}
		b.accounts[brokerageID] = acc
	}
	if b.window > 0 && now.Sub(acc.start) >= b.window {
		acc.start, acc.used = now, 0
	}
	return acc
}
