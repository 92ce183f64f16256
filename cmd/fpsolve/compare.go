package main

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"fpsolve/ensemble"
	"fpsolve/fokkerplanck"
	"fpsolve/rmt"
)

// comparisonStage puts the agreement of the theories with the trained RBM ensemble into the
// summary ("comparison"): per eigenvalue (ascending, the RBM's order), the RBM's final mean with
// its standard error and variance; the Fokker-Planck marginal's and the Langevin walkers' mean and
// variance; the Kolmogorov-Smirnov distance of each from the RBM sample; and whether the mean lies
// within 4 standard errors and the variance within 30% (the pipeline's acceptance figures).
// "times" gives the same figures at every earlier recorded step at which a theory has a snapshot
// too, so that the path is checked, not only the end.
var comparisonStage = stage{
	name:    "comparison",
	untimed: true,
	enabled: func(r *runner) bool {
		e, _ := r.compared()
		return e != nil && !r.sharded()
	},
	run: func(_ context.Context, r *runner) error { r.compareTheories(); return nil },
}

// compared returns the trained ensemble the theories are compared with and its name: the
// [rbm] stage's (complete), or the one ensemble of an [ensemble] section of one file; nil
// without one.
func (r *runner) compared() (*ensemble.Trained, string) {
	if o := r.res.rbm; o != nil && o.complete && o.ens != nil {
		return o.ens, "RBM"
	}
	if e := r.res.fromFile; e != nil {
		return e, "[ensemble] " + filepath.Base(e.Source)
	}
	return nil, ""
}

func (r *runner) compareTheories() {
	e, label := r.compared()
	n := e.Modes()
	fp := r.res.time
	if fp != nil && len(fp.mode) != n {
		fp = nil
	}
	var lx [][]float64
	if l := r.res.langevin; l != nil && len(l.cols) == n {
		lx = l.cols
	}
	if fp == nil && lx == nil {
		return
	}
	var fpFinal [][]float64
	if fp != nil {
		fpFinal = fp.p[len(fp.p)-1]
	}
	modes, worstSE, worstVar := compareAt(e.Final(), fp, fpFinal, lx)
	var times []compareTime
	var lines []string
	for k, step := range e.Steps[:len(e.Steps)-1] {
		t := e.Time(k)
		fpAt, lxAt := r.theoriesAt(t)
		if fp == nil {
			fpAt = nil
		}
		if len(lxAt) != n {
			lxAt = nil
		}
		if fpAt == nil && lxAt == nil {
			continue
		}
		ms, ws, wv := compareAt(e.At(k), fp, fpAt, lxAt)
		times = append(times, compareTime{Step: step, T: jnum(t), WorstMeanPull: jnum(ws), WorstVarRelDiff: jnum(wv), Modes: ms})
		lines = append(lines, fmt.Sprintf("  at t = %.4g: worst mean pull %.2f, worst variance difference %.0f%%", t, ws, 100*wv))
	}
	warns := compareWarnings(modes, "the last step")
	var bad []string // earlier steps with a mode not reproduced: one line for all of them
	for _, ct := range times {
		if w := compareWarnings(ct.Modes, ""); len(w) > 0 {
			bad = append(bad, fmt.Sprintf("%d (%d)", ct.Step, len(w)))
		}
	}
	if len(bad) > 0 {
		warns = append(warns, fmt.Sprintf("comparison: at %d of %d earlier recorded steps a theory does not reproduce some mode (step (mode-theory pairs)): %s; see \"times\" in summary.json",
			len(bad), len(times), strings.Join(bad, ", ")))
	}
	warns = append(warns, r.thinTableWarnings(e, times)...)
	r.sum.Comparison = &comparisonSummary{Modes: modes, WorstMeanPull: jnum(worstSE), WorstVarRelDiff: jnum(worstVar), Times: times,
		Note:     label + " ensemble at its last recorded step against the theories at t_end; mean_pull = |mean - rbm mean| / rbm standard error; times: the same at earlier common times",
		Warnings: warns}
	r.say("comparison with the %s ensemble: worst mean pull %.2f standard errors, worst variance difference %.0f%%", label, worstSE, 100*worstVar)
	for _, l := range lines {
		r.say("%s", l)
	}
	for _, w := range warns {
		r.warn("%s", w)
	}
}

// compareWarnings returns one line per mode and theory that does not reproduce the RBM
// ensemble at a recorded step (when): a mean more than 4 standard errors off, or a variance
// more than 30% off (theoryOut's MeanWithin4SE and VarWithin30). Such a comparison cannot be
// trusted as agreement; likely causes are a resolution too coarse for the spectra near the
// wall (grid, drift bins, drift windows) or a model without the Coulomb term.
func compareWarnings(modes []compareMode, when string) []string {
	var out []string
	for _, m := range modes {
		for _, th := range []struct {
			name string
			o    *theoryOut
		}{{"Fokker-Planck", m.FokkerPlanck}, {"Langevin", m.Langevin}} {
			if th.o == nil || (th.o.MeanWithin4SE && th.o.VarWithin30) {
				continue
			}
			out = append(out, fmt.Sprintf("comparison: mode %d at %s: %s mean %.4g against the RBM's %.4g +- %.2g (%.1f standard errors), variance %.3g against %.3g (%+.0f%%): not an agreement; check the resolution ([grid] points and grading, drift bins and windows)",
				m.Mode, when, th.name, float64(th.o.Mean), float64(m.RBM.Mean), float64(m.RBM.MeanErr), float64(th.o.MeanPull),
				float64(th.o.Var), float64(m.RBM.Var), 100*(float64(th.o.Var)/float64(m.RBM.Var)-1)))
		}
	}
	return out
}

