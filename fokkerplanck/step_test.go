package fokkerplanck

import (
	"errors"
	"math"
	"strings"
	"testing"

	"fpsolve/model"
)

func gaussian(m, v float64) func(x []float64) float64 {
	return func(x []float64) float64 { return math.Exp(-(x[0] - m) * (x[0] - m) / (2 * v)) }
}

// TestOrnsteinUhlenbeck checks that a Gaussian stays Gaussian with mean c + (m0 - c) e^{-Omega t}
// and variance g^2/Omega + (v0 - g^2/Omega) e^{-2 Omega t}, for each method, with the fixed and
// the adaptive stepper.
func TestOrnsteinUhlenbeck(t *testing.T) {
	t.Parallel()
	const omega, c, g2, m0, v0 = 1.0, 0.5, 0.1, -0.5, 0.02
	ax := Axis{Lo: -2.5, Hi: 3, N: 550} // h = 0.01
	op, err := NewOperator(model.System{Modes: []model.Mode{harmonic(omega, c, g2)}}, []Axis{ax})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		method   Method
		dt       float64
		adaptive float64 // tolerance, 0 for fixed steps
		tol      float64
	}{
		// Backward Euler: O(dt) error, the mean's error is about t e^{-t} Omega^2 dt/2 ~ 1e-4
		// at dt = 1e-3; the spatial error is O(h^2) ~ 1e-5. Allow 3e-4.
		{"backward-euler", BackwardEuler, 1e-3, 0, 3e-4},
		// TR-BDF2: O(dt^2) ~ 1e-5 at dt = 5e-3; the O(h^2) spatial error of the fitted rates
		// dominates (about 0.9 h^2 on the mean, TestOUSpatialOrder). Allow 1.5e-4.
		{"tr-bdf2", TRBDF2, 5e-3, 0, 1.5e-4},
		// Adaptive TR-BDF2 with an L1 error budget of 1e-4 per unit time: moments follow to
		// about that size.
		{"tr-bdf2-adaptive", TRBDF2, 1e-3, 1e-4, 3e-4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := op.Initial(gaussian(m0, v0))
			if err != nil {
				t.Fatal(err)
			}
			s := NewSolver(op, tc.method)
			a := &Adaptive{Tol: tc.adaptive, Dt: tc.dt}
			for _, tt := range []float64{0.25, 0.5, 1, 2} {
				if tc.adaptive > 0 {
					err = s.EvolveAdaptive(p, tt, a)
				} else {
					err = s.Evolve(p, tt, tc.dt)
				}
				if err != nil {
					t.Fatal(err)
				}
				mo := op.ModeMoments(p, 0)
				e := math.Exp(-omega * tt)
				wantM := c + (m0-c)*e
				wantV := g2/omega + (v0-g2/omega)*e*e
				// The cell-average initial state and the piecewise-constant moments add
				// h^2/12 ~ 8e-6 to the variance: below the tolerances.
				if math.Abs(mo.Mean-wantM) > tc.tol || math.Abs(mo.Var-wantV) > tc.tol {
					t.Errorf("t = %g: mean %.6f var %.6f, want %.6f %.6f", tt, mo.Mean, mo.Var, wantM, wantV)
				}
				// Gaussian: Binder cumulant 0 (tolerance: the O(h^2) and O(dt) terms above,
				// relative to var^2).
				if math.Abs(mo.Binder) > 2e-3 {
					t.Errorf("t = %g: Binder %v, want 0 for a Gaussian", tt, mo.Binder)
				}
			}
			if tc.adaptive > 0 {
				t.Logf("adaptive: %d accepted, %d rejected steps, last dt %.3g", a.Accepted, a.Rejected, a.Dt)
			}
			// Mass: conserved to rounding (1e-12 relative) over the run.
			if m := op.Mass(p); math.Abs(m-1) > 1e-12 {
				t.Errorf("mass %v", m)
			}
		})
	}
}

// TestOUSpatialOrder measures the spatial order of the time-dependent solution: the error of
// the OU mean at t = 1 (exact c + (m0 - c) e^{-Omega t}) as h halves, with dt small enough
// (TR-BDF2, dt = 2.5e-3: time error ~ 1e-6) that the grid error dominates. Expected order 2.
func TestOUSpatialOrder(t *testing.T) {
	t.Parallel()
	const omega, c, g2, m0, v0 = 1.0, 0.5, 0.1, -0.5, 0.02
	want := c + (m0-c)*math.Exp(-omega)
	var prev float64
	for k, n := range []int{275, 550, 1100} {
		op, err := NewOperator(model.System{Modes: []model.Mode{harmonic(omega, c, g2)}}, []Axis{{Lo: -2.5, Hi: 3, N: n}})
		if err != nil {
			t.Fatal(err)
		}
		p, err := op.Initial(gaussian(m0, v0))
		if err != nil {
			t.Fatal(err)
		}
		if err := NewSolver(op, TRBDF2).Evolve(p, 1, 2.5e-3); err != nil {
			t.Fatal(err)
		}
		e := math.Abs(op.ModeMoments(p, 0).Mean - want)
		if k > 0 {
			order := math.Log2(prev / e)
			t.Logf("n = %d: mean error %.3g, observed order %.2f", n, e, order)
			// Second order; the time error (1e-6) perturbs the finest ratio by < 5%.
			if math.Abs(order-2) > 0.2 {
				t.Errorf("observed spatial order %.2f, want 2", order)
			}
		}
		prev = e
	}
}

