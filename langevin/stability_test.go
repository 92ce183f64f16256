package langevin

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"fpsolve/model"
)

// TestCheckStepRefuses: alpha * Omega >= 2 (R9's stability limit) is refused by both levels with
// an error naming the mode and alpha * Omega; just below it is accepted. Omega is the curvature
// at the stable point: Harmonic's Omega, RBM's (mu^2 - kappa)/kappa^2 (R2), a table's slope.
func TestCheckStepRefuses(t *testing.T) {
	t.Parallel()
	tab := func(omega float64) *model.Table {
		x, d1, d2 := make([]float64, 21), make([]float64, 21), make([]float64, 21)
		for k := range x {
			x[k] = -1 + 0.1*float64(k)
			d1[k], d2[k] = -omega*x[k], 0.01
		}
		tb, err := model.NewTable(x, d1, d2)
		if err != nil {
			t.Fatal(err)
		}
		return tb
	}
	for _, tc := range []struct {
		name  string
		d     model.Drift
		omega float64
	}{
		{"harmonic", model.Harmonic{Omega: 1, C: 0.5}, 1},
		{"rbm", model.RBM{Mu2: 3, Kappa: 1}, 2},
		{"table", tab(4), 4},
	} {
		om, ok := Curvature(tc.d)
		if !ok || math.Abs(om-tc.omega) > 1e-12*tc.omega {
			t.Errorf("%s: Curvature = %g, %v, want %g", tc.name, om, ok, tc.omega)
		}
		// Mode 1 is the bad one: the error must name it.
		sys := model.System{Modes: []model.Mode{{Drift: model.Harmonic{Omega: 1e-3, C: -5}, G2: 0.01}, {Drift: tc.d, G2: 0.01}}}
		for _, ao := range []float64{2, 3} {
			alpha := ao / tc.omega
			if _, err := NewEigen(sys, alpha); err == nil || !strings.Contains(err.Error(), "mode 1") ||
				!strings.Contains(err.Error(), "alpha * Omega") || !strings.Contains(err.Error(), "stability limit 2") {
				t.Errorf("%s: NewEigen at alpha Omega = %g: err = %v, want a refusal naming mode 1", tc.name, ao, err)
			}
		}
		if _, err := NewEigen(sys, 1.99/tc.omega); err != nil {
			t.Errorf("%s: NewEigen at alpha Omega = 1.99: %v", tc.name, err)
		}
		if _, ok := tc.d.(*model.Table); !ok {
			sys.Coulomb = true
			if _, err := NewMatrix(sys, 3/tc.omega); err == nil || !strings.Contains(err.Error(), "alpha * Omega") {
				t.Errorf("%s: NewMatrix at alpha Omega = 3: err = %v, want a refusal", tc.name, err)
			}
		}
		if m, _ := Oscillating(sys, 1.5/tc.omega); len(m) != 1 || m[0] != 1 {
			t.Errorf("%s: Oscillating at alpha Omega = 1.5 = %v, want [1]", tc.name, m)
		}
	}
}

// kinked is a drift that the up-front check passes (curvature 1 at its stable point 0) but whose
// slope steepens to omegaOut beyond |x| = 1.
type kinked struct{ omegaOut float64 }

func (k kinked) K(x float64) float64 {
	if math.Abs(x) <= 1 {
		return -x
	}
	return -math.Copysign(1, x) - k.omegaOut*(x-math.Copysign(1, x))
}
func (k kinked) DK(x float64) float64 {
	if math.Abs(x) <= 1 {
		return -1
	}
	return -k.omegaOut
}
func (kinked) Domain() (lo, hi float64) { return math.Inf(-1), math.Inf(1) }
func (kinked) Stable() float64          { return 0 }

