package fokkerplanck

import (
	"math"
	"strings"
	"testing"

	"fpsolve/model"
	"fpsolve/rmt"
)

func harmonic(omega, c, g2 float64) model.Mode {
	return model.Mode{Drift: model.Harmonic{Omega: omega, C: c}, G2: g2}
}

func rbmMode(kappa, g2 float64) model.Mode {
	return model.Mode{Drift: model.RBM{Mu2: 9, Kappa: kappa}, G2: g2}
}

func tableMode(t *testing.T) model.Mode {
	// A table drift sampled from the harmonic drift -2 (x - 1) with a diffusion that varies.
	var x, d1, d2 []float64
	for k := 0; k <= 40; k++ {
		xv := -1 + 0.1*float64(k)
		x = append(x, xv)
		d1 = append(d1, -2*(xv-1))
		d2 = append(d2, 0.1+0.02*xv*xv)
	}
	tb, err := model.NewTable(x, d1, d2)
	if err != nil {
		t.Fatal(err)
	}
	return model.Mode{Drift: tb}
}

type opCase struct {
	name string
	sys  model.System
	axes []Axis
}

func opCases(t *testing.T) []opCase {
	a := Axis{Lo: -2, Hi: 3, N: 40}
	r := Axis{Lo: 0, Hi: 9, N: 60}
	return []opCase{
		{"1d-harmonic", model.System{Modes: []model.Mode{harmonic(1, 0.5, 0.1)}}, []Axis{a}},
		{"1d-rbm-g2=1e-3", model.System{Modes: []model.Mode{rbmMode(5, 1e-3)}}, []Axis{{Lo: 0, Hi: 9, N: 400}}},
		{"1d-table", model.System{Modes: []model.Mode{tableMode(t)}}, []Axis{{Lo: -1, Hi: 3, N: 50}}},
		{"2d-free-unequal-axes", model.System{Modes: []model.Mode{harmonic(1, 0, 0.2), harmonic(2, 1, 0.1)}},
			[]Axis{{Lo: -2, Hi: 2, N: 20}, {Lo: -1, Hi: 3, N: 30}}},
		{"2d-coulomb-harmonic", model.System{Coulomb: true, Modes: []model.Mode{harmonic(1, 0.5, 0.1), harmonic(1, 0.5, 0.1)}},
			[]Axis{a, a}},
		{"2d-coulomb-rbm-different", model.System{Coulomb: true, Modes: []model.Mode{rbmMode(6, 0.01), rbmMode(4, 0.02)}},
			[]Axis{r, r}},
		{"3d-coulomb-rbm", model.System{Coulomb: true, Modes: []model.Mode{rbmMode(5, 0.01), rbmMode(5, 0.01), rbmMode(5, 0.01)}},
			[]Axis{{Lo: 0, Hi: 9, N: 24}, {Lo: 0, Hi: 9, N: 24}, {Lo: 0, Hi: 9, N: 24}}},
		{"3d-free", model.System{Modes: []model.Mode{harmonic(1, 0, 0.2), harmonic(1, 0, 0.3), harmonic(2, 0, 0.1)}},
			[]Axis{{Lo: -2, Hi: 2, N: 8}, {Lo: -2, Hi: 2, N: 9}, {Lo: -2, Hi: 2, N: 10}}},
	}
}

