package rbmdrift

import (
	"fmt"
	"testing"
)

// measuredState is a trainer of the reference setting after 2000 updates, with the perturbative
// basis at the exact eigenvectors of the weights before one more update, which has been made:
// tr.g holds that update's G. u0 and v0 are the basis's W V and V before it, for restoring.
func measuredState(b *testing.B) (tr *Trainer, u0, v0 []float64, x []float64) {
	return measuredStateOf(b, reference())
}

// measuredStateOf is measuredState for the setting cfg.
func measuredStateOf(b *testing.B, cfg Config) (tr *Trainer, u0, v0 []float64, x []float64) {
	tr = warmTrainer(b, cfg)
	x = tr.Spectrum(nil)
	tr.pert = newPerturber(tr.nv, tr.nh)
	copy(tr.pert.v, tr.vectors())
	tr.pert.project(tr.w, tr.pert.v)
	u0 = append([]float64(nil), tr.pert.u...)
	v0 = append([]float64(nil), tr.pert.v...)
	if err := tr.Step(); err != nil {
		b.Fatal(err)
	}
	return tr, u0, v0, x
}

// BenchmarkPerturberUpdate: the perturbative spectrum after one update at N = 10 (the
// measured step's main cost at measure_every = 1), from the exact basis before it.
func BenchmarkPerturberUpdate(b *testing.B) { benchPerturberUpdate(b, reference()) }

// benchPerturberUpdate times the perturber's update in the setting cfg (measuredStateOf).
func benchPerturberUpdate(b *testing.B, cfg Config) {
	tr, u0, v0, _ := measuredStateOf(b, cfg)
	p, f := tr.pert, tr.cfg.Alpha*tr.s2
	dst := make([]float64, tr.nh)
	b.ReportAllocs()
	for b.Loop() {
		copy(p.u, u0)
		copy(p.v, v0)
		p.refresh = 0
		if !p.update(dst, tr.g, f) {
			b.Fatal("fallback")
		}
	}
}

// BenchmarkExpectedDrift: the exact-gradient drift of every eigenvalue at N = 10 from u = W V
// (the measured step's other cost).
func BenchmarkExpectedDrift(b *testing.B) {
	tr, u0, _, _ := measuredState(b)
	if !tr.prepare() {
		b.Fatal("improper")
	}
	dst := make([]float64, tr.nh)
	b.ReportAllocs()
	for b.Loop() {
		tr.expectedDriftU(dst, u0)
	}
}

// BenchmarkWarmSolve10: the exact spectrum at N = 10 by the Jacobi solver warm-started from the
// eigenbasis of the weights 10 updates earlier (the before-state of a measured step at
// measure_every = 10).
func BenchmarkWarmSolve10(b *testing.B) {
	tr, _, v0, _ := measuredState(b)
	for i := 0; i < 9; i++ {
		if err := tr.Step(); err != nil {
			b.Fatal(err)
		}
	}
	x := make([]float64, tr.nh)
	b.ReportAllocs()
	for b.Loop() {
		tr.eig.SetBasis(v0)
		tr.Spectrum(x)
	}
}

// BenchmarkSymMul: the 10 x 10 product of two symmetric matrices of the direct sampler (T^j),
// by rowDots (the loops, and the fallback without AVX) and by symMul (rowDotsT where AVX runs).
func BenchmarkSymMul(b *testing.B) {
	const n = 10
	src := NewSource(3, 0)
	a, s, c := make([]float64, n*n), make([]float64, n*n), make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			a[i*n+j], s[i*n+j] = src.NormFloat64(), src.NormFloat64()
			a[j*n+i], s[j*n+i] = a[i*n+j], s[i*n+j]
		}
	}
	b.Run("rowDots", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			rowDots(c, a, s, n, n, 1)
		}
	})
	b.Run("symMul", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			symMul(c, a, s, n)
		}
	})
}

// BenchmarkMeasuredSpectrum: the spectrum after one update at N = 16, 32, 64 (Gibbs sampler)
// by the exact solve with the eigenvectors (symEigen.solve) and without (symEigen.values), as
// the large-N kernels' measured steps take it (TrainRunContext). The perturbative update from
// the exact basis, which it replaced there, took 10.6, 50 and 273 us at these sizes against
// 9.5, 38 and 192 us for the solve with the eigenvectors (stop 28, one run side by side).
func BenchmarkMeasuredSpectrum(b *testing.B) {
	for _, n := range largeSizes {
		tr, _, _, _ := measuredStateOf(b, sized(n, SamplerGibbs))
		dst := make([]float64, n)
		x := make([]float64, n*n)
		gramColsBLAS(x, tr.w, tr.wt, tr.nv, n)
		a := make([]float64, n*n)
		s := newSymEigen(n)
		b.Run(fmt.Sprintf("vectors/N=%d", n), func(b *testing.B) {
			for b.Loop() {
				copy(a, x)
				s.solve(dst, a)
			}
		})
		b.Run(fmt.Sprintf("values/N=%d", n), func(b *testing.B) {
			for b.Loop() {
				s.values(dst, x)
			}
		})
	}
}