// TestGrowthStops: a walker that blows up geometrically where the up-front check cannot see it
// (alpha |K'| = 3 beyond |x| = 1, from x = 5 where |x| doubles every step; alpha Omega = 0.1 at the stable point) is stopped by the growth
// check (Counts.Diverged) long before it overflows, at both levels, with an error naming the
// walker, the mode, the step and the cause. Without the check the walker ends at |x| ~ 2^steps
// (Inf: NonFinite) or, for fewer steps, finite and absurd.
func TestGrowthStops(t *testing.T) {
	t.Parallel()
	const alpha = 0.1
	sys := model.System{Modes: []model.Mode{{Drift: kinked{omegaOut: 30}, G2: 0.01}}}
	start := func(x0 float64) Init { return GaussianInit([]float64{x0}, []float64{0}) }
	eig, err := NewEigen(sys, alpha)
	if err != nil {
		t.Fatal(err)
	}
	sys.Coulomb = true
	mat, err := NewMatrix(sys, alpha)
	if err != nil {
		t.Fatal(err)
	}
	for name, st := range map[string]Stepper{"eigen": eig, "matrix": mat} {
		e, err := Run(st, 4, 500, 1, start(5), 1)
		if err == nil {
			t.Fatalf("%s: a walker growing by 2 per step was not stopped", name)
		}
		msg := err.Error()
		for _, want := range []string{"walker 0", "mode 0", "by step 64", "t = 6.4", "divergence bound", "alpha * Omega too large"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: error %q does not say %q", name, msg, want)
			}
		}
		if e.Counts.Diverged != 4 || e.Counts.NonFinite != 0 {
			t.Errorf("%s: counts %+v, want 4 diverged and none non-finite", name, e.Counts)
		}
		// Well inside the kink the run is untouched.
		if _, err := Run(st, 4, 500, 1, start(0.5), 1); err != nil {
			t.Errorf("%s: a stable walker was stopped: %v", name, err)
		}
	}
	// An initial point beyond the bound is refused up front.
	if _, err := NewEnsemble(eig, Walkers(1), 1, start(1e6)); err == nil || !strings.Contains(err.Error(), "divergence bound") {
		t.Errorf("start at 1e6: err = %v, want the divergence bound", err)
	}
}

// TestRBMMatrixStability: the weight-level limit alpha Omega_W < 2 is where the noise-free step
// starts to amplify a small deviation from the learned W: just below it a random deviation of
// 1e-6 has shrunk after 400 steps, just above it (were it not refused) it has grown. Above it
// NewRBMMatrix refuses with an error naming alpha * Omega.
func TestRBMMatrixStability(t *testing.T) {
	t.Parallel()
	p := RBMParams{Visible: 6, Hidden: 3, TargetM2: 0.5, Mu2: 5, SigmaH: 1, InitSigma: 0.1}
	m, err := NewRBMMatrix(p, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	lim := StabilityLimit / m.StabilityRate()
	if _, err := NewRBMMatrix(p, 1.01*lim); err == nil || !strings.Contains(err.Error(), "alpha * Omega") {
		t.Fatalf("alpha = 1.01 x the limit: err = %v, want a refusal", err)
	}
	// The refused step, built by hand from a stable one: only alpha changes (a and as2 scale).
	grow := func(f float64) float64 {
		m, err := NewRBMMatrix(p, 0.9*lim)
		if err != nil {
			t.Fatal(err)
		}
		s := f / 0.9
		m.alpha, m.as2 = m.alpha*s, m.as2*s
		for i := range m.a {
			m.a[i] *= s
		}
		w := m.learnW
		rng := NewSource(3, 0)
		dev := make([]float64, len(w))
		for i := range dev {
			dev[i] = w[i] + 1e-6*rng.NormFloat64()
		}
		d0 := dist(dev, w)
		cnt := m.Advance(dev, 400, &rng, make([]float64, m.WorkLen()))
		if cnt.NonFinite > 0 {
			return math.Inf(1)
		}
		return dist(dev, w) / d0
	}
	if g := grow(0.97); !(g < 1) {
		t.Errorf("alpha = 0.97 x the limit: deviation grew by %g", g)
	}
	if g := grow(1.03); !(g > 1) {
		t.Errorf("alpha = 1.03 x the limit: deviation shrank by %g; the limit is not sharp", g)
	}
}

func dist(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return math.Sqrt(s)
}

// TestStableInitNearAWall: two degenerate rbm modes whose stable point lies closer to the wall
// than the start's spread (kappa = 0.05, so x* = 8.95 is 0.05 from the wall at mu^2 = 9, with a
// start spread of about 0.05); about one draw in five leaves the domain. Every start
// must be inside the domain and the two modes must differ (they once both fell back to x*
// exactly, a tie the integrator cannot order).
func TestStableInitNearAWall(t *testing.T) {
	t.Parallel()
	m := model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 0.05}, G2: 1000}
	sys := model.System{Coulomb: true, Modes: []model.Mode{m, m}}
	init := StableInit(sys)
	rng := rand.New(rand.NewPCG(1, 2))
	for w := 0; w < 20000; w++ {
		x := init(rng, w)
		for i, v := range x {
			if !(v >= 0 && v < 9) {
				t.Fatalf("walker %d, mode %d: start %g outside [0, 9)", w, i, v)
			}
		}
		if x[0] == x[1] {
			t.Fatalf("walker %d: both modes start at %g", w, x[0])
		}
	}
}
