package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"time"

	"fpsolve/ensemble"
	"fpsolve/internal/output"
	"fpsolve/internal/runstore"
	"fpsolve/model"
	"fpsolve/rmt"
	"fpsolve/teacher"
)

// teacherMember is one persisted teacher-student training run.
type teacherMember struct {
	Result  teacher.RunResult
	Seconds float64 // wall time of the run on its worker
	Workers int     // runs trained concurrently when it ran
}

// teacherOutcome is the [teacher] ensemble after training.
type teacherOutcome struct {
	cfg      teacher.Config
	results  []teacher.RunResult // the present runs, ascending run index
	ens      *ensemble.Trained   // their ensemble (nil when no run is present)
	pairs    []ensemble.Pair     // ens.FinalPairs()
	complete bool                // every run is present (not a partial shard)
	trained  int                 // runs trained in this invocation
	rate     float64             // training updates per wall second
	measured bool                // rate measured now (false: from the stored runs)
}

// teacherStage trains (or loads) the [teacher] ensemble, writes teacher_spectra.csv,
// teacher_drift.csv (when the drift is measured) and wigner_teacher.png, and records the
// "teacher" summary with the pairs' spacing against the linear theory. No later stage reads it.
var teacherStage = stage{
	name:    "teacher",
	enabled: func(r *runner) bool { return r.cfg.Teacher != nil },
	run:     func(_ context.Context, r *runner) error { return r.stageTeacher() },
}

func (r *runner) stageTeacher() error {
	o, err := r.runTeacher(r.out, r.cfg.Teacher.Config, r.cfg.Teacher.Runs)
	if err != nil {
		return err
	}
	if !o.complete {
		return nil
	}
	sum := o.summary()
	r.sum.Teacher = &sum
	r.sayTeacher(o, sum)
	if r.cfg.PlotsEnabled() {
		return plotPairs(o.pairs, "teacher", "d", filepath.Join(r.out, "wigner_teacher.png"))
	}
	return nil
}

