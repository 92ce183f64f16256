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
