package langevin_test

import (
	"math"
	"strings"
	"testing"

	"fpsolve/fokkerplanck"
	"fpsolve/langevin"
	"fpsolve/model"
	"fpsolve/rmt"
)

// Cross-package agreement: histograms of discrete-time Langevin walkers (this package) equal the
// Fokker-Planck marginals (package fokkerplanck) for the rbm drift mu^2 = 9, kappa = 5,
// g^2 = 0.01, i.e. Omega = (mu^2 - kappa)/kappa^2 = 0.16, stationary width sqrt(g^2/Omega) = 0.25.
//
// Step alpha = 0.01: the finite-alpha bias of the variance is alpha Omega/2 = 8e-4 relative (AR(1)
// law, docs/REFERENCES.md R9), against a statistical error sqrt(2/n) = 1.0% for the n = 2 10^4
// walkers of the normal run (2.2% with -short's 4000), so the bias is invisible. The time
// t = 40 (4000 steps) is 6.4/Omega: a start at the stable point has then relaxed to
// exp(-6.4) ~ 2e-3 of its initial distance, far below the statistical errors. (The slowest H_FP
// level, E_1 = 0.0406, lives in the well at the unstable point x = 0, which a start at
// x_s = 4 does not populate.)
const (
	xMu2, xKappa, xG2 = 9.0, 5.0, 0.01
	xAlpha            = 0.01
	xTEq              = 40.0
)

func xWalkers() int {
	if testing.Short() {
		return 4000
	}
	return 20000
}

// gridCDF returns the cumulative distribution of the piecewise-constant marginal rho on axis a
// (exact at the cell edges, linear inside a cell).
func gridCDF(rho []float64, a fokkerplanck.Axis) func(float64) float64 {
	cum := make([]float64, len(rho)+1)
	h := a.Width()
	for i, v := range rho {
		cum[i+1] = cum[i] + v*h
	}
	return func(x float64) float64 {
		if x <= a.Lo {
			return 0
		}
		if x >= a.Hi {
			return cum[len(rho)]
		}
		u := (x - a.Lo) / h
		i := min(int(u), len(rho)-1)
		return cum[i] + (u-float64(i))*(cum[i+1]-cum[i])
	}
}

// chi2Check compares the walkers' values xs with the marginal rho on a by Pearson's chi^2 on
// bins of width 0.05 over [lo, hi] (categories merged to >= 10 expected points, tails included).
// It fails when the p-value is below 1e-3: for a correct law this happens once in 1000 seeds.
func chi2Check(t *testing.T, what string, xs, rho []float64, a fokkerplanck.Axis, lo, hi float64) (chi2 float64, dof int) {
	t.Helper()
	h := rmt.NewHistogram(lo, hi, int(math.Round((hi-lo)/0.05)))
	h.Fill(xs)
	chi2, dof = h.Chi2(gridCDF(rho, a), 10)
	p := rmt.Chi2PValue(chi2, dof)
	t.Logf("%s: chi2 = %.1f for %d dof (p = %.3f), %d walkers", what, chi2, dof, p, len(xs))
	if dof < 10 {
		t.Fatalf("%s: only %d dof: the histogram does not resolve the density", what, dof)
	}
	if !(p >= 1e-3) {
		t.Errorf("%s: chi2 = %.1f for %d dof, p = %.2g < 1e-3: Langevin histogram differs from the Fokker-Planck marginal", what, chi2, dof, p)
	}
	return chi2, dof
}

// momentCheck compares sample mean and variance of xs with those of the grid marginal within
// 4 standard errors: sqrt(var/n) for the mean and var sqrt((<y^4>/<y^2>^2 - 1)/n) for the
// variance (independent walkers), plus the finite-alpha bias alpha Omega/2 of the variance.
func momentCheck(t *testing.T, what string, xs []float64, want fokkerplanck.Moments) {
	t.Helper()
	got := rmt.SampleMoments(xs)
	n := float64(len(xs))
	kurt := 3 * (got.Binder + 1) // <y^4>/<y^2>^2
	seMean := math.Sqrt(got.Var / n)
	seVar := got.Var * math.Sqrt((kurt-1)/n)
	bias := xAlpha * model.RBM{Mu2: xMu2, Kappa: xKappa}.Omega() / 2 * want.Var
	if d := math.Abs(got.Mean - want.Mean); d > 4*seMean {
		t.Errorf("%s: mean %.5f, Fokker-Planck %.5f: |diff| %.2g > 4 se = %.2g", what, got.Mean, want.Mean, d, 4*seMean)
	}
	if d := math.Abs(got.Var - want.Var); d > 4*seVar+bias {
		t.Errorf("%s: variance %.5f, Fokker-Planck %.5f: |diff| %.2g > 4 se + bias = %.2g", what, got.Var, want.Var, d, 4*seVar+bias)
	}
}

