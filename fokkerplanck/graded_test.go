package fokkerplanck

import (
	"math"
	"strings"
	"testing"

	"fpsolve/model"
)

// cirMode returns the Cox-Ingersoll-Ross process D1 = b + a x, D2 = c x on [0, hi] as a
// *model.Table. Linear interpolation is exact for linear D1 and D2, so the table is the CIR
// process wherever it interpolates: its nodes run from 1e-12 (D2 must be positive at a node;
// below the first node the table holds D1 and D2 constant, a change on [0, 1e-12] only, five
// decades below the smallest cell used here) to exactly hi (no extrapolation above), spaced
// geometrically.
func cirMode(t testing.TB, a, b, c, hi float64) model.Mode {
	const nodes = 240
	var x, d1, d2 []float64
	for k := 0; k <= nodes; k++ {
		xv := 1e-12 * math.Pow(hi/1e-12, float64(k)/nodes)
		if k == nodes {
			xv = hi
		}
		x = append(x, xv)
		d1 = append(d1, b+a*xv)
		d2 = append(d2, c*xv)
	}
	tb, err := model.NewTable(x, d1, d2)
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.SetDomain(0, hi); err != nil {
		t.Fatal(err)
	}
	return model.Mode{Drift: tb}
}

// cirExact returns the exact mean and variance of the CIR process dx = (b + a x) dt +
// sqrt(2 c x) dW at time t from mean m0 and variance v0 (zero-flux wall at 0, not reached for
// b >= c). From the Ito moment equations d<x>/dt = b + a <x> and
// d<x^2>/dt = 2 b <x> + 2 a <x^2> + 2 c <x>, the variance obeys dv/dt = 2 a v + 2 c <x>, so
//
//	<x>_t = m0 e^{at} + (b/a)(e^{at} - 1),
//	v_t   = v0 e^{2at} + (2c/a)(m0 + b/a)(e^{2at} - e^{at}) - (c b/a^2)(e^{2at} - 1).
func cirExact(a, b, c, m0, v0, t float64) (mean, variance float64) {
	e1, e2 := math.Exp(a*t), math.Exp(2*a*t)
	mean = m0*e1 + b/a*(e1-1)
	variance = v0*e2 + 2*c*(m0+b/a)*(e2-e1)/a - c*b/(a*a)*(e2-1)
	return mean, variance
}

// halve returns the axis whose cells are those of a cut in two at their midpoints.
func halve(a Axis) Axis {
	e := make([]float64, 2*a.N+1)
	for i := 0; i < a.N; i++ {
		e[2*i] = a.Edge(i)
		e[2*i+1] = a.Centre(i)
	}
	e[2*a.N] = a.Hi
	return Axis{Lo: a.Lo, Hi: a.Hi, N: 2 * a.N, Edges: e}
}

// TestNewGradedAxis checks the construction: n cells, ends exactly lo and hi, widths h0 r^k on
// the ramp, a constant width h after it, and h above every ramp width (the ramp stops when it
// reaches h).
func TestNewGradedAxis(t *testing.T) {
	t.Parallel()
	cases := []struct {
		lo, hi, h0, r float64
		n             int
	}{
		{0, 9, 1e-7, 1.1, 300},
		{0, 9, 1e-7, 1.05, 600},
		{-2, 2.5, 0.01, 1.2, 40},
		{1, 2, 1e-3, 1.5, 20},
		{0, 1, 0.4, 1.6, 2},
	}
	for _, tc := range cases {
		a, err := NewGradedAxis(tc.lo, tc.hi, tc.n, tc.h0, tc.r)
		if err != nil {
			t.Fatalf("%+v: %v", tc, err)
		}
		if a.N != tc.n || len(a.Edges) != tc.n+1 || a.Edges[0] != tc.lo || a.Edges[tc.n] != tc.hi || !a.Graded() {
			t.Fatalf("%+v: axis %d cells, %d edges from %g to %g", tc, a.N, len(a.Edges), a.Edges[0], a.Edges[len(a.Edges)-1])
		}
		if err := a.validate(); err != nil {
			t.Fatalf("%+v: %v", tc, err)
		}
		// Edges are sums of the widths: rounding of the running sum, 1e-9 relative to the
		// width at the scale of the edge (|edge| 1e-16 / width >= 1e-7 here).
		tol := func(w float64) float64 { return 1e-9*w + 1e-15*math.Max(math.Abs(tc.lo), math.Abs(tc.hi)) }
		if w := a.CellWidth(0); math.Abs(w-tc.h0) > tol(tc.h0) {
			t.Errorf("%+v: first width %g, want h0", tc, w)
		}
		h := a.CellWidth(tc.n - 1)
		ramp := true
		for i := 1; i < tc.n; i++ {
			w, prev := a.CellWidth(i), a.CellWidth(i-1)
			if ramp && math.Abs(w-tc.r*prev) <= tol(w) && w < h {
				continue
			}
			// The ramp has ended at cell i: every later cell has width h, and h is at least the
			// last ramp width and at most ratio times it.
			ramp = false
			if math.Abs(w-h) > tol(h) {
				t.Fatalf("%+v: cell %d width %g after the ramp, want the uniform width %g", tc, i, w, h)
			}
			if i > 0 && (h < prev*(1-1e-9) || h > tc.r*prev*(1+1e-9)) && math.Abs(prev-h) > tol(h) {
				t.Fatalf("%+v: uniform width %g does not continue the ramp's %g (ratio %g)", tc, h, prev, tc.r)
			}
		}
		if math.Abs(a.Centre(3%tc.n)-(a.Edge(3%tc.n)+a.CellWidth(3%tc.n)/2)) > tol(h) {
			t.Errorf("%+v: centre is not the midpoint of the edges", tc)
		}
	}
}

func TestNewGradedAxisErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name          string
		lo, hi, h0, r float64
		n             int
		want          string
	}{
		{"h0 zero", 0, 9, 0, 1.1, 300, "h0"},
		{"h0 negative", 0, 9, -1e-3, 1.1, 300, "h0"},
		{"ratio 1", 0, 9, 1e-7, 1, 300, "ratio"},
		{"ratio below 1", 0, 9, 1e-7, 0.9, 300, "ratio"},
		{"h0 too wide", 0, 9, 0.05, 1.1, 300, "uniform Axis"},
		{"too few cells", 0, 9, 1e-7, 1.1, 100, "need more cells"},
		{"one cell", 0, 9, 1e-7, 1.1, 1, "cells"},
		{"empty", 1, 1, 1e-7, 1.1, 100, "empty"},
		{"infinite", 0, math.Inf(1), 1e-7, 1.1, 100, "finite"},
		{"h0 below rounding", 1e6, 1e6 + 1, 1e-13, 1.1, 400, "ascending"},
	}
	for _, tc := range cases {
		_, err := NewGradedAxis(tc.lo, tc.hi, tc.n, tc.h0, tc.r)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
	// Axis.validate refuses bad edges.
	for _, ax := range []Axis{
		{Lo: 0, Hi: 1, N: 2, Edges: []float64{0, 1}},
		{Lo: 0, Hi: 1, N: 2, Edges: []float64{0, 0.5, 0.9}},
		{Lo: 0, Hi: 1, N: 2, Edges: []float64{0, 1, 1}},
		{Lo: 0, Hi: 1, N: 2, Edges: []float64{0, math.NaN(), 1}},
	} {
		if _, err := NewOperator(model.System{Modes: []model.Mode{harmonic(1, 0.5, 0.1)}}, []Axis{ax}); err == nil || !strings.Contains(err.Error(), "edge") {
			t.Errorf("edges %v: error %v, want one about the edges", ax.Edges, err)
		}
	}
}

// TestGradedRefusals: graded axes are refused where the operator is not one dimensional.
func TestGradedRefusals(t *testing.T) {
	t.Parallel()
	g, err := NewGradedAxis(-2, 2.5, 60, 0.01, 1.1)
	if err != nil {
		t.Fatal(err)
	}
	u := Axis{Lo: -2, Hi: 2.5, N: 60}
	m := harmonic(1, 0.3, 0.1)
	for _, tc := range []struct {
		name string
		sys  model.System
		axes []Axis
	}{
		{"chamber", model.System{Coulomb: true, Modes: []model.Mode{m, m}}, []Axis{g, g}},
		{"tensor grid", model.System{Modes: []model.Mode{m, m}}, []Axis{u, g}},
		{"three modes", model.System{Modes: []model.Mode{m, m, m}}, []Axis{g, u, u}},
	} {
		if _, err := NewOperator(tc.sys, tc.axes); err == nil || !strings.Contains(err.Error(), errGradedMulti) {
			t.Errorf("%s: error %v, want %q", tc.name, err, errGradedMulti)
		}
	}
	sys := model.System{Coulomb: true, Modes: []model.Mode{m, m, m}}
	if _, err := NewClustered(sys, [][]int{{0}, {1, 2}}, g, TRBDF2); err == nil || !strings.Contains(err.Error(), errGradedMulti) {
		t.Errorf("two-mode cluster: error %v, want %q", err, errGradedMulti)
	}
	if _, err := NewClustered(sys, [][]int{{0}, {1}, {2}}, g, TRBDF2); err != nil {
		t.Errorf("single-mode clusters on a graded axis: %v", err)
	}
}

