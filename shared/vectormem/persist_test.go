package vectormem

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/vector"
)

func open(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := New(Settings{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func item(i int) vector.Item {
	return vector.Item{ID: fmt.Sprintf("id-%d", i), Vector: []float32{float32(i + 1), 1, -2},
		Document: fmt.Sprintf("doc %d مرسى دبي", i), Metadata: map[string]any{"n": i, "even": i%2 == 0, "s": "x"}}
}

func TestPersistence(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		writes func(t *testing.T, s *Store)
		want   []string
	}{
		{"upserts", func(t *testing.T, s *Store) {
			must(t, s.Upsert(ctx, "coll", []vector.Item{item(0), item(1), item(2)}))
		}, []string{"id-0", "id-1", "id-2"}},
		{"replace and delete", func(t *testing.T, s *Store) {
			must(t, s.Upsert(ctx, "coll", []vector.Item{item(0), item(1), item(2)}))
			must(t, s.Upsert(ctx, "coll", []vector.Item{item(1)}))
			must(t, s.Delete(ctx, "coll", []string{"id-0"}, nil))
			must(t, s.Delete(ctx, "coll", nil, vector.Filter{vector.Eq("n", 2)}))
		}, []string{"id-1"}},
		{"compaction", func(t *testing.T, s *Store) {
			// Enough writes to pass minCompact several times.
			for batch := 0; batch < 40; batch++ {
				items := make([]vector.Item, 200)
				for i := range items {
					items[i] = item(i)
					items[i].Document = fmt.Sprintf("%0200d", batch)
				}
				must(t, s.Upsert(ctx, "coll", items))
			}
			must(t, s.Delete(ctx, "coll", nil, vector.Filter{vector.Gte("n", 3)}))
		}, []string{"id-0", "id-1", "id-2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := open(t, dir)
			must(t, s.EnsureCollection(ctx, "coll", 3))
			tc.writes(t, s)
			before, err := s.Get(ctx, "coll", tc.want)
			must(t, err)
			must(t, s.Close())

			reopened := open(t, dir)
			after, err := reopened.Get(ctx, "coll", tc.want)
			must(t, err)
			if len(after) != len(tc.want) {
				t.Fatalf("after reopen got %d items, want %d", len(after), len(tc.want))
			}
			for i := range before {
				if fmt.Sprint(before[i]) != fmt.Sprint(after[i]) {
					t.Errorf("item %d changed across reopen:\n%v\n%v", i, before[i], after[i])
				}
			}
			if n, _ := reopened.Count(ctx, "coll"); n != len(tc.want) {
				t.Errorf("count after reopen = %d, want %d", n, len(tc.want))
			}
			wantCode(t, reopened.EnsureCollection(ctx, "coll", 4), apperr.Conflict)
		})
	}
}

func TestTornJournalTail(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir)
	must(t, s.EnsureCollection(ctx, "coll", 3))
	must(t, s.Upsert(ctx, "coll", []vector.Item{item(0)}))
	must(t, s.Upsert(ctx, "coll", []vector.Item{item(1)}))
	must(t, s.Close())

	journal := journalPath(dir, "coll")
	b, err := os.ReadFile(journal)
	must(t, err)
	must(t, os.WriteFile(journal, b[:len(b)-5], 0o644)) // the last write was torn by a crash

	reopened := open(t, dir)
	if n, _ := reopened.Count(ctx, "coll"); n != 1 {
		t.Fatalf("count = %d, want 1 (the torn upsert dropped)", n)
	}
	must(t, reopened.Upsert(ctx, "coll", []vector.Item{item(2)}))
	must(t, reopened.Close())
	if n, _ := open(t, dir).Count(ctx, "coll"); n != 2 {
		t.Fatalf("count after a write past the cut = %d, want 2", n)
	}
}

func TestDamagedSnapshot(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir)
	must(t, s.EnsureCollection(ctx, "coll", 3))
	must(t, s.Close())
	path := snapshotPath(dir, "coll")
	b, err := os.ReadFile(path)
	must(t, err)
	b[len(b)-1] ^= 0xff
	must(t, os.WriteFile(path, b, 0o644))
	_, err = open(t, dir).Count(ctx, "coll")
	wantCode(t, err, apperr.Internal)
}

func TestFilesStayInDir(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	wantCode(t, s.EnsureCollection(context.Background(), "../escape", 3), apperr.Invalid)
	entries, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), "escape*"))
	if len(entries) != 0 {
		t.Fatalf("files written outside the store: %v", entries)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, code apperr.Code) {
	t.Helper()
	if got := apperr.CodeOf(err); got != code {
		t.Fatalf("error %v has code %q, want %q", err, got, code)
	}
}
