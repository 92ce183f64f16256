package rmt

import (
	"math"
	"testing"
)

func TestKSDistance(t *testing.T) {
	t.Parallel()
	uniform := func(x float64) float64 { return math.Max(0, math.Min(1, x)) }
	for _, tc := range []struct {
		name   string
		sample []float64
		want   float64
	}{
		// D = max_i max((i+1)/n - F(x_i), F(x_i) - i/n), worked by hand.
		{"one point at 1/2", []float64{0.5}, 0.5},
		{"0.1..0.4: largest gap 1 - 0.4", []float64{0.4, 0.2, 0.1, 0.3}, 0.6},
		{"quantile midpoints (2i+1)/(2n): D = 1/(2n)", []float64{0.125, 0.375, 0.625, 0.875}, 0.125},
	} {
		s := append([]float64(nil), tc.sample...)
		if got := KSDistance(tc.sample, uniform); !close(got, tc.want, 1e-15) {
			t.Errorf("%s: D = %g, want %g", tc.name, got, tc.want)
		}
		for i := range s {
			if s[i] != tc.sample[i] {
				t.Errorf("%s: sample modified", tc.name)
			}
		}
	}
	if !math.IsNaN(KSDistance(nil, uniform)) {
		t.Error("empty sample: D is not NaN")
	}
}

func TestKSDistance2(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		a, b []float64
		want float64
	}{
		{"same sample: 0", []float64{3, 1, 2}, []float64{1, 2, 3}, 0},
		{"disjoint: 1", []float64{1, 2}, []float64{3, 4}, 1},
		{"interleaved: 1/2", []float64{1, 3}, []float64{2, 4}, 0.5},
		// Ties are compared after both jumps: F_a(1) = 1/2, F_b(1) = 1/4; at 2: 1, 3/4.
		{"ties", []float64{1, 2}, []float64{1, 2, 2, 3}, 0.25},
		{"different sizes", []float64{0.5}, []float64{0, 1, 2, 3}, 0.75},
	} {
		if got := KSDistance2(tc.a, tc.b); !close(got, tc.want, 1e-15) {
			t.Errorf("%s: D = %g, want %g", tc.name, got, tc.want)
		}
		if got := KSDistance2(tc.b, tc.a); !close(got, tc.want, 1e-15) {
			t.Errorf("%s (swapped): D = %g, want %g", tc.name, got, tc.want)
		}
	}
}

func TestKSPValue(t *testing.T) {
	t.Parallel()
	// Kolmogorov's Q(lambda) = 2 sum (-1)^(k-1) exp(-2 k^2 lambda^2), evaluated to 10 digits with
	// mpmath; d is chosen so that the Stephens-corrected lambda is the tabulated one. Tolerance
	// 1e-9 relative: the table's digits (both series are converged to rounding).
	n := 1e4
	d := func(lambda float64) float64 { return lambda / (math.Sqrt(n) + 0.12 + 0.11/math.Sqrt(n)) }
	for _, tc := range []struct{ lambda, q float64 }{
		{0.5, 0.9639452437}, {1, 0.2699996717}, {1.36, 0.04948587676}, {1.63, 0.009846364888},
		{0.2, 1}, {3, 3.045995949e-8},
	} {
		if got := KSPValue(d(tc.lambda), n); !close(got, tc.q, 1e-9*tc.q) {
			t.Errorf("Q(%g) = %.7f, want %.7f", tc.lambda, got, tc.q)
		}
	}
	// The two series meet smoothly at lambda = 1.18 (both converged to rounding).
	if a, b := KSPValue(d(1.18*(1-1e-12)), n), KSPValue(d(1.18), n); !close(a, b, 1e-11) {
		t.Errorf("discontinuity at lambda = 1.18: %.15g vs %.15g", a, b)
	}

	// Calibration: for uniform samples of 50 points the p-value is uniform, so a fraction 0.05 is
	// below 0.05 (binomial error sqrt(0.05*0.95/k) = 0.0077 for k = 800, tolerance 4 of those).
	k := sampleSize(800, 800)
	rng := newRand(11)
	uniform := func(x float64) float64 { return math.Max(0, math.Min(1, x)) }
	var low int
	xs := make([]float64, 50)
	for range k {
		for i := range xs {
			xs[i] = rng.Float64()
		}
		if KSPValue(KSDistance(xs, uniform), float64(len(xs))) < 0.05 {
			low++
		}
	}
	if f := float64(low) / float64(k); math.Abs(f-0.05) > 4*math.Sqrt(0.05*0.95/float64(k)) {
		t.Errorf("fraction of p < 0.05 for true hypotheses = %.3f, want 0.05", f)
	}
}

