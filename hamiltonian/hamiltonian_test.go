package hamiltonian

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/mat"

	"fpsolve/fokkerplanck"
	"fpsolve/model"
)

// sgOperator returns the symmetrised SG H_FP of the modes on equal axes.
func sgOperator(t testing.TB, modes []model.Mode, coulomb bool, ax fokkerplanck.Axis) (*sparse.CSR, *fokkerplanck.Operator) {
	t.Helper()
	axes := make([]fokkerplanck.Axis, len(modes))
	for i := range axes {
		axes[i] = ax
	}
	op, err := fokkerplanck.NewOperator(model.System{Modes: modes, Coulomb: coulomb}, axes)
	if err != nil {
		t.Fatal(err)
	}
	h, err := FromOperator(op)
	if err != nil {
		t.Fatal(err)
	}
	return h, op
}

func lowest(t testing.TB, h *sparse.CSR, k int, o *Options) *Result {
	t.Helper()
	r, err := Lowest(h, k, o)
	if err != nil {
		t.Fatal(err)
	}
	for i, rr := range r.Residuals {
		if !(rr <= r.Tol) {
			t.Errorf("residual %g of E_%d above the tolerance %g", rr, i, r.Tol)
		}
	}
	return r
}

// Ornstein-Uhlenbeck: H_FP = -(g^2/2) d^2 + Omega^2 x^2/(8 g^2) - Omega/4 has E_n = n Omega/2.
func TestOUSpectrum(t *testing.T) {
	t.Parallel()
	ou := model.Mode{Drift: model.Harmonic{Omega: 1.5, C: 0.3}, G2: 0.5}
	ax := fokkerplanck.Axis{Lo: 0.3 - 6, Hi: 0.3 + 6, N: 1200} // +-6 sigma_x = sqrt(g^2/Omega)*10
	fd, err := FD(ou, ax)
	if err != nil {
		t.Fatal(err)
	}
	sg, _ := sgOperator(t, []model.Mode{ou}, false, ax)
	for _, c := range []struct {
		name string
		h    *sparse.CSR
	}{{"FD", fd}, {"SG", sg}} {
		r := lowest(t, c.h, 6, nil)
		for n, e := range r.Values {
			want := float64(n) * 1.5 / 2
			// Both schemes are second order: the error is about c n^2 (Omega h)^2/g^2 with
			// c = 0.04 (FD) and 0.06 (SG) measured at h = 0.01; allow c = 0.1 with (n+1)^2.
			// The walls at 8.5 standard deviations cost < 1e-12.
			tol := 0.1 * float64((n+1)*(n+1)) * math.Pow(1.5*ax.Width(), 2) / ou.G2
			if d := math.Abs(e - want); d > tol {
				t.Errorf("%s: E_%d = %.8f, want n Omega/2 = %g (|diff| %.2g > %.2g)", c.name, n, e, want, d, tol)
			}
		}
	}
}

// The rbm ground state is psi_0 = sqrt(P_s) with E_0 = 0, P_s ~ exp(-V/g^2) on [0, mu^2).
func TestRBMGroundState(t *testing.T) {
	t.Parallel()
	rbm := model.RBM{Mu2: 9, Kappa: 5}
	mode := model.Mode{Drift: rbm, G2: 0.01}
	ax := fokkerplanck.Axis{Lo: 0, Hi: 9, N: 3000}
	fd, err := FD(mode, ax)
	if err != nil {
		t.Fatal(err)
	}
	sg, op := sgOperator(t, []model.Mode{mode}, false, ax)

	// Continuum sqrt(P_s) at the cell centres, and the SG discrete ground state sqrt(V p_s).
	cont := make([]float64, ax.N)
	vmin := math.Inf(1)
	for i := range cont {
		vmin = math.Min(vmin, rbm.V(ax.Centre(i)))
	}
	for i := range cont {
		cont[i] = math.Exp(-(rbm.V(ax.Centre(i)) - vmin) / (2 * mode.G2))
	}
	disc := make([]float64, ax.N)
	for i, p := range op.Stationary() {
		disc[i] = math.Sqrt(op.Volumes()[i] * p)
	}
	for _, c := range []struct {
		name string
		h    *sparse.CSR
		psi  []float64
		tol  float64
	}{
		// SG: the null vector is sqrt(V p_s) exactly; 1e-9 allows for the Lanczos residual
		// (~1e-13) over the gap E_1 ~ 0.04 and rounding.
		{"SG", sg, disc, 1e-9},
		// FD: (1 + z)/(1 - z) approximates exp(2z) to O(z^3), z ~ K h/(4 g^2) ~ 0.1 near the
		// well; accumulated over the well it gives an O(h^2) shape error, measured 2e-4.
		{"FD", fd, cont, 1e-3},
	} {
		r := lowest(t, c.h, 2, nil)
		if math.Abs(r.Values[0]) > 1e-10 {
			t.Errorf("%s: E_0 = %g, want 0 (rounding 1e-10)", c.name, r.Values[0])
		}
		psi := mat.Col(nil, 0, r.Vectors)
		if d := unitDistance(psi, c.psi); d > c.tol {
			t.Errorf("%s: ||psi_0 - sqrt(P_s)|| = %.3g after normalisation, want < %g", c.name, d, c.tol)
		}
	}
}