// runTeacher trains (or loads) runs 0..runs-1 of tc that belong to this shard, persisting each
// under dir/runs/teacher as it completes, and writes teacher_spectra.csv and teacher_drift.csv
// into dir when the ensemble is complete and this is not a shard.
func (r *runner) runTeacher(dir string, tc teacher.Config, runs int) (*teacherOutcome, error) {
	if err := tc.Validate(); err != nil {
		return nil, err
	}
	if err := r.writeShardConfig(); err != nil {
		return nil, err
	}
	// A run is determined by the trainer's whole configuration and its index (in the member).
	tag, err := runstore.Key("teacher", tc)
	if err != nil {
		return nil, err
	}
	store := runstore.Store{Dir: filepath.Join(dir, "runs", "teacher"), Tag: tag}
	members := make([]*teacherMember, runs)
	var todo []int
	for i := 0; i < runs; i++ {
		if !r.mine(i) {
			continue
		}
		m, ok, err := loadMember[teacherMember](r, store, i)
		if err != nil {
			return nil, err
		}
		if ok && len(m.Result.Spectra) > 0 {
			members[i] = &m
		} else {
			todo = append(todo, i)
		}
	}
	if err := r.mayCompute(store, todo); err != nil {
		return nil, err
	}

	workers := max(1, min(runtime.NumCPU(), len(todo)))
	t0 := time.Now()
	done, err := r.trainPool("teacher", todo, workers, func(i int) error {
		ts := time.Now()
		res, err := teacher.TrainRunContext(r.context(), tc, i)
		m := &teacherMember{Result: res, Seconds: time.Since(ts).Seconds(), Workers: workers}
		if err == nil {
			err = runstore.Save(store, i, *m)
		}
		if err == nil {
			members[i] = m
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	wall := time.Since(t0).Seconds()
	r.storeDone(store, runs)

	o := &teacherOutcome{cfg: tc, trained: done, complete: !r.sharded()}
	steps := float64(tc.TotalSteps())
	var estWall float64
	for i, m := range members {
		if m == nil {
			if r.mine(i) {
				return nil, fmt.Errorf("teacher run %d is missing after training", i)
			}
			o.complete = false
			continue
		}
		o.results = append(o.results, m.Result)
		estWall += m.Seconds / float64(max(1, m.Workers))
	}
	if done > 0 {
		o.rate, o.measured = float64(done)*steps/wall, true
	} else if estWall > 0 {
		o.rate = float64(len(o.results)) * steps / estWall
	}
	if len(o.results) == 0 || !o.complete {
		return o, nil // a shard: its runs are stored, the outputs are the merge's
	}
	acc, err := teacher.MergeDrift(o.results)
	if err != nil {
		return nil, err
	}
	if o.ens, err = teacher.TrainedWith(tc, o.results, acc); err != nil {
		return nil, err
	}
	o.pairs = o.ens.FinalPairs()
	if err := writeSpectra(filepath.Join(dir, "teacher_spectra.csv"), o.ens); err != nil {
		return nil, err
	}
	if o.ens.Drift != nil {
		var buf bytes.Buffer
		if err := model.WriteTimeTables(&buf, o.ens.Drift); err != nil {
			return nil, err
		}
		if err := output.WriteBytes(filepath.Join(dir, "teacher_drift.csv"), buf.Bytes()); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// teacherSummary is the "teacher" section of summary.json.
type teacherSummary struct {
	Modes            []teacherMode   `json:"modes"`
	Pairs            []teacherPair   `json:"pairs"`
	Theory           []teacherTheory `json:"theory"`
	Runs             int             `json:"runs"`
	Steps            int             `json:"steps"`
	Alpha            jnum            `json:"alpha"`
	Batch            int             `json:"batch"`
	Noise            jnum            `json:"noise"`
	UpdatesPerSecond jnum            `json:"updates_per_second"`
}

// teacherMode is one mode of the recorded spectrum (ascending) at the last step.
type teacherMode struct {
	Mean   jnum `json:"mean"`
	Var    jnum `json:"var"`
	Target jnum `json:"target"`
}

// teacherPair is a degenerate pair at the last step.
type teacherPair struct {
	Modes          [2]int `json:"modes"`
	MeanSpacing    jnum   `json:"mean_spacing"`
	MeanSpacingErr jnum   `json:"mean_spacing_err"`
	Var            jnum   `json:"var"`
	Binder         jnum   `json:"binder"`
}

// teacherTheory is a pair's mean spacing by the linear theory (teacher.LeadingSpacing and
// teacher.ExactSpacing; for the gram spectrum times 2|d|, x = d^2 + 2|d| h), and the measured
// <S> over the exact one with its error.
type teacherTheory struct {
	Modes    [2]int `json:"modes"`
	Leading  jnum   `json:"leading"`
	Exact    jnum   `json:"exact"`
	Ratio    jnum   `json:"ratio"`
	RatioErr jnum   `json:"ratio_err"`
}

func (o *teacherOutcome) summary() teacherSummary {
	c, e := o.cfg, o.ens
	last := len(e.Steps) - 1
	sum := teacherSummary{Runs: e.Members(), Steps: c.TotalSteps(), Alpha: jnum(c.Alpha), Batch: c.Batch, Noise: jnum(c.Noise),
		UpdatesPerSecond: jnum(o.rate), Modes: make([]teacherMode, e.Modes()), Pairs: []teacherPair{}, Theory: []teacherTheory{}}
	for k := range sum.Modes {
		m := rmt.SampleMoments(e.Column(last, k))
		sum.Modes[k] = teacherMode{Mean: jnum(m.Mean), Var: jnum(m.Var), Target: jnum(e.Targets[k])}
	}
	for _, p := range o.pairs {
		sum.Pairs = append(sum.Pairs, teacherPair{Modes: p.Modes, MeanSpacing: jnum(p.MeanSpacing), MeanSpacingErr: jnum(p.MeanSpacingErr),
			Var: jnum(p.Pooled.Var), Binder: jnum(p.Pooled.Binder)})
		scale := 1.0
		if c.Spectrum == teacher.SpectrumGram {
			scale = 2 * math.Sqrt(p.Target)
		}
		exact := scale * teacher.ExactSpacing(c.Alpha, c.Batch, c.Noise, c.Size)
		sum.Theory = append(sum.Theory, teacherTheory{Modes: p.Modes, Leading: jnum(scale * teacher.LeadingSpacing(c.Alpha, c.Batch, c.Noise)),
			Exact: jnum(exact), Ratio: jnum(p.MeanSpacing / exact), RatioErr: jnum(p.MeanSpacingErr / exact)})
	}
	return sum
}

func (r *runner) sayTeacher(o *teacherOutcome, sum teacherSummary) {
	src := "measured"
	if !o.measured {
		src = "stored with the runs"
	}
	r.say("teacher: %d runs x %d updates (%d trained now), %.4g updates/s (%s)", sum.Runs, sum.Steps, o.trained, o.rate, src)
	for i, p := range o.pairs {
		th := sum.Theory[i]
		r.say("  pair %v (d = %.4g): <S> = %.4g +- %.2g, exact theory %.4g (ratio %.4f +- %.4f), leading order %.4g",
			p.Modes, p.Target, p.MeanSpacing, p.MeanSpacingErr, float64(th.Exact), float64(th.Ratio), float64(th.RatioErr), float64(th.Leading))
	}
}
