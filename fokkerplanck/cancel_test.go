package fokkerplanck

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"
)

// TestEvolveContextCancel: Evolve, EvolveAdaptive and Clustered.Evolve over 10^9 steps return
// ctx.Err() within a fraction of a second of the cancellation.
func TestEvolveContextCancel(t *testing.T) {
	t.Parallel()
	ax := Axis{Lo: 0, Hi: 9, N: 512}
	op, err := NewOperator(benchSystem(1, false), []Axis{ax})
	if err != nil {
		t.Fatal(err)
	}
	cl, err := NewClustered(benchSystem(2, true), [][]int{{0}, {1}}, ax, BackwardEuler)
	if err != nil {
		t.Fatal(err)
	}
	runs := map[string]func(ctx context.Context) error{
		"Evolve": func(ctx context.Context) error {
			return NewSolver(op, TRBDF2).EvolveContext(ctx, op.Stationary(), 1e3, 1e-6)
		},
		"EvolveAdaptive": func(ctx context.Context) error {
			return NewSolver(op, TRBDF2).EvolveAdaptiveContext(ctx, op.Stationary(), 1e3, &Adaptive{Tol: 1e-3, Dt: 1e-6, MaxDt: 1e-6})
		},
		"Clustered.Evolve": func(ctx context.Context) error { return cl.EvolveContext(ctx, 1e3, 1e-6) },
	}
	for name, run := range runs {
		ctx, cancel := context.WithCancel(context.Background())
		go func() { time.Sleep(30 * time.Millisecond); cancel() }()
		t0 := time.Now()
		err := run(ctx)
		d := time.Since(t0)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("%s: err = %v, want context.Canceled", name, err)
		}
		if d > time.Second {
			t.Fatalf("%s: stopped after %v", name, d)
		}
		t.Logf("%s: stopped %v after the cancellation", name, d-30*time.Millisecond)
	}
}

// TestEvolveContextSame: a context that is not cancelled changes no bit of the densities.
func TestEvolveContextSame(t *testing.T) {
	t.Parallel()
	ax := Axis{Lo: 0, Hi: 9, N: 200}
	op, err := NewOperator(benchSystem(1, false), []Axis{ax})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := func() []float64 {
		p := make([]float64, op.Len())
		for c := range p {
			p[c] = math.Exp(-math.Pow(ax.Centre(c)-3, 2)) // not normalised: the comparison is bitwise
		}
		return p
	}
	same := func(name string, a, b []float64) {
		for c := range a {
			if math.Float64bits(a[c]) != math.Float64bits(b[c]) {
				t.Fatalf("%s: cell %d: %v, want %v", name, c, b[c], a[c])
			}
		}
	}
	p, q := start(), start()
	if err := NewSolver(op, TRBDF2).Evolve(p, 0.5, 0.01); err != nil {
		t.Fatal(err)
	}
	if err := NewSolver(op, TRBDF2).EvolveContext(ctx, q, 0.5, 0.01); err != nil {
		t.Fatal(err)
	}
	same("Evolve", p, q)
	p, q = start(), start()
	a, b := &Adaptive{Tol: 1e-4, Dt: 1e-3}, &Adaptive{Tol: 1e-4, Dt: 1e-3}
	if err := NewSolver(op, TRBDF2).EvolveAdaptive(p, 0.5, a); err != nil {
		t.Fatal(err)
	}
	if err := NewSolver(op, TRBDF2).EvolveAdaptiveContext(ctx, q, 0.5, b); err != nil {
		t.Fatal(err)
	}
	same("EvolveAdaptive", p, q)
	if *a != *b {
		t.Fatalf("EvolveAdaptive: %+v, want %+v", *b, *a)
	}
	c1, err := NewClustered(benchSystem(2, true), [][]int{{0}, {1}}, ax, BackwardEuler)
	if err != nil {
		t.Fatal(err)
	}
	c2, _ := NewClustered(benchSystem(2, true), [][]int{{0}, {1}}, ax, BackwardEuler)
	if err := c1.Evolve(0.3, 0.01); err != nil {
		t.Fatal(err)
	}
	if err := c2.EvolveContext(ctx, 0.3, 0.01); err != nil {
		t.Fatal(err)
	}
	for ci := range 2 {
		same("Clustered.Evolve", c1.Density(ci), c2.Density(ci))
	}
}