// compareAt compares the RBM spectra rows (one per run, ascending) with the Fokker-Planck
// marginals p (per sorted mode, on fp's cells; nil: none) and the Langevin walkers lx (per
// sorted mode; nil: none), and returns the per-mode entries and the worst pull and variance
// difference.
func compareAt(rows [][]float64, fp *marginals, p [][]float64, lx [][]float64) (modes []compareMode, worstSE, worstVar float64) {
	n := len(rows[0])
	for k := 0; k < n; k++ {
		sample := make([]float64, len(rows))
		for run, row := range rows {
			sample[run] = row[k]
		}
		sort.Float64s(sample)
		rm := rmt.SampleMoments(sample)
		se := math.Sqrt(rm.Var / float64(len(sample)))
		entry := compareMode{Mode: k, RBM: sampleOut{Mean: jnum(rm.Mean), MeanErr: jnum(se), Var: jnum(rm.Var)}}
		judge := func(mean, v, ks float64) *theoryOut {
			pull, rel := rmt.CompareMoments(rm, len(sample), mean, v)
			worstSE, worstVar = math.Max(worstSE, pull), math.Max(worstVar, rel)
			return &theoryOut{Mean: jnum(mean), Var: jnum(v), KS: jnum(ks), MeanPull: jnum(pull), VarRelDiff: jnum(rel),
				MeanWithin4SE: pull <= 4, VarWithin30: rel <= 0.3}
		}
		if p != nil {
			mo := fokkerplanck.GridMoments(p[k], fp.axis) // sorted mode k is RBM eigenvalue k
			entry.FokkerPlanck = judge(mo.Mean, mo.Var, ksGrid(sample, p[k], fp.axis))
		}
		if lx != nil {
			lm := rmt.SampleMoments(lx[k])
			entry.Langevin = judge(lm.Mean, lm.Var, rmt.KSDistance2(sample, lx[k]))
		}
		modes = append(modes, entry)
	}
	return modes, worstSE, worstVar
}

// ksGrid is the Kolmogorov-Smirnov distance between a sorted sample and a piecewise-constant
// density p on the cells of axis (rmt.KSGrid on the axis' edges).
func ksGrid(sorted, p []float64, axis fokkerplanck.Axis) float64 {
	edges := axis.Edges
	if edges == nil {
		edges = []float64{axis.Lo, axis.Hi}
	}
	return rmt.KSGrid(sorted, edges, p)
}

// tableColumn is the drift.csv column that feeds a drift = "table" model.
func (r *runner) tableColumn() string { return r.cfg.TableColumn() }

// thinMinCount is the fewest increments in a drift bin for the comparison to call the measured
// drift there trusted: with 100 the diffusion is measured to about 14% (sqrt(2/100)) and the
// drift to a tenth of the single-step noise. thinFraction is the share of a mode's ensemble
// that may lie in thinner bins (or outside the bins) before the comparison says so.
const (
	thinMinCount = 100
	thinFraction = 0.1
)

// thinTableWarnings returns the comparison's warnings about the measured drift table that drives
// the theories ([model] drift = "table" from the config's own [rbm] ensemble): at each compared
// recorded step after step 0 (times, and the last step), the modes of which more than thinFraction of the
// ensemble lies in drift bins of that step's time window with fewer than thinMinCount
// increments, where the theory's drift is uncertain.
func (r *runner) thinTableWarnings(e *ensemble.Trained, times []compareTime) []string {
	o := r.res.rbm
	if o == nil || o.acc == nil || o.ens != e || r.cfg.Model == nil || r.cfg.Model.Drift != "table" {
		return nil
	}
	acc := o.acc
	steps := make([]int, 0, len(times)+1)
	for _, ct := range times {
		steps = append(steps, ct.Step)
	}
	steps = append(steps, e.Steps[len(e.Steps)-1])
	var out []string
	for _, step := range steps {
		k := sort.SearchInts(e.Steps, step)
		if k == 0 || k == len(e.Steps) || e.Steps[k] != step {
			continue // step 0: the theories start from these spectra, no drift used yet
		}
		rows := e.At(k)
		w := acc.Window(min(step, acc.Steps-1))
		var thin []string
		col := make([]float64, len(rows))
		for m := 0; m < acc.Modes && m < len(rows[0]); m++ {
			for i, row := range rows {
				col[i] = row[m]
			}
			if f := acc.Thin(w, m, col, thinMinCount); f > thinFraction {
				thin = append(thin, fmt.Sprintf("mode %d (%.0f%%)", m, 100*f))
			}
		}
		if len(thin) > 0 {
			out = append(out, fmt.Sprintf("comparison: at step %d, %s of the ensemble lie in drift bins of window %d with fewer than %d increments (or outside the bins): the measured drift there is uncertain; give more runs, fewer bins or fewer drift_windows",
				step, strings.Join(thin, ", "), w, thinMinCount))
		}
	}
	return out
}
