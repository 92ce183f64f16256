package langevin

import (
	"math"
	"testing"

	"fpsolve/model"
)

// TestExtraDrift checks model.System.Extra in the eigenvalue integrator on a case with an exact
// answer: two harmonic modes whose extra drift is a constant c for one and gamma times the
// other's value for the other. The map stays linear in the mean, so the stationary means are
// exact: <x_a> = C_a + c/Omega_a, <x_b> = C_b + gamma <x_a>/Omega_b. The modes are given in
// descending order of their stable points so that the integrator's rank order (Coulomb on)
// differs from the mode order that Extra sees. Noise g^2 = 1e-4 and stable points 9 apart keep
// the Coulomb term's shift near 1e-5; 4,000 walkers: standard error about 1e-4, allowed 5e-4.
func TestExtraDrift(t *testing.T) {
	t.Parallel()
	const c, gamma = 0.5, 0.2
	a := model.Harmonic{Omega: 1, C: 10} // mode 0: the upper one
	b := model.Harmonic{Omega: 2, C: 1}  // mode 1
	sys := model.System{
		Modes:   []model.Mode{{Drift: a, G2: 1e-4}, {Drift: b, G2: 1e-4}},
		Coulomb: true,
		Extra: func(dst, x []float64) {
			dst[0] = c
			dst[1] = gamma * x[0]
		},
	}
	e, err := NewEigen(sys, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	ens, err := Run(e, 4000, 400, 7, StableInit(sys), 2)
	if err != nil {
		t.Fatal(err)
	}
	mean := func(i int) float64 {
		var s float64
		v := ens.Mode(i, nil)
		for _, x := range v {
			s += x
		}
		return s / float64(len(v))
	}
	wantA := a.C + c/a.Omega
	wantB := b.C + gamma*wantA/b.Omega
	if m := mean(0); math.Abs(m-wantA) > 5e-4 {
		t.Errorf("mode 0: mean %.5f, exact %.5f", m, wantA)
	}
	if m := mean(1); math.Abs(m-wantB) > 5e-4 {
		t.Errorf("mode 1: mean %.5f, exact %.5f", m, wantB)
	}
	if _, err := NewMatrix(sys, 0.05); err == nil {
		t.Error("the matrix level took a system with Extra")
	}
}
