package langevin_test

import (
	"fmt"

	"fpsolve/langevin"
)

func ExampleNewRBMMatrix() {
	// Deterministic learning (no weight noise) of the periodic free field with N_v = 4, m^2 = 1
	// by an RBM with 3 hidden units: kappa = 1, 3, 3, 5, so the spectrum of W^T W must reach
	// mu^2 - kappa = 6, 6, 8 for the three lowest kappas.
	p := langevin.RBMParams{Visible: 4, Hidden: 3, TargetM2: 1, Mu2: 9, SigmaH: 1, InitSigma: 0.1}
	st, err := langevin.NewRBMMatrix(p, 0.05)
	if err != nil {
		fmt.Println(err)
		return
	}
	e, err := langevin.Run(st, 1, 2000, 1, st.Init(), 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("learned %.6f\n", st.Spectrum(nil, e.Walker(0)))
	fmt.Printf("target  %.6f\n", st.Fixed())
	// Output:
	// learned [6.000000 6.000000 8.000000]
	// target  [6.000000 6.000000 8.000000]
}

func ExampleRBMMatrix_Spectra() {
	// The weight noise s_W^2 induces the eigenvalue diffusion D(x) = 2 s_W^2 x; a degenerate pair
	// at x = mu^2 - kappa = 5 then has the Wigner mean spacing sqrt(pi) s_W kappa = 0.0709
	// (kappa = 4, sigma_h = 1; the step adds 0.3%), here within its statistical error 0.0006.
	p := langevin.RBMParams{Visible: 3, Hidden: 3, TargetM2: 1, Mu2: 9, SigmaH: 1, NoiseVar: 1e-4}
	st, err := langevin.NewRBMMatrix(p, 0.02)
	if err != nil {
		fmt.Println(err)
		return
	}
	e, err := langevin.Run(st, 4000, 400, 1, st.LearnedInit(), 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, pr := range st.Spectra(e).Pairs(st.Kappas()) {
		fmt.Printf("pair %v: mean spacing %.2f\n", pr.Modes, pr.MeanSpacing)
	}
	// Output: pair [0 1]: mean spacing 0.07
}
