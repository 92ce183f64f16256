package langevin

import "testing"

// BenchmarkEigenN10Plain is BenchmarkEigenN10 with the near-collision refinement off (after a
// refined burn-in), to measure the refinement's cost.
func BenchmarkEigenN10Plain(b *testing.B) {
	sys := rbmSystem(10, G2(0.01, 16, 1))
	st0, err := NewEigen(sys, 0.01)
	if err != nil {
		b.Fatal(err)
	}
	st := st0.WithRefine(0)
	e, err := NewEnsemble(st, Walkers(256), 1, StableInit(sys))
	if err != nil {
		b.Fatal(err)
	}
	e.Advance(st0, 1000, 0)
	const steps = 1000
	b.ResetTimer()
	for b.Loop() {
		e.Advance(st, steps, 0)
	}
	b.ReportMetric(float64(b.N)*steps*256*10/b.Elapsed().Seconds(), "mode-updates/s")
}