// TestGenerator checks the structure that the Scharfetter-Gummel construction guarantees on any
// grid: non-negative off-diagonal rates, V-weighted column sums zero (mass conservation), G p_s = 0
// for the normalised exp(-Phi_c) and detailed balance (V G diag(p_s) symmetric).
func TestGenerator(t *testing.T) {
	t.Parallel()
	for _, tc := range opCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			op, err := NewOperator(tc.sys, tc.axes)
			if err != nil {
				t.Fatal(err)
			}
			g := op.Generator()
			n, _ := g.Dims()
			if n != op.Len() {
				t.Fatalf("generator has %d rows for %d cells", n, op.Len())
			}
			v, ps := op.Volumes(), op.Stationary()
			colSum := make([]float64, n)
			colScale := make([]float64, n)
			res := make([]float64, n)
			resScale := make([]float64, n)
			g.DoNonZero(func(i, j int, x float64) {
				if i != j && x < 0 {
					t.Errorf("G[%d][%d] = %g < 0", i, j, x)
				}
				colSum[j] += v[i] * x
				colScale[j] += math.Abs(v[i] * x)
				res[i] += x * ps[j]
				resScale[i] += math.Abs(x * ps[j])
				// Detailed balance: V_i G_ij p_j = V_j G_ji p_i.
				if i < j {
					a, b := v[i]*x*ps[j], v[j]*g.At(j, i)*ps[i]
					// Rounding of the two Bernoulli evaluations and the exponentials: 1e-12
					// relative (the weights differ by e^dPhi, computed from one exponential).
					if math.Abs(a-b) > 1e-12*math.Max(math.Abs(a), math.Abs(b))+1e-300 {
						t.Errorf("detailed balance at (%d,%d): %g vs %g", i, j, a, b)
					}
				}
			})
			for j := range colSum {
				// Mass conservation: exact up to rounding of the sum, 1e-13 of its terms.
				if math.Abs(colSum[j]) > 1e-13*colScale[j] {
					t.Fatalf("column %d: V-weighted sum %g (terms %g)", j, colSum[j], colScale[j])
				}
				// Stationarity: each row cancels to rounding of its terms (1e-12).
				if math.Abs(res[j]) > 1e-12*resScale[j]+1e-300 {
					t.Fatalf("row %d: (G p_s) = %g (terms %g)", j, res[j], resScale[j])
				}
			}
			if m := op.Mass(ps); math.Abs(m-1) > 1e-13 {
				t.Errorf("stationary mass %v", m)
			}
		})
	}
}

// TestVolumes checks that the cells tile the domain: the chamber of d equal axes of length L has
// volume L^d/d!, the full grid the product of the lengths (rounding: 1e-12).
func TestVolumes(t *testing.T) {
	t.Parallel()
	for _, tc := range opCases(t) {
		op, err := NewOperator(tc.sys, tc.axes)
		if err != nil {
			t.Fatal(err)
		}
		want := 1.0
		for _, a := range tc.axes {
			want *= a.Hi - a.Lo
		}
		if op.Chamber() {
			want /= float64([]int{1, 1, 2, 6}[op.Dim()])
		}
		var got float64
		for _, v := range op.Volumes() {
			got += v
		}
		if math.Abs(got-want) > 1e-12*want {
			t.Errorf("%s: total volume %v, want %v", tc.name, got, want)
		}
		wantCells := 1
		for _, a := range tc.axes {
			wantCells *= a.N
		}
		if op.Chamber() {
			n := tc.axes[0].N
			wantCells = []int{0, n, n * (n + 1) / 2, n * (n + 1) * (n + 2) / 6}[op.Dim()]
		}
		if op.Len() != wantCells {
			t.Errorf("%s: %d cells, want %d", tc.name, op.Len(), wantCells)
		}
		mi := make([]int, op.Dim())
		for c := 0; c < op.Len(); c++ {
			op.MultiIndex(c, mi)
			if op.Index(mi) != c {
				t.Fatalf("%s: Index(MultiIndex(%d)) = %d", tc.name, c, op.Index(mi))
			}
		}
	}
}

