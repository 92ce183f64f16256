package langevin

import (
	"math"
	"testing"

	"fpsolve/model"
)

// TestGeometricCoulomb: with the geometric pair strength one plain step moves every mode by
// alpha times the difference of model.System.Force's two forms more than the ordinary step does
// (same noise), to rounding (1e-12); with equal diffusions the two forms are one.
func TestGeometricCoulomb(t *testing.T) {
	t.Parallel()
	modes := []model.Mode{
		{Drift: model.RBM{Mu2: 9, Kappa: 8}, G2: 0.002},
		{Drift: model.RBM{Mu2: 9, Kappa: 7}, G2: 0.01},
		{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.05},
	}
	const alpha = 0.01
	x0 := []float64{1.0, 1.6, 3.9}
	step := func(geom bool, ms []model.Mode) ([]float64, model.System) {
		sys := model.System{Modes: ms, Coulomb: true, Geometric: geom}
		e, err := NewEigen(sys, alpha)
		if err != nil {
			t.Fatal(err)
		}
		e = e.WithRefine(0)
		x := append([]float64(nil), x0...)
		src := NewSource(1, 0)
		e.Advance(x, 1, &src, make([]float64, e.WorkLen()))
		return x, sys
	}
	xp, plain := step(false, modes)
	xg, geom := step(true, modes)
	for i := range x0 {
		want := alpha * (geom.Force(i, x0) - plain.Force(i, x0))
		if got := xg[i] - xp[i]; math.Abs(got-want) > 1e-12 {
			t.Errorf("mode %d: geometric step moved %g further, want alpha dF = %g", i, got, want)
		}
	}
	// Geometric and ordinary forms differ here (the diffusions differ by 25x).
	if d := geom.Force(0, x0) - plain.Force(0, x0); math.Abs(d) < 1e-3 {
		t.Errorf("forms differ by only %g", d)
	}
	eq := []model.Mode{modes[0], modes[1], modes[2]}
	for i := range eq {
		eq[i].G2 = 0.01
	}
	a, _ := step(false, eq)
	b, _ := step(true, eq)
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-14 {
			t.Errorf("equal diffusions, mode %d: %g and %g", i, a[i], b[i])
		}
	}
}
