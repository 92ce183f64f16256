package rbmdrift_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"fpsolve/rbmdrift"
)

func ExampleTrainRun() {
	cfg := rbmdrift.Config{Visible: 10, Hidden: 10, TargetM2: 4, Mu2: 9, SigmaH: 1, InitSigma: 0.1,
		Alpha: 0.02, Batch: 64, GibbsSteps: 3, Steps: 30000, RecordEvery: 10000, Seed: 1}
	res, err := rbmdrift.TrainRun(cfg, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	var worst float64
	for i, x := range res.Final() {
		worst = math.Max(worst, math.Abs(x-cfg.TargetSpectrum()[i]))
	}
	fmt.Println("recorded steps:", res.Steps)
	fmt.Println("every x_i within 0.3 of mu^2 - kappa_i:", worst < 0.3)
	// Output:
	// recorded steps: [0 10000 20000 30000]
	// every x_i within 0.3 of mu^2 - kappa_i: true
}

func ExampleConfig_TargetSpectrum() {
	cfg := rbmdrift.Config{Visible: 10, Hidden: 10, TargetM2: 4, Mu2: 9, SigmaH: 1}
	for _, x := range cfg.TargetSpectrum() {
		fmt.Printf("%.3f ", x)
	}
	fmt.Println()
	// Output: 1.000 1.382 1.382 2.382 2.382 3.618 3.618 4.618 4.618 5.000
}

func ExampleTrainEnsemble() {
	cfg := rbmdrift.Config{Visible: 10, Hidden: 10, TargetM2: 4, Mu2: 9, SigmaH: 1, InitSigma: 0.1,
		Alpha: 0.1, Batch: 16, GibbsSteps: 3, Steps: 500, Seed: 1,
		MeasureEvery: 5, Bins: 45}
	done := 0
	res, err := rbmdrift.TrainEnsemble(cfg, []int{0, 1, 2, 3}, 2, func(r rbmdrift.RunResult, err error) {
		done++ // persist r here
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	acc, _ := rbmdrift.MergeDrift(res)
	var n int64
	for _, b := range acc.Table(9) {
		n += b.Count
	}
	fmt.Println(done, "runs;", n, "increments of the largest eigenvalue")
	// Output: 4 runs; 400 increments of the largest eigenvalue
}

func ExampleTrainRunContext() {
	// A run of 10^9 updates (hours) that a deadline stops after 20 ms: the error is the
	// context's, the partial result keeps the spectrum of step 0.
	cfg := rbmdrift.Config{Visible: 10, Hidden: 10, TargetM2: 4, Mu2: 9, SigmaH: 1, InitSigma: 0.1,
		Alpha: 0.02, Batch: 64, GibbsSteps: 3, Steps: 1_000_000_000, Seed: 1}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	res, err := rbmdrift.TrainRunContext(ctx, cfg, 0)
	fmt.Println(errors.Is(err, context.DeadlineExceeded), res.Steps)
	// Output: true [0]
}

// Two members of one mode recorded at steps 0, 1 and 5: only the snapshots 0 and 1 are one step
// apart, so each member gives one increment.
func ExampleSnapshotDrift() {
	spectra := [][][]float64{
		{{1.00}, {0.99}, {0.95}},
		{{1.10}, {1.08}, {1.00}},
	}
	acc, used := rbmdrift.SnapshotDrift(spectra, []int{0, 1, 5}, 0.1, 1)
	b := acc.Table(0)[0]
	fmt.Printf("pairs used %d, increments %d, drift %.2f per unit t\n", used, b.Count, b.Drift)
	// Output:
	// pairs used 1, increments 2, drift -0.15 per unit t
}
