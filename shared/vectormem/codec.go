package vectormem

import (
	"encoding/binary"
	"errors"
	"math"
)

// The binary encoding shared by snapshots and journal frames. Vectors are raw little-endian
// float32s (already normalised, with their original length kept beside them), so a 768-dim
// vector takes 3 KiB and loads with no parsing beyond a copy.

const (
	tagString byte = 's'
	tagNumber byte = 'n'
	tagTrue   byte = 't'
	tagFalse  byte = 'f'
)

var errDamaged = errors.New("damaged vector file")

type encoder struct{ buf []byte }

func (e *encoder) uvarint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }

func (e *encoder) string(s string) {
	e.uvarint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

func (e *encoder) float32(f float32) {
	e.buf = binary.LittleEndian.AppendUint32(e.buf, math.Float32bits(f))
}

func (e *encoder) float32s(fs []float32) {
	for _, f := range fs {
		e.float32(f)
	}
}

// record writes one item: id, norm, unit vector, document, metadata.
func (e *encoder) record(id string, norm float32, unit []float32, doc string, md map[string]any) {
	e.string(id)
	e.float32(norm)
	e.float32s(unit)
	e.string(doc)
	e.uvarint(uint64(len(md)))
	for k, v := range md {
		e.string(k)
		switch x := v.(type) {
		case string:
			e.buf = append(e.buf, tagString)
			e.string(x)
		case float64:
			e.buf = append(e.buf, tagNumber)
			e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(x))
		case bool:
			if x {
				e.buf = append(e.buf, tagTrue)
			} else {
				e.buf = append(e.buf, tagFalse)
			}
		}
	}
}

type decoder struct {
	buf []byte
	err error
}

func (d *decoder) fail() { d.err = errDamaged }

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *decoder) bytes(n uint64) []byte {
	if d.err != nil || n > uint64(len(d.buf)) {
		d.fail()
		return nil
	}
	b := d.buf[:n]
	d.buf = d.buf[n:]
	return b
}

func (d *decoder) string() string { return string(d.bytes(d.uvarint())) }

func (d *decoder) byte() byte {
	b := d.bytes(1)
	if b == nil {
		return 0
	}
	return b[0]
}

func (d *decoder) float32() float32 {
	b := d.bytes(4)
	if b == nil {
		return 0
	}
	return math.Float32frombits(binary.LittleEndian.Uint32(b))
}

// float32s appends n floats to dst.
func (d *decoder) float32s(dst []float32, n int) []float32 {
	b := d.bytes(uint64(n) * 4)
	if b == nil {
		return dst
	}
	for i := 0; i < n; i++ {
		dst = append(dst, math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
	}
	return dst
}

func (d *decoder) metadata() map[string]any {
	n := d.uvarint()
	if n == 0 || d.err != nil {
		return nil
	}
	if n > uint64(len(d.buf)) {
		d.fail()
		return nil
	}
	md := make(map[string]any, n)
	for i := uint64(0); i < n && d.err == nil; i++ {
		k := d.string()
		switch d.byte() {
		case tagString:
			md[k] = d.string()
		case tagNumber:
			if b := d.bytes(8); b != nil {
				md[k] = math.Float64frombits(binary.LittleEndian.Uint64(b))
			}
		case tagTrue:
			md[k] = true
		case tagFalse:
			md[k] = false
		default:
			d.fail()
		}
	}
	return md
}
