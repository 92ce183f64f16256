package hamiltonian

import (
	"context"
	"fpsolve/internal/par"
	"math"
	"syscall"
	"testing"

	"fpsolve/fokkerplanck"
	"fpsolve/model"
)

// One rbm mode, g^2 = 0.001, 200,000 cells, FD assembly and the 6 lowest eigenpairs
// (scipy eigsh shift-invert on the same matrix: benchmarks/hamiltonian).
func BenchmarkFD200k(b *testing.B) {
	mode := model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.001}
	for b.Loop() {
		h, err := FD(mode, fokkerplanck.Axis{Lo: 0, Hi: 9, N: 200000})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Lowest(h, 6, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// Two rbm modes (kappa = 5, g^2 = 0.01) with Coulomb on the 256 x 256 chamber grid (32,896
// cells): operator assembly, symmetrisation and the 8 lowest eigenpairs.
func BenchmarkChamber256(b *testing.B) {
	mode := model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.01}
	ax := fokkerplanck.Axis{Lo: 0, Hi: 9, N: 256}
	for b.Loop() {
		op, err := fokkerplanck.NewOperator(model.System{Modes: []model.Mode{mode, mode}, Coulomb: true}, []fokkerplanck.Axis{ax, ax})
		if err != nil {
			b.Fatal(err)
		}
		h, err := FromOperator(op)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Lowest(h, 8, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// The ordering (OrderAuto: nested dissection, its elimination tree, the envelope bound) and the
// LDL^T factorisation of H - sigma I that Lowest does once for the chamber of BenchmarkChamber256.
func BenchmarkFactorChamber256(b *testing.B) {
	a, sigma := chamber256(b)
	for b.Loop() {
		perm, split, et := ordering(nil, a, OrderAuto)
		if _, err := newLDL(context.Background(), a, sigma, perm, split, et); err != nil {
			b.Fatal(err)
		}
	}
}

// One solve (H - sigma I)^-1 x with the factor Lowest builds for the chamber of
// BenchmarkChamber256 (nested dissection, 786,000 factor entries, the parts on two goroutines):
// Lowest does about 69 of these.
func BenchmarkSolveChamber256(b *testing.B) {
	a, sigma := chamber256(b)
	perm, split, _ := ordering(nil, a, OrderAuto)
	f, err := newLDL(context.Background(), a, sigma, perm, split, nil)
	if err != nil {
		b.Fatal(err)
	}
	x0, x := make([]float64, a.n), make([]float64, a.n)
	for i := range x0 {
		x0[i] = math.Sin(float64(i))
	}
	b.Run("goroutine", func(b *testing.B) {
		for b.Loop() {
			copy(x, x0) // each solve amplifies x by up to 1/(E_0 - sigma) = 1e9
			f.solve(x)
		}
	})
	b.Run("pair", func(b *testing.B) {
		f.pair = par.NewPair()
		defer func() { f.pair.Close(); f.pair = nil }()
		for b.Loop() {
			copy(x, x0)
			f.solve(x)
		}
	})
}

// The [spectrum] stage's work (SolveSpectrum) for one rbm mode (mu^2 = 9, kappa = 5, g^2 =
// 0.001) on 200,000 cells, 6 states, tolerance 1e-9 (the stage's default), with the
// finite-difference check beside it: SG assembly, symmetrisation, Lowest, and FD + Lowest on a
// second goroutine. scipy eigsh on the same SG matrix: benchmarks/hamiltonian/eigsh_bench.py.
func BenchmarkSpectrum200k(b *testing.B) {
	sys := model.System{Modes: []model.Mode{{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.001}}}
	axes := []fokkerplanck.Axis{{Lo: 0, Hi: 9, N: 200000}}
	c0 := cpuSeconds()
	for b.Loop() {
		if _, err := SolveSpectrum(context.Background(), sys, axes, 6, 1e-9, true); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuSeconds()-c0)/float64(b.N), "cpu-s/op")
}

// The [spectrum] stage's work for two rbm modes (kappa = 5, g^2 = 0.01) with Coulomb on the
// 256 x 256 chamber grid (32,896 cells), 8 states, tolerance 1e-9 (no finite-difference check
// with two modes).
func BenchmarkSpectrumChamber256(b *testing.B) {
	mode := model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.01}
	sys := model.System{Modes: []model.Mode{mode, mode}, Coulomb: true}
	ax := fokkerplanck.Axis{Lo: 0, Hi: 9, N: 256}
	c0 := cpuSeconds()
	for b.Loop() {
		if _, err := SolveSpectrum(context.Background(), sys, []fokkerplanck.Axis{ax, ax}, 8, 1e-9, false); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuSeconds()-c0)/float64(b.N), "cpu-s/op")
}

// cpuSeconds returns the process's user + system CPU time: on a machine shared with other
// jobs the wall time of a two-goroutine computation depends on what the others leave, the CPU
// time much less (scipy's side reports its process time too).
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) * 1e-9
}

// BenchmarkLowestSG200k times Lowest alone (the tridiagonal method) on the [spectrum] stage's
// one-mode SG Hamiltonian (BenchmarkSpectrum200k's), 6 states at the stage's tolerance.
func BenchmarkLowestSG200k(b *testing.B) {
	sys := model.System{Modes: []model.Mode{{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.001}}}
	op, err := fokkerplanck.NewOperator(sys, []fokkerplanck.Axis{{Lo: 0, Hi: 9, N: 200000}})
	if err != nil {
		b.Fatal(err)
	}
	h, err := FromOperator(op)
	if err != nil {
		b.Fatal(err)
	}
	opts := &Options{Tol: 1e-9 * DiagonalScale(h)}
	for b.Loop() {
		if _, err := Lowest(h, 6, opts); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSymmetrize200k times Symmetrize on the generator of the [spectrum] stage's one-mode
// operator (BenchmarkSpectrum200k's, 200,000 cells).
func BenchmarkSymmetrize200k(b *testing.B) {
	sys := model.System{Modes: []model.Mode{{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.001}}}
	op, err := fokkerplanck.NewOperator(sys, []fokkerplanck.Axis{{Lo: 0, Hi: 9, N: 200000}})
	if err != nil {
		b.Fatal(err)
	}
	g, phi, vol := op.Generator(), op.Phi(), op.Volumes()
	for b.Loop() {
		if _, err := Symmetrize(g, phi, vol); err != nil {
			b.Fatal(err)
		}
	}
}