// unitDistance returns the distance between a and b after normalising both and aligning signs.
func unitDistance(a, b []float64) float64 {
	var na, nb, dot float64
	for i := range a {
		na += a[i] * a[i]
		nb += b[i] * b[i]
		dot += a[i] * b[i]
	}
	s := 1.0
	if dot < 0 {
		s = -1
	}
	na, nb = math.Sqrt(na), math.Sqrt(nb)
	var d float64
	for i := range a {
		x := s*a[i]/na - b[i]/nb
		d += x * x
	}
	return math.Sqrt(d)
}

// docs/REFERENCES.md R8: rbm mu^2 = 9, kappa = 5, zero-flux walls at 0 and 9, E_1..E_5 from an
// independent discretisation.
func TestRBMReference(t *testing.T) {
	t.Parallel()
	n := 20000
	if !testing.Short() {
		n = 200000
	}
	ref := map[float64][]float64{
		0.01:  {0.0406108, 0.0749147, 0.1095701, 0.1376024, 0.1622926},
		0.001: {0.0433560, 0.0795246, 0.1271922, 0.1580881, 0.2086841},
	}
	for g2, want := range ref {
		mode := model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: g2}
		ax := fokkerplanck.Axis{Lo: 0, Hi: 9, N: n}
		fd, err := FD(mode, ax)
		if err != nil {
			t.Fatal(err)
		}
		sg, _ := sgOperator(t, []model.Mode{mode}, false, ax)
		for _, c := range []struct {
			name string
			h    *sparse.CSR
		}{{"FD", fd}, {"SG", sg}} {
			r := lowest(t, c.h, 6, nil)
			for i, w := range want {
				// The references carry 7 digits (rounding <= 1.2e-6 relative); the O(h^2)
				// truncation at h = 4.5e-4 is measured below 6e-6 relative (N = 20000).
				if d := math.Abs(r.Values[i+1]-w) / w; d > 2e-5 {
					t.Errorf("%s g2=%g N=%d: E_%d = %.8f, want %.7f (rel %.2g > 2e-5)", c.name, g2, n, i+1, r.Values[i+1], w, d)
				}
			}
		}
	}
}

// FD and SG are different second-order schemes: their levels must approach each other like h^2.
func TestFDSGConverge(t *testing.T) {
	t.Parallel()
	mode := model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.01}
	diff := func(n int) float64 {
		ax := fokkerplanck.Axis{Lo: 0, Hi: 9, N: n}
		fd, err := FD(mode, ax)
		if err != nil {
			t.Fatal(err)
		}
		sg, _ := sgOperator(t, []model.Mode{mode}, false, ax)
		a, b := lowest(t, fd, 5, nil), lowest(t, sg, 5, nil)
		var d float64
		for i := 1; i < 5; i++ {
			d = math.Max(d, math.Abs(a.Values[i]-b.Values[i]))
		}
		return d
	}
	d1, d2 := diff(1000), diff(4000)
	// Second order: a 4x finer grid shrinks the gap 16x; demand 8x (the h^4 terms and the
	// drift-dominated tail cells shift the ratio).
	if !(d2 < d1/8) {
		t.Errorf("max |E_n(FD) - E_n(SG)| = %.3g at N=1000 and %.3g at N=4000: not second order", d1, d2)
	}
	if d2 > 1e-5 {
		t.Errorf("max |E_n(FD) - E_n(SG)| = %.3g at N=4000, want < 1e-5", d2)
	}
}

