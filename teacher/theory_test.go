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