func rbmSystem(modes int) model.System {
	sys := model.System{Coulomb: modes > 1}
	for range modes {
		sys.Modes = append(sys.Modes, model.Mode{Drift: model.RBM{Mu2: xMu2, Kappa: xKappa}, G2: xG2})
	}
	return sys
}

// TestCrossStationaryOneMode: one rbm mode from its stable point, t = 40, against
// Operator.Stationary (the cell averages of P_s ~ exp[(x^2/(2 kappa) + x + mu^2 log(mu^2 - x))/g^2]).
func TestCrossStationaryOneMode(t *testing.T) {
	t.Parallel()
	sys := rbmSystem(1)
	ax := fokkerplanck.Axis{Lo: 0, Hi: xMu2, N: 900} // h = 0.01 = width/25
	op, err := fokkerplanck.NewOperator(sys, []fokkerplanck.Axis{ax})
	if err != nil {
		t.Fatal(err)
	}
	rho := op.Marginal(op.Stationary(), 0, nil)
	st, err := langevin.NewEigen(sys, xAlpha)
	if err != nil {
		t.Fatal(err)
	}
	e, err := langevin.Run(st, xWalkers(), int(xTEq/xAlpha), 11, langevin.StableInit(sys), 0)
	if err != nil {
		t.Fatal(err)
	}
	xs := e.Mode(0, nil)
	chi2Check(t, "one mode, stationary", xs, rho, ax, 3, 5)
	momentCheck(t, "one mode, stationary", xs, fokkerplanck.GridMoments(rho, ax))

	// Power: the same walkers against the marginal for g^2 20% larger (width +10%) must fail.
	wrong := rbmSystem(1)
	wrong.Modes[0].G2 = 1.2 * xG2
	opw, err := fokkerplanck.NewOperator(wrong, []fokkerplanck.Axis{ax})
	if err != nil {
		t.Fatal(err)
	}
	hw := rmt.NewHistogram(3, 5, 40)
	hw.Fill(xs)
	if c, dof := hw.Chi2(gridCDF(opw.Marginal(opw.Stationary(), 0, nil), ax), 10); rmt.Chi2PValue(c, dof) > 1e-3 {
		t.Errorf("chi2 test has no power: walkers also fit g^2 = %g (chi2 %.1f, %d dof)", 1.2*xG2, c, dof)
	}
}

// TestCrossStationaryDegeneratePair: two rbm modes with kappa = 5, 5 and the Coulomb term. The
// Fokker-Planck side is the ordered chamber x_0 < x_1, so mode 0 is the lower eigenvalue on both
// sides; each marginal and the mean spacing are compared.
func TestCrossStationaryDegeneratePair(t *testing.T) {
	t.Parallel()
	sys := rbmSystem(2)
	ax := fokkerplanck.Axis{Lo: 2.5, Hi: 5.5, N: 300} // h = 0.01; P_s < 1e-10 beyond (6 pooled widths)
	op, err := fokkerplanck.NewOperator(sys, []fokkerplanck.Axis{ax, ax})
	if err != nil {
		t.Fatal(err)
	}
	st, err := langevin.NewEigen(sys, xAlpha)
	if err != nil {
		t.Fatal(err)
	}
	e, err := langevin.Run(st, xWalkers(), int(xTEq/xAlpha), 12, langevin.StableInit(sys), 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"pair, lower mode", "pair, upper mode"} {
		rho := op.Marginal(op.Stationary(), i, nil)
		xs := e.Mode(i, nil)
		chi2Check(t, name, xs, rho, ax, 2.8, 5.2)
		momentCheck(t, name, xs, fokkerplanck.GridMoments(rho, ax))
	}
	// Mean spacing: standard error sqrt(Var S/n) with Var S <= <S^2> = (4 - pi) sigma^2 for the
	// Wigner surmise (sigma^2 = g^2/Omega), i.e. se < 0.93 sigma/sqrt(n).
	got, want := e.Pair(0, 1).MeanSpacing, op.Pair(op.Stationary(), 0, 1).MeanSpacing
	se := math.Sqrt((4-math.Pi)*xG2/model.RBM{Mu2: xMu2, Kappa: xKappa}.Omega()) / math.Sqrt(float64(xWalkers()))
	if d := math.Abs(got - want); d > 4*se {
		t.Errorf("mean spacing %.5f, Fokker-Planck %.5f: |diff| %.2g > 4 se = %.2g", got, want, d, 4*se)
	}
}

