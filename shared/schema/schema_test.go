package schema_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/propertypro/propertypro/shared/schema"
	"github.com/propertypro/propertypro/shared/testkit"
)

func TestMigrationsUpDownUp(t *testing.T) {
	pool := testkit.DB(t) // already migrated up
	ctx := context.Background()
	m, err := schema.NewMigrator(pool)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if n, err := m.Pending(ctx); err != nil || n != 0 {
		t.Fatalf("pending = %d, %v", n, err)
	}
	for {
		var buf bytes.Buffer
		if err := m.Status(ctx, &buf); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), "applied") {
			break
		}
		if err := m.Down(ctx); err != nil {
			t.Fatalf("down: %v\n%s", err, buf.String())
		}
	}
	if n, err := m.Up(ctx); err != nil || n == 0 {
		t.Fatalf("up after down: %d, %v", n, err)
	}
	var users int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM users").Scan(&users); err != nil {
		t.Fatal(err)
	}
}

// Many cold starts migrating at once must not race: the advisory lock serialises them.
func TestConcurrentMigrateIsSafe(t *testing.T) {
	pool := testkit.DB(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := schema.NewMigrator(pool)
			if err == nil {
				_, err = m.Up(ctx)
				m.Close()
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}
