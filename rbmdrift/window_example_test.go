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

func ExampleGradedEdges() {
	// Five equal bins on [0, 10) whose first, [0, 2), is split into 4 bins equal in log x from
	// 2e-4 up: increments at x = 3e-4 and 0.05 land in bins of their own scale.
	edges, err := rbmdrift.GradedEdges(0, 10, 5, 4, 2e-4)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.3g\n", edges)
	acc := rbmdrift.NewBinnedDriftAccumulator(1, 1, 0, edges, 0.1)
	acc.Add(0, 3e-4, 0, 0)
	acc.Add(0, 0.05, 0, 0)
	for b, bin := range acc.Table(0) {
		if bin.Count > 0 {
			fmt.Printf("bin %d [%.3g, %.3g) holds x = %g\n", b, edges[b], edges[b+1], bin.X)
		}
	}
	// Output:
	// [0 0.0002 0.002 0.02 0.2 2 4 6 8 10]
	// bin 1 [0.0002, 0.002) holds x = 0.0003
	// bin 3 [0.02, 0.2) holds x = 0.05
}
