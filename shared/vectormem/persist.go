package vectormem

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// A collection lives in two files: NAME.vec, a snapshot rewritten whole (temp file + rename, so
// a crash leaves the old or the new one, never half of each), and NAME.log, a journal of the
// upserts and deletes since that snapshot. Appending to the journal keeps a write proportional
// to the batch, not to the collection; the snapshot is rewritten only once the journal has
// grown as large as it, which bounds the rewriting to a constant factor of what was written.
// Replaying a journal over a snapshot that already contains it is harmless: every entry sets
// or removes whole items, so the last entry for an id decides, whatever the starting state.

const (
	snapshotMagic = "PPVEC1\n"
	opUpsert      = 'U'
	opDelete      = 'D'
	// minCompact keeps small collections from rewriting their snapshot on every write.
	minCompact = 1 << 20
)

func snapshotPath(dir, name string) string { return filepath.Join(dir, name+".vec") }
func journalPath(dir, name string) string  { return filepath.Join(dir, name+".log") }

func encodeSnapshot(r *rows) []byte {
	e := encoder{buf: make([]byte, 0, 64+r.len()*(r.dims*4+64))}
	e.buf = append(e.buf, snapshotMagic...)
	e.uvarint(uint64(r.dims))
	e.uvarint(uint64(r.len()))
	for i := range r.ids {
		e.record(r.ids[i], r.norms[i], r.vector(i), r.docs[i], r.meta[i])
	}
	return binary.LittleEndian.AppendUint32(e.buf, crc32.ChecksumIEEE(e.buf))
}

func decodeSnapshot(b []byte) (*rows, error) {
	if len(b) < len(snapshotMagic)+4 || string(b[:len(snapshotMagic)]) != snapshotMagic {
		return nil, errDamaged
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, fmt.Errorf("%w: checksum mismatch", errDamaged)
	}
	d := decoder{buf: body[len(snapshotMagic):]}
	dims, n := int(d.uvarint()), d.uvarint()
	if d.err != nil || dims < 1 || n > uint64(len(d.buf))/uint64(dims*4) {
		return nil, errDamaged
	}
	r := newRows(dims)
	r.unit = make([]float32, 0, int(n)*dims)
	for i := uint64(0); i < n && d.err == nil; i++ {
		decodeRecord(&d, r)
	}
	if d.err != nil || len(d.buf) != 0 {
		return nil, errDamaged
	}
	return r, nil
}

// decodeRecord reads one record straight into r, avoiding an intermediate vector copy.
func decodeRecord(d *decoder, r *rows) {
	id, norm := d.string(), d.float32()
	start := len(r.unit)
	r.unit = d.float32s(r.unit, r.dims)
	doc, md := d.string(), d.metadata()
	if d.err != nil {
		r.unit = r.unit[:start]
		return
	}
	unit := r.unit[start:]
	r.unit = r.unit[:start]
	r.put(id, norm, unit, doc, md)
}

// writeFileAtomic replaces path with data so that readers see the old or the new content only.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

// syncDir makes a rename durable; file systems that cannot sync a directory are left as they are.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// frame wraps a journal payload with its length and checksum, so a write torn by a crash is
// recognised and dropped on the next load.
func frame(payload []byte) []byte {
	b := make([]byte, 8, 8+len(payload))
	binary.LittleEndian.PutUint32(b, uint32(len(payload)))
	binary.LittleEndian.PutUint32(b[4:], crc32.ChecksumIEEE(payload))
	return append(b, payload...)
}

// replayJournal applies every intact frame of the journal to r and returns the length of the
// intact prefix; anything after it is a torn write.
func replayJournal(b []byte, r *rows) int64 {
	var good int64
	for len(b) >= 8 {
		n := binary.LittleEndian.Uint32(b)
		sum := binary.LittleEndian.Uint32(b[4:])
		if uint64(n) > uint64(len(b)-8) || crc32.ChecksumIEEE(b[8:8+n]) != sum || !applyFrame(b[8:8+n], r) {
			break
		}
		b = b[8+n:]
		good += 8 + int64(n)
	}
	return good
}

func applyFrame(p []byte, r *rows) bool {
	if len(p) == 0 {
		return false
	}
	d := decoder{buf: p[1:]}
	n := d.uvarint()
	switch p[0] {
	case opUpsert:
		for i := uint64(0); i < n && d.err == nil; i++ {
			decodeRecord(&d, r)
		}
	case opDelete:
		for i := uint64(0); i < n && d.err == nil; i++ {
			r.remove(d.string())
		}
	default:
		return false
	}
	return d.err == nil
}

// loadFiles reads a collection's snapshot and replays its journal. A torn tail (a crash in
// the middle of a write) is cut off when truncate is set, which needs the exclusive lock;
// otherwise it is only left out. It returns fs.ErrNotExist when the collection has no snapshot.
func loadFiles(dir, name string, truncate bool) (r *rows, snap os.FileInfo, journalSize int64, err error) {
	f, err := os.Open(snapshotPath(dir, name))
	if err != nil {
		return nil, nil, 0, err
	}
	defer f.Close()
	if snap, err = f.Stat(); err != nil {
		return nil, nil, 0, err
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, nil, 0, err
	}
	if r, err = decodeSnapshot(b); err != nil {
		return nil, nil, 0, fmt.Errorf("%s: %w", snapshotPath(dir, name), err)
	}
	jp := journalPath(dir, name)
	journal, err := os.ReadFile(jp)
	if errors.Is(err, fs.ErrNotExist) {
		return r, snap, 0, nil
	}
	if err != nil {
		return nil, nil, 0, err
	}
	good := replayJournal(journal, r)
	if truncate && good < int64(len(journal)) {
		if err := os.Truncate(jp, good); err != nil {
			return nil, nil, 0, err
		}
	}
	return r, snap, good, nil
}

func openJournal(dir, name string) (*os.File, error) {
	return os.OpenFile(journalPath(dir, name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
}

// appendJournal writes one frame and waits for the disk, since the caller acknowledges the
// write (and Postgres records the document as stored) right after.
func appendJournal(f *os.File, payload []byte) error {
	if _, err := f.Write(frame(payload)); err != nil {
		return err
	}
	return f.Sync()
}
