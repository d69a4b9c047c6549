#include "textflag.h"

// func dotHalfAVX2(q *float32, h *uint16, n int) float32
//
// Dot product of float32 q with IEEE half-precision h; n must be a multiple of 32.
// Four accumulators hide the latency of the fused multiply-adds.
TEXT ·dotHalfAVX2(SB), NOSPLIT, $0-28
	MOVQ q+0(FP), SI
	MOVQ h+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3

loop:
	CMPQ CX, $32
	JL   done
	VCVTPH2PS 0(DI), Y4
	VCVTPH2PS 16(DI), Y5
	VCVTPH2PS 32(DI), Y6
	VCVTPH2PS 48(DI), Y7
	VFMADD231PS 0(SI), Y4, Y0
	VFMADD231PS 32(SI), Y5, Y1
	VFMADD231PS 64(SI), Y6, Y2
	VFMADD231PS 96(SI), Y7, Y3
	ADDQ $128, SI
	ADDQ $64, DI
	SUBQ $32, CX
	JMP  loop

done:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VHADDPS X0, X0, X0
	VHADDPS X0, X0, X0
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET

// func prefetchAVX2(p *uint16, n int)
//
// Asks the CPU to start loading n half floats at p into cache. A filtered scan skips rows,
// which defeats the hardware's sequential prefetcher; fetching the next matching row while
// scoring the current one restores the overlap of memory and arithmetic.
TEXT ·prefetchAVX2(SB), NOSPLIT, $0-16
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	SHLQ $1, CX
	ADDQ SI, CX

ploop:
	CMPQ SI, CX
	JGE  pdone
	PREFETCHT0 0(SI)
	ADDQ $64, SI
	JMP  ploop

pdone:
	RET