// TestCrossTransient: from a narrow Gaussian start (mean 3, sd 0.1) the law at t = 4 (0.64/Omega,
// mean still 0.5 below the stable point 4) from Langevin walkers and from Solver.Evolve (TR-BDF2,
// dt = 0.01, the same initial density as cell averages). The Euler-Maruyama bias of the moments
// over this time is O(alpha Omega) = 0.16% relative, below the statistical errors.
func TestCrossTransient(t *testing.T) {
	t.Parallel()
	const m0, sd0, t1 = 3.0, 0.1, 4.0
	for _, modes := range []int{1, 2} {
		sys := rbmSystem(modes)
		ax := fokkerplanck.Axis{Lo: 0, Hi: xMu2, N: 900}
		if modes == 2 {
			ax = fokkerplanck.Axis{Lo: 1.5, Hi: 5.5, N: 200} // h = 0.02: 20000 chamber cells
		}
		axes := make([]fokkerplanck.Axis, modes)
		mean, sd := make([]float64, modes), make([]float64, modes)
		for i := range axes {
			axes[i], mean[i], sd[i] = ax, m0, sd0
		}
		op, err := fokkerplanck.NewOperator(sys, axes)
		if err != nil {
			t.Fatal(err)
		}
		// The walkers' start: independent normals, sorted (Arrange) for the pair; the density of
		// the sorted pair is twice the product density on the chamber, which Initial normalises.
		p, err := op.Initial(func(x []float64) float64 {
			v := 1.0
			for _, xi := range x {
				v *= math.Exp(-(xi - m0) * (xi - m0) / (2 * sd0 * sd0))
			}
			return v
		})
		if err != nil {
			t.Fatal(err)
		}
		s := fokkerplanck.NewSolver(op, fokkerplanck.TRBDF2)
		if err := s.Evolve(p, t1, 0.01); err != nil {
			t.Fatal(err)
		}
		st, err := langevin.NewEigen(sys, xAlpha)
		if err != nil {
			t.Fatal(err)
		}
		e, err := langevin.Run(st, xWalkers(), int(t1/xAlpha), 13, langevin.GaussianInit(mean, sd), 0)
		if err != nil {
			t.Fatal(err)
		}
		for i := range modes {
			rho := op.Marginal(p, i, nil)
			want := fokkerplanck.GridMoments(rho, ax)
			xs := e.Mode(i, nil)
			name := []string{"transient, one mode", "transient, pair lower", "transient, pair upper"}[modes-1+i]
			if want.Mean > 3.8 || want.Mean < m0 {
				t.Fatalf("%s: Fokker-Planck mean %.3f at t = %g: not between start and equilibrium", name, want.Mean, t1)
			}
			sdw := math.Sqrt(want.Var)
			chi2Check(t, name, xs, rho, ax, want.Mean-4*sdw, want.Mean+4*sdw)
			momentCheck(t, name, xs, want)
		}
	}
}

// nanDrift is harmonic about 1 (Omega = 1) up to cut and returns bad (NaN or Inf) beyond it:
// a drift that breaks down outside its range, as a custom Drift may.
type nanDrift struct{ cut, bad float64 }

func (d nanDrift) K(x float64) float64 {
	if x > d.cut {
		return d.bad
	}
	return -(x - 1)
}
func (d nanDrift) DK(float64) float64       { return -1 }
func (d nanDrift) Domain() (lo, hi float64) { return math.Inf(-1), math.Inf(1) }
func (d nanDrift) Stable() float64          { return 1 }

