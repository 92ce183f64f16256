package rbmdrift_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"fpsolve/rbmdrift"
)

// Increments with a diffusion D2(x) = 0.004 (1 + 1.5 (x - 2)) near x* = 2: the fit at x*
// recovers both numbers within its errors.
func ExampleFitDiffusion() {
	const d, s, xs, dt = 0.004, 1.5, 2.0, 0.1
	acc := rbmdrift.NewDriftAccumulator(1, 60, 1, 3, dt)
	r := rand.New(rand.NewPCG(1, 2))
	for range 400000 {
		x := xs - 0.3 + 0.6*r.Float64()
		acc.Add(0, x, math.Sqrt(2*d*(1+s*(x-xs))*dt)*r.NormFloat64(), 0)
	}
	f := rbmdrift.FitDiffusion(acc.Table(0), xs, 0.25, 100)
	fmt.Printf("%d bins: D2 = %.5f +- %.5f, slope = %.2f +- %.2f\n", f.Bins, f.D2, f.D2Err, f.Slope, f.SlopeErr)
	// Output: 15 bins: D2 = 0.00400 +- 0.00001, slope = 1.50 +- 0.01
}
