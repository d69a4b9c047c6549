package ai_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/propertypro/propertypro/shared/ai"
	"github.com/propertypro/propertypro/shared/apperr"
)

func TestMemoryBudget(t *testing.T) {
	ctx := context.Background()
	type step struct {
		op        string // reserve, record, advance
		brokerage string
		n, used   int
		wantErr   bool
	}
	tests := []struct {
		name     string
		steps    []step
		wantUsed map[string]int
	}{
		{"reserve within limit, record the actual use", []step{
			{op: "reserve", brokerage: "a", n: 600},
			{op: "record", brokerage: "a", n: 600, used: 250},
			{op: "reserve", brokerage: "a", n: 750},
		}, map[string]int{"a": 250}},
		{"reservations count against the limit", []step{
			{op: "reserve", brokerage: "a", n: 600},
			{op: "reserve", brokerage: "a", n: 600, wantErr: true},
		}, map[string]int{"a": 0}},
		{"brokerages are separate", []step{
			{op: "reserve", brokerage: "a", n: 1000},
			{op: "reserve", brokerage: "b", n: 1000},
			{op: "reserve", brokerage: "vip", n: 4000},
		}, map[string]int{"a": 0, "b": 0}},
		{"a new window starts afresh", []step{
			{op: "reserve", brokerage: "a", n: 1000},
			{op: "record", brokerage: "a", n: 1000, used: 1000},
			{op: "reserve", brokerage: "a", n: 1, wantErr: true},
			{op: "advance"},
			{op: "reserve", brokerage: "a", n: 1000},
		}, map[string]int{"a": 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			b := ai.NewMemoryBudget(1000, 24*time.Hour)
			b.SetClock(func() time.Time { return now })
			b.SetLimit("vip", 5000)
			for i, s := range tt.steps {
				var err error
				switch s.op {
				case "reserve":
					err = b.Reserve(ctx, s.brokerage, s.n)
				case "record":
					err = b.Record(ctx, s.brokerage, s.n, s.used)
				case "advance":
					now = now.Add(25 * time.Hour)
				}
				if (err != nil) != s.wantErr {
					t.Fatalf("step %d (%s): err = %v, want error %v", i, s.op, err, s.wantErr)
				}
				if err != nil && (!errors.Is(err, ai.ErrBudgetExhausted) || apperr.CodeOf(err) != apperr.RateLimited) {
					t.Errorf("step %d: err = %v, want ErrBudgetExhausted", i, err)
				}
			}
			for id, want := range tt.wantUsed {
				if got := b.Used(id); got != want {
					t.Errorf("Used(%q) = %d, want %d", id, got, want)
				}
			}
		})
	}
}

func TestMemoryBudgetConcurrent(t *testing.T) {
	b := ai.NewMemoryBudget(100, time.Hour)
	var wg sync.WaitGroup
	var mu sync.Mutex
	granted := 0
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if b.Reserve(context.Background(), "a", 10) == nil {
				mu.Lock()
				granted++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if granted != 10 {
		t.Errorf("%d reservations of 10 granted from 100, want 10", granted)
	}
}
