package model_test

import (
	"fmt"

	"fpsolve/model"
)

func ExampleRBM() {
	d := model.RBM{Mu2: 9, Kappa: 5}
	fmt.Printf("x_s = %g, Omega = %.2f, K(2) = %.4f\n", d.Stable(), d.Omega(), d.K(2))
	// Output: x_s = 4, Omega = 0.16, K(2) = 0.1143
}

func ExampleSystem_Force() {
	s := model.System{Coulomb: true, Modes: []model.Mode{
		{Drift: model.Harmonic{Omega: 1, C: 0}, G2: 0.1},
		{Drift: model.Harmonic{Omega: 1, C: 0}, G2: 0.1},
	}}
	x := []float64{-0.5, 0.5}
	// Harmonic pull -Omega x plus the repulsion g^2/(x_0 - x_1).
	fmt.Printf("%.2f %.2f\n", s.Force(0, x), s.Force(1, x))
	// Output: 0.40 -0.40
}

func ExampleGroups() {
	fmt.Println(model.Groups(model.FreeFieldKappa(4, 10)))
	// Output: [[0] [1 2] [3 4] [5 6] [7 8] [9]]
}

func ExampleVaryingNoise() {
	// The rbm drift with a noise that grows with x about the stable point x* = 2: 0.01 at x*,
	// e times more one unit above it.
	tab, err := model.VaryingNoise(model.RBM{Mu2: 9, Kappa: 7}, 0.01, 1, 0, 9, 900)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("x* = %.3f, D2(2) = %.4f, D2(3) = %.4f, K(3) = %.4f\n", tab.Stable(), tab.Diffusion(2), tab.Diffusion(3), tab.K(3))
	// Output: x* = 2.000, D2(2) = 0.0100, D2(3) = 0.0272, K(3) = -0.0714
}

// PhiTo evaluates the dimensionless potential over a slice, the values of Phi bit for bit;
// for the rbm drift Phi = (-x^2/(2 kappa) - x - mu^2 ln(mu^2 - x))/g^2 (the figures below are
// that formula's, evaluated independently), least at the stable point x_s = 4.
func ExampleMode_PhiTo() {
	m := model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.01}
	x := []float64{1, 2, 3, 4, 5}
	phi := make([]float64, len(x))
	m.PhiTo(phi, x)
	for i, v := range phi {
		fmt.Printf("Phi(%g) = %.4f, the same as Phi: %v\n", x[i], v, v == m.Phi(x[i]))
	}
	// Output:
	// Phi(1) = -1981.4974, the same as Phi: true
	// Phi(2) = -1991.3191, the same as Phi: true
	// Phi(3) = -2002.5835, the same as Phi: true
	// Phi(4) = -2008.4941, the same as Phi: true
	// Phi(5) = -1997.6649, the same as Phi: true
}
