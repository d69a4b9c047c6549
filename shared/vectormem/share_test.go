package vectormem

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/propertypro/propertypro/shared/vector"
)

// Two stores on one directory stand for two processes (the local platform and a command in
// another terminal): flock(2) locks belong to open files, so they exclude each other the same way.
func TestTwoProcessesShareADirectory(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, b := open(t, dir), open(t, dir)
	must(t, a.EnsureCollection(ctx, "coll", 3))
	must(t, b.EnsureCollection(ctx, "coll", 3))

	must(t, a.Upsert(ctx, "coll", []vector.Item{item(0)}))
	if n, err := b.Count(ctx, "coll"); err != nil || n != 1 {
		t.Fatalf("the second store sees %d items (%v) after the first wrote one", n, err)
	}
	must(t, b.Upsert(ctx, "coll", []vector.Item{item(1)}))
	must(t, a.Delete(ctx, "coll", []string{"id-0"}, nil))
	got, err := b.Get(ctx, "coll", []string{"id-0", "id-1"})
	if err != nil || len(got) != 1 || got[0].ID != "id-1" {
		t.Fatalf("the second store reads %v (%v), want only id-1", got, err)
	}

	// Both write at once, enough to compact the collection several times on either side.
	var wg sync.WaitGroup
	for w, s := range []*Store{a, b} {
		wg.Go(func() {
			for batch := range 30 {
				items := make([]vector.Item, 50)
				for i := range items {
					items[i] = item(10000*(w+1) + 50*batch + i)
					items[i].Document = fmt.Sprintf("%0500d", batch)
				}
				if err := s.Upsert(ctx, "coll", items); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	want := 1 + 2*30*50
	for name, s := range map[string]*Store{"first": a, "second": b, "a third, opened afterwards": open(t, dir)} {
		if n, err := s.Count(ctx, "coll"); err != nil || n != want {
			t.Errorf("the %s store counts %d items (%v), want %d", name, n, err, want)
		}
	}

	// A collection created anew by one process is the one the other then writes into.
	must(t, a.Delete(ctx, "coll", nil, vector.Filter{vector.Gte("n", 0)}))
	must(t, b.Upsert(ctx, "coll", []vector.Item{item(7)}))
	if n, err := open(t, dir).Count(ctx, "coll"); err != nil || n != 1 {
		t.Fatalf("after a clear and one write, a fresh store counts %d (%v), want 1", n, err)
	}
}
