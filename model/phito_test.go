package model

import (
	"math"
	"testing"
)

// PhiTo must give Phi's bits at every point (fokkerplanck's fast assembly reproduces its
// reference assembly exactly with it), for the rbm drift by value and by pointer, up to and
// beyond the wall at mu^2 (where Phi is +Inf, then NaN), and for a drift without a batch path.
func TestPhiToBitsLikePhi(t *testing.T) {
	rbm := RBM{Mu2: 9, Kappa: 5}
	modes := []Mode{{Drift: rbm, G2: 0.001}, {Drift: &rbm, G2: 0.37}, {Drift: Harmonic{Omega: 2, C: 1}, G2: 0.01}}
	x := make([]float64, 0, 4099)
	for i := 0; i < 4096; i++ {
		x = append(x, -1+10*float64(i)/4096) // [-1, 9) and its edge cases below
	}
	x = append(x, 9, math.Nextafter(9, 0), 9.5)
	for _, m := range modes {
		for _, n := range []int{0, 1, 3, 4, 5, 11, len(x)} {
			dst := make([]float64, n)
			m.PhiTo(dst, x[:n])
			for i, v := range x[:n] {
				want := m.Phi(v)
				if math.Float64bits(dst[i]) != math.Float64bits(want) && !(math.IsNaN(dst[i]) && math.IsNaN(want)) {
					t.Fatalf("%T: PhiTo at x = %v gives %v, Phi %v", m.Drift, v, dst[i], want)
				}
			}
		}
	}
}