// TestGradedUniformEdges: an axis given explicitly by its uniform edges is the same grid as the
// plain axis, so every result agrees to rounding. The graded path computes widths and centres
// from the edges (differences of O(1) numbers: 1e-16 relative), which moves the quadrature
// nodes and the cell potentials by a few ulps of |Phi| <= 60; exp turns that into 1e-14 relative
// differences of the densities, and a few steps keep them there. Allow 1e-13 relative to the
// largest value.
func TestGradedUniformEdges(t *testing.T) {
	t.Parallel()
	plain := Axis{Lo: -2, Hi: 2.5, N: 90}
	edges := make([]float64, plain.N+1)
	for i := range edges {
		edges[i] = plain.Edge(i)
	}
	graded := plain
	graded.Edges = edges
	close := func(what string, got, want []float64) {
		t.Helper()
		var mx, d float64
		for i := range want {
			mx = math.Max(mx, math.Abs(want[i]))
			d = math.Max(d, math.Abs(got[i]-want[i]))
		}
		if d > 1e-13*mx {
			t.Errorf("%s: graded and plain differ by %g (scale %g)", what, d, mx)
		}
	}
	sys := model.System{Modes: []model.Mode{harmonic(1, 0.3, 0.1)}}
	ops := [2]*Operator{}
	for k, ax := range []Axis{plain, graded} {
		op, err := NewOperator(sys, []Axis{ax})
		if err != nil {
			t.Fatal(err)
		}
		ops[k] = op
	}
	close("volumes", ops[1].Volumes(), ops[0].Volumes())
	close("stationary", ops[1].Stationary(), ops[0].Stationary())
	for _, m := range []Method{BackwardEuler, TRBDF2, Explicit} {
		var ps [2][]float64
		for k, op := range ops {
			p, err := op.Initial(gaussian(-0.5, 0.02))
			if err != nil {
				t.Fatal(err)
			}
			s := NewSolver(op, m)
			dt := 0.01
			if m == Explicit {
				dt = s.ExplicitLimit()
			}
			for i := 0; i < 5; i++ {
				if err := s.Step(p, dt); err != nil {
					t.Fatal(err)
				}
			}
			ps[k] = p
		}
		close(m.String()+" density after 5 steps", ps[1], ps[0])
	}
	// The mean-field coupling of single-mode clusters: the graded path sums over the centres,
	// the plain one uses the Toeplitz kernel 1/(h k).
	two := model.System{Coulomb: true, Modes: []model.Mode{harmonic(1, -0.3, 0.05), harmonic(1, 0.6, 0.05)}}
	for _, cp := range []Coupling{Ordered, PrincipalValue} {
		var marg [2][]float64
		for k, ax := range []Axis{plain, graded} {
			c, err := NewClustered(two, [][]int{{0}, {1}}, ax, TRBDF2)
			if err != nil {
				t.Fatal(err)
			}
			c.Coupling = cp
			if err := c.Evolve(0.5, 0.05); err != nil {
				t.Fatal(err)
			}
			marg[k] = append(c.Marginal(0, nil), c.Marginal(1, nil)...)
		}
		close("clustered marginals", marg[1], marg[0])
	}
}

