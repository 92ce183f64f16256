package main

import (
	"context"

	"fpsolve/ensemble"
	"fpsolve/model"
)

// A stage is one step of the pipeline: its name (the summary's and the error messages'), which
// configs and invocations run it, and its run. run reads the config and the typed results of
// earlier stages from the runner (r.res) and records its own result there and, if it reports
// one, its section of summary.json (r.sum). Stages run in the order of pipeline, under a
// context that a signal cancels.
//
// Adding a stage: a file stage_<name>.go with its stage value, its result type and its summary
// section type; one line in pipeline; the result's field in results and the section's field in
// summary (summary.go). docs/ARCHITECTURE.md lists where everything else goes.
type stage struct {
	name    string
	enabled func(r *runner) bool
	run     func(ctx context.Context, r *runner) error
	// untimed stages do not appear in the summary's "seconds".
	untimed bool
}

// pipeline lists every stage in the order it runs.
var pipeline = []stage{
	rbmStage,
	teacherStage,
	ensembleStage,
	sweepStage,
	modelStage,
	timeStage,
	spectrumStage,
	langevinStage,
	figuresStage,
	comparisonStage,
}

// results are the typed results of the stages, each set by the stage that computes it and read
// by the later ones.
type results struct {
	// rbm is the [rbm] stage's trained ensemble (nil without it, and in a sweep).
	rbm *rbmOutcome
	// adopted is the trained ensemble whose spectra and measured drift the theory stages use:
	// the [rbm] stage's, or the sweep's setting at the base alpha and batch.
	adopted *rbmOutcome
	// model is the shared model the theory stages solve (modelStage).
	model *modelResult
	// time holds the Fokker-Planck marginals at the snapshots ([time]).
	time *marginals
	// langevin holds the walkers at the last step and at the snapshots ([langevin]).
	langevin *langevinResult
	// fromFile is the ensemble of an [ensemble] section of one file (nil otherwise), compared
	// with [time] and [langevin] like the rbm's.
	fromFile *ensemble.Trained
}

// modelResult is the model of the theory stages: [model] and [noise] resolved, the modes in
// ascending order of their stable point (the order the solvers need).
type modelResult struct {
	sys   model.System
	order []int     // order[k] = config index of sorted mode k
	keys  []float64 // pairing keys (kappa) in sorted order
}

var modelStage = stage{
	name:    "model",
	untimed: true,
	enabled: func(r *runner) bool { return r.needsModel() },
	run: func(_ context.Context, r *runner) error {
		if err := r.buildSystem(); err != nil {
			return err
		}
		return r.langevinStepCheck() // the drift table of [rbm] exists only now: see langevinPreflight
	},
}

// rbmInitial returns the adopted trained ensemble's spectra at step 0 (a row per run), nil
// without one.
func (r *runner) rbmInitial() [][]float64 {
	if a := r.res.adopted; a != nil && a.ens != nil {
		return a.ens.Initial()
	}
	return nil
}

// aside runs f in a goroutine and returns its error, or errInterrupted as soon as a signal
// cancels the run, abandoning f. Only for work that writes nothing and whose result is not
// needed after a signal (the command exits once the stage returns).
func (r *runner) aside(f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-r.done():
		return errInterrupted
	}
}
