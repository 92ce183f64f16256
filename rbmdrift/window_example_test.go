package rbmdrift_test

import (
	"fmt"

	"fpsolve/rbmdrift"
)

func ExampleNewWindowedDriftAccumulator() {
	// Two windows over 4 steps: steps 0-1 and 2-3. The drift of x' = x + a dt switches from
	// a = 1 to a = -1 at step 2; each window's table sees its own.
	const dt = 0.1
	acc := rbmdrift.NewWindowedDriftAccumulator(1, 1, 2, 4, 0, 10, dt)
	x := 5.0
	for s := 0; s < 4; s++ {
		a := 1.0
		if s >= 2 {
			a = -1
		}
		acc.AddAt(s, 0, x, a*dt, 0)
		x += a * dt
	}
	for w := 0; w < acc.NumWindows(); w++ {
		s0, s1 := acc.WindowRange(w)
		fmt.Printf("steps [%d, %d): D1 = %.3g\n", s0, s1, acc.TableWindow(w, 0)[0].Drift)
	}
	fmt.Printf("pooled: D1 = %.3g\n", acc.Table(0)[0].Drift)
	// Output:
	// steps [0, 2): D1 = 1
	// steps [2, 4): D1 = -1
	// pooled: D1 = 0
}
