package langevin

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"

	"fpsolve/model"
	"fpsolve/symeig"
)

// rbmSystem is the source talk's learning picture: n rbm modes with the free-field kappa (m^2 = 4,
// mu^2 = 9), four degenerate pairs for n = 10, equal g^2.
func rbmSystem(n int, g2 float64) model.System {
	s := model.System{Coulomb: true}
	for _, k := range model.FreeFieldKappa(4, n) {
		s.Modes = append(s.Modes, model.Mode{Drift: model.RBM{Mu2: 9, Kappa: k}, G2: g2})
	}
	return s
}

// harmonicSystem is n harmonic modes with the same centre c and curvature omega.
func harmonicSystem(n int, omega, c, g2 float64, coulomb bool) model.System {
	s := model.System{Coulomb: coulomb}
	for i := 0; i < n; i++ {
		s.Modes = append(s.Modes, model.Mode{Drift: model.Harmonic{Omega: omega, C: c}, G2: g2})
	}
	return s
}

// BenchmarkEigenN10 measures the eigenvalue level on the 10-mode rbm system with all 45 Coulomb
// pairs, the whole ensemble on all cores; the metric is mode-updates per second.
func BenchmarkEigenN10(b *testing.B) {
	sys := rbmSystem(10, G2(0.01, 16, 1))
	st, err := NewEigen(sys, 0.01)
	if err != nil {
		b.Fatal(err)
	}
	e, err := NewEnsemble(st, Walkers(256), 1, StableInit(sys))
	if err != nil {
		b.Fatal(err)
	}
	const steps = 1000
	b.ResetTimer()
	for b.Loop() {
		e.Advance(st, steps, 0)
	}
	b.ReportMetric(float64(b.N)*steps*256*10/b.Elapsed().Seconds(), "mode-updates/s")
}

// BenchmarkMatrixN10 measures the matrix level, 10 x 10, on one goroutine (steps per second per core).
func BenchmarkMatrixN10(b *testing.B) {
	sys := rbmSystem(10, G2(0.01, 16, 1))
	st, err := NewMatrix(sys, 0.01)
	if err != nil {
		b.Fatal(err)
	}
	e, err := NewEnsemble(st, Walkers(1), 1, StableInit(sys))
	if err != nil {
		b.Fatal(err)
	}
	const steps = 1000
	b.ResetTimer()
	for b.Loop() {
		e.Advance(st, steps, 1)
	}
	b.ReportMetric(float64(b.N)*steps/b.Elapsed().Seconds(), "steps/s")
}

// benchMatrices returns near-diagonal 10 x 10 matrices like those of a matrix-level step.
func benchMatrices(n, count int) [][]float64 {
	rng := rand.New(rand.NewPCG(1, 2))
	k := model.FreeFieldKappa(4, n)
	out := make([][]float64, count)
	for m := range out {
		a := make([]float64, n*n)
		for i := 0; i < n; i++ {
			a[i*n+i] = 9 - k[i] + 0.05*rng.NormFloat64()
			for j := i + 1; j < n; j++ {
				a[i*n+j] = 0.025 * rng.NormFloat64()
				a[j*n+i] = a[i*n+j]
			}
		}
		out[m] = a
	}
	return out
}

// BenchmarkEigenvalues10 compares the Jacobi iteration with gonum's Dsyev (eigenvalues only,
// preallocated workspace) on the matrices of a matrix-level step.
func BenchmarkEigenvalues(b *testing.B) {
	for _, n := range []int{2, 3, 5, 10} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) { benchEigenvalues(b, n) })
	}
}

func benchEigenvalues(b *testing.B, n int) {
	ms := benchMatrices(n, 64)
	a := make([]float64, n*n)
	d := make([]float64, n)
	b.Run("jacobi", func(b *testing.B) {
		i := 0
		for b.Loop() {
			copy(a, ms[i%len(ms)])
			symeig.Values(a, n, d)
			i++
		}
	})
	b.Run("dsyev", func(b *testing.B) {
		impl := gonum.Implementation{}
		work := make([]float64, 1)
		impl.Dsyev(lapack.EVNone, blas.Upper, n, a, n, d, work, -1)
		work = make([]float64, int(work[0]))
		i := 0
		for b.Loop() {
			copy(a, ms[i%len(ms)])
			impl.Dsyev(lapack.EVNone, blas.Upper, n, a, n, d, work, len(work))
			i++
		}
	})
}

// BenchmarkNormal measures the ziggurat normal deviate.
func BenchmarkNormal(b *testing.B) {
	src := NewSource(1, 0)
	var s float64
	for b.Loop() {
		s += src.NormFloat64()
	}
	_ = s
}
