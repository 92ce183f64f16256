package fokkerplanck

import (
	"math"
	"testing"
)

// TestClusteredPotentialTol compares the default (weights kept while the mean-field potential
// moves by less than DefaultPotentialTol) with remaking the weights every step (PotentialTol < 0,
// the exact old behaviour) on the 10-mode seed picture at 100 cells per axis to t = 20. The
// tolerance 2e-3 on the mean and variance (relative) is the weight error bound exp(2 tol) - 1
// of SetPotentialTol with tol = 1e-3.
func TestClusteredPotentialTol(t *testing.T) {
	sys, cl := seedPicture()
	ax := Axis{Lo: 0, Hi: 9, N: 100}
	run := func(tol float64) (*Clustered, [][2]float64) {
		c, err := NewClustered(sys, cl, ax, BackwardEuler)
		if err != nil {
			t.Fatal(err)
		}
		c.PotentialTol = tol
		if err := c.Evolve(20, 0.25); err != nil {
			t.Fatal(err)
		}
		var mv [][2]float64
		for m := range sys.Modes {
			rho := c.Marginal(m, nil)
			var m0, m1, m2 float64
			for i, v := range rho {
				x := ax.Centre(i)
				m0 += v * ax.Width()
				m1 += v * ax.Width() * x
				m2 += v * ax.Width() * x * x
			}
			mean := m1 / m0
			mv = append(mv, [2]float64{mean, m2/m0 - mean*mean})
		}
		return c, mv
	}
	exact, a := run(-1)
	fast, b := run(0)
	if fast.Remakes >= exact.Remakes {
		t.Errorf("remakes: %d with the tolerance, %d exact", fast.Remakes, exact.Remakes)
	}
	for m := range a {
		for k, name := range []string{"mean", "variance"} {
			if d := math.Abs(b[m][k]-a[m][k]) / math.Abs(a[m][k]); d > 2e-3 {
				t.Errorf("mode %d %s: %g vs exact %g (rel %g)", m, name, b[m][k], a[m][k], d)
			}
		}
	}
	t.Logf("remakes %d (exact %d)", fast.Remakes, exact.Remakes)
}
