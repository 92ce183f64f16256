package teacher

import (
	"math"
	"testing"
)

// TestSpacingReferences checks ExactSpacing and LeadingSpacing against the independent NumPy
// trainer of docs/REFERENCES.md R13 (eps = 0.1, N = 2, 20,000 online runs; error 0.00005 on
// the first figure, the others quoted to their last digit). The leading order is checked to
// the rounding of the quoted figures; ExactSpacing to 3 standard errors of the reference
// (taken as 0.00005, 0.0001 and 0.0001 for the figures quoted to 4 and 5 digits).
func TestSpacingReferences(t *testing.T) {
	for _, c := range []struct {
		alpha          float64
		batch          int
		ref, err, lead float64
	}{
		{0.1, 16, 0.01440, 0.00005, 0.01438},
		{0.1, 4, 0.02915, 0.0001, 0.02875},
		{0.5, 16, 0.03704, 0.0001, 0.03618},
	} {
		if l := LeadingSpacing(c.alpha, c.batch, 0.1); math.Abs(l-c.lead) > 0.5e-5 {
			t.Errorf("alpha %g |B| %d: LeadingSpacing %.6f, want %.5f", c.alpha, c.batch, l, c.lead)
		}
		e := ExactSpacing(c.alpha, c.batch, 0.1, 2)
		if math.Abs(e-c.ref) > 3*c.err {
			t.Errorf("alpha %g |B| %d: ExactSpacing %.6f, reference %.5f +- %.5f", c.alpha, c.batch, e, c.ref, c.err)
		}
		t.Logf("alpha %g |B| %d: leading %.6f exact %.6f reference %.5f", c.alpha, c.batch, LeadingSpacing(c.alpha, c.batch, 0.1), e, c.ref)
	}
	// beta -> 0: the exact sigma^2 tends to the leading one.
	if r := ExactSigma2(1e-4, 1000, 0.1, 2) / LeadingSigma2(1e-4, 1000, 0.1); math.Abs(r-1) > 1e-6 {
		t.Errorf("ExactSigma2/LeadingSigma2 = %g at alpha/|B| = 1e-7", r)
	}
}

// TestStationaryCovariance checks a, b and c of StationaryCovariance on the final deviations
// D = W - W_t of 20000 independent runs at alpha = 0.5, |B| = 4, where the data noise raises a
// by 45% over its leading value: Var D_12 = a, Cov(D_12, D_21) = b, Cov(D_11, D_22) = c, each
// within 4 standard errors (for a product of two Gaussians, sd/sqrt(runs)). The teacher
// d = (2, 2) is 2 times the identity, whatever O.
func TestStationaryCovariance(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Alpha, cfg.Batch, cfg.Steps, cfg.MeasureEvery, cfg.Seed = 0.5, 4, 120, 0, 13
	runs := 20000
	if testing.Short() {
		runs = 5000
	}
	var s12, s1221, s1122, v11 float64
	for r := 0; r < runs; r++ {
		res, err := TrainRun(cfg, r)
		if err != nil {
			t.Fatal(err)
		}
		w := res.Weights
		d11, d12, d21, d22 := w[0]-2, w[1], w[2], w[3]-2
		s12 += d12 * d12
		s1221 += d12 * d21
		s1122 += d11 * d22
		v11 += d11 * d11
	}
	n := float64(runs)
	a, b, c := StationaryCovariance(cfg.Alpha, cfg.Batch, cfg.Noise, 2)
	for _, p := range []struct {
		name      string
		got, want float64
		sd        float64 // sd of the product
	}{
		{"Var D12 = a", s12 / n, a, math.Sqrt(2) * a},
		{"Cov(D12, D21) = b", s1221 / n, b, math.Sqrt(a*a + b*b)},
		{"Cov(D11, D22) = c", s1122 / n, c, a + b},
		{"Var D11 = a + b + c", v11 / n, a + b + c, math.Sqrt(2) * (a + b + c)},
	} {
		se := p.sd / math.Sqrt(n)
		t.Logf("%s: %.4g +- %.2g, want %.4g", p.name, p.got, se, p.want)
		if math.Abs(p.got-p.want) > 4*se {
			t.Errorf("%s: %.4g +- %.2g, want %.4g", p.name, p.got, se, p.want)
		}
	}
}
