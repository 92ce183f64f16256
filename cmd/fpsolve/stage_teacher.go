package main

import (
	"bytes"
	"context"
	"math"
	"path/filepath"

	"fpsolve/ensemble"
	"fpsolve/internal/output"
	"fpsolve/model"
	"fpsolve/rmt"
	"fpsolve/teacher"
)

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
	enabled: func(r *runner) bool { return r.cfg.Teacher != nil && r.cfg.Sweep == nil },
	run:     func(_ context.Context, r *runner) error { return r.stageTeacher() },
}

func (r *runner) stageTeacher() error {
	o, err := r.runTeacher(r.out, r.cfg.Teacher.Config, r.cfg.Teacher.Runs, "teacher")
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
func (r *runner) runTeacher(dir string, tc teacher.Config, runs int, label string) (*teacherOutcome, error) {
	if err := tc.Validate(); err != nil {
		return nil, err
	}
	tr, err := trainRuns(r, dir, "teacher", label, tc, runs, float64(tc.TotalSteps()),
		func(res teacher.RunResult) bool { return len(res.Spectra) > 0 },
		func(ctx context.Context, i int) (teacher.RunResult, error) {
			return teacher.TrainRunContext(ctx, tc, i)
		})
	if err != nil {
		return nil, err
	}
	o := &teacherOutcome{cfg: tc, results: tr.results, trained: tr.trained, complete: tr.complete, rate: tr.rate, measured: tr.measured}
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
	Dir              string          `json:"dir,omitempty"` // a sweep setting's subdirectory
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
