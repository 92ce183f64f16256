package rbmdrift

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestNoiseAtFixedPointsRecovers: increments with D2(x) = d (1 + s (x - x*)) near x* = 2, spread
// over three windows; only the last window (the last third) is fitted, and the first two carry
// a different noise that must not leak in. The fit recovers d and s within 4 of its own
// standard errors, and those errors are small (2% of d, 0.1 in s).
func TestNoiseAtFixedPointsRecovers(t *testing.T) {
	t.Parallel()
	const d, s, xs, dt = 0.004, 1.5, 2.0, 0.1
	acc := NewWindowedDriftAccumulator(1, 180, 3, 3, 0, 9, dt)
	r := rand.New(rand.NewPCG(3, 4))
	for w := 0; w < 3; w++ {
		for i := 0; i < 200000; i++ {
			x := xs - 0.3 + 0.6*r.Float64()
			dd := d * (1 + s*(x-xs))
			if w < 2 {
				dd *= 3
			}
			acc.AddWindow(w, 0, x, math.Sqrt(2*dd*dt)*r.NormFloat64(), 0)
		}
	}
	f := NoiseAtFixedPoints(acc, []float64{xs})[0]
	if f.Mode != 0 || f.XStar != xs || f.Bins < 5 || !(f.D2Err < 0.02*d) || !(f.SlopeErr < 0.1) {
		t.Fatalf("fit %+v: wrong mode or centre, too few bins or errors too large", f)
	}
	if math.Abs(f.D2-d) > 4*f.D2Err || math.Abs(f.Slope-s) > 4*f.SlopeErr {
		t.Errorf("d2 = %.5g +- %.2g (want %g), slope = %.4g +- %.2g (want %g)", f.D2, f.D2Err, d, f.Slope, f.SlopeErr, s)
	}
}
