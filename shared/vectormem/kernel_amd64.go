package vectormem

import "golang.org/x/sys/cpu"

// hasHalfKernel reports whether the CPU converts half floats and fuses multiply-adds in vector
// registers, which the half-precision scan needs to be faster than the plain one.
var hasHalfKernel = cpu.X86.HasAVX2 && cpu.X86.HasFMA && cpu.X86.HasF16C

// dotHalfAVX2 is implemented in dot_amd64.s.
//
//go:noescape
func dotHalfAVX2(q *float32, h *uint16, n int) float32

func dotHalfKernel(q []float32, h []uint16) float32 {
	n := len(q) &^ 31
	var s float32
	if n > 0 {
		s = dotHalfAVX2(&q[0], &h[0], n)
	}
	return s + dotHalfGo(q[n:], h[n:len(q)])
}

// prefetchAVX2 is implemented in dot_amd64.s.
//
//go:noescape
func prefetchAVX2(p *uint16, n int)

func prefetchHalf(h []uint16) {
	if len(h) > 0 {
		prefetchAVX2(&h[0], len(h))
	}
}
