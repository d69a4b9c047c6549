package vectormem

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Several processes may open one directory: the local platform and a command in a second
// terminal (`propertypro ingest-doc`, `propertypro reindex`). Each collection has a lock file,
// NAME.lock, taken exclusively around every write and shared while catching up. A process
// that finds the files changed since it last read them catches up before it reads or writes:
// replaying the journal's new frames, or reloading everything when another process rewrote the
// snapshot. So no process overwrites another's writes, and each sees them on its next call.

func lockPath(dir, name string) string { return filepath.Join(dir, name+".lock") }

func openLock(dir, name string) (*os.File, error) {
	return os.OpenFile(lockPath(dir, name), os.O_CREATE|os.O_RDWR, 0o644)
}

// snapshotChanged says whether the snapshot on disk is not the one the collection holds:
// another process compacted or recreated the collection.
func (c *collection) snapshotChanged(dir string) (bool, error) {
	st, err := os.Stat(snapshotPath(dir, c.name))
	if err != nil {
		return false, err
	}
	return c.snap == nil || !os.SameFile(st, c.snap) || st.Size() != c.snap.Size() || !st.ModTime().Equal(c.snap.ModTime()), nil
}

// stale says whether another process has written since this one last caught up.
func (c *collection) stale(dir string) bool {
	changed, err := c.snapshotChanged(dir)
	if err != nil || changed {
		return true
	}
	st, err := os.Stat(journalPath(dir, c.name))
	return err != nil || st.Size() != c.journalSize
}

// catchUp brings the collection level with the files. The caller holds c.mu and the lock
// file; exclusive says whether it holds it exclusively, which a reload that cuts off a torn
// journal tail needs.
func (c *collection) catchUp(dir string, exclusive bool) error {
	changed, err := c.snapshotChanged(dir)
	if err != nil {
		return err
	}
	if changed {
		return c.reload(dir, exclusive)
	}
	j, err := os.Open(journalPath(dir, c.name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer j.Close()
	if _, err := j.Seek(c.journalSize, io.SeekStart); err != nil {
		return err
	}
	tail, err := io.ReadAll(j)
	if err != nil {
		return err
	}
	c.journalSize += replayJournal(tail, c.rows)
	return nil
}

// reload reads the collection from its files afresh.
func (c *collection) reload(dir string, exclusive bool) error {
	r, snap, journalSize, err := loadFiles(dir, c.name, exclusive)
	if err != nil {
		return err
	}
	c.rows, c.snap, c.journalSize = r, snap, journalSize
	if c.journal == nil {
		return nil
	}
	// The collection may have been created anew, with a journal file of its own: appending to
	// the old handle would write into a file nobody reads.
	j, err := openJournal(dir, c.name)
	if err != nil {
		return err
	}
	c.journal.Close()
	c.journal = j
	return nil
}
