package rbmdrift

import (
	"testing"

	"fpsolve/langevin"
	"fpsolve/model"
)

// BenchmarkGasPCD measures the Langevin eigenvalue gas of the derived PCD noise (fpsolve's
// [noise] model = "pcd": the paper's 10 modes, noise tables of PCDNoise.G2 on 2,000 nodes, the
// geometric pair strength) at alpha = 0.1, |B| = 16, with and without the next-order drift
// (GasDrift as model.System.Extra): 256 walkers on all cores, mode-updates per second, as
// langevin's BenchmarkEigenN10.
func BenchmarkGasPCD(b *testing.B) {
	p := PCDNoise{Alpha: 0.1, SigmaH: 1, Mu2: 9, Batch: 16, GibbsSteps: 3, Visible: 10}
	kappa := model.FreeFieldKappa(4, 10)
	for _, next := range []bool{false, true} {
		name := "leading"
		if next {
			name = "next_order"
		}
		b.Run(name, func(b *testing.B) {
			sys := model.System{Coulomb: true, Geometric: true}
			for _, k := range kappa {
				tab, err := model.NoiseTable(model.RBM{Mu2: 9, Kappa: k}, p.G2, 0, 9, 2000)
				if err != nil {
					b.Fatal(err)
				}
				sys.Modes = append(sys.Modes, model.Mode{Drift: tab})
			}
			if next {
				sys.Extra = p.GasDriftFunc(kappa)
			}
			st, err := langevin.NewEigen(sys, 0.1)
			if err != nil {
				b.Fatal(err)
			}
			e, err := langevin.NewEnsemble(st, langevin.Walkers(256), 1, langevin.StableInit(sys))
			if err != nil {
				b.Fatal(err)
			}
			const steps = 200
			for b.Loop() {
				if err := e.Advance(st, steps, 0); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)*steps*256*10/b.Elapsed().Seconds(), "mode-updates/s")
		})
	}
}