// Two harmonic modes (same Omega, c, g^2) with Coulomb in the chamber x_1 < x_2: with
// R = (x_1 + x_2)/sqrt2 and r = (x_2 - x_1)/sqrt2 the FPE separates into an OU process in R (rates
// n Omega) and the radial part of a 2-D isotropic OU process in r (drift -Omega r + g^2/r, zero
// angular momentum: rates 2 m Omega, Laguerre polynomials in r^2). So E = (n + 2m) Omega/2: level
// j Omega/2 has multiplicity floor(j/2) + 1: 0, 1/2, 1 (x2), 3/2 (x2), 2 (x3), 5/2 (x3).
func TestChamberLevels(t *testing.T) {
	t.Parallel()
	omega := 1.0
	ou := model.Mode{Drift: model.Harmonic{Omega: omega, C: 0}, G2: 0.5}
	n := 96
	if !testing.Short() {
		n = 192
	}
	h, _ := sgOperator(t, []model.Mode{ou, ou}, true, fokkerplanck.Axis{Lo: -5, Hi: 5, N: n})
	r := lowest(t, h, 12, nil)
	want := []float64{0, 0.5, 1, 1, 1.5, 1.5, 2, 2, 2, 2.5, 2.5, 2.5}
	// The cut diagonal cells make the scheme first order near x_1 = x_2; measured errors are
	// about 0.08 h E for h = 10/N; allow 0.15 h (j + 1).
	hh := 10 / float64(n)
	t.Logf("N=%d: levels %.5f", n, r.Values)
	for i, w := range want {
		if d := math.Abs(r.Values[i] - w*omega); d > 0.15*hh*(w+1) {
			t.Errorf("N=%d: E_%d = %.5f, want %g (|diff| %.2g > %.2g)", n, i, r.Values[i], w*omega, d, 0.15*hh*(w+1))
		}
	}
}

// randomSym returns a random sparse symmetric n x n matrix with about density*n*n nonzeros.
func randomSym(rnd *rand.Rand, n int, density float64) (*sparse.CSR, *mat.SymDense) {
	d := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		d.SetSym(i, i, rnd.NormFloat64()*2)
		for j := i + 1; j < n; j++ {
			if rnd.Float64() < density {
				d.SetSym(i, j, rnd.NormFloat64())
			}
		}
	}
	return toCSR(d), d
}

func toCSR(d mat.Symmetric) *sparse.CSR {
	n := d.SymmetricDim()
	ia := make([]int, n+1)
	var ja []int
	var data []float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if v := d.At(i, j); v != 0 || i == j {
				ja = append(ja, j)
				data = append(data, v)
			}
		}
		ia[i+1] = len(ja)
	}
	return sparse.NewCSR(n, n, ia, ja, data)
}

// Lowest against the dense oracle mat.EigenSym on random sparse symmetric matrices (indefinite:
// the automatic shift has to move below the spectrum).
func TestLowestDense(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		n       int
		density float64
		k       int
		order   Ordering
	}{
		{30, 0.1, 4, OrderAuto},
		{100, 0.02, 6, OrderAuto},
		{100, 0.3, 6, OrderNatural},
		{300, 0.01, 8, OrderNestedDissection},
		{300, 0.05, 5, OrderAuto},
	} {
		h, d := randomSym(rnd, c.n, c.density)
		var eig mat.EigenSym
		if !eig.Factorize(d, false) {
			t.Fatal("EigenSym failed")
		}
		want := eig.Values(nil)
		for _, tol := range []float64{0, 1e-9} {
			r := lowest(t, h, c.k, &Options{Tol: tol, Ordering: c.order})
			for i := 0; i < c.k; i++ {
				// Eigenvalue error <= residual^2/gap + rounding; residual <= Tol (<= 1e-9),
				// norms ~ sqrt(n density) * 2 <= 20, so 1e-8 is loose.
				if math.Abs(r.Values[i]-want[i]) > 1e-8 {
					t.Errorf("n=%d density=%g tol=%g: E_%d = %.12g, EigenSym %.12g", c.n, c.density, tol, i, r.Values[i], want[i])
				}
			}
			// Orthonormal eigenvectors (rounding).
			var g mat.Dense
			g.Mul(r.Vectors.T(), r.Vectors)
			for i := 0; i < c.k; i++ {
				for j := 0; j < c.k; j++ {
					w := 0.0
					if i == j {
						w = 1
					}
					if math.Abs(g.At(i, j)-w) > 1e-10 {
						t.Errorf("n=%d: <psi_%d, psi_%d> = %g, want %g", c.n, i, j, g.At(i, j), w)
					}
				}
			}
		}
	}
}

