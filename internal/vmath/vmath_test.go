package vmath

import (
	"math"
	"math/rand/v2"
	"testing"
)

// inputs returns n values spread over the functions' whole domains: exponents from the
// subnormal range to the largest, the neighbourhood of 1 and of the logarithm's branch point
// sqrt(2)/2, the exponential's range edges, and every special value, shuffled so that
// special lanes fall in blocks of every alignment.
func inputs(rnd *rand.Rand, n int) []float64 {
	x := make([]float64, 0, n+32)
	specials := []float64{0, math.Copysign(0, -1), -1, -1e-300, math.Inf(1), math.Inf(-1), math.NaN(),
		5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, math.MaxFloat64, 1, math.Nextafter(1, 2),
		math.Nextafter(1, 0), math.Sqrt2 / 2, math.Nextafter(math.Sqrt2/2, 0), math.Nextafter(math.Sqrt2/2, 1),
		-708, math.Nextafter(-708, -1000), 709, math.Nextafter(709, 1000), 709.78, -745.2, -746, 710, 0.5}
	x = append(x, specials...)
	for len(x) < n {
		switch rnd.IntN(5) {
		case 0: // any positive exponent
			x = append(x, math.Ldexp(1+rnd.Float64(), rnd.IntN(2098)-1074))
		case 1: // near 1
			x = append(x, 1+(rnd.Float64()-0.5)*1e-3)
		case 2: // near the branch point
			x = append(x, math.Sqrt2/2*(1+(rnd.Float64()-0.5)*1e-12))
		case 3: // the exponential's domain and beyond
			x = append(x, (rnd.Float64()-0.5)*1500)
		default: // the arguments the operator assembly passes
			x = append(x, -rnd.ExpFloat64()*20)
		}
	}
	rnd.Shuffle(len(x), func(i, j int) { x[i], x[j] = x[j], x[i] })
	return x
}

// check compares f on every prefix length 0..7 and on the whole slice, out of place and in
// place, with the scalar function bit for bit (NaN against NaN).
func check(t *testing.T, name string, f func(dst, x []float64), ref func(float64) float64) {
	t.Helper()
	rnd := rand.New(rand.NewPCG(1, 2))
	x := inputs(rnd, 1<<16)
	lens := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, len(x)}
	for _, n := range lens {
		src := x[:n]
		dst := make([]float64, n)
		f(dst, src)
		inPlace := append([]float64(nil), src...)
		f(inPlace, inPlace)
		for i, v := range src {
			want := ref(v)
			for _, got := range []float64{dst[i], inPlace[i]} {
				if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
					t.Fatalf("%s(%v) = %v (%#x), math's %v (%#x) (length %d, index %d)", name, v, got, math.Float64bits(got), want, math.Float64bits(want), n, i)
				}
			}
		}
	}
}

// The kernels must give math.Log's and math.Exp's bits: fokkerplanck's fast assembly relies on
// it to reproduce the reference assembly exactly. Run with the kernels and without.
func TestBitsLikeMath(t *testing.T) {
	saved := useAVX
	defer func() { useAVX = saved }()
	for _, avx := range []bool{saved, false} {
		useAVX = avx
		check(t, "Log", Log, math.Log)
		check(t, "Exp", Exp, math.Exp)
	}
	if !saved {
		t.Log("no AVX2/FMA here: only the scalar path was checked")
	}
}
