package rmt

import (
	"math"
	"testing"
)

func TestTwoModeDensityMoments(t *testing.T) {
	t.Parallel()
	// Two independent routes to the moments of rho, both accurate to rounding for this entire,
	// Gaussian-decaying function: Gauss-Legendre with 400 nodes on [-15 sigma, 15 sigma] (tail
	// exp(-112)), and GridMoments, the midpoint rule on cells of width sigma/8 over the same range,
	// whose error on the whole line is of order exp(-2 pi^2 sigma^2/dx^2), far below rounding.
	// Hence tolerance 1e-11.
	const tol = 1e-11
	for _, sigma := range []float64{0.1, 1, 4} {
		rho := func(y float64) float64 { return TwoModeDensity(y, sigma) }
		L := 15 * sigma
		q := momentsByQuadrature(rho, -L, L, 400)
		dx := sigma / 8
		var xs, ps []float64
		for x := -L + dx/2; x < L; x += dx {
			xs = append(xs, x)
			ps = append(ps, rho(x))
		}
		g := GridMoments(xs, ps, dx)
		for _, m := range []struct {
			route string
			m     Moments
		}{{"quadrature", q}, {"GridMoments", g}} {
			for _, tc := range []struct {
				name      string
				got, want float64
			}{
				{"int rho = 1", m.m.Mass, 1},
				{"<y> = 0", m.m.Mean / sigma, 0},
				{"<y^2> = 1.5 sigma^2", m.m.Var / (sigma * sigma), TwoModeVar},
				{"Binder = -4/27", m.m.Binder, TwoModeBinder},
			} {
				if !close(tc.got, tc.want, tol) {
					t.Errorf("sigma=%g %s: %s: got %.15g, want %.15g", sigma, m.route, tc.name, tc.got, tc.want)
				}
			}
		}
	}
}

func TestTwoModeLowerUpper(t *testing.T) {
	t.Parallel()
	// The ordered densities: each integrates to 1, their means are -+ <S>/2 = -+ sqrt(pi) sigma/2,
	// and their average is the pooled rho. Quadrature as in TestTwoModeDensityMoments (rounding
	// level, tolerance 1e-11); the pointwise identities hold to rounding (1e-15 relative).
	const tol = 1e-11
	for _, sigma := range []float64{0.3, 2} {
		L := 15 * sigma
		lower := momentsByQuadrature(func(y float64) float64 { return TwoModeLower(y, sigma) }, -L, L, 400)
		upper := momentsByQuadrature(func(y float64) float64 { return TwoModeUpper(y, sigma) }, -L, L, 400)
		for _, tc := range []struct {
			name      string
			got, want float64
		}{
			{"int rho_- = 1", lower.Mass, 1},
			{"int rho_+ = 1", upper.Mass, 1},
			{"<y>_- = -sqrt(pi) sigma/2", lower.Mean / sigma, -math.Sqrt(math.Pi) / 2},
			{"<y>_+ = +sqrt(pi) sigma/2", upper.Mean / sigma, math.Sqrt(math.Pi) / 2},
			// <y^2> is shared by both and by the pooled density: 1.5 sigma^2 = var + mean^2.
			{"<y^2>_- = 1.5 sigma^2", (lower.Var + lower.Mean*lower.Mean) / (sigma * sigma), TwoModeVar},
		} {
			if !close(tc.got, tc.want, tol) {
				t.Errorf("sigma=%g: %s: got %.15g, want %.15g", sigma, tc.name, tc.got, tc.want)
			}
		}
		for y := -6 * sigma; y <= 6*sigma; y += sigma / 7 {
			avg := (TwoModeLower(y, sigma) + TwoModeUpper(y, sigma)) / 2
			if rho := TwoModeDensity(y, sigma); !close(avg, rho, 1e-15*math.Max(rho, 1/sigma)) {
				t.Errorf("sigma=%g y=%g: (rho_- + rho_+)/2 = %.17g, rho = %.17g", sigma, y, avg, rho)
			}
		}
	}
}

func TestTwoModeCDF(t *testing.T) {
	t.Parallel()
	// F(y) = int_{-inf}^y rho: Gauss-Legendre with 300 nodes from -15 sigma (tail exp(-112)) is at
	// rounding, tolerance 1e-13. Also the limits F(-inf) = 0, F(0) = 1/2 (rho is even), F(inf) = 1.
	for _, sigma := range []float64{0.5, 3} {
		for _, u := range []float64{-5, -2, -0.7, 0, 0.3, 1, 2.5, 6} {
			y := u * sigma
			q := integrate(func(x float64) float64 { return TwoModeDensity(x, sigma) }, -15*sigma, y, 300)
			if got := TwoModeCDF(y, sigma); !close(got, q, 1e-13) {
				t.Errorf("TwoModeCDF(%g, %g) = %.15g, quadrature %.15g", y, sigma, got, q)
			}
		}
		if got := TwoModeCDF(0, sigma); !close(got, 0.5, 1e-16) {
			t.Errorf("TwoModeCDF(0) = %.17g, want 1/2", got)
		}
		if TwoModeCDF(math.Inf(-1), sigma) != 0 || TwoModeCDF(math.Inf(1), sigma) != 1 {
			t.Error("TwoModeCDF limits are not 0 and 1")
		}
	}
	// Deep in the left tail F must stay positive and match rho's tail (no cancellation).
	if f := TwoModeCDF(-30, 1); !(f > 0) {
		t.Errorf("TwoModeCDF(-30) = %g, want a positive tail", f)
	}
}

