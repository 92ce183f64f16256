package fokkerplanck_test

import (
	"fmt"
	"math"

	"fpsolve/fokkerplanck"
	"fpsolve/model"
)

// Two degenerate harmonic modes with Coulomb repulsion on the ordered chamber: the stationary
// spacing follows the Wigner surmise with <S> = sqrt(pi) sigma, sigma^2 = g^2/Omega.
func ExampleNewOperator() {
	mode := model.Mode{Drift: model.Harmonic{Omega: 1, C: 0}, G2: 0.1}
	sys := model.System{Modes: []model.Mode{mode, mode}, Coulomb: true}
	ax := fokkerplanck.Axis{Lo: -2.5, Hi: 2.5, N: 200}
	op, err := fokkerplanck.NewOperator(sys, []fokkerplanck.Axis{ax, ax})
	if err != nil {
		fmt.Println(err)
		return
	}
	st := op.Pair(op.Stationary(), 0, 1)
	sigma := math.Sqrt(0.1)
	fmt.Printf("cells %d, <S>/(sqrt(pi) sigma) = %.3f, pooled var/sigma^2 = %.3f\n",
		op.Len(), st.MeanSpacing/(math.Sqrt(math.Pi)*sigma), st.Pooled.Var/(sigma*sigma))
	// Output: cells 20100, <S>/(sqrt(pi) sigma) = 1.000, pooled var/sigma^2 = 1.501
}

// An Ornstein-Uhlenbeck mode relaxing from a narrow Gaussian: the mean follows
// c + (m0 - c) e^{-Omega t}.
func ExampleSolver_Evolve() {
	sys := model.System{Modes: []model.Mode{{Drift: model.Harmonic{Omega: 1, C: 0.5}, G2: 0.1}}}
	op, _ := fokkerplanck.NewOperator(sys, []fokkerplanck.Axis{{Lo: -2.5, Hi: 3, N: 550}})
	p, _ := op.Initial(func(x []float64) float64 { return math.Exp(-(x[0] + 0.5) * (x[0] + 0.5) / 0.04) })
	s := fokkerplanck.NewSolver(op, fokkerplanck.TRBDF2)
	if err := s.Evolve(p, 1, 0.01); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("mean %.4f (exact %.4f), mass %.12f\n", op.ModeMoments(p, 0).Mean, 0.5-math.Exp(-1), op.Mass(p))
	// Output: mean 0.1320 (exact 0.1321), mass 1.000000000000
}

// The source talk's 10-mode picture: four degenerate pairs and two single modes, each cluster on its own
// grid, coupled by the mean-field Coulomb force.
func ExampleClustered() {
	kappa := model.FreeFieldKappa(4, 10) // ascending; eigenvalue order is mu^2 - kappa ascending
	var sys model.System
	sys.Coulomb = true
	for i := range kappa {
		sys.Modes = append(sys.Modes, model.Mode{Drift: model.RBM{Mu2: 9, Kappa: kappa[len(kappa)-1-i]}, G2: 0.01})
	}
	rev := make([]float64, len(kappa))
	for i := range kappa {
		rev[i] = kappa[len(kappa)-1-i]
	}
	clusters := model.Groups(rev)
	c, err := fokkerplanck.NewClustered(sys, clusters, fokkerplanck.Axis{Lo: 0, Hi: 9, N: 100}, fokkerplanck.BackwardEuler)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := c.Evolve(10, 0.5); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(clusters)
	fmt.Printf("mode 9 mean %.2f\n", fokkerplanck.GridMoments(c.Marginal(9, nil), fokkerplanck.Axis{Lo: 0, Hi: 9, N: 100}).Mean)
	// Output:
	// [[0] [1 2] [3 4] [5 6] [7 8] [9]]
	// mode 9 mean 5.19
}