func TestNewOperatorErrors(t *testing.T) {
	t.Parallel()
	a := Axis{Lo: 0, Hi: 9, N: 10}
	cases := []struct {
		name string
		sys  model.System
		axes []Axis
		want string
	}{
		{"no modes", model.System{}, nil, "modes"},
		{"four modes", model.System{Modes: []model.Mode{rbmMode(5, 1), rbmMode(5, 1), rbmMode(5, 1), rbmMode(5, 1)}}, []Axis{a, a, a, a}, "1 to 3"},
		{"axis count", model.System{Modes: []model.Mode{rbmMode(5, 1)}}, []Axis{a, a}, "axes"},
		{"beyond domain", model.System{Modes: []model.Mode{rbmMode(5, 0.1)}}, []Axis{{Lo: 0, Hi: 10, N: 10}}, "domain"},
		{"unequal chamber axes", model.System{Coulomb: true, Modes: []model.Mode{rbmMode(5, 1), rbmMode(5, 1)}}, []Axis{a, {Lo: 0, Hi: 8, N: 10}}, "equal axes"},
		{"bad g2", model.System{Modes: []model.Mode{rbmMode(5, -1)}}, []Axis{a}, "g2"},
		{"empty axis", model.System{Modes: []model.Mode{rbmMode(5, 1)}}, []Axis{{Lo: 1, Hi: 1, N: 10}}, "empty"},
	}
	for _, tc := range cases {
		_, err := NewOperator(tc.sys, tc.axes)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
}

// TestStationaryConvergence compares the discrete stationary density with the continuum P_s at the
// cell centroids (the cell average of a smooth function equals its centroid value to O(h^2)) and
// checks the observed order of the max-norm error as h halves: the finite-volume scheme is second
// order.
func TestStationaryConvergence(t *testing.T) {
	t.Parallel()
	sig2 := 0.1
	cases := []struct {
		name string
		sys  model.System
		ax   Axis
		ps   func(x []float64) float64 // continuum P_s, normalised on the grid domain
		ns   []int
	}{
		{"ou", model.System{Modes: []model.Mode{harmonic(1, 0.3, sig2)}}, Axis{Lo: -2, Hi: 2.5, N: 0},
			func(x []float64) float64 {
				return math.Exp(-(x[0]-0.3)*(x[0]-0.3)/(2*sig2)) / math.Sqrt(2*math.Pi*sig2)
			}, []int{20, 40, 80, 160}},
		{"rbm", model.System{Modes: []model.Mode{rbmMode(5, 0.05)}}, Axis{Lo: 0, Hi: 9, N: 0},
			nil, []int{45, 90, 180, 360}},
		{"two-mode-coulomb", model.System{Coulomb: true, Modes: []model.Mode{harmonic(1, 0, sig2), harmonic(1, 0, sig2)}}, Axis{Lo: -2.5, Hi: 2.5, N: 0},
			func(x []float64) float64 {
				// P_s = (x_1 - x_0) exp(-(x_0^2 + x_1^2)/(2 sigma^2)) / (2 sqrt(pi) sigma^3) on x_0 < x_1.
				s := math.Sqrt(sig2)
				return (x[1] - x[0]) * math.Exp(-(x[0]*x[0]+x[1]*x[1])/(2*sig2)) / (2 * math.SqrtPi * s * s * s)
			}, []int{20, 40, 80, 160}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ps := tc.ps
			if ps == nil {
				// rbm: P_s proportional to exp[(x^2/(2 kappa) + x + mu^2 log(mu^2 - x))/g^2],
				// normalised by adaptive Simpson on a fine grid (independent of the solver).
				r := model.RBM{Mu2: 9, Kappa: 5}
				g2 := 0.05
				phi := func(x float64) float64 {
					return -(x*x/(2*r.Kappa) + x + r.Mu2*math.Log(r.Mu2-x)) / g2
				}
				ref := phi(r.Stable())
				z := simpson(func(x float64) float64 { return math.Exp(-(phi(x) - ref)) }, 0, 9-1e-9, 200000)
				ps = func(x []float64) float64 { return math.Exp(-(phi(x[0]) - ref)) / z }
			}
			var prev float64
			for k, n := range tc.ns {
				ax := tc.ax
				ax.N = n
				axes := make([]Axis, len(tc.sys.Modes))
				for i := range axes {
					axes[i] = ax
				}
				op, err := NewOperator(tc.sys, axes)
				if err != nil {
					t.Fatal(err)
				}
				x := make([]float64, op.Dim())
				var e float64
				for c, p := range op.Stationary() {
					op.Centroid(c, x)
					e = math.Max(e, math.Abs(p-ps(x)))
				}
				if k > 0 {
					order := math.Log2(prev / e)
					t.Logf("n = %d: max error %.3g, observed order %.2f", n, e, order)
					// Second order expected; the ratio of successive errors settles to 4 within
					// 10% once h resolves the width sigma (all grids here have h <= sigma).
					if k == len(tc.ns)-1 && math.Abs(order-2) > 0.2 {
						t.Errorf("observed order %.2f, want 2", order)
					}
				} else {
					t.Logf("n = %d: max error %.3g", n, e)
				}
				prev = e
			}
		})
	}
}

func simpson(f func(float64) float64, a, b float64, n int) float64 {
	h := (b - a) / float64(n)
	s := f(a) + f(b)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		s += w * f(a+float64(i)*h)
	}
	return s * h / 3
}

