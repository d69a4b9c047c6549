package vectormem

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/propertypro/propertypro/shared/vector"
)

func TestHalfConversion(t *testing.T) {
	tests := []struct {
		in   float32
		bits uint16
	}{
		{0, 0x0000},
		{float32(math.Copysign(0, -1)), 0x8000},
		{1, 0x3c00},
		{-2, 0xc000},
		{0.5, 0x3800},
		{65504, 0x7bff},
		{1e6, 0x7c00},
		{6.103515625e-05, 0x0400},  // smallest normal
		{5.960464477539063e-08, 1}, // smallest subnormal
		{1e-9, 0},
		{0.1, 0x2e66},
		{1.00048828125, 0x3c00}, // halfway between 1 and the next half: rounds to even
		{1.00146484375, 0x3c02}, // halfway, rounds up to even
	}
	for _, tc := range tests {
		t.Run(formatFloat(float64(tc.in)), func(t *testing.T) {
			if got := toHalf(tc.in); got != tc.bits {
				t.Fatalf("toHalf(%v) = %#04x, want %#04x", tc.in, got, tc.bits)
			}
		})
	}
	// Every finite half converts back to a float32 that converts to the same half.
	for h := 0; h < 1<<16; h++ {
		if h&0x7c00 == 0x7c00 {
			continue
		}
		if got := toHalf(fromHalf(uint16(h))); got != uint16(h) && !(h == 0x8000 && got == 0x8000) {
			t.Fatalf("round trip of %#04x gave %#04x (%v)", h, got, fromHalf(uint16(h)))
		}
	}
}

func TestHalfKernelMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, d := range []int{1, 7, 31, 32, 33, 64, 100, 768} {
		q, v := randomQuery(rng, d), randomQuery(rng, d)
		h := make([]uint16, d)
		toHalves(h, v)
		if a, b := dotHalfKernel(q, h), dotHalfGo(q, h); math.Abs(float64(a-b)) > 1e-3*math.Max(1, math.Abs(float64(b))) {
			t.Errorf("dims %d: kernel %v, Go %v", d, a, b)
		}
	}
}

// TestHalfScanIsExact checks the half-precision preselection against a plain float32 scan,
// including data full of near ties, where it must fall back rather than guess.
func TestHalfScanIsExact(t *testing.T) {
	if !hasHalfKernel {
		t.Skip("no half-precision kernel on this CPU")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	cases := map[string]func(i int) []float32{
		"random": func(int) []float32 { return randomQuery(rng, 96) },
		"near ties": func(i int) []float32 {
			v := make([]float32, 96)
			v[0] = 1
			v[1] = float32(i%50) * 1e-5
			return v
		},
	}
	for name, gen := range cases {
		t.Run(name, func(t *testing.T) {
			r := newRows(96)
			for i := 0; i < 3000; i++ {
				v := gen(i)
				norm := vector.Normalize(v)
				r.put(string(rune('a'+i%26))+formatFloat(float64(i)), norm, v, "", map[string]any{"g": float64(i % 3)})
			}
			plain := *r
			plain.half = nil
			for qi := 0; qi < 20; qi++ {
				q := gen(qi)
				vector.Normalize(q)
				for _, where := range []vector.Filter{nil, {vector.Eq("g", 1)}} {
					got, want := r.query(q, 5, where, 2), plain.query(q, 5, where, 2)
					if !slices.Equal(rowsOf(got), rowsOf(want)) {
						t.Fatalf("query %d %v: half scan %v, float32 scan %v", qi, where, got, want)
					}
				}
			}
		})
	}
}

func rowsOf(hs []hit) []int32 {
	out := make([]int32, len(hs))
	for i, h := range hs {
		out[i] = h.row
	}
	return out
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