// TestLongTime runs stiff problems (g^2 = 1e-3, rbm drift; one mode, two modes in the chamber)
// with large steps: mass conserved to 1e-12 relative at every step, densities never negative,
// and the long-time state equal to Stationary() to rounding.
func TestLongTime(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		sys    model.System
		n      int
		method Method
		dt     float64
		t1     float64
	}{
		// Slowest rate Omega = (9 - 5)/25 = 0.16: e^{-0.16 * 300} ~ 1e-21.
		{"1d-rbm-be", model.System{Modes: []model.Mode{rbmMode(5, 1e-3)}}, 400, BackwardEuler, 1, 300},
		{"1d-rbm-trbdf2", model.System{Modes: []model.Mode{rbmMode(5, 1e-3)}}, 400, TRBDF2, 1, 300},
		{"2d-chamber-rbm-be", model.System{Coulomb: true, Modes: []model.Mode{rbmMode(5, 1e-3), rbmMode(5, 1e-3)}}, 200, BackwardEuler, 1, 300},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			axes := make([]Axis, len(tc.sys.Modes))
			for k := range axes {
				axes[k] = Axis{Lo: 0, Hi: 9, N: tc.n}
			}
			op, err := NewOperator(tc.sys, axes)
			if err != nil {
				t.Fatal(err)
			}
			// Start off the fixed point (x_s = 4), narrow.
			p, err := op.Initial(func(x []float64) float64 {
				var s float64
				for k, v := range x {
					d := v - 3 - 0.3*float64(k)
					s += d * d
				}
				return math.Exp(-s / (2 * 0.05))
			})
			if err != nil {
				t.Fatal(err)
			}
			s := NewSolver(op, tc.method)
			for s.Time() < tc.t1 {
				if err := s.Step(p, tc.dt); err != nil {
					t.Fatal(err)
				}
				// Mass conserved to rounding: 1e-12 relative over the whole run.
				if m := op.Mass(p); math.Abs(m-1) > 1e-12 {
					t.Fatalf("t = %g: mass %v", s.Time(), m)
				}
				if tc.method == BackwardEuler {
					for c, v := range p {
						if v < 0 {
							t.Fatalf("t = %g: p[%d] = %g < 0", s.Time(), c, v)
						}
					}
				}
			}
			// Long time: the stationary state to rounding (1e-11 in L1; the residual decay
			// e^{-0.15 * 300} ~ 1e-20 is far below).
			if d := op.L1(p); d > 1e-11 {
				t.Errorf("L1 distance to the stationary state %g", d)
			}
		})
	}
}

// TestOneModeRBMStationary checks the one-mode rbm stationary density
// P_s proportional to exp[(x^2/(2 kappa) + x + mu^2 log(mu^2 - x))/g^2] on [0, mu^2) through its
// mean and variance, against Simpson quadrature of the continuum formula.
func TestOneModeRBMStationary(t *testing.T) {
	t.Parallel()
	for _, g2 := range []float64{0.1, 0.01, 1e-3} {
		r := model.RBM{Mu2: 9, Kappa: 5}
		phi := func(x float64) float64 { return -(x*x/(2*r.Kappa) + x + r.Mu2*math.Log(r.Mu2-x)) / g2 }
		ref := phi(r.Stable())
		w := func(x float64) float64 { return math.Exp(-(phi(x) - ref)) }
		z := simpson(w, 0, 9-1e-12, 400000)
		mean := simpson(func(x float64) float64 { return x * w(x) }, 0, 9-1e-12, 400000) / z
		v := simpson(func(x float64) float64 { return (x - mean) * (x - mean) * w(x) }, 0, 9-1e-12, 400000) / z
		op, err := NewOperator(model.System{Modes: []model.Mode{rbmMode(5, g2)}}, []Axis{{Lo: 0, Hi: 9, N: 900}})
		if err != nil {
			t.Fatal(err)
		}
		mo := op.ModeMoments(op.Stationary(), 0)
		// Piecewise-constant moments: the mean is exact for the cell averages, the variance
		// gains h^2/12 = 8e-6 (h = 0.01); allow 2e-5 absolute.
		if math.Abs(mo.Mean-mean) > 2e-5 || math.Abs(mo.Var-v) > 2e-5 {
			t.Errorf("g2 = %g: mean %v var %v, want %v %v", g2, mo.Mean, mo.Var, mean, v)
		}
	}
}

