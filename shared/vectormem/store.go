// Package vectormem is the embedded vector store: pure Go, persisted in a local directory, and
// the zero-setup default behind vector.Store when no Chroma server is configured.
//
// Queries are exact: a brute-force scan of pre-normalised vectors (cosine similarity becomes a
// dot product) keeping the best k in a bounded min-heap, with the metadata filter checked
// before a row is scored, split over two cores for large collections. Collections load lazily
// on first use and are safe for concurrent use within one process and across processes that
// share the directory (see share.go).
package vectormem

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"sync"

	"github.com/propertypro/propertypro/shared/apperr"
	"github.com/propertypro/propertypro/shared/vector"
)

// Settings configure a Store.
type Settings struct {
	// Dir holds one snapshot and one journal per collection, e.g. LOCAL_DIR/vectors.
	Dir string
	// Workers is how many goroutines scan a large collection; 0 means 2, which halves the
	// latency on the two cores a Lambda or a laptop reliably has to spare.
	Workers int
}

// Store is the embedded vector.Store.
type Store struct {
	dir     string
	workers int
	mu      sync.Mutex
	colls   map[string]*collection
}

type collection struct {
	mu          sync.RWMutex
	name        string
	rows        *rows
	journal     *os.File
	journalSize int64       // the journal's bytes applied to rows
	snap        os.FileInfo // the snapshot rows came from
	lock        *os.File    // NAME.lock, flocked across processes
}

var _ vector.Store = (*Store)(nil)

// New opens (creating if needed) the store's directory. Collections are read on first use.
func New(s Settings) (*Store, error) {
	if s.Dir == "" {
		return nil, apperr.New(apperr.Invalid, "vector store directory is empty")
	}
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "creating vector store directory")
	}
	if s.Workers <= 0 {
		s.Workers = 2
	}
	return &Store{dir: s.Dir, workers: s.Workers, colls: map[string]*collection{}}, nil
}

// Close releases the journals' file handles. The store stays usable: collections reopen on
// their next use.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for name, c := range s.colls {
		c.mu.Lock()
		errs = append(errs, c.journal.Close(), c.lock.Close())
		c.mu.Unlock()
		delete(s.colls, name)
	}
	return errors.Join(errs...)
}

// Heartbeat checks that the directory is still there, the one thing that can go away.
func (s *Store) Heartbeat(ctx context.Context) error {
	if _, err := os.Stat(s.dir); err != nil {
		return apperr.Wrap(err, apperr.Unavailable, "vector store directory is not accessible")
	}
	return nil
}

// EnsureCollection creates the collection's files when they do not exist yet.
func (s *Store) EnsureCollection(ctx context.Context, name string, dims int) error {
	if err := vector.ValidateCollectionName(name); err != nil {
		return err
	}
	if err := vector.ValidateDims(dims); err != nil {
		return err
	}
	c, err := s.current(name)
	if apperr.CodeOf(err) == apperr.NotFound {
		c, err = s.create(name, dims)
	}
	if err != nil {
		return err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.rows.dims != dims {
		return apperr.New(apperr.Conflict, "collection %q has %d dimensions, not %d", name, c.rows.dims, dims)
	}
	return nil
}

func (s *Store) create(name string, dims int) (*collection, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.colls[name]; ok {
		return c, nil // created meanwhile by another caller
	}
	c, err := s.open(name, func(c *collection) error {
		if _, err := os.Stat(snapshotPath(s.dir, name)); err == nil {
			return c.reload(s.dir, true) // created meanwhile by another process
		}
		// A journal left by an earlier collection of this name must not replay into the new one.
		if err := os.Remove(journalPath(s.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		c.rows = newRows(dims)
		return c.writeSnapshot(s.dir)
	})
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "creating collection %q", name)
	}
	return c, nil
}

// collection returns a loaded collection, reading it from disk on first use.
func (s *Store) collection(name string) (*collection, error) {
	if err := vector.ValidateCollectionName(name); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.colls[name]; ok {
		return c, nil
	}
	if _, err := os.Stat(snapshotPath(s.dir, name)); errors.Is(err, fs.ErrNotExist) {
		return nil, apperr.New(apperr.NotFound, "vector collection %q does not exist", name)
	}
	c, err := s.open(name, func(c *collection) error { return c.reload(s.dir, true) })
	if errors.Is(err, fs.ErrNotExist) {
		return nil, apperr.New(apperr.NotFound, "vector collection %q does not exist", name)
	}
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "loading vector collection %q", name)
	}
	return c, nil
}

// open sets a collection up under its exclusive lock: fill reads or creates its files, then
// the journal is opened for appending. The caller holds s.mu.
func (s *Store) open(name string, fill func(*collection) error) (*collection, error) {
	lock, err := openLock(s.dir, name)
	if err != nil {
		return nil, err
	}
	c := &collection{name: name, lock: lock}
	err = c.locked(true, func() error {
		if err := fill(c); err != nil {
			return err
		}
		c.journal, err = openJournal(s.dir, name)
		return err
	})
	if err != nil {
		lock.Close()
		return nil, err
	}
	s.colls[name] = c
	return c, nil
}

// locked runs f holding the collection's lock file, shared or exclusively.
func (c *collection) locked(exclusive bool, f func() error) error {
	unlock, err := flock(c.lock, exclusive)
	if err != nil {
		return apperr.Wrap(err, apperr.Unavailable, "locking vector collection %q", c.name)
	}
	defer unlock()
	return f()
}

