package fokkerplanck

import (
	"fmt"
	"math"
	"testing"

	"fpsolve/model"
)

var benchG2 = 0.001

func benchSystem(d int, coulomb bool) model.System {
	modes := make([]model.Mode, d)
	for k := range modes {
		modes[k] = model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: benchG2}
	}
	return model.System{Modes: modes, Coulomb: coulomb}
}

// BenchmarkStep times one implicit step (ns/cell is reported per active cell).
func BenchmarkStep(b *testing.B) {
	cases := []struct {
		d       int
		n       int
		coulomb bool
	}{
		{1, 4096, false}, {1, 65536, false},
		{2, 128, true}, {2, 256, true}, {2, 512, true}, {2, 512, false},
		{3, 32, true}, {3, 64, true}, {3, 128, true},
	}
	for _, m := range []Method{BackwardEuler, TRBDF2} {
		for _, c := range cases {
			name := fmt.Sprintf("%v/d=%d/n=%d/coulomb=%v", m, c.d, c.n, c.coulomb)
			b.Run(name, func(b *testing.B) {
				axes := make([]Axis, c.d)
				for k := range axes {
					axes[k] = Axis{0, 9, c.n}
				}
				op, err := NewOperator(benchSystem(c.d, c.coulomb), axes)
				if err != nil {
					b.Fatal(err)
				}
				s := NewSolver(op, m)
				p := append([]float64(nil), op.Stationary()...)
				if err := s.Step(p, 0.01); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if err := s.Step(p, 0.01); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(op.Len()), "ns/cell")
			})
		}
	}
}

// BenchmarkSeedPicture runs the seed's 10-mode picture (400 cells per axis on [0, 9),
// g^2 = 0.01) with the Ordered coupling from a narrow start near the Marchenko-Pastur range
// [0, 0.4] to t = 300: dt = 0.05 to t = 1, 0.25 to t = 10, 1 after (365 steps).
func BenchmarkSeedPicture(b *testing.B) {
	sys, cl := seedPicture()
	for i := 0; i < b.N; i++ {
		c, err := NewClustered(sys, cl, Axis{0, 9, 400}, BackwardEuler)
		if err != nil {
			b.Fatal(err)
		}
		if err := c.SetInitial(func(ci int, x []float64) float64 {
			v := 1.0
			for k, xv := range x {
				mu := 0.02 + 0.04*float64(cl[ci][k])
				v *= math.Exp(-(xv - mu) * (xv - mu) / (2 * 0.02 * 0.02))
			}
			return v
		}); err != nil {
			b.Fatal(err)
		}
		for _, seg := range []struct{ t, dt float64 }{{1, 0.05}, {10, 0.25}, {300, 1}} {
			if err := c.Evolve(seg.t, seg.dt); err != nil {
				b.Fatal(err)
			}
		}
	}
}
