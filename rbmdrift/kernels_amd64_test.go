package rbmdrift

import (
	"math"
	"testing"
)

// TestGemmWithoutMicroKernel runs gemm and a few batched updates on gonum's Dgemm (fmaKernel
// false, as on a CPU without AVX2/FMA) and compares them with the micro-kernel's. Not parallel:
// it changes fmaKernel, which the parallel tests (run after it) read.
func TestGemmWithoutMicroKernel(t *testing.T) {
	if !fmaKernel {
		t.Skip("no AVX2/FMA on this CPU: every test already runs on gonum's Dgemm")
	}
	run := func() []float64 {
		tr, err := NewTrainer(sized(32, SamplerDirect), 0)
		if err != nil {
			t.Fatal(err)
		}
		for s := 0; s < 50; s++ {
			if err := tr.Step(); err != nil {
				t.Fatal(err)
			}
		}
		return tr.Spectrum(nil)
	}
	want := run()
	fmaKernel = false
	defer func() { fmaKernel = true }()
	got := run()
	// The same realisation with other rounding: 50 updates amplify the last-bit differences
	// little (measured: 1e-15); 1e-9 leaves room for other CPUs and seeds; the eigenvalues are
	// up to about 5.
	var worst float64
	for i := range want {
		worst = math.Max(worst, math.Abs(got[i]-want[i]))
		if d := math.Abs(got[i] - want[i]); d > 1e-9 {
			t.Errorf("eigenvalue %d: %g on Dgemm, %g on the micro-kernel", i, got[i], want[i])
		}
	}
	t.Logf("largest difference %.3g", worst)
}

// withoutAVX runs f with fmaKernel false (the Go loops and gonum's Dgemm, as on a CPU without
// AVX2/FMA), restoring it after; nothing when the CPU has no such kernels anyway. Callers must
// not be parallel tests: the parallel ones read fmaKernel.
func withoutAVX(t *testing.T, f func()) {
	t.Helper()
	if !fmaKernel {
		return
	}
	fmaKernel = false
	defer func() { fmaKernel = true }()
	f()
}

// TestHouseholderKernels: symv4avx, rank2avx and rank1avx give their Go loops' bits (the loops
// run where the CPU has no AVX2) on blocks of 4 to 68 rows at a stride wider than the block,
// and leave the entries outside the block alone; rank2 keeps a symmetric block exactly
// symmetric. Not parallel: it changes fmaKernel.
func TestHouseholderKernels(t *testing.T) {
	if !fmaKernel {
		t.Skip("no AVX2/FMA on this CPU: the Go loops run everywhere")
	}
	src := NewSource(3, 5)
	for _, m4 := range []int{4, 8, 12, 36, 64, 68} {
		ld := m4 + 5
		rows := m4 + 2
		b := make([]float64, rows*ld)
		for i := 0; i < m4; i++ {
			for j := 0; j <= i; j++ {
				b[i*ld+j] = src.NormFloat64()
				b[j*ld+i] = b[i*ld+j]
			}
		}
		for i := m4; i < rows; i++ {
			b[i*ld] = 7 // outside the block: must stay
		}
		x, w := make([]float64, m4), make([]float64, m4)
		for i := range x {
			x[i], w[i] = src.NormFloat64(), src.NormFloat64()
		}
		both := func(f func(b, out []float64)) (avx, loop []float64) {
			b1, b2 := append([]float64(nil), b...), append([]float64(nil), b...)
			o1, o2 := make([]float64, m4), make([]float64, m4)
			f(b1, o1)
			fmaKernel = false
			f(b2, o2)
			fmaKernel = true
			return append(b1, o1...), append(b2, o2...)
		}
		for name, f := range map[string]func(b, out []float64){
			"symv":  func(b, out []float64) { symv(m4, b, ld, x, out) },
			"rank2": func(b, _ []float64) { rank2(m4, b, ld, x, w) },
			"rank1": func(b, _ []float64) { rank1(m4, b, ld, x, w, 0.3) },
		} {
			avx, loop := both(f)
			for i := range avx {
				if math.Float64bits(avx[i]) != math.Float64bits(loop[i]) {
					t.Fatalf("%s, m4 = %d: entry %d is %v on AVX, %v in the loop", name, m4, i, avx[i], loop[i])
				}
			}
			for i := m4; i < rows; i++ {
				if avx[i*ld] != 7 || avx[i*ld+1] != 0 {
					t.Fatalf("%s, m4 = %d: row %d outside the block changed", name, m4, i)
				}
			}
			if name == "rank2" {
				for i := 0; i < m4; i++ {
					for j := 0; j < i; j++ {
						if avx[i*ld+j] != avx[j*ld+i] {
							t.Fatalf("rank2, m4 = %d: (%d, %d) = %v, (%d, %d) = %v", m4, i, j, avx[i*ld+j], j, i, avx[j*ld+i])
						}
					}
				}
			}
		}
	}
}
