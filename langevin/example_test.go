package langevin_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"fpsolve/langevin"
	"fpsolve/model"
)

func ExampleG2() {
	// Learning rate 0.1, batch 16, per-sample gradient variance 2: g^2 = 0.1/16*2.
	fmt.Println(langevin.G2(0.1, 16, 2))
	// Output: 0.0125
}

func ExampleRun() {
	// One harmonic mode (Omega = 1) at alpha = 0.2: the AR(1) stationary variance is
	// g^2/Omega/(1 - alpha Omega/2) = 0.01/0.9 = 0.0111.
	sys := model.System{Modes: []model.Mode{{Drift: model.Harmonic{Omega: 1}, G2: 0.01}}}
	st, err := langevin.NewEigen(sys, 0.2)
	if err != nil {
		fmt.Println(err)
		return
	}
	start := func(rng *rand.Rand, walker int) []float64 { return []float64{0} }
	e, err := langevin.Run(st, 20000, 100, 1, start, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("variance %.3f\n", e.ModeMoments(0).Var)
	// Output: variance 0.011
}

func ExampleNewMatrix() {
	// Two degenerate harmonic modes at the matrix level: mean spacing sqrt(pi) sigma with
	// sigma^2 = (g^2/Omega)/(1 - alpha Omega/2) = 0.01/0.95, i.e. 0.182.
	sys := model.System{Coulomb: true, Modes: []model.Mode{
		{Drift: model.Harmonic{Omega: 1}, G2: 0.01}, {Drift: model.Harmonic{Omega: 1}, G2: 0.01},
	}}
	st, err := langevin.NewMatrix(sys, 0.1)
	if err != nil {
		fmt.Println(err)
		return
	}
	e, err := langevin.Run(st, 20000, 100, 1, langevin.StableInit(sys), 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("mean spacing %.2f\n", e.Pair(0, 1).MeanSpacing)
	// Output: mean spacing 0.18
}

func ExampleEnsemble_AdvanceContext() {
	// 10^9 steps of 100 walkers, stopped by a deadline after 20 ms: the error is the
	// context's and the ensemble is left as it was before the call (Steps 0), not to be used.
	sys := model.System{Modes: []model.Mode{{Drift: model.Harmonic{Omega: 1}, G2: 0.01}}}
	st, err := langevin.NewEigen(sys, 0.01)
	if err != nil {
		fmt.Println(err)
		return
	}
	e, err := langevin.NewEnsemble(st, langevin.Walkers(100), 1, langevin.StableInit(sys))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	err = e.AdvanceContext(ctx, st, 1_000_000_000, 0)
	fmt.Println(errors.Is(err, context.DeadlineExceeded), e.Steps)
	// Output: true 0
}