// sampleTwoModePairs draws n exact two-mode pairs and returns them pooled as lo_0, hi_0, lo_1, ...
func sampleTwoModePairs(seed uint64, n int, c, sigma float64) []float64 {
	rng := newRand(seed)
	xs := make([]float64, 0, 2*n)
	for range n {
		lo, hi := SampleTwoMode(rng, c, sigma)
		xs = append(xs, lo, hi)
	}
	return xs
}

func TestTwoModeMonteCarlo(t *testing.T) {
	t.Parallel()
	// The exact 2x2 Coulomb gas sampled as centre of mass ~ N(c, sigma^2/2) and spacing ~ Wigner
	// (by inverting its CDF), both eigenvalues pooled, against the analytic pooled density.
	n := sampleSize(200000, 20000) // pairs
	const c, sigma = 2.5, 0.4
	xs := sampleTwoModePairs(1, n, c, sigma)

	// Pearson chi^2 of a 40-bin histogram on c +- 4 sigma against TwoModeCDF. The pair members are
	// correlated, which shifts E[chi^2] by about -1 (negligible); with a fixed seed the test is
	// deterministic, and p > 1e-3 is the acceptance threshold.
	h := NewHistogram(c-4*sigma, c+4*sigma, 40)
	h.Fill(xs)
	chi2, dof := h.Chi2(func(x float64) float64 { return TwoModeCDF(x-c, sigma) }, 5)
	if p := Chi2PValue(chi2, dof); p < 1e-3 {
		t.Errorf("pooled histogram vs rho: chi2 = %.1f for %d dof, p = %.2g < 1e-3", chi2, dof, p)
	}
	// Same comparison bin by bin on the density scale: every bin within 5 Poisson errors of the
	// bin average of rho (40 bins: a 5-sigma excursion has probability ~2e-5).
	d, de := h.Density(), h.DensityErr()
	for i := range d {
		a, b := h.Edges[i]-c, h.Edges[i+1]-c
		want := (TwoModeCDF(b, sigma) - TwoModeCDF(a, sigma)) / (b - a)
		if math.Abs(d[i]-want) > 5*de[i]+1e-12 {
			t.Errorf("bin %d [%g, %g): density %g +- %g, rho average %g", i, a, b, d[i], de[i], want)
		}
	}

	// The spacings follow the Wigner surmise: KS distance with p > 1e-3 (independent pairs).
	sp := make([]float64, n)
	for i := range sp {
		sp[i] = xs[2*i+1] - xs[2*i]
	}
	dks := KSDistance(sp, func(s float64) float64 { return WignerCDF(s, sigma) })
	if p := KSPValue(dks, float64(n)); p < 1e-3 {
		t.Errorf("spacings vs Wigner: KS D = %.4g for n = %d, p = %.2g < 1e-3", dks, n, p)
	}

	// Moments of the pooled sample: <y^2> = 1.5 sigma^2 and Binder = -4/27, within 4 jackknife
	// errors. 100 blocks of whole pairs (the block length 2n/100 is even) keep the correlated
	// members together.
	for _, tc := range []struct {
		name string
		stat func([]float64) float64
		want float64
	}{
		{"<y^2>/sigma^2 = 1.5", func(v []float64) float64 { return SampleMoments(v).Var / (sigma * sigma) }, TwoModeVar},
		{"Binder = -4/27", Binder, TwoModeBinder},
		{"<x> = c", func(v []float64) float64 { return SampleMoments(v).Mean }, c},
	} {
		est, e := Jackknife(xs, 100, tc.stat)
		if math.Abs(est-tc.want) > 4*e {
			t.Errorf("%s: sample %.5f +- %.5f, want %.5f", tc.name, est, e, tc.want)
		}
	}
}

func TestTwoModePanics(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"density sigma = 0", func() { TwoModeDensity(0, 0) }},
		{"CDF sigma NaN", func() { TwoModeCDF(0, math.NaN()) }},
		{"lower sigma < 0", func() { TwoModeLower(0, -1) }},
		{"sample sigma +Inf", func() { SampleTwoMode(newRand(1), 0, math.Inf(1)) }},
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
