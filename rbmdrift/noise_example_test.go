package rbmdrift_test

import (
	"fmt"

	"fpsolve/langevin"
	"fpsolve/model"
	"fpsolve/rbmdrift"
)

// The derived noise of the paper's trainer at the fixed point y* = mu^2 - kappa of its lowest
// mode (kappa = 8): gtilde2 = 2 q^2 (1 + rho)/(1 - rho) with q = y*/kappa = 1/8 and the chains'
// correlation rho = (y*/mu^2)^(2k) = 9^-6, so about 2/64.
func ExamplePCDNoise() {
	cfg := rbmdrift.Config{Alpha: 0.1, SigmaH: 1, Mu2: 9, Batch: 16, GibbsSteps: 3, Visible: 10, Hidden: 10}
	p := cfg.Noise()
	g2 := p.G2(1)
	fmt.Printf("g^2 = %.6f, gtilde2 = %.5f\n", g2, g2*float64(p.Batch)/p.Alpha)
	// Output:
	// g^2 = 0.000195, gtilde2 = 0.03125
}

// The Coulomb gas of the derived noise with its next-order drift, as fpsolve's [noise]
// model = "pcd" builds it: the exact rbm drift with the noise tables of G2, the geometric pair
// strength and GasDriftFunc as the configuration-dependent drift; 200 walkers from the stable
// points.
func ExamplePCDNoise_GasDriftFunc() {
	p := rbmdrift.PCDNoise{Alpha: 0.1, SigmaH: 1, Mu2: 9, Batch: 16, GibbsSteps: 3, Visible: 10}
	kappa := model.FreeFieldKappa(4, 10)
	sys := model.System{Coulomb: true, Geometric: true, Extra: p.GasDriftFunc(kappa)}
	for _, k := range kappa {
		tab, err := model.NoiseTable(model.RBM{Mu2: 9, Kappa: k}, p.G2, 0, 9, 2000)
		if err != nil {
			fmt.Println(err)
			return
		}
		sys.Modes = append(sys.Modes, model.Mode{Drift: tab})
	}
	st, err := langevin.NewEigen(sys, p.Alpha)
	if err != nil {
		fmt.Println(err)
		return
	}
	ens, err := langevin.Run(st, 200, 2000, 1, langevin.StableInit(sys), 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(ens.Pairs(kappa)), "degenerate pairs")
	// Output:
	// 4 degenerate pairs
}
