package main

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"time"

	"fpsolve/internal/runstore"
)

// trainedRun is one persisted training run of a trainer whose run results are R.
type trainedRun[R any] struct {
	Result  R
	Seconds float64 // wall time of the run on its worker
	Workers int     // runs trained concurrently when it ran
}

// trainedRuns are the runs of an ensemble present after trainRuns.
type trainedRuns[R any] struct {
	results  []R     // the present runs, ascending run index
	trained  int     // runs trained in this invocation
	complete bool    // every run of the ensemble is present (not a partial shard)
	rate     float64 // training updates per wall second
	measured bool    // rate measured now (false: estimated from the stored runs' own times)
}

// trainRuns trains (or loads) the runs 0..runs-1 of a trainer that belong to this shard,
// persisting each under dir/runs/<kind> as it completes, keyed by the trainer's whole
// configuration cfg (a run is determined by it and its index). stored tells a loaded result that
// holds a run from one that does not; train trains run i; updates is the number of updates per
// run, for the rate.
func trainRuns[R any](r *runner, dir, kind, label string, cfg any, runs int, updates float64,
	stored func(R) bool, train func(ctx context.Context, i int) (R, error)) (trainedRuns[R], error) {
	var out trainedRuns[R]
	if err := r.writeShardConfig(); err != nil {
		return out, err
	}
	tag, err := runstore.Key(kind, cfg)
	if err != nil {
		return out, err
	}
	store := runstore.Store{Dir: filepath.Join(dir, "runs", kind), Tag: tag}
	members := make([]*trainedRun[R], runs)
	var todo []int
	for i := 0; i < runs; i++ {
		if !r.mine(i) {
			continue
		}
		m, ok, err := loadMember[trainedRun[R]](r, store, i)
		if err != nil {
			return out, err
		}
		if ok && stored(m.Result) {
			members[i] = &m
		} else {
			todo = append(todo, i)
		}
	}
	if err := r.mayCompute(store, todo); err != nil {
		return out, err
	}

	// Train the missing runs on a worker pool; each run is saved as soon as it finishes.
	workers := max(1, min(runtime.NumCPU(), len(todo)))
	t0 := time.Now()
	done, err := r.trainPool(label, todo, workers, func(i int) error {
		ts := time.Now()
		res, err := train(r.context(), i)
		m := &trainedRun[R]{Result: res, Seconds: time.Since(ts).Seconds(), Workers: workers}
		if err == nil {
			err = runstore.Save(store, i, *m)
		}
		if err == nil {
			members[i] = m
		}
		return err
	})
	if err != nil {
		return out, err
	}
	wall := time.Since(t0).Seconds()
	r.storeDone(store, runs)

	out.trained, out.complete = done, !r.sharded()
	var estWall float64
	for i, m := range members {
		if m == nil {
			if r.mine(i) {
				return out, fmt.Errorf("%s run %d is missing after training", kind, i)
			}
			out.complete = false
			continue
		}
		out.results = append(out.results, m.Result)
		estWall += m.Seconds / float64(max(1, m.Workers))
	}
	if done > 0 {
		out.rate, out.measured = float64(done)*updates/wall, true
	} else if estWall > 0 {
		out.rate = float64(len(out.results)) * updates / estWall
	}
	return out, nil
}
