package rmt

import (
	"math"
	"testing"
)

func TestSampleMoments(t *testing.T) {
	t.Parallel()
	// Exact small samples: the moments are sums of a few terms, exact to rounding (1e-15).
	for _, tc := range []struct {
		name string
		xs   []float64
		want Moments
	}{
		{"two equal point masses: Binder = -2/3", []float64{-1, 1, -1, 1}, Moments{4, 0, 1, -2.0 / 3}},
		{"shifted point masses: moments are central", []float64{9, 11}, Moments{2, 10, 1, -2.0 / 3}},
		{"1,2,3,4: var 5/4, <y^4> 41/16", []float64{1, 2, 3, 4}, Moments{4, 2.5, 1.25, 41.0/16/(3*1.25*1.25) - 1}},
		{"three points -1, 0, 1: <y^4>/(3<y^2>^2) = 1/2, Binder -1/2", []float64{-1, 0, 1}, Moments{3, 0, 2.0 / 3, -0.5}},
	} {
		got := SampleMoments(tc.xs)
		if got.Mass != tc.want.Mass || !close(got.Mean, tc.want.Mean, 1e-15) ||
			!close(got.Var, tc.want.Var, 1e-15) || !close(got.Binder, tc.want.Binder, 1e-15) {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
		if b := Binder(tc.xs); b != got.Binder {
			t.Errorf("%s: Binder = %g, SampleMoments.Binder = %g", tc.name, b, got.Binder)
		}
	}
	if m := SampleMoments(nil); !math.IsNaN(m.Mean) || !math.IsNaN(m.Binder) || m.Mass != 0 {
		t.Errorf("empty sample: %+v, want NaN moments", m)
	}
	if b := Binder([]float64{3, 3, 3}); !math.IsNaN(b) {
		t.Errorf("Binder of a constant sample = %g, want NaN", b)
	}
}

func TestSampleMomentsStatistical(t *testing.T) {
	t.Parallel()
	// Large samples against the moments of their laws. The Binder cumulant of n points has
	// statistical error sqrt(8/(3n)) for a Gaussian (the excess kurtosis has variance 24/n);
	// tolerance 4 of those. n = 1e5 (2e4 in short mode).
	n := sampleSize(100000, 20000)
	rng := newRand(3)
	gauss := make([]float64, n)
	unif := make([]float64, n)
	for i := range gauss {
		gauss[i] = 5 + 2*rng.NormFloat64()
		unif[i] = rng.Float64()
	}
	tol := 4 * math.Sqrt(8/(3*float64(n)))
	for _, tc := range []struct {
		name string
		xs   []float64
		want float64
	}{
		{"Gaussian: Binder = 0", gauss, 0},
		{"uniform: Binder = 9/5/3 - 1 = -2/5", unif, -0.4},
	} {
		if b := Binder(tc.xs); !close(b, tc.want, tol) {
			t.Errorf("%s: got %.4f, want %.4f +- %.4f", tc.name, b, tc.want, tol)
		}
	}
}

func TestWeightedAndGridMoments(t *testing.T) {
	t.Parallel()
	// Integer weights equal repeated points (rounding, 1e-14).
	x := []float64{-2, 0.5, 1, 3}
	w := []float64{1, 3, 2, 1}
	var rep []float64
	for i, wi := range w {
		for range int(wi) {
			rep = append(rep, x[i])
		}
	}
	got, want := WeightedMoments(x, w), SampleMoments(rep)
	if got.Mass != 7 || !close(got.Mean, want.Mean, 1e-14) || !close(got.Var, want.Var, 1e-14) || !close(got.Binder, want.Binder, 1e-14) {
		t.Errorf("WeightedMoments = %+v, repeated sample %+v", got, want)
	}

	// GridMoments of a Gaussian density N(m, s^2) with mass 2 on cells of width s/5: the midpoint
	// rule on the whole line errs by ~exp(-2 pi^2 (s/dx)^2) = exp(-490), so only rounding remains
	// (tolerance 1e-12). Mass 2, mean m, var s^2, Binder 0.
	const m, s, mass = -1.5, 0.7, 2.0
	dx := s / 5
	var xs, ps []float64
	for v := m - 12*s + dx/2; v < m+12*s; v += dx {
		xs = append(xs, v)
		ps = append(ps, mass*math.Exp(-(v-m)*(v-m)/(2*s*s))/(math.Sqrt(2*math.Pi)*s))
	}
	g := GridMoments(xs, ps, dx)
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"mass = 2", g.Mass, mass},
		{"mean = m", g.Mean, m},
		{"var = s^2", g.Var, s * s},
		{"Gaussian Binder = 0", g.Binder, 0},
	} {
		if !close(tc.got, tc.want, 1e-12) {
			t.Errorf("GridMoments: %s: got %.15g, want %.15g", tc.name, tc.got, tc.want)
		}
	}
}

func TestStdErr(t *testing.T) {
	t.Parallel()
	// sqrt(s^2/n) with the unbiased s^2 = 5/3 of {1, 2, 3, 4}: sqrt(5/12).
	if got, want := StdErr([]float64{1, 2, 3, 4}), math.Sqrt(5.0/12); !close(got, want, 1e-15) {
		t.Errorf("StdErr = %.17g, want %.17g", got, want)
	}
	if !math.IsNaN(StdErr([]float64{1})) {
		t.Error("StdErr of one point is not NaN")
	}
}

func TestMomentsPanics(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"WeightedMoments lengths", func() { WeightedMoments([]float64{1, 2}, []float64{1}) }},
		{"GridMoments lengths", func() { GridMoments([]float64{1}, []float64{1, 2}, 1) }},
		{"GridMoments dx = 0", func() { GridMoments([]float64{1}, []float64{1}, 0) }},
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