func TestChi2Helpers(t *testing.T) {
	t.Parallel()
	if got := Chi2([]float64{1, 2, 3}, []float64{1, 3, 1}, []float64{1, 0.5, 2}); got != 5 {
		t.Errorf("Chi2 = %g, want 0 + 4 + 1", got)
	}
	// chi^2 quantiles from tables: P(chi2_1 > 3.841459) = 0.05, P(chi2_10 > 18.307038) = 0.05,
	// P(chi2_2 > x) = exp(-x/2) exactly.
	for _, tc := range []struct {
		chi2 float64
		dof  int
		p    float64
	}{{3.841459, 1, 0.05}, {18.307038, 10, 0.05}, {3, 2, math.Exp(-1.5)}} {
		if got := Chi2PValue(tc.chi2, tc.dof); !close(got, tc.p, 1e-7) {
			t.Errorf("Chi2PValue(%g, %d) = %.9f, want %.9f", tc.chi2, tc.dof, got, tc.p)
		}
	}
	if !math.IsNaN(Chi2PValue(1, 0)) {
		t.Error("Chi2PValue with 0 dof is not NaN")
	}
}

func TestJackknife(t *testing.T) {
	t.Parallel()
	mean := func(v []float64) float64 { return SampleMoments(v).Mean }
	xs := []float64{0.3, -1.2, 2.5, 0.7, 1.1, -0.4, 0.9}

	// Delete-one jackknife of the mean is exactly the standard error of the mean.
	est, e := Jackknife(xs, len(xs), mean)
	if !close(est, mean(xs), 1e-15) || !close(e, StdErr(xs), 1e-14) {
		t.Errorf("delete-one jackknife of the mean: %g +- %g, want %g +- %g", est, e, mean(xs), StdErr(xs))
	}

	// Blocked jackknife on an AR(1) series x' = rho x + sqrt(1 - rho^2) eta (unit variance): the
	// error of the mean is sqrt((1 + rho)/(1 - rho)/n) for n >> 1/(1 - rho). With rho = 0.9, n = 1e5
	// (2e4 short) and 50 blocks of 2000 (400) steps >> the correlation time 19, the estimate has a
	// relative error of about 1/sqrt(2*49) = 10%, plus a block bias ~ 2 tau/L < 10%; tolerance 30%.
	// The naive error must be too small by the factor sqrt(19).
	n := sampleSize(100000, 20000)
	rng := newRand(5)
	const rho = 0.9
	ar := make([]float64, n)
	x := rng.NormFloat64()
	for i := range ar {
		x = rho*x + math.Sqrt(1-rho*rho)*rng.NormFloat64()
		ar[i] = x
	}
	want := math.Sqrt((1 + rho) / (1 - rho) / float64(n))
	_, e = Jackknife(ar, 50, mean)
	if math.Abs(e/want-1) > 0.3 {
		t.Errorf("AR(1) rho = %g: blocked jackknife error %.3g, want %.3g", rho, e, want)
	}
	if naive := StdErr(ar); math.Abs(naive*math.Sqrt(19)/want-1) > 0.05 {
		t.Errorf("AR(1): naive error %.3g is not the true error / sqrt(19) = %.3g", naive, want/math.Sqrt(19))
	}

	for _, nb := range []int{1, len(xs) + 1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Jackknife with %d blocks of %d points: no panic", nb, len(xs))
				}
			}()
			Jackknife(xs, nb, mean)
		}()
	}
}

func TestBootstrap(t *testing.T) {
	t.Parallel()
	// Bootstrap error of the mean of n independent points: sqrt((n-1)/n) StdErr, with Monte-Carlo
	// relative error 1/sqrt(2 nres) = 1.6% for nres = 2000; tolerance 6%.
	rng := newRand(9)
	xs := make([]float64, 500)
	for i := range xs {
		xs[i] = rng.ExpFloat64()
	}
	mean := func(v []float64) float64 { return SampleMoments(v).Mean }
	est, e := Bootstrap(xs, mean, 2000, rng)
	want := StdErr(xs) * math.Sqrt(float64(len(xs)-1)/float64(len(xs)))
	if est != mean(xs) || math.Abs(e/want-1) > 0.06 {
		t.Errorf("bootstrap of the mean: %g +- %g, want %g +- %g", est, e, mean(xs), want)
	}
	// Binder of the same points: the bootstrap and the delete-one jackknife estimate the same
	// error; they differ by their own statistical errors (~10%); tolerance 30%.
	_, eb := Bootstrap(xs, Binder, 2000, rng)
	_, ej := Jackknife(xs, len(xs), Binder)
	if math.Abs(eb/ej-1) > 0.3 {
		t.Errorf("Binder error: bootstrap %g, jackknife %g", eb, ej)
	}
}
