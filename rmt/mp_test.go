package rmt

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

var mpCases = []struct {
	r, s2 float64
	rows  int
}{
	{0.5, 0.01, 400}, // the source talk's s = 0.1 with N = M/2
	{1, 0.01, 10},    // square W: the lower edge touches 0
	{0.1, 2, 50},
	{0.9, 0.3, 100},
}

func TestMarchenkoPasturAnalytic(t *testing.T) {
	t.Parallel()
	for _, tc := range mpCases {
		lo, hi := MarchenkoPasturEdges(tc.r, tc.s2, tc.rows)
		a := float64(tc.rows) * tc.s2
		// Edges x± = M s2 (1 ± sqrt r)^2.
		if q := math.Sqrt(tc.r); !close(lo, a*(1-q)*(1-q), 1e-15*a) || !close(hi, a*(1+q)*(1+q), 1e-15*a) {
			t.Errorf("%+v: edges %g, %g", tc, lo, hi)
		}
		// Quadrature in phi with x = (x+ + x-)/2 - (x+ - x-)/2 cos(phi), which removes the square
		// root at both edges and leaves a smooth integrand: Gauss-Legendre with 400 nodes is at
		// rounding for r <= 0.9 and r = 1, tolerance 1e-11.
		m, h := (hi+lo)/2, (hi-lo)/2
		moment := func(k int) float64 {
			return integrate(func(phi float64) float64 {
				x := m - h*math.Cos(phi)
				return math.Pow(x, float64(k)) * MarchenkoPastur(x, tc.r, tc.s2, tc.rows) * h * math.Sin(phi)
			}, 0, math.Pi, 400)
		}
		for _, c := range []struct {
			name      string
			got, want float64
		}{
			{"int P = 1", moment(0), 1},
			{"<x> = M s2", moment(1) / a, 1},
			// <t^2> = 1 + r for t = x/(M s2): the second moment of the MP law.
			{"<x^2> = (M s2)^2 (1 + r)", moment(2) / (a * a), 1 + tc.r},
		} {
			if !close(c.got, c.want, 1e-11) {
				t.Errorf("%+v: %s: got %.15g, want %.15g", tc, c.name, c.got, c.want)
			}
		}
		// The closed-form CDF: F(x-) = 0, F(x+) = 1, and F' = P. The central difference with step
		// d = 1e-4 times the distance to the nearer edge has truncation error ~(d/dist)^2/8 ~ 1e-9
		// relative (P has square-root or, for r = 1, inverse-square-root edges) and rounding error
		// ~1e-11; tolerance 1e-7 relative.
		if f := MarchenkoPasturCDF(lo, tc.r, tc.s2, tc.rows); f != 0 {
			t.Errorf("%+v: F(x-) = %g", tc, f)
		}
		if f := MarchenkoPasturCDF(hi, tc.r, tc.s2, tc.rows); f != 1 {
			t.Errorf("%+v: F(x+) = %g", tc, f)
		}
		for _, u := range []float64{0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99} {
			x := lo + u*(hi-lo)
			d := 1e-4 * math.Min(x-lo, hi-x)
			fd := (MarchenkoPasturCDF(x+d, tc.r, tc.s2, tc.rows) - MarchenkoPasturCDF(x-d, tc.r, tc.s2, tc.rows)) / (2 * d)
			p := MarchenkoPastur(x, tc.r, tc.s2, tc.rows)
			if !close(fd, p, 1e-7*p) {
				t.Errorf("%+v: x=%g: dF/dx = %.10g, P = %.10g", tc, x, fd, p)
			}
		}
		// And F equals the quadrature of P up to a point in the bulk (same phi substitution).
		phi := 1.3
		q := integrate(func(p float64) float64 {
			x := m - h*math.Cos(p)
			return MarchenkoPastur(x, tc.r, tc.s2, tc.rows) * h * math.Sin(p)
		}, 0, phi, 200)
		if f := MarchenkoPasturCDF(m-h*math.Cos(phi), tc.r, tc.s2, tc.rows); !close(f, q, 1e-11) {
			t.Errorf("%+v: F = %.15g, quadrature %.15g", tc, f, q)
		}
	}
}

func TestMarchenkoPasturSample(t *testing.T) {
	t.Parallel()
	// Eigenvalues of X = W^T W for one W of M x N iid N(0, s2) entries against the MP law.
	M, N := sampleSize(400, 200), sampleSize(200, 100)
	const s2 = 0.01
	r := float64(N) / float64(M)
	rng := newRand(7)
	w := mat.NewDense(M, N, nil)
	for i := range M {
		for j := range N {
			w.Set(i, j, math.Sqrt(s2)*rng.NormFloat64())
		}
	}
	var x mat.SymDense
	x.SymOuterK(1, w.T())
	var eig mat.EigenSym
	if !eig.Factorize(&x, false) {
		t.Fatal("EigenSym failed")
	}
	ev := eig.Values(nil)

	// KS distance to the MP CDF. The eigenvalues are not independent points: they are rigid, and
	// the distance is set by finite-size corrections of order 1/N. Measured over seeds 1..7:
	// 0.011-0.016 for N = 200 and 0.020-0.027 for N = 100 (short mode). The threshold 0.05 is about
	// twice the largest of these and half the 0.1 that 200 independent points would need at p = 0.01.
	d := KSDistance(ev, func(v float64) float64 { return MarchenkoPasturCDF(v, r, s2, M) })
	if d > 0.05 {
		t.Errorf("M=%d N=%d: KS distance %.4f to Marchenko-Pastur > 0.05", M, N, d)
	}
	// The mean eigenvalue is trace(X)/N, a sum of M N squares: mean M s2, standard deviation
	// sqrt(2 M/N) s2. Tolerance 4 standard deviations.
	var mean float64
	for _, v := range ev {
		mean += v
	}
	mean /= float64(N)
	if sd := math.Sqrt(2*float64(M)/float64(N)) * s2; math.Abs(mean-float64(M)*s2) > 4*sd {
		t.Errorf("mean eigenvalue %g, want M s2 = %g +- %g", mean, float64(M)*s2, sd)
	}
	// Extreme eigenvalues near the edges: Tracy-Widom fluctuations and shifts of order
	// N^(-2/3) of the support width (measured over seeds 1..7: up to 3% for N = 200, 8% for N = 100);
	// tolerance 15% of the width.
	lo, hi := MarchenkoPasturEdges(r, s2, M)
	if tol := 0.15 * (hi - lo); math.Abs(ev[0]-lo) > tol || math.Abs(ev[N-1]-hi) > tol {
		t.Errorf("extreme eigenvalues %g, %g; edges %g, %g", ev[0], ev[N-1], lo, hi)
	}
}

func TestMarchenkoPasturPanics(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"r > 1", func() { MarchenkoPastur(1, 1.5, 1, 10) }},
		{"r = 0", func() { MarchenkoPasturEdges(0, 1, 10) }},
		{"s2 = 0", func() { MarchenkoPasturCDF(1, 0.5, 0, 10) }},
		{"rows = 0", func() { MarchenkoPastur(1, 0.5, 1, 0) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			tc.f()
		}()
	}
}