// TestGradedStationaryOrder: the stationary density of an OU mode (P_s Gaussian, mean 0.3,
// sigma^2 = g^2/Omega = 0.1, normalised on the axis) on a graded axis. The cell value is the
// cell average of P_s, which differs from P_s at the cell centre by w^2/24 times the second
// derivative of P_s: the max error must fall at second order when every cell is halved
// (observed order in [1.8, 2.2]: the O(w^4) term moves the ratio of successive errors by well
// under 10% once w <= sigma/3). The same holds
// for the transient mean c + (m0 - c) e^{-t} at t = 1 (TR-BDF2, dt = 2.5e-3: time error 1e-6,
// below the finest spatial error).
func TestGradedStationaryOrder(t *testing.T) {
	t.Parallel()
	const c, g2, m0 = 0.3, 0.1, -0.5
	lo, hi := -2.0, 2.5
	sig := math.Sqrt(g2)
	z := 0.5 * (math.Erf((hi-c)/(sig*math.Sqrt2)) - math.Erf((lo-c)/(sig*math.Sqrt2)))
	ps := func(x float64) float64 {
		return math.Exp(-(x-c)*(x-c)/(2*g2)) / (math.Sqrt(2*math.Pi) * sig * z)
	}
	ax, err := NewGradedAxis(lo, hi, 40, 0.01, 1.15)
	if err != nil {
		t.Fatal(err)
	}
	wantMean := c + (m0-c)*math.Exp(-1)
	var prevS, prevM float64
	for k := 0; k < 4; k++ {
		op, err := NewOperator(model.System{Modes: []model.Mode{harmonic(1, c, g2)}}, []Axis{ax})
		if err != nil {
			t.Fatal(err)
		}
		var es float64
		for i, p := range op.Stationary() {
			es = math.Max(es, math.Abs(p-ps(ax.Centre(i))))
		}
		p, err := op.Initial(gaussian(m0, 0.02))
		if err != nil {
			t.Fatal(err)
		}
		if err := NewSolver(op, TRBDF2).Evolve(p, 1, 2.5e-3); err != nil {
			t.Fatal(err)
		}
		em := math.Abs(op.ModeMoments(p, 0).Mean - wantMean)
		if k > 0 {
			os, om := math.Log2(prevS/es), math.Log2(prevM/em)
			t.Logf("%d cells: stationary max error %.3g (order %.2f), mean error at t = 1 %.3g (order %.2f)", ax.N, es, os, em, om)
			if k == 3 && (os < 1.8 || os > 2.2 || om < 1.8 || om > 2.2) {
				t.Errorf("observed orders %.2f (stationary), %.2f (transient mean), want 2", os, om)
			}
		}
		prevS, prevM = es, em
		ax = halve(ax)
	}
}

// cirRun evolves the CIR mode from all mass in the cell holding x0 to t1 (TR-BDF2, dt) and
// returns the mean and variance and the exact ODE values from the discrete initial mean and
// variance (the cell's centre and w^2/12); it fails the test if the mass moves from 1 by more
// than 1e-12 at any step (conservation to rounding of the sums: 600 steps of sums of ~1000
// terms).
func cirRun(t *testing.T, mode model.Mode, ax Axis, a, b, c, x0, t1, dt float64) (m, v, em, ev float64) {
	op, err := NewOperator(model.System{Modes: []model.Mode{mode}}, []Axis{ax})
	if err != nil {
		t.Fatal(err)
	}
	p := make([]float64, op.Len())
	i0 := 0
	for ax.Edge(i0+1) <= x0 {
		i0++
	}
	w := ax.CellWidth(i0)
	p[i0] = 1 / w
	em, ev = cirExact(a, b, c, ax.Centre(i0), w*w/12, t1)
	s := NewSolver(op, TRBDF2)
	for s.Time() < t1*(1-1e-14) {
		if err := s.Step(p, math.Min(dt, t1-s.Time())); err != nil {
			t.Fatal(err)
		}
		if d := op.Mass(p) - 1; math.Abs(d) > 1e-12 {
			t.Fatalf("%d cells: mass moved by %g at t = %g", ax.N, d, s.Time())
		}
	}
	mo := op.ModeMoments(p, 0)
	return mo.Mean, mo.Var, em, ev
}

