package rbmdrift

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"
)

// RunResult is what one training run produces.
type RunResult struct {
	Run     int         // run index r (the run's generator is NewSource(Seed, r))
	Steps   []int       // recorded steps: 0, every RecordEvery, and the last
	Spectra [][]float64 // eigenvalues of X = W^T W, ascending, at each recorded step
	Weights []float64   // final W, row-major Visible x Hidden
	// WeightSnapshots holds W (row-major) at each of Steps when Config.SaveWeights, else nil.
	WeightSnapshots [][]float64
	// Drift holds the run's single-step increments when MeasureEvery > 0, else nil.
	Drift *DriftAccumulator
}

// Final returns the spectrum at the last recorded step.
func (r RunResult) Final() []float64 { return r.Spectra[len(r.Spectra)-1] }

// TrainRun performs training run r of cfg from scratch. The result depends only on cfg and r:
// the same call reproduces it bit for bit, alone or inside any ensemble. If the model becomes
// improper or the weights stop being finite it returns the partial result and an error naming
// the run and step.
func TrainRun(cfg Config, r int) (RunResult, error) {
	return TrainRunContext(context.Background(), cfg, r)
}

// TrainRunContext is TrainRun with cancellation: it checks ctx before every update (a
// non-blocking look at ctx.Done(), nothing when ctx cannot be cancelled) and, once ctx is
// done, stops and returns the partial result with ctx.Err(). A run that is not cancelled gives
// the same bits as TrainRun.
func TrainRunContext(ctx context.Context, cfg Config, r int) (RunResult, error) {
	done := ctx.Done()
	res := RunResult{Run: r}
	tr, err := NewTrainer(cfg, r)
	if err != nil {
		return res, fmt.Errorf("run %d: %w", r, err)
	}
	nh := cfg.Hidden
	x, xn, ex := make([]float64, nh), make([]float64, nh), make([]float64, nh)
	record := func(s int, spec []float64) {
		res.Steps = append(res.Steps, s)
		res.Spectra = append(res.Spectra, append([]float64(nil), spec...))
		if cfg.SaveWeights {
			res.WeightSnapshots = append(res.WeightSnapshots, append([]float64(nil), tr.w...))
		}
	}
	// On the large-N kernels the measured steps take the exact solve whatever the setting: it
	// is faster there than the perturbative update was (BenchmarkMeasuredSpectrum), which the
	// perturber no longer has on those kernels.
	pert := cfg.WithDefaults().Measure == MeasurePerturbative && !tr.big
	// exact sets x to the spectrum at the current weights by the Jacobi solve, warm-started
	// from the perturbative basis when that is the newer one.
	// (tr.pert.v is always either the last exact solve's basis or a newer perturbative one.)
	// vecs reports that the last solve left the eigenvectors (exact does; values does not).
	vecs := false
	exact := func(x []float64) {
		if pert && tr.pert != nil && tr.eig != nil {
			tr.eig.SetBasis(tr.pert.v)
		}
		tr.Spectrum(x)
		vecs = true
		if pert {
			if tr.pert == nil {
				tr.pert = newPerturber(tr.nv, tr.nh)
			}
			copy(tr.pert.v, tr.vectors())
			tr.pert.current = false
		}
	}
	exact(x)
	record(0, x)
	have := true // x is the spectrum at the current weights, eigenvectors current
	if cfg.MeasureEvery > 0 {
		res.Drift = cfg.newDrift()
	}
	f := cfg.Alpha * cfg.SigmaH * cfg.SigmaH
	for s := 0; s < cfg.Steps; s++ {
		if done != nil {
			select {
			case <-done:
				return res, ctx.Err()
			default:
			}
		}
		meas := res.Drift != nil && s%cfg.MeasureEvery == 0
		if meas {
			if !have || !vecs {
				exact(x)
			}
			if pert {
				if !tr.prepare() {
					return res, tr.improper()
				}
				if !tr.pert.current {
					tr.pert.project(tr.w, tr.pert.v)
				}
				tr.expectedDriftU(ex, tr.pert.u)
			} else if _, err := tr.ExpectedDrift(ex, x); err != nil {
				return res, err
			}
		}
		if err := tr.Step(); err != nil {
			return res, err
		}
		have = false
		if pert {
			tr.pert.current = false
		}
		if meas {
			switch {
			case pert && tr.pert.update(xn, tr.g, f):
			case !pert && tr.big && cfg.MeasureEvery > 1:
				// The next step is not measured: the eigenvalues alone (the same bits).
				tr.spectrumValues(xn)
				vecs = false
			default:
				if pert {
					tr.pert.fallbacks++
				}
				exact(xn)
			}
			for i := range xn {
				res.Drift.AddAt(s, i, x[i], xn[i]-x[i], ex[i])
			}
			x, xn = xn, x
			have = true
		}
		if n := s + 1; n == cfg.Steps || (cfg.RecordEvery > 0 && n%cfg.RecordEvery == 0) {
			// Recorded spectra are always the exact solve's.
			if !have || pert {
				exact(x)
				have = true
			}
			record(n, x)
		}
	}
	if err := tr.Check(); err != nil {
		return res, err
	}
	res.Weights = append([]float64(nil), tr.w...)
	return res, nil
}

// TrainEnsemble performs the training runs with the given indices on up to workers goroutines
// (workers <= 0: GOMAXPROCS). Results come back in the order of runs, each identical to
// TrainRun(cfg, runs[i]) whatever the number of workers or the scheduling. If onRun is not nil
// it is called once per finished run, from one goroutine at a time, in completion order, so
// the caller can persist each run as it completes (resume after a kill, shard by index).
// The error joins those of the failed runs; the other runs still complete.
func TrainEnsemble(cfg Config, runs []int, workers int, onRun func(RunResult, error)) ([]RunResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(runs))
	out := make([]RunResult, len(runs))
	errs := make([]error, len(runs))
	var (
		mu   sync.Mutex
		next int
		wg   sync.WaitGroup
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(runs) {
					return
				}
				res, err := TrainRun(cfg, runs[i])
				out[i], errs[i] = res, err
				if onRun != nil {
					mu.Lock()
					onRun(res, err)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// MergeDrift adds the drift accumulators of the given runs into a new one, in ascending run
// index, so that the same set of runs gives the same bits however it was split into shards.
// Runs without an accumulator are skipped; it returns nil if none has one, and an error if
// shapes differ.
func MergeDrift(results []RunResult) (*DriftAccumulator, error) {
	runs := make([]int, len(results))
	accs := make([]*DriftAccumulator, len(results))
	for i, r := range results {
		runs[i], accs[i] = r.Run, r.Drift
	}
	return MergeAccumulators(runs, accs)
}

// MergeAccumulators is MergeDrift for any trainer's runs: accs[i] is the accumulator of the run
// with index runs[i] (nil: skipped). They are added into a new accumulator of the first one's
// shape in ascending run index; nil if none is given, an error naming the run if shapes differ.
func MergeAccumulators(runs []int, accs []*DriftAccumulator) (*DriftAccumulator, error) {
	idx := make([]int, 0, len(accs))
	for i, a := range accs {
		if a != nil {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil, nil
	}
	sort.SliceStable(idx, func(a, b int) bool { return runs[idx[a]] < runs[idx[b]] })
	acc := accs[idx[0]].empty()
	for _, i := range idx {
		if err := acc.Merge(accs[i]); err != nil {
			return nil, fmt.Errorf("run %d: %w", runs[i], err)
		}
	}
	return acc, nil
}
