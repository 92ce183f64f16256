package langevin_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"fpsolve/langevin"
	"fpsolve/model"
)

// TestAdvanceContextCancel: a block of 10^9 steps stops within a fraction of a second of its
// context's cancellation, on one worker and on several, and returns ctx.Err() with Steps and
// Counts as they were.
func TestAdvanceContextCancel(t *testing.T) {
	t.Parallel()
	sys := rbmSystem(3)
	st, err := langevin.NewEigen(sys, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 3} {
		e, err := langevin.NewEnsemble(st, langevin.Walkers(5), 1, langevin.StableInit(sys))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		go func() { time.Sleep(50 * time.Millisecond); cancel() }()
		t0 := time.Now()
		err = e.AdvanceContext(ctx, st, 1_000_000_000, workers)
		d := time.Since(t0)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("workers %d: err = %v, want context.Canceled", workers, err)
		}
		if d > 2*time.Second {
			t.Fatalf("workers %d: stopped after %v", workers, d)
		}
		if e.Steps != 0 || e.Counts != (langevin.Counts{}) {
			t.Errorf("workers %d: Steps %d, Counts %+v after a cancelled advance", workers, e.Steps, e.Counts)
		}
		t.Logf("workers %d: stopped %v after the cancellation", workers, d-50*time.Millisecond)
	}
}

// TestAdvanceContextSame: with a context that can be cancelled but is not, AdvanceContext gives
// Advance's walkers and counts bit for bit, for several worker counts, at both levels, and the
// same error and counts when walkers stop at a non-finite drift.
func TestAdvanceContextSame(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bad := model.System{Coulomb: true}
	for range 2 {
		bad.Modes = append(bad.Modes, model.Mode{Drift: nanDrift{1.3, math.NaN()}, G2: 0.1})
	}
	for _, sys := range []model.System{rbmSystem(4), bad} {
		eig, err := langevin.NewEigen(sys, 0.02)
		if err != nil {
			t.Fatal(err)
		}
		mat, err := langevin.NewMatrix(sys, 0.02)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range []langevin.Stepper{eig, mat} {
			want, _ := langevin.NewEnsemble(st, langevin.Walkers(23), 7, langevin.StableInit(sys))
			werr := want.Advance(st, 3000, 1)
			for _, workers := range []int{1, 2, 5} {
				got, _ := langevin.NewEnsemble(st, langevin.Walkers(23), 7, langevin.StableInit(sys))
				gerr := got.AdvanceContext(ctx, st, 1000, workers)
				if gerr == nil {
					gerr = got.AdvanceContext(ctx, st, 2000, workers)
				}
				if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
					t.Fatalf("%T, workers %d: error %v, want %v", st, workers, gerr, werr)
				}
				if werr != nil {
					continue // Advance's Counts after an error cover only its call
				}
				for i := range want.X {
					if math.Float64bits(want.X[i]) != math.Float64bits(got.X[i]) {
						t.Fatalf("%T, workers %d: value %d differs: %v, want %v", st, workers, i, got.X[i], want.X[i])
					}
				}
				if got.Counts != want.Counts || got.Steps != want.Steps {
					t.Fatalf("%T, workers %d: counts %+v steps %d, want %+v %d", st, workers, got.Counts, got.Steps, want.Counts, want.Steps)
				}
			}
		}
	}
}

// BenchmarkEigenN10Context is BenchmarkEigenN10 through AdvanceContext with a context that can
// be cancelled (the sliced path): compare the two for the cost of the checks.
func BenchmarkEigenN10Context(b *testing.B) {
	sys := model.System{Coulomb: true}
	for _, k := range model.FreeFieldKappa(4, 10) {
		sys.Modes = append(sys.Modes, model.Mode{Drift: model.RBM{Mu2: 9, Kappa: k}, G2: langevin.G2(0.01, 16, 1)})
	}
	st, err := langevin.NewEigen(sys, 0.01)
	if err != nil {
		b.Fatal(err)
	}
	e, err := langevin.NewEnsemble(st, langevin.Walkers(256), 1, langevin.StableInit(sys))
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const steps = 1000
	b.ResetTimer()
	for b.Loop() {
		e.AdvanceContext(ctx, st, steps, 0)
	}
	b.ReportMetric(float64(b.N)*steps*256*10/b.Elapsed().Seconds(), "mode-updates/s")
}
