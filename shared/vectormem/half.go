package vectormem

import "math"

// Half precision halves the bytes a query streams from memory, and a brute-force scan of
// 100,000 × 768 float32s (307 MB) is bound by memory bandwidth, not arithmetic. The float32
// vectors stay the source of truth: the half copy only preselects candidates, which are then
// rescored exactly (see rows.search).

// halfError bounds |half score - exact score| for unit vectors: each half component is within
// a relative 2^-11 of the float32 one, so by Cauchy-Schwarz the dot product is within 2^-11
// (4.9e-4); the margin covers float32 rounding in the sums.
const halfError = 1e-3

// toHalf converts f to IEEE 754 binary16 bits, rounding to nearest even.
func toHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23&0xff) - 127 + 15
	mant := b & 0x7fffff
	switch {
	case b&0x7fffffff == 0:
		return sign
	case exp >= 0x1f: // overflow (unit vectors never get here) and NaN/Inf
		return sign | 0x7c00
	case exp <= 0: // subnormal half, or zero
		if exp < -10 {
			return sign
		}
		mant |= 0x800000
		shift := uint32(14 - exp)
		half := mant >> shift
		rem := mant & (1<<shift - 1)
		mid := uint32(1) << (shift - 1)
		if rem > mid || rem == mid && half&1 == 1 {
			half++
		}
		return sign | uint16(half)
	}
	half := uint32(exp)<<10 | mant>>13
	rem := mant & 0x1fff
	if rem > 0x1000 || rem == 0x1000 && half&1 == 1 {
		half++ // may carry into the exponent, which is the correct rounding
	}
	return sign | uint16(half)
}

// fromHalf converts binary16 bits to float32.
func fromHalf(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch exp {
	case 0:
		return math.Float32frombits(sign) + float32(mant)*(1.0/(1<<24))*signOf(sign)
	case 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}

func signOf(sign uint32) float32 {
	if sign != 0 {
		return -1
	}
	return 1
}

func dotHalfGo(q []float32, h []uint16) float32 {
	var s float32
	for i, x := range q {
		s += x * fromHalf(h[i])
	}
	return s
}

func toHalves(dst []uint16, src []float32) {
	for i, f := range src {
		dst[i] = toHalf(f)
	}
}