// TestNonFiniteDriftStops: walkers that reach the region where the drift is NaN or Inf (1.3
// lies 1 to 3 stationary widths sqrt(g^2/Omega) = 0.32 above the centre, so many of the 200
// walkers get there in 1000 steps of alpha = 0.01) make Run return an error naming the walker,
// the step and the time, at both levels; the matrix level with 9 modes goes through LAPACK
// (Dsyev), which used to panic on the NaN.
func TestNonFiniteDriftStops(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		level string
		modes int
		bad   float64
	}{{"eigen", 1, math.NaN()}, {"eigen", 2, math.NaN()}, {"eigen", 3, math.Inf(1)},
		{"matrix", 2, math.NaN()}, {"matrix", 9, math.NaN()}, {"matrix", 3, math.Inf(-1)}} {
		sys := model.System{Coulomb: tc.modes > 1}
		for range tc.modes {
			sys.Modes = append(sys.Modes, model.Mode{Drift: nanDrift{1.3, tc.bad}, G2: 0.1})
		}
		var st langevin.Stepper
		var err error
		if tc.level == "eigen" {
			st, err = langevin.NewEigen(sys, 0.01)
		} else {
			st, err = langevin.NewMatrix(sys, 0.01)
		}
		if err != nil {
			t.Fatal(err)
		}
		e, err := langevin.Run(st, 200, 1000, 1, langevin.StableInit(sys), 0)
		if err == nil {
			t.Errorf("%s, %d modes, K = %g beyond 1.3: no error (counts %+v)", tc.level, tc.modes, tc.bad, e.Counts)
			continue
		}
		msg := err.Error()
		for _, want := range []string{"langevin: walker ", " step ", "t = ", "not finite"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s, %d modes: error %q does not contain %q", tc.level, tc.modes, msg, want)
			}
		}
		if e.Counts.NonFinite == 0 || e.Counts.Steps >= 200*1000 {
			t.Errorf("%s, %d modes: counts %+v: want stopped walkers", tc.level, tc.modes, e.Counts)
		}
		for _, x := range e.X {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("%s, %d modes: non-finite walker value %g", tc.level, tc.modes, x)
			}
		}
	}
	// Below the cut nothing is flagged: the same drift with the cut far away runs clean.
	sys := model.System{Modes: []model.Mode{{Drift: nanDrift{100, math.NaN()}, G2: 0.1}}}
	st, _ := langevin.NewEigen(sys, 0.01)
	if e, err := langevin.Run(st, 200, 1000, 1, langevin.StableInit(sys), 0); err != nil || e.Counts.NonFinite != 0 || e.Counts.Steps != 200*1000 {
		t.Errorf("finite drift: error %v, counts %+v", err, e.Counts)
	}
}

// TestClusteredStepNaN checks the Fokker-Planck side's guard that this file's comparisons rely
// on (fokkerplanck has the Solver test; this is the clustered solver's): a NaN in one cluster's
// density stops Clustered.Step with an error naming the cluster, the step and the time.
// (It belongs in package fokkerplanck; it is here because this file is the robustness brief's.)
func TestClusteredStepNaN(t *testing.T) {
	t.Parallel()
	sys := rbmSystem(2)
	sys.Modes[1].Drift = model.RBM{Mu2: xMu2, Kappa: 3} // stable points 4 and 6: two clusters
	c, err := fokkerplanck.NewClustered(sys, [][]int{{0}, {1}}, fokkerplanck.Axis{Lo: 0, Hi: xMu2, N: 90}, fokkerplanck.TRBDF2)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Step(0.1); err != nil {
		t.Fatal(err)
	}
	// A NaN in cluster 1 reaches cluster 0 through the mean field in the same step, and Step
	// reports the lowest cluster; so put it in cluster 0 to check the name.
	p := append([]float64(nil), c.Density(0)...)
	p[45] = math.NaN()
	c.SetDensity(0, p)
	err = c.Step(0.1)
	if err == nil {
		t.Fatal("NaN density: no error")
	}
	for _, want := range []string{"cluster 0", "fokkerplanck", "step 2", "t = 0.2"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}
