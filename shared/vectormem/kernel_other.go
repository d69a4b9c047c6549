//go:build !amd64

package vectormem

// hasHalfKernel is false where no vector kernel exists: converting halves in Go would make the
// half-precision scan slower than the plain float32 one it is meant to beat.
var hasHalfKernel = false

func dotHalfKernel(q []float32, h []uint16) float32 { return dotHalfGo(q, h) }

func prefetchHalf([]uint16) {}