// TestTwoModeStationary checks the stationary state of two degenerate harmonic modes with Coulomb
// against the Gaussian Coulomb gas: <S> = sqrt(pi) sigma, pooled <y^2> = 1.5 sigma^2, Binder
// -4/27 and the pooled density rho(y) (rmt.TwoModeDensity), sigma^2 = g^2/Omega.
func TestTwoModeStationary(t *testing.T) {
	t.Parallel()
	g2, omega, c := 0.02, 0.5, 1.0
	sigma := math.Sqrt(g2 / omega)
	ax := Axis{Lo: c - 7*sigma, Hi: c + 7*sigma, N: 280}
	op, err := NewOperator(model.System{Coulomb: true, Modes: []model.Mode{harmonic(omega, c, g2), harmonic(omega, c, g2)}}, []Axis{ax, ax})
	if err != nil {
		t.Fatal(err)
	}
	ps := op.Stationary()
	st := op.Pair(ps, 0, 1)
	h := ax.Width()
	// Piecewise-constant moments carry O(h^2) errors: h/sigma = 0.05, so 1e-3 relative on the
	// spacing and (h^2/12)/sigma^2 ~ 2e-4 on the variance; allow 5e-3 relative.
	if got, want := st.MeanSpacing, rmt.MeanSpacing(sigma); math.Abs(got-want) > 5e-3*want {
		t.Errorf("mean spacing %v, want sqrt(pi) sigma = %v", got, want)
	}
	if got, want := st.Pooled.Var, rmt.TwoModeVar*sigma*sigma; math.Abs(got-want) > 5e-3*want {
		t.Errorf("pooled variance %v, want 1.5 sigma^2 = %v", got, want)
	}
	if got, want := st.Pooled.Binder, rmt.TwoModeBinder; math.Abs(got-want) > 5e-3 {
		t.Errorf("pooled Binder %v, want -4/27 = %v", got, want)
	}
	if math.Abs(st.Pooled.Mean-c) > 1e-10 {
		t.Errorf("pooled mean %v, want %v (symmetric grid)", st.Pooled.Mean, c)
	}
	r0, r1 := op.Marginal(ps, 0, nil), op.Marginal(ps, 1, nil)
	var e float64
	for i := range r0 {
		y := ax.Centre(i) - c
		e = math.Max(e, math.Abs((r0[i]+r1[i])/2-rmt.TwoModeDensity(y, sigma)))
	}
	// Cell average vs value at the centre: O(h^2 rho'') ~ (h/sigma)^2 / sigma ~ 2.5e-3/sigma.
	if e > 5e-3/sigma {
		t.Errorf("pooled density deviates from rho(y) by %g (peak %g)", e, rmt.TwoModeDensity(0, sigma))
	}
	_ = h
}

// TestBern checks B(z) = z/(e^z - 1) and B(-z) = B(z) + z = e^z B(z) against direct evaluation
// in extended form where that is accurate, and the asymptotics where it overflows.
func TestBern(t *testing.T) {
	t.Parallel()
	for _, z := range []float64{-800, -50, -3, -0.7, -0.5, -0.3, -1e-3, -1e-6, 0, 1e-7, 1e-4, 0.2, 0.5, 0.6, 2, 30, 700, 800} {
		bz, bmz := bernPair(z)
		var want float64
		switch {
		case z == 0:
			want = 1
		case z > 700:
			want = z * math.Exp(-z) // underflows to 0 beyond ~745
		default:
			want = z / math.Expm1(z)
		}
		// Rounding: a few ulps of the exponential and the division, 1e-14 relative.
		if math.Abs(bz-want) > 1e-14*math.Abs(want)+1e-300 || math.Abs(bern(z)-want) > 1e-14*math.Abs(want)+1e-300 {
			t.Errorf("B(%g) = %v (bern %v), want %v", z, bz, bern(z), want)
		}
		if math.Abs(bmz-(bz+z)) > 1e-13*math.Max(1, math.Abs(bmz)) {
			t.Errorf("B(-%g) = %v, want B(z) + z = %v", z, bmz, bz+z)
		}
	}
}

func TestSteepTableCell(t *testing.T) {
	t.Parallel()
	// A drift/diffusion ratio of 1e12 (a table node from a handful of increments) makes Phi fall
	// by 1e10 across a cell of width 0.01, below what the sub-cell quadrature resolves: the cell's
	// integral comes from the boundary layer at its low-Phi edge instead of underflowing to 0.
	// D1 changes sign at x = 1.5, so the stationary density sits in the two cells around it:
	// mean 1.5 within a cell width.
	tab, err := model.NewTable([]float64{0, 1, 2, 3}, []float64{1e3, 1e3, -1e3, -1e3}, []float64{1e-9, 1e-9, 1e-9, 1e-9})
	if err != nil {
		t.Fatal(err)
	}
	ax := Axis{Lo: 0, Hi: 3, N: 300}
	op, err := NewOperator(model.System{Modes: []model.Mode{{Drift: tab}}}, []Axis{ax})
	if err != nil {
		t.Fatalf("steep table: %v", err)
	}
	mo := GridMoments(op.Stationary(), ax)
	if math.Abs(mo.Mean-1.5) > ax.Width() {
		t.Errorf("stationary mean %g, want 1.5", mo.Mean)
	}
}