// Exact multiplicity: two identical decoupled tridiagonal blocks give every level twice. A single
// Krylov space holds one vector per eigenspace; the complement probe must find the partners.
func TestLowestDegenerate(t *testing.T) {
	t.Parallel()
	m := 50
	d := mat.NewSymDense(2*m, nil)
	for b := 0; b < 2; b++ {
		for i := 0; i < m; i++ {
			d.SetSym(b*m+i, b*m+i, 2)
			if i+1 < m {
				d.SetSym(b*m+i, b*m+i+1, -1)
			}
		}
	}
	r := lowest(t, toCSR(d), 6, &Options{Sigma: -1e-3})
	for i := 0; i < 6; i++ {
		// Dirichlet Laplacian block: 2 - 2 cos(j pi/(m+1)), each twice.
		j := i/2 + 1
		want := 2 - 2*math.Cos(float64(j)*math.Pi/float64(m+1))
		if math.Abs(r.Values[i]-want) > 1e-10 {
			t.Errorf("E_%d = %.12g, want %.12g (level %d, twice)", i, r.Values[i], want, j)
		}
	}
}

func TestLowestErrors(t *testing.T) {
	t.Parallel()
	sq := sparse.NewCSR(2, 3, []int{0, 1, 2}, []int{0, 1}, []float64{1, 1})
	if _, err := Lowest(sq, 1, nil); err == nil {
		t.Error("non-square matrix: no error")
	}
	ns := sparse.NewCSR(3, 3, []int{0, 2, 3, 4}, []int{0, 1, 1, 2}, []float64{1, 5, 1, 1})
	if _, err := Lowest(ns, 1, nil); err == nil {
		t.Error("non-symmetric matrix: no error")
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	h, d := randomSym(rnd, 60, 0.1)
	var eig mat.EigenSym
	eig.Factorize(d, false)
	low := eig.Values(nil)[0]
	if _, err := Lowest(h, 2, &Options{Sigma: low + 0.01}); err == nil {
		t.Error("shift above the lowest eigenvalue: no error")
	}
	_, err := Lowest(h, 4, &Options{Tol: 1e-30, MaxRestarts: 2})
	if !errors.Is(err, ErrNoConvergence) {
		t.Errorf("unreachable tolerance: error %v, want ErrNoConvergence", err)
	}
	if _, err := FD(model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.01}, fokkerplanck.Axis{Lo: 0, Hi: 10, N: 10}); err == nil {
		t.Error("FD beyond the rbm domain: no error")
	}
	g := sparse.NewCSR(2, 2, []int{0, 2, 4}, []int{0, 1, 0, 1}, []float64{-1, 1, 1, -1})
	if _, err := Symmetrize(g, []float64{0, 3}, []float64{1, 1}); err == nil {
		t.Error("generator not in detailed balance with exp(-phi): no error")
	}
}

// Cross-package: E_1 of the symmetrised SG operator equals half the late-time decay rate of
// ||p - p_s|| under the fokkerplanck time stepper on the same grid.
func TestDecayRate(t *testing.T) {
	t.Parallel()
	mode := model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.01}
	h, op := sgOperator(t, []model.Mode{mode}, false, fokkerplanck.Axis{Lo: 0, Hi: 9, N: 300})
	r := lowest(t, h, 3, nil)
	s := fokkerplanck.NewSolver(op, fokkerplanck.TRBDF2)
	p := make([]float64, op.Len())
	x := make([]float64, 1)
	var mass float64
	for c := range p {
		op.Cell(c, x)
		p[c] = math.Exp(-(x[0] - 1) * (x[0] - 1) / 0.5)
		mass += p[c] * op.Volumes()[c]
	}
	for c := range p {
		p[c] /= mass
	}
	dist := func() float64 {
		var d float64
		for c, v := range p {
			d += math.Abs(v-op.Stationary()[c]) * op.Volumes()[c]
		}
		return d
	}
	dt := 0.05
	var d1 float64
	for step := 1; step <= 5000; step++ {
		if err := s.Step(p, dt); err != nil {
			t.Fatal(err)
		}
		if step == 3000 {
			d1 = dist()
		}
	}
	rate := math.Log(d1/dist()) / 100
	t.Logf("decay rate %.7f, 2 E_1 = %.7f", rate, 2*r.Values[1])
	// From t = 150 the second mode is down by exp(-2 (E_2 - E_1) 150) ~ 3e-5 relative to the
	// first (times an O(10) overlap ratio); TR-BDF2 at E dt = 0.004 errs by ~1e-6 relative;
	// measured 2e-5.
	if d := math.Abs(rate-2*r.Values[1]) / (2 * r.Values[1]); d > 2e-4 {
		t.Errorf("late-time decay rate %.6f, 2 E_1 = %.6f (rel %.2g > 2e-4)", rate, 2*r.Values[1], d)
	}
}
