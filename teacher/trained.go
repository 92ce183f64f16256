package teacher

import (
	"fmt"
	"slices"

	"fpsolve/ensemble"
	"fpsolve/rbmdrift"
)

// MergeDrift adds the drift accumulators of the given runs into a new one in ascending run
// index (the same bits however the runs were split), with rbmdrift.MergeAccumulators. Runs without an
// accumulator are skipped; it returns nil if none has one, and an error if shapes differ.
func MergeDrift(results []RunResult) (*rbmdrift.DriftAccumulator, error) {
	runs := make([]int, len(results))
	accs := make([]*rbmdrift.DriftAccumulator, len(results))
	for i, r := range results {
		runs[i], accs[i] = r.Run, r.Drift
	}
	return rbmdrift.MergeAccumulators(runs, accs)
}

// Trained returns the ensemble of a teacher-student training of cfg: Source "teacher", Alpha
// and Batch of cfg, the runs, recorded steps and spectra of results (shared, not copied),
// Targets = Fixed = cfg.Targets() (|d| or d^2 sorted ascending), and, if the runs measured the
// drift, Drift the tables of MergeDrift(results) and Noise from rbmdrift.NoiseAtFixedPoints at
// Fixed (NaN where too few bins lie near a target); else both nil. It returns an error if cfg
// is not valid, results is empty, the runs do not ascend, their steps differ, their drift does
// not merge, or the ensemble fails ensemble.Trained.Validate.
func Trained(cfg Config, results []RunResult) (*ensemble.Trained, error) {
	acc, err := MergeDrift(results)
	if err != nil {
		return nil, fmt.Errorf("teacher: merging the drift: %w", err)
	}
	return TrainedWith(cfg, results, acc)
}

// TrainedWith is Trained with the runs' drift merged already (nil when none was measured).
func TrainedWith(cfg Config, results []RunResult, acc *rbmdrift.DriftAccumulator) (*ensemble.Trained, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(results) == 0 {
		return nil, fmt.Errorf("teacher: no runs")
	}
	e := &ensemble.Trained{Source: "teacher", Alpha: cfg.Alpha, Batch: cfg.Batch,
		Steps: results[0].Steps, Targets: cfg.Targets(), Fixed: cfg.Targets()}
	for i, r := range results {
		if i > 0 && r.Run <= results[i-1].Run {
			return nil, fmt.Errorf("teacher: run %d after run %d: runs must ascend and be distinct", r.Run, results[i-1].Run)
		}
		if !slices.Equal(r.Steps, e.Steps) {
			return nil, fmt.Errorf("teacher: run %d's recorded steps differ from run %d's", r.Run, results[0].Run)
		}
		e.Runs = append(e.Runs, r.Run)
		e.Spectra = append(e.Spectra, r.Spectra)
	}
	if acc != nil {
		e.Drift = acc.TimeTables(cfg.Alpha, cfg.TotalSteps())
		e.Noise = rbmdrift.NoiseAtFixedPoints(acc, e.Fixed)
	}
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return e, nil
}