// TestGradedCIR is the decisive test of graded axes: the growing CIR mode of the RBM's lowest
// eigenvalue (D1 = b + a x, D2 = c x with a = 0.05, b = 2e-5, c = 1e-5, so b >= c and the wall
// at 0 is not reached) from all mass at x0 = 1e-4 to t = 60 on [0, 9]. Its exact mean and
// variance (cirExact) are 9.64e-3 and 4.45e-5: the density spans 1e-4..5e-2.
//
// The uniform 450-cell axis (h = 0.02) holds the start and the end in its first cells and is
// off by a factor 40 in the mean. The graded axes (h0 = 1e-7, ratio r, n cells) converge at
// second order in r - 1: the error is set by the cell Peclet number a w/c (w ~ (r - 1) x on the
// ramp) where the mass is, through the numerical diffusion of the exponential fitting. The
// sequence r = 1.05, 1.05^(1/2), 1.05^(1/4) with n = 600, 1200, 2400 and h0 halved each time
// (all cells halved) measures the error: the observed order must lie in [1.7, 2.3] (the ratio
// of successive errors approaches 4 from below as Pe falls: measured 3.7 and 3.9), and the
// finest grid's error must agree with its Richardson estimate |M_2400 - M_1200|/3 within a
// factor 1.5 (the next-order terms). The finest errors (0.31% mean, 1.9% variance) are the
// tolerance scale that a real run can expect at r = 1.0125.
func TestGradedCIR(t *testing.T) {
	t.Parallel()
	const a, b, c, hi, x0, t1, dt = 0.05, 2e-5, 1e-5, 9.0, 1e-4, 60.0, 0.1
	mode := cirMode(t, a, b, c, hi)
	trueM, trueV := cirExact(a, b, c, x0, 0, t1)

	um, uv, _, _ := cirRun(t, mode, Axis{Lo: 0, Hi: hi, N: 450}, a, b, c, x0, t1, dt)
	t.Logf("uniform 450: mean %.4g var %.4g (exact from x0: %.4g %.4g)", um, uv, trueM, trueV)
	// Far off: the start cell [0, 0.02] has its mean at 0.01, a hundred times x0.
	if um < 10*trueM || uv < 100*trueV {
		t.Errorf("uniform axis: mean %g, var %g; expected it far off the exact %g, %g", um, uv, trueM, trueV)
	}

	var ms, vs, errM, errV [3]float64
	r, h0, n := 1.05, 1e-7, 600
	for k := range 3 {
		ax, err := NewGradedAxis(0, hi, n, h0, r)
		if err != nil {
			t.Fatal(err)
		}
		m, v, em, ev := cirRun(t, mode, ax, a, b, c, x0, t1, dt)
		ms[k], vs[k] = m, v
		errM[k], errV[k] = m/em-1, v/ev-1
		t.Logf("graded n = %d, h0 = %.3g, r = %.5f: mean %.5g (exact %.5g, rel. error %.2e), var %.5g (exact %.5g, rel. error %.2e)",
			n, h0, r, m, em, errM[k], v, ev, errV[k])
		r, h0, n = math.Sqrt(r), h0/2, 2*n
	}
	for _, q := range []struct {
		name string
		e    [3]float64
		x    [3]float64
	}{{"mean", errM, ms}, {"variance", errV, vs}} {
		for k := 1; k < 3; k++ {
			if o := math.Log2(math.Abs(q.e[k-1] / q.e[k])); o < 1.7 || o > 2.3 {
				t.Errorf("%s: observed order %.2f between grids %d and %d, want 2", q.name, o, k-1, k)
			}
		}
		// Richardson: the finest grid's error is about (x_2 - x_1)/3 relative to the values.
		rich := math.Abs(q.x[2]-q.x[1]) / 3 / math.Abs(q.x[2])
		if e := math.Abs(q.e[2]); e > 1.5*rich || e < rich/1.5 {
			t.Errorf("%s: finest error %.3g, Richardson estimate %.3g", q.name, e, rich)
		}
	}
	// The finest graded grid is accurate to its measured discretisation error (0.31% on the
	// mean, 1.9% on the variance); allow 0.5% and 3%.
	if math.Abs(errM[2]) > 5e-3 || math.Abs(errV[2]) > 3e-2 {
		t.Errorf("finest graded grid: mean error %.2e, variance error %.2e", errM[2], errV[2])
	}
}

