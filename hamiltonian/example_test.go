package hamiltonian_test

import (
	"fmt"
	"math"

	"fpsolve/fokkerplanck"
	"fpsolve/hamiltonian"
	"fpsolve/model"
)

// The Ornstein-Uhlenbeck mode has the H_FP levels E_n = n Omega/2.
func ExampleLowest() {
	ou := model.Mode{Drift: model.Harmonic{Omega: 2, C: 0}, G2: 1}
	h, err := hamiltonian.FD(ou, fokkerplanck.Axis{Lo: -6, Hi: 6, N: 2000})
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := hamiltonian.Lowest(h, 4, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for n, e := range r.Values {
		// Second order: errors ~ 1e-4 at h = 0.006; +0 turns a rounded -0 into 0.
		fmt.Printf("E_%d = %.3f\n", n, math.Round(e*1000)/1000+0)
	}
	// Output:
	// E_0 = 0.000
	// E_1 = 1.000
	// E_2 = 2.000
	// E_3 = 3.000
}

// The symmetrised Scharfetter-Gummel operator of package fokkerplanck: E_1 sets the slowest
// relaxation P - P_s ~ exp(-2 E_1 t) of the rbm mode.
func ExampleFromOperator() {
	mode := model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.01}
	op, err := fokkerplanck.NewOperator(model.System{Modes: []model.Mode{mode}}, []fokkerplanck.Axis{{Lo: 0, Hi: 9, N: 4000}})
	if err != nil {
		fmt.Println(err)
		return
	}
	h, err := hamiltonian.FromOperator(op)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := hamiltonian.Lowest(h, 2, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("E_1 = %.5f, relaxation rate 2 E_1 = %.5f\n", r.Values[1], 2*r.Values[1])
	// Output:
	// E_1 = 0.04061, relaxation rate 2 E_1 = 0.08122
}

// The kinetic scale g^2/h^2 of a grid, for a tolerance relative to it.
func ExampleDiagonalScale() {
	ou := model.Mode{Drift: model.Harmonic{Omega: 2, C: 0}, G2: 1}
	ax := fokkerplanck.Axis{Lo: -6, Hi: 6, N: 2000}
	h, err := hamiltonian.FD(ou, ax)
	if err != nil {
		fmt.Println(err)
		return
	}
	s := hamiltonian.DiagonalScale(h)
	fmt.Printf("scale h^2/g^2 = %.4f\n", s*ax.Width()*ax.Width())
	// Output: scale h^2/g^2 = 1.0001
}
