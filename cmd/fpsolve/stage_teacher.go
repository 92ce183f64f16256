package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"path/filepath"

	"fpsolve/ensemble"
	"fpsolve/internal/output"
	"fpsolve/internal/plots"
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
		if err := plotTeacher(o, filepath.Join(r.out, "teacher.png")); err != nil {
			return err
		}
		return plotPairs(o.pairs, "teacher", "d", filepath.Join(r.out, "wigner_teacher.png"))
	}
	return nil
}

// plotTeacher draws teacher.png: the student's recorded spectrum (all modes pooled) at the
// start, about 1/3 and 2/3 of the way and the end, with the Marchenko-Pastur law of the
// initial N(0, init_sigma^2) matrix over step 0 (its large-N form: at N = 2 a guide, not a fit)
// and the targets marked later; and, when the drift was measured, the drift per bin against
// the linear drift -(x - d) (teacher.Drift). At a degenerate pair the measured drift also
// holds the Coulomb repulsion of the pair, g^2 / (x_j - x_i) with g^2 = (alpha/|B|) eps^2,
// which pushes the lower mode down and the upper one up near d.
func plotTeacher(o *teacherOutcome, path string) error {
	c, e := o.cfg, o.ens
	gram := c.Spectrum == teacher.SpectrumGram
	what := "singular values of W"
	if gram {
		what = "eigenvalues of W^T W"
	}
	var mp []plots.Series
	if c.InitSigma > 0 {
		w2 := c.InitSigma * c.InitSigma
		a, b := rmt.MarchenkoPasturEdges(1, w2, c.Size)
		mx, my := make([]float64, 300), make([]float64, 300)
		for i := range mx {
			v := a + (b-a)*(float64(i)+0.5)/300
			if gram {
				mx[i], my[i] = v, rmt.MarchenkoPastur(v, 1, w2, c.Size)
			} else { // the singular value s = sqrt(v): density 2 s P(s^2)
				mx[i] = math.Sqrt(v)
				my[i] = 2 * mx[i] * rmt.MarchenkoPastur(v, 1, w2, c.Size)
			}
		}
		mp = []plots.Series{{Name: "Marchenko-Pastur (large N)", X: mx, Y: my, Dashed: true}}
	}
	panels := spectraPanels(e, "teacher-student ensemble", what, mp)
	if len(e.Drift) > 0 {
		var ser []plots.Series
		for mode := range e.Modes() {
			col := plots.Palette[mode%len(plots.Palette)]
			var x, y, ly []float64
			for _, w := range e.Drift {
				for _, b := range w.Rows {
					if b.Mode == mode && b.Count >= model.MinCount && !math.IsNaN(b.Drift) {
						x, y, ly = append(x, b.X), append(y, b.Drift), append(ly, teacher.Drift(b.X, e.Targets[mode]))
					}
				}
			}
			if len(x) == 0 {
				continue
			}
			ser = append(ser, plots.Series{Name: fmt.Sprintf("mode %d", mode), X: x, Y: y, Kind: plots.Marks, Color: col},
				plots.Series{X: x, Y: ly, Dashed: true, Color: col})
		}
		panels = append(panels, plots.Panel{Title: "measured drift (marks) vs the linear drift -(x - d) near d (dashed)", XLabel: "x",
			YLabel: "dx/dt, t = alpha * step", Series: ser, Legend: e.Modes() <= 10})
	}
	return plots.Write(path, 2, panels...)
}

// spectraPanels returns the panels of a trained ensemble's recorded spectra (all modes pooled)
// at the start, about 1/3 and 2/3 of the way and the end: at the start with the series first
// laid over it (nil: none), later with the targets marked, against x - <x> where the spread is
// below 10% of the centre (so that the tick labels stay readable). source names the ensemble in
// the legend, what the recorded values in the titles.
func spectraPanels(e *ensemble.Trained, source, what string, first []plots.Series) []plots.Panel {
	nrec := len(e.Steps)
	pick := []int{0}
	for _, f := range []float64{1.0 / 3, 2.0 / 3, 1} {
		if k := int(math.Round(f * float64(nrec-1))); k > pick[len(pick)-1] {
			pick = append(pick, k)
		}
	}
	var panels []plots.Panel
	for _, k := range pick {
		var xs []float64
		for _, spec := range e.At(k) {
			xs = append(xs, spec...)
		}
		c0, xlabel := 0.0, "x"
		if lo, hi := minMax(xs); k > 0 && hi-lo < 0.1*math.Abs(rmt.Mean(xs)) {
			c0 = rmt.Mean(xs)
			xlabel = fmt.Sprintf("x - %.6g", c0)
			for i := range xs {
				xs[i] -= c0
			}
		}
		lo, hi := minMax(xs)
		if k > 0 {
			for _, d := range e.Targets {
				lo, hi = math.Min(lo, d-c0), math.Max(hi, d-c0)
			}
		}
		pad := 0.02*(hi-lo) + 1e-9
		lo, hi = lo-pad, hi+pad
		nb := max(20, min(120, len(xs)/20))
		h := rmt.NewHistogram(lo, hi, nb)
		h.Fill(xs)
		dens := h.Density()
		ser := []plots.Series{{Name: fmt.Sprintf("%s (%d runs)", source, e.Members()), X: h.Centers(), Y: dens, Kind: plots.Steps}}
		if k == 0 {
			ser = append(ser, first...)
		} else {
			var tx []float64
			for _, d := range e.Targets {
				tx = append(tx, d-c0)
			}
			ser = append(ser, plots.Series{Name: "targets", X: tx, Y: []float64{maxOf(dens)}, Kind: plots.VLine, Color: plots.Palette[7]})
		}
		pn := plots.Panel{Title: fmt.Sprintf("%s, step %d (t = %.4g)", what, e.Steps[k], e.Time(k)),
			XLabel: xlabel, YLabel: "density (all modes pooled)", Series: ser, Legend: true, XMin: lo, XMax: hi}
		if k == 0 {
			pn.YMax = 1.5 * maxOf(dens)
		}
		panels = append(panels, pn)
	}
	return panels
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
	if err := writeSpectraNPZ(filepath.Join(dir, "teacher_spectra.npz"), o.ens, map[string]any{"noise": tc.Noise}); err != nil {
		return nil, err
	}
	if tc.SaveWeights {
		runs, snaps := make([]int, len(o.results)), make([][][]float64, len(o.results))
		for m, res := range o.results {
			runs[m], snaps[m] = res.Run, res.WeightSnapshots
		}
		if err := writeWeightsNPZ(filepath.Join(dir, "teacher_weights.npz"), runs, snaps, tc.Size, tc.Size, o.ens, map[string]any{"noise": tc.Noise}); err != nil {
			return nil, err
		}
	}
	if o.ens.Drift != nil {
		if err := writeDriftTables(filepath.Join(dir, "teacher_drift.csv"), o.ens.Drift); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// writeDriftTables writes a trained ensemble's Kramers-Moyal tables as a drift table file
// (model.WriteTimeTables), atomically.
func writeDriftTables(path string, windows []model.WindowRows) error {
	var buf bytes.Buffer
	if err := model.WriteTimeTables(&buf, windows); err != nil {
		return err
	}
	return output.WriteBytes(path, buf.Bytes())
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