// TestGradedExplicit: the forward-Euler limit 1/max|G_cc| on a graded axis is set by the
// smallest cells (about w^2/(2 D) for a cell of width w between two neighbours, h0^2/D at the
// wall cell with one), far below the uniform width's; an explicit run at that limit agrees with
// TR-BDF2 at a small step to the O(dt) error of forward Euler (dt ~ 2e-5: 1e-4 in L1 allowed).
func TestGradedExplicit(t *testing.T) {
	t.Parallel()
	const g2 = 0.1
	ax, err := NewGradedAxis(-2, 2.5, 80, 0.002, 1.1)
	if err != nil {
		t.Fatal(err)
	}
	op, err := NewOperator(model.System{Modes: []model.Mode{harmonic(1, 0.3, g2)}}, []Axis{ax})
	if err != nil {
		t.Fatal(err)
	}
	s := NewSolver(op, Explicit)
	lim := s.ExplicitLimit()
	var gmax float64
	op.Generator().DoNonZero(func(i, j int, v float64) {
		if i == j {
			gmax = math.Max(gmax, -v)
		}
	})
	// Same quantity two ways: rounding, 1e-12 relative.
	if math.Abs(lim*gmax-1) > 1e-12 {
		t.Errorf("explicit limit %g, 1/max|G_cc| = %g", lim, 1/gmax)
	}
	h0 := ax.CellWidth(0)
	if lim > 1.2*h0*h0/g2 {
		t.Errorf("explicit limit %g above the smallest cell's h0^2/D = %g", lim, h0*h0/g2)
	}
	t.Logf("explicit limit %.3g (h0^2/D = %.3g; uniform width %.3g would give %.3g)", lim, h0*h0/g2, ax.Width(), ax.Width()*ax.Width()/(2*g2))
	if err := s.Step(make([]float64, op.Len()), 1.01*lim); err == nil {
		t.Error("explicit step above the limit accepted")
	}
	p, err := op.Initial(gaussian(-0.5, 0.02))
	if err != nil {
		t.Fatal(err)
	}
	q := append([]float64(nil), p...)
	if err := s.Evolve(p, 0.05, lim); err != nil {
		t.Fatal(err)
	}
	if err := NewSolver(op, TRBDF2).Evolve(q, 0.05, 1e-4); err != nil {
		t.Fatal(err)
	}
	if d := op.Distance(p, q); d > 1e-4 {
		t.Errorf("explicit and TR-BDF2 differ by %g in L1", d)
	}
	// Mass: forward Euler conserves it to rounding too (1e-12 over ~1000 steps).
	if m := op.Mass(p); math.Abs(m-1) > 1e-12 {
		t.Errorf("mass %v", m)
	}
}

