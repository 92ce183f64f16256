package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"fpsolve/rbmdrift"
)

func TestNoiseAtFixedPoints(t *testing.T) {
	// Increments with D2(x) = d (1 + s (x - x*)) near x* = mu^2 - kappa = 2, spread over the
	// three windows; only the last window (the last third) is fitted, and the first two carry a
	// different noise that must not leak in. The fit recovers d and s within 4 of its own
	// standard errors, and those errors are small (2% of d, 0.1 in s).
	const d, s, xs, dt = 0.004, 1.5, 2.0, 0.1
	acc := rbmdrift.NewWindowedDriftAccumulator(1, 180, 3, 3, 0, 9, dt)
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
	o := &rbmOutcome{cfg: rbmdrift.Config{Mu2: 9, SigmaH: 1, Alpha: 0.1, Batch: 16}, kappa: []float64{7}, acc: acc}
	f := noiseAtFixedPoints(o)[0]
	if f.bins < 5 || !(f.d2Err < 0.02*d) || !(f.slopeErr < 0.1) {
		t.Fatalf("fit %+v: too few bins or errors too large", f)
	}
	if math.Abs(f.d2-d) > 4*f.d2Err || math.Abs(f.slope-s) > 4*f.slopeErr {
		t.Errorf("d2 = %.5g +- %.2g (want %g), slope = %.4g +- %.2g (want %g)", f.d2, f.d2Err, d, f.slope, f.slopeErr, s)
	}
	// The [noise] lines: gtilde2 = d2 |B| / (2 alpha) and the slope, to 3 digits.
	want := []string{fmt.Sprintf("gtilde2 = [%.3g]", f.d2*16/(2*0.1)), fmt.Sprintf("slope = [%.3g]", f.slope)}
	if lines := o.noiseLines([]noiseFit{f}); !reflect.DeepEqual(lines, want) {
		t.Errorf("noise lines %q, want %q", lines, want)
	}
}
