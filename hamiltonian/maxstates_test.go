package hamiltonian

import (
	"testing"

	"fpsolve/fokkerplanck"
	"fpsolve/model"
)

// TestLowestSmallOperator: on 20 cells three states lock vectors that shrink the Lanczos basis
// below its first size (the [spectrum] stage's tolerance); Lowest returns (or reports non-convergence) instead of panicking with
// "mat: dimension mismatch". Up to MaxStates(20) = 6 states are asked for.
func TestLowestSmallOperator(t *testing.T) {
	t.Parallel()
	ou := model.Mode{Drift: model.Harmonic{Omega: 2, C: 1}, G2: 0.1}
	h, _ := sgOperator(t, []model.Mode{ou}, false, fokkerplanck.Axis{Lo: -0.7888543819998317, Hi: 2.7888543819998317, N: 20})
	if MaxStates(20) != 6 {
		t.Fatalf("MaxStates(20) = %d", MaxStates(20))
	}
	for k := 1; k <= MaxStates(20); k++ {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("k = %d: panic %v", k, r)
				}
			}()
			_, _ = Lowest(h, k, &Options{Tol: 1e-9 * DiagonalScale(h)}) // non-convergence is an answer; a panic is not
		}()
	}
}