// TestGradedClustered: single-mode clusters on a graded axis. Without Coulomb the clusters are
// independent, so each must equal a one-mode solver on the same axis bit for bit. With Coulomb
// (two OU modes at -0.3 and 0.6, g^2 = 0.05, mean-field coupling from t = 0 to 3) the marginal
// means must converge to the limit of uniform grids (Richardson extrapolant of N = 600 and 1200)
// at second order when every graded cell is halved: the coupling integrals use the cell widths and the
// centre distances (with a uniform width in their place the means would stop converging).
func TestGradedClustered(t *testing.T) {
	t.Parallel()
	ax, err := NewGradedAxis(-2, 2.5, 60, 0.005, 1.15)
	if err != nil {
		t.Fatal(err)
	}
	free := model.System{Modes: []model.Mode{harmonic(1, -0.3, 0.05), harmonic(2, 0.6, 0.1)}}
	cl, err := NewClustered(free, [][]int{{0}, {1}}, ax, TRBDF2)
	if err != nil {
		t.Fatal(err)
	}
	init := gaussian(0.2, 0.01)
	if err := cl.SetInitial(func(_ int, x []float64) float64 { return init(x) }); err != nil {
		t.Fatal(err)
	}
	if err := cl.Evolve(1, 0.05); err != nil {
		t.Fatal(err)
	}
	for k, m := range free.Modes {
		op, err := NewOperator(model.System{Modes: []model.Mode{m}}, []Axis{ax})
		if err != nil {
			t.Fatal(err)
		}
		p, err := op.Initial(init)
		if err != nil {
			t.Fatal(err)
		}
		if err := NewSolver(op, TRBDF2).Evolve(p, 1, 0.05); err != nil {
			t.Fatal(err)
		}
		for i, v := range cl.Density(k) {
			if v != p[i] {
				t.Fatalf("mode %d: clustered density differs from the one-mode solver at cell %d", k, i)
			}
		}
	}

	sys := model.System{Coulomb: true, Modes: []model.Mode{harmonic(1, -0.3, 0.05), harmonic(1, 0.6, 0.05)}}
	for _, cp := range []Coupling{Ordered, PrincipalValue} {
		means := func(a Axis) [2]float64 {
			c, err := NewClustered(sys, [][]int{{0}, {1}}, a, TRBDF2)
			if err != nil {
				t.Fatal(err)
			}
			c.Coupling = cp
			if err := c.SetInitial(func(ci int, x []float64) float64 { return gaussian([]float64{-0.5, 0.8}[ci], 0.01)(x) }); err != nil {
				t.Fatal(err)
			}
			if err := c.Evolve(3, 0.02); err != nil {
				t.Fatal(err)
			}
			for ci := range 2 {
				// Mass conservation to rounding over 300 steps (1e-12).
				if m := c.Mass(ci); math.Abs(m-1) > 1e-12 {
					t.Errorf("cluster %d mass %v", ci, m)
				}
			}
			return [2]float64{GridMoments(c.Marginal(0, nil), a).Mean, GridMoments(c.Marginal(1, nil), a).Mean}
		}
		// Reference: the Richardson extrapolant of uniform grids of 600 and 1200 cells.
		u1, u2 := means(Axis{Lo: -2, Hi: 2.5, N: 600}), means(Axis{Lo: -2, Hi: 2.5, N: 1200})
		ref := [2]float64{(4*u2[0] - u1[0]) / 3, (4*u2[1] - u1[1]) / 3}
		t.Logf("coupling %d: uniform 600/1200 means %.7f %.7f / %.7f %.7f", cp, u1[0], u1[1], u2[0], u2[1])
		g := ax
		var prev float64
		for k := range 3 {
			m := means(g)
			e := math.Max(math.Abs(m[0]-ref[0]), math.Abs(m[1]-ref[1]))
			if k > 0 {
				o := math.Log2(prev / e)
				t.Logf("coupling %d, %d cells: mean error %.3g, order %.2f", cp, g.N, e, o)
				// Ordered: second order, ratio of successive errors within 15% of 4 (observed
				// 2.02, 2.01). PrincipalValue converges faster than second order on these grids
				// (observed 2.13, 2.25; 2.55 and 3.08 on two more halvings): require at least
				// 1.8. The reference's own error (~1e-6, a third of the uniform grids'
				// difference) is below 2% of the finest error here.
				if k == 2 && (o < 1.8 || (cp == Ordered && o > 2.2)) {
					t.Errorf("coupling %d: observed order %.2f, want 2", cp, o)
				}
			} else {
				t.Logf("coupling %d, %d cells: mean error %.3g (means %.5f %.5f)", cp, g.N, e, m[0], m[1])
			}
			prev = e
			g = halve(g)
		}
	}
}

// TestGradedAdaptive: EvolveAdaptive on a graded axis (OU mode, L1 budget 1e-4 per unit time)
// ends within that budget of a fixed-step TR-BDF2 run at a step (1e-3, time error ~1e-7) far
// below the adaptive ones: the mean to 3e-4, the L1 distance to 3e-4 (budget times t = 1, with
// a factor 3 for the error estimate of step doubling).
func TestGradedAdaptive(t *testing.T) {
	t.Parallel()
	ax, err := NewGradedAxis(-2, 2.5, 160, 0.002, 1.05)
	if err != nil {
		t.Fatal(err)
	}
	op, err := NewOperator(model.System{Modes: []model.Mode{harmonic(1, 0.3, 0.1)}}, []Axis{ax})
	if err != nil {
		t.Fatal(err)
	}
	p, err := op.Initial(gaussian(-0.5, 0.02))
	if err != nil {
		t.Fatal(err)
	}
	q := append([]float64(nil), p...)
	ad := &Adaptive{Tol: 1e-4, Dt: 1e-3}
	if err := NewSolver(op, TRBDF2).EvolveAdaptive(p, 1, ad); err != nil {
		t.Fatal(err)
	}
	if err := NewSolver(op, TRBDF2).Evolve(q, 1, 1e-3); err != nil {
		t.Fatal(err)
	}
	t.Logf("adaptive: %d accepted, %d rejected", ad.Accepted, ad.Rejected)
	if d, dm := op.Distance(p, q), math.Abs(op.ModeMoments(p, 0).Mean-op.ModeMoments(q, 0).Mean); d > 3e-4 || dm > 3e-4 {
		t.Errorf("adaptive vs fixed step: L1 %g, mean %g", d, dm)
	}
	// Mass to rounding (1e-12).
	if m := op.Mass(p); math.Abs(m-1) > 1e-12 {
		t.Errorf("mass %v", m)
	}
}
