package rmt

import (
	"math"
	"testing"
)

func TestWignerSurmiseMoments(t *testing.T) {
	t.Parallel()
	// Gauss-Legendre with 200 nodes on [0, 20 sigma] integrates these entire functions to
	// rounding; the tail beyond 20 sigma is exp(-100). Hence the 1e-12 tolerance.
	const tol = 1e-12
	for _, sigma := range []float64{0.05, 1, 3.7} {
		P := func(s float64) float64 { return WignerSurmise(s, sigma) }
		L := 20 * sigma
		for _, tc := range []struct {
			name      string
			got, want float64
		}{
			{"int P(S) dS = 1", integrate(P, 0, L, 200), 1},
			{"<S> = sqrt(pi) sigma", integrate(func(s float64) float64 { return s * P(s) }, 0, L, 200), MeanSpacing(sigma)},
			{"<S^2> = 4 sigma^2", integrate(func(s float64) float64 { return s * s * P(s) }, 0, L, 200), 4 * sigma * sigma},
			{"int P_unit(s) ds = 1", integrate(WignerSurmiseUnit, 0, 20, 200), 1},
			{"<s>_unit = 1", integrate(func(s float64) float64 { return s * WignerSurmiseUnit(s) }, 0, 20, 200), 1},
		} {
			scale := math.Max(1, math.Abs(tc.want))
			if !close(tc.got, tc.want, tol*scale) {
				t.Errorf("sigma=%g: %s: got %.15g, want %.15g", sigma, tc.name, tc.got, tc.want)
			}
		}
	}
}

func TestWignerCDFAndQuantile(t *testing.T) {
	t.Parallel()
	// The CDFs must equal the quadrature of the densities (Gauss-Legendre with 100 nodes on a
	// smooth integrand: error at rounding, 1e-13), and the quantile must invert the CDF to
	// rounding (1e-14 relative).
	for _, sigma := range []float64{0.2, 1, 5} {
		m := MeanSpacing(sigma)
		for _, s := range []float64{0, 0.01, 0.5, 1, 2, 4} {
			S := s * m
			q := integrate(func(x float64) float64 { return WignerSurmise(x, sigma) }, 0, S, 100)
			if got := WignerCDF(S, sigma); !close(got, q, 1e-13) {
				t.Errorf("WignerCDF(%g, %g) = %.15g, quadrature %.15g", S, sigma, got, q)
			}
			// Unit form: P_unit(s) = <S> P(s <S>), F_unit(s) = F(s <S>).
			if got, want := WignerSurmiseUnit(s), m*WignerSurmise(S, sigma); !close(got, want, 1e-14) {
				t.Errorf("WignerSurmiseUnit(%g) = %.15g, want <S> P(s<S>) = %.15g", s, got, want)
			}
			if got, want := WignerCDFUnit(s), WignerCDF(S, sigma); !close(got, want, 1e-14) {
				t.Errorf("WignerCDFUnit(%g) = %.15g, want %.15g", s, got, want)
			}
		}
		for _, p := range []float64{0, 1e-9, 0.1, 0.5, 0.9, 0.999999} {
			if got := WignerCDF(WignerQuantile(p, sigma), sigma); !close(got, p, 1e-14) {
				t.Errorf("WignerCDF(WignerQuantile(%g)) = %.17g", p, got)
			}
		}
	}
	if WignerSurmise(-1, 1) != 0 || WignerCDF(-1, 1) != 0 || WignerSurmiseUnit(-1) != 0 || WignerCDFUnit(-1) != 0 {
		t.Error("Wigner surmise or CDF not zero for negative spacing")
	}
	if !math.IsInf(WignerQuantile(1, 1), 1) {
		t.Error("WignerQuantile(1) is not +Inf")
	}
}

func TestWignerPanics(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"sigma = 0", func() { WignerSurmise(1, 0) }},
		{"sigma < 0", func() { WignerCDF(1, -1) }},
		{"p > 1", func() { WignerQuantile(1.5, 1) }},
		{"p NaN", func() { WignerQuantile(math.NaN(), 1) }},
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