// TestNoSpuriousSlowMode: two harmonic modes with Coulomb, Omega = 1. In the chamber the H_FP
// levels are 0, Omega/2, Omega, ..., so ||P - P_s||_1 decays as exp(-2 E_1 t) = exp(-Omega t);
// a square grid letting probability between orderings would show a rate near 0.1.
func TestNoSpuriousSlowMode(t *testing.T) {
	t.Parallel()
	ax := Axis{Lo: -2.5, Hi: 2.5, N: 160}
	sys := model.System{Coulomb: true, Modes: []model.Mode{harmonic(1, 0, 0.1), harmonic(1, 0, 0.1)}}
	op, err := NewOperator(sys, []Axis{ax, ax})
	if err != nil {
		t.Fatal(err)
	}
	p, err := op.Initial(func(x []float64) float64 {
		return math.Exp(-((x[0]-0.8)*(x[0]-0.8) + (x[1]-1.1)*(x[1]-1.1)) / 0.02)
	})
	if err != nil {
		t.Fatal(err)
	}
	s := NewSolver(op, TRBDF2)
	var ts, ds []float64
	for k := 1; k <= 40; k++ {
		if err := s.Evolve(p, 0.25*float64(k), 0.01); err != nil {
			t.Fatal(err)
		}
		ts = append(ts, s.Time())
		ds = append(ds, op.L1(p))
	}
	rate, err := RelaxationRate(ts, ds, 5)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("late-time rate %.4f (exact lowest nonzero rate Omega = 1)", rate)
	// The fit over t in [5, 10] carries the next level's admixture e^{-t} relative (1%) and
	// the O(h^2) grid error of E_1 (h = 0.03: 1e-3): allow 3%.
	if math.Abs(rate-1) > 0.03 {
		t.Errorf("late-time relaxation rate %v, want Omega = 1", rate)
	}
}

func TestExplicit(t *testing.T) {
	t.Parallel()
	op, err := NewOperator(model.System{Modes: []model.Mode{harmonic(1, 0, 0.1)}}, []Axis{{Lo: -2, Hi: 2, N: 100}})
	if err != nil {
		t.Fatal(err)
	}
	s := NewSolver(op, Explicit)
	lim := s.ExplicitLimit()
	p, _ := op.Initial(gaussian(0.5, 0.05))
	err = s.Step(p, 2*lim)
	if err == nil || !strings.Contains(err.Error(), "stability limit") {
		t.Fatalf("explicit step at twice the limit: error %v, want a refusal", err)
	}
	q := append([]float64(nil), p...)
	if err := s.Evolve(p, 0.2, 0.5*lim); err != nil {
		t.Fatal(err)
	}
	be := NewSolver(op, TRBDF2)
	if err := be.Evolve(q, 0.2, 0.5*lim); err != nil {
		t.Fatal(err)
	}
	// Forward Euler is first order: at dt = lim/2 ~ 4e-4 over t = 0.2 its L1 error is O(dt)
	// relative to the initial transient (measured 1.3e-3); allow 5e-3.
	if d := op.Distance(p, q); d > 5e-3 {
		t.Errorf("explicit and TR-BDF2 differ by %g", d)
	}
	for c, v := range p {
		if v < 0 {
			t.Fatalf("explicit below the limit made p[%d] = %g < 0", c, v)
		}
	}
}

func TestStepErrors(t *testing.T) {
	t.Parallel()
	op, err := NewOperator(model.System{Modes: []model.Mode{harmonic(1, 0, 0.1)}}, []Axis{{Lo: -2, Hi: 2, N: 50}})
	if err != nil {
		t.Fatal(err)
	}
	s := NewSolver(op, BackwardEuler)
	p := append([]float64(nil), op.Stationary()...)
	if err := s.Step(p, 0.1); err != nil {
		t.Fatal(err)
	}
	p[10] = math.NaN()
	err = s.Step(p, 0.1)
	if err == nil || !strings.Contains(err.Error(), "step 2") || !strings.Contains(err.Error(), "t = 0.2") {
		t.Errorf("NaN density: error %v, want one naming step 2 and t = 0.2", err)
	}
	if err := s.Step(p, -1); err == nil {
		t.Error("negative dt accepted")
	}
	if _, err := op.Initial(func([]float64) float64 { return -1 }); err == nil {
		t.Error("negative initial density accepted")
	}
	a := &Adaptive{Tol: 1e-30, Dt: 0.1, MinDt: 0.01}
	q := append([]float64(nil), op.Stationary()...)
	q[3] *= 2
	if err := s.EvolveAdaptive(q, s.Time()+1, a); !errors.Is(err, ErrStepTooSmall) {
		t.Errorf("impossible tolerance: error %v, want ErrStepTooSmall", err)
	}
}