// current returns a collection caught up with what other processes wrote, for reading.
func (s *Store) current(name string) (*collection, error) {
	c, err := s.collection(name)
	if err != nil {
		return nil, err
	}
	c.mu.RLock()
	stale := c.stale(s.dir)
	c.mu.RUnlock()
	if !stale {
		return c, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	err = c.locked(false, func() error { return c.catchUp(s.dir, false) })
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Internal, "reading vector collection %q", name)
	}
	return c, nil
}

// writing runs f under the collection's mutex and exclusive lock, after catching up, so a
// write lands on top of every other process's.
func (s *Store) writing(c *collection, f func() error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.locked(true, func() error {
		if err := c.catchUp(s.dir, true); err != nil {
			return apperr.Wrap(err, apperr.Internal, "reading vector collection %q", c.name)
		}
		return f()
	})
}

// Upsert validates the whole batch first, so an invalid item leaves the collection untouched.
func (s *Store) Upsert(ctx context.Context, name string, items []vector.Item) error {
	c, err := s.collection(name)
	if err != nil {
		return err
	}
	return s.writing(c, func() error { return s.upsert(c, items) })
}

func (s *Store) upsert(c *collection, items []vector.Item) error {
	if err := vector.ValidateItems(items, c.rows.dims); err != nil {
		return err
	}
	if len(items) == 0 {
		return nil
	}
	e := encoder{buf: make([]byte, 0, len(items)*(c.rows.dims*4+256))}
	e.buf = append(e.buf, opUpsert)
	e.uvarint(uint64(len(items)))
	type row struct {
		norm float32
		unit []float32
		md   map[string]any
	}
	prepared := make([]row, len(items))
	for i, it := range items {
		unit := append([]float32(nil), it.Vector...)
		prepared[i] = row{vector.Normalize(unit), unit, vector.NormalizeMetadata(it.Metadata)}
		e.record(it.ID, prepared[i].norm, unit, it.Document, prepared[i].md)
	}
	if err := s.write(c, e.buf); err != nil {
		return err
	}
	for i, it := range items {
		c.rows.put(it.ID, prepared[i].norm, prepared[i].unit, it.Document, prepared[i].md)
	}
	return s.maybeCompact(c)
}

// Delete removes the selected items; selecting nothing writes nothing.
func (s *Store) Delete(ctx context.Context, name string, ids []string, where vector.Filter) error {
	if err := vector.ValidateDelete(ids, where); err != nil {
		return err
	}
	c, err := s.collection(name)
	if err != nil {
		return err
	}
	return s.writing(c, func() error { return s.delete(c, ids, where) })
}

func (s *Store) delete(c *collection, ids []string, where vector.Filter) error {
	doomed := c.rows.selectIDs(ids, where)
	if len(doomed) == 0 {
		return nil
	}
	e := encoder{}
	e.buf = append(e.buf, opDelete)
	e.uvarint(uint64(len(doomed)))
	for _, id := range doomed {
		e.string(id)
	}
	if err := s.write(c, e.buf); err != nil {
		return err
	}
	for _, id := range doomed {
		c.rows.remove(id)
	}
	return s.maybeCompact(c)
}

// write appends one journal frame. A failed write is cut off again, because a torn frame in
// the middle of the journal would hide every later frame on the next load.
func (s *Store) write(c *collection, payload []byte) error {
	if err := appendJournal(c.journal, payload); err != nil {
		_ = c.journal.Truncate(c.journalSize)
		return apperr.Wrap(err, apperr.Unavailable, "writing vector collection %q", c.name)
	}
	c.journalSize += int64(len(payload)) + 8
	return nil
}

func (s *Store) maybeCompact(c *collection) error {
	if c.journalSize < minCompact || c.journalSize < c.snap.Size() {
		return nil
	}
	if err := c.writeSnapshot(s.dir); err != nil {
		// The journal still holds everything, so the write itself has not failed.
		return nil
	}
	if err := c.journal.Truncate(0); err != nil {
		return nil // replaying the old journal over the new snapshot is harmless
	}
	c.journalSize = 0
	return nil
}

// writeSnapshot replaces the snapshot with rows and remembers which file it is now.
func (c *collection) writeSnapshot(dir string) error {
	path := snapshotPath(dir, c.name)
	if err := writeFileAtomic(path, encodeSnapshot(c.rows)); err != nil {
		return err
	}
	st, err := os.Stat(path)
	if err == nil {
		c.snap = st
	}
	return err
}

// Query scans every row that matches the filter; see the package comment.
func (s *Store) Query(ctx context.Context, name string, q vector.Query) ([]vector.Match, error) {
	c, err := s.current(name)
	if err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if err := vector.ValidateQuery(q, c.rows.dims); err != nil {
		return nil, err
	}
	unit := append([]float32(nil), q.Vector...)
	vector.Normalize(unit)
	hits := c.rows.query(unit, q.TopK, q.Where, s.workers)
	out := make([]vector.Match, len(hits))
	for i, h := range hits {
		r := int(h.row)
		score := min(max(h.score, -1), 1)
		out[i] = vector.Match{
			Item:     vector.Item{ID: c.rows.ids[r], Document: c.rows.docs[r], Metadata: copyMetadata(c.rows.meta[r])},
			Score:    score,
			Distance: 1 - score,
		}
	}
	return out, nil
}

// Get returns the stored items in the order of ids.
func (s *Store) Get(ctx context.Context, name string, ids []string) ([]vector.Item, error) {
	c, err := s.current(name)
	if err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]vector.Item, 0, len(ids))
	for _, id := range ids {
		if i, ok := c.rows.index[id]; ok {
			out = append(out, c.rows.item(i))
		}
	}
	return out, nil
}

// Count returns the number of items.
func (s *Store) Count(ctx context.Context, name string) (int, error) {
	c, err := s.current(name)
	if err != nil {
		return 0, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.rows.len(), nil
}
