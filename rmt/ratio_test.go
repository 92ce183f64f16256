package rmt

import (
	"math"
	"testing"
)

func TestRatioErr(t *testing.T) {
	t.Parallel()
	// Exact cases, a few roundings each, so to 1e-15 relative. A fully correlated ratio is
	// constant: its error is zero up to the cancellation of terms of size 1e-3 (1e-19), an
	// absolute 1e-9 after the square root. An inconsistent covariance gives exactly zero.
	cases := []struct {
		name                        string
		num, den, numErr, denErr, c float64
		ratio, err, tol             float64
	}{
		{"exact denominator", 3, 2, 0.4, 0, 0, 1.5, 0.2, 1e-15},
		{"exact numerator", 3, 2, 0, 0.4, 0, 1.5, 0.3, 1e-15},
		{"independent, equal relative errors", 6, 3, 0.3, 0.15, 0, 2, 0.1 * math.Sqrt2, 1e-15},
		{"num = 2 den exactly", 6, 3, 0.2, 0.1, 0.02, 2, 0, 1e-9},
		{"anticorrelated num = 12 - 2 den", 6, 3, 0.2, 0.1, -0.02, 2, 2 * (2.0 / 3) * 0.1, 1e-15},
		{"inconsistent covariance", 6, 3, 0.2, 0.1, 1, 2, 0, 0},
	}
	for _, c := range cases {
		r, e := RatioErr(c.num, c.den, c.numErr, c.denErr, c.c)
		if r != c.ratio || math.Abs(e-c.err) > c.tol*math.Max(1, c.err) {
			t.Errorf("%s: %g +- %g, want %g +- %g", c.name, r, e, c.ratio, c.err)
		}
	}
}

func TestRatioErrMonteCarlo(t *testing.T) {
	t.Parallel()
	// An independent check: correlated Gaussian num and den with relative errors of 1e-3, where
	// the first order is exact to 1e-3; the spread of num/den over 40000 draws has a relative
	// statistical error 1/sqrt(2*40000) = 0.35%, so they agree within 2%.
	const num, den, sn, sd, rho = 5.0, -2.0, 0.004, 0.003, 0.6
	rng := newRand(7)
	const n = 40000
	var s, ss float64
	for range n {
		z1, z2 := rng.NormFloat64(), rng.NormFloat64()
		a := num + sn*z1
		b := den + sd*(rho*z1+math.Sqrt(1-rho*rho)*z2)
		q := a / b
		s += q
		ss += q * q
	}
	m := s / n
	spread := math.Sqrt(ss/n - m*m)
	_, e := RatioErr(num, den, sn, sd, rho*sn*sd)
	if math.Abs(spread/e-1) > 0.02 {
		t.Errorf("spread %g, propagated %g", spread, e)
	}
}

func TestFitRelativeLine(t *testing.T) {
	t.Parallel()
	// Exact data on y = a (1 - b x) give a and b back to rounding with chi^2 = 0.
	const a, b = 2.5, 9.0
	var x, y, e []float64
	for k := range 20 {
		g := 0.1 / float64(int(4)<<(k%5)) // alpha/|B| of the batch sweep
		x, y = append(x, g), append(y, a*(1-b*g))
		e = append(e, 0.04*a)
	}
	f, err := FitRelativeLine(x, y, e)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(f.A-a) > 1e-12 || math.Abs(f.B-b) > 1e-10 || f.Chi2 > 1e-20 || f.Dof != 18 {
		t.Fatalf("exact data: %+v", f)
	}
	// With Gaussian errors the spread of B over 2000 replicas matches BErr within 10% (the
	// spread's own relative error is 1/sqrt(2*2000) = 1.6%).
	rng := newRand(11)
	const reps = 2000
	var sb, sbb float64
	noisy := make([]float64, len(y))
	for range reps {
		for k := range y {
			noisy[k] = y[k] + e[k]*rng.NormFloat64()
		}
		g, err := FitRelativeLine(x, noisy, e)
		if err != nil {
			t.Fatal(err)
		}
		sb += g.B
		sbb += g.B * g.B
	}
	m := sb / reps
	if sd := math.Sqrt(sbb/reps - m*m); math.Abs(sd/f.BErr-1) > 0.1 {
		t.Errorf("spread of B %.4g, propagated error %.4g", sd, f.BErr)
	}
	// Refused data.
	for _, c := range []struct {
		name string
		x, y []float64
	}{
		{"two points", []float64{1, 2}, []float64{1, 2}},
		{"one x", []float64{1, 1, 1}, []float64{1, 2, 3}},
		{"zero intercept", []float64{1, 2, 3}, []float64{1, 2, 3}},
	} {
		if _, err := FitRelativeLine(c.x, c.y, nil); err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

func TestUsableErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		sigma []float64
		keep  bool
	}{
		{"all positive", []float64{1, 0.5}, true},
		{"a zero", []float64{1, 0}, false},
		{"a NaN", []float64{math.NaN(), 1}, false},
		{"an infinity", []float64{1, math.Inf(1)}, false},
		{"negative", []float64{-1, 1}, false},
	}
	for _, c := range cases {
		if got := UsableErrors(c.sigma); (got != nil) != c.keep {
			t.Errorf("%s: %v", c.name, got)
		}
	}
}
