package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"

	"fpsolve/internal/config"
	"fpsolve/internal/output"

	"fpsolve/ensemble"
	"fpsolve/internal/plots"
	"fpsolve/rbmdrift"
	"fpsolve/rmt"
)

// ensembleStage analyses the trained ensembles of [ensemble] (spectra tables read when the
// config was validated): per file ensemble_spectra.csv (ensemble_spectra_<k>.csv with several
// files), ensemble.png and wigner_ensemble.png (ensemble_<k>.png, wigner_ensemble_<k>.png) and
// an entry of the "ensemble" summary.
var ensembleStage = stage{
	name:    "ensemble",
	enabled: func(r *runner) bool { return r.cfg.Ensemble != nil },
	run:     func(_ context.Context, r *runner) error { return r.stageEnsemble() },
}

// ensembleSummary is the "ensemble" section of summary.json.
type ensembleSummary struct {
	Files []ensembleFileOut `json:"files"`
}

type ensembleFileOut struct {
	File        string          `json:"file"`
	Settings    ensembleSetting `json:"settings"`
	Runs        int             `json:"runs"`
	Snapshots   int             `json:"snapshots"`
	TargetsFrom string          `json:"targets_from"` // "config" or "data" (the rule of the README)
	Modes       []teacherMode   `json:"modes"`
	Pairs       []teacherPair   `json:"pairs"`
	// DriftSnapshotPairs counts the consecutive snapshots one step apart that gave the
	// Kramers-Moyal tables (ensemble_drift.csv); 0: no table.
	DriftSnapshotPairs int `json:"drift_snapshot_pairs"`
}

// ensembleDriftBins is the number of equal bins per mode of an [ensemble] drift table, over
// the range of the values that start an increment.
const ensembleDriftBins = 60

type ensembleSetting struct {
	Alpha jnum `json:"alpha"`
	Batch int  `json:"batch"`
	Noise jnum `json:"noise"` // 0: none given
}

func (r *runner) stageEnsemble() error {
	files := r.cfg.EnsembleFiles()
	sum := &ensembleSummary{Files: []ensembleFileOut{}}
	var pts []sweepPoint
	for k, f := range files {
		rec := f.Recorded
		n := len(rec.Spectra[0][0])
		e := &ensemble.Trained{Source: f.Path, Alpha: f.Alpha, Batch: f.Batch,
			Runs: rec.Runs, Steps: rec.Steps, Spectra: rec.Spectra, Targets: f.Targets, Fixed: make([]float64, n)}
		for i := range e.Fixed {
			e.Fixed[i] = math.NaN()
		}
		if err := e.Validate(); err != nil {
			return fmt.Errorf("%s: %w", f.Path, err)
		}
		suffix := ""
		if len(files) > 1 {
			suffix = fmt.Sprintf("_%d", k)
		}
		if err := writeSpectra(filepath.Join(r.out, "ensemble_spectra"+suffix+".csv"), e); err != nil {
			return err
		}
		// Kramers-Moyal tables from the snapshots one step apart (none: no table).
		acc, used := rbmdrift.SnapshotDrift(e.Spectra, e.Steps, e.Alpha, ensembleDriftBins)
		if acc != nil {
			e.Drift = acc.TimeTables(e.Alpha, e.Steps[len(e.Steps)-1]+1)
			if err := writeDriftTables(filepath.Join(r.out, "ensemble_drift"+suffix+".csv"), e.Drift); err != nil {
				return err
			}
		}
		last := len(e.Steps) - 1
		out := ensembleFileOut{File: f.Path, Settings: ensembleSetting{Alpha: jnum(e.Alpha), Batch: e.Batch, Noise: jnum(f.Noise)}, Runs: e.Members(),
			Snapshots: len(e.Steps), TargetsFrom: "config", Modes: make([]teacherMode, n), Pairs: []teacherPair{}}
		if f.Derived {
			out.TargetsFrom = "data"
		}
		for i := range out.Modes {
			m := rmt.SampleMoments(e.Column(last, i))
			out.Modes[i] = teacherMode{Mean: jnum(m.Mean), Var: jnum(m.Var), Target: jnum(e.Targets[i])}
		}
		pairs := e.FinalPairs()
		from := f.Path
		if len(f.Files) > 1 {
			from = fmt.Sprintf("%s and %d more files (one per run)", f.Path, len(f.Files)-1)
		}
		r.say("ensemble %s: %d runs x %d snapshots of %d modes (steps %d..%d), alpha %g, batch %d, targets from the %s", from, e.Members(), len(e.Steps), n,
			e.Steps[0], e.Steps[last], e.Alpha, e.Batch, out.TargetsFrom)
		for _, p := range pairs {
			out.Pairs = append(out.Pairs, teacherPair{Modes: p.Modes, MeanSpacing: jnum(p.MeanSpacing), MeanSpacingErr: jnum(p.MeanSpacingErr),
				Var: jnum(p.Pooled.Var), Binder: jnum(p.Pooled.Binder)})
			r.say("  pair %v (target %.4g): <S> = %.4g +- %.2g, pooled var %.4g, Binder %.3f (Coulomb gas -0.148)",
				p.Modes, p.Target, p.MeanSpacing, p.MeanSpacingErr, p.Pooled.Var, p.Pooled.Binder)
		}
		if f.Batch > 0 {
			x := ensembleX(f.Alpha, f.Batch, f.Noise)
			for pi, p := range pairs {
				sp := pairPoint(e, pi, p, f.Alpha, f.Batch, x)
				sp.noise, sp.langS, sp.langErr = f.Noise, math.NaN(), math.NaN()
				pts = append(pts, sp)
			}
		}
		out.DriftSnapshotPairs = used
		if used > 0 {
			r.say("  drift: Kramers-Moyal tables from %d pairs of snapshots one step apart (%d increments per mode)", used, used*e.Members())
		}
		sum.Files = append(sum.Files, out)
		if len(files) == 1 {
			r.res.fromFile = e
		}
		if r.cfg.PlotsEnabled() {
			// The Marchenko-Pastur law over step 0 where the matrix shape is known (weights, not
			// spectra), with the entries' variance fitted from the step-0 spectra.
			mp, _ := ensembleMP(f, e)
			panels := spectraPanels(e, "ensemble", f.Spectrum.String()+" spectrum", mp)
			if err := plots.Write(filepath.Join(r.out, "ensemble"+suffix+".png"), 2, panels...); err != nil {
				return err
			}
			if err := plotPairs(pairs, "ensemble", "target", filepath.Join(r.out, "wigner_ensemble"+suffix+".png")); err != nil {
				return err
			}
		}
	}
	r.sum.Ensemble = sum
	return r.ensembleSweep(files, pts)
}

// ensembleMP is the Marchenko-Pastur law of an [ensemble] of weight matrices at its first
// snapshot, for singular values and for W^T W with cols <= rows (a law of its nonzero
// eigenvalues): M = max(rows, cols), r = min/max, and s2 fitted by moments, the mean of x
// (W^T W) or x^2 (singular values) over every member, over M. Nil where it does not apply.
func ensembleMP(f config.EnsembleFile, e *ensemble.Trained) ([]plots.Series, float64) {
	if f.Rows == 0 || (f.Spectrum != ensemble.Singular && f.Spectrum != ensemble.Gram) || (f.Spectrum == ensemble.Gram && f.Cols > f.Rows) {
		return nil, math.NaN()
	}
	m, n := max(f.Rows, f.Cols), min(f.Rows, f.Cols)
	r := float64(n) / float64(m)
	var sum float64
	var cnt int
	for _, row := range e.Initial() {
		for _, x := range row {
			if f.Spectrum == ensemble.Singular {
				x *= x
			}
			sum, cnt = sum+x, cnt+1
		}
	}
	s2 := sum / float64(cnt) / float64(m)
	if !(s2 > 0) {
		return nil, math.NaN()
	}
	a, b := rmt.MarchenkoPasturEdges(r, s2, m)
	mx, my := make([]float64, 300), make([]float64, 300)
	for i := range mx {
		v := a + (b-a)*(float64(i)+0.5)/300
		if f.Spectrum == ensemble.Gram {
			mx[i], my[i] = v, rmt.MarchenkoPastur(v, r, s2, m)
		} else { // the singular value s = sqrt(v): density 2 s P(s^2)
			mx[i] = math.Sqrt(v)
			my[i] = 2 * mx[i] * rmt.MarchenkoPastur(v, r, s2, m)
		}
	}
	return []plots.Series{{Name: fmt.Sprintf("Marchenko-Pastur, s2 = %.3g fitted (large N)", s2), X: mx, Y: my, Dashed: true}}, s2
}

// ensembleX is the abscissa of an [ensemble] scaling fit: sqrt(alpha/|B|), times the noise
// where the files give one (the teacher-student law <S> ~ sqrt(alpha/|B|) eps).
func ensembleX(alpha float64, batch int, noise float64) float64 {
	x := math.Sqrt(alpha / float64(batch))
	if noise > 0 {
		x *= noise
	}
	return x
}

// ensembleSweep fits <S> = a x over the pairs of every file when the files hold more than one
// setting (alpha, |B|, noise; all with |B| known), as [sweep] does for the trainers: the
// "sweep" summary with a_fit, chi2/dof and one fit per pair index, scaling.csv, scaling.png and
// the data collapse wigner_sweep.png. With one setting there is nothing to fit.
func (r *runner) ensembleSweep(files []config.EnsembleFile, pts []sweepPoint) error {
	type setting struct {
		a, e float64
		b    int
	}
	settings := map[setting]bool{}
	for _, f := range files {
		if f.Batch == 0 {
			return nil
		}
		settings[setting{f.Alpha, f.Noise, f.Batch}] = true
	}
	if len(settings) < 2 || len(pts) == 0 {
		return nil
	}
	sum := &sweepSummary{AFit: jnum(math.NaN()), AFitErr: jnum(math.NaN()), Chi2Dof: jnum(math.NaN())}
	for _, p := range pts {
		sum.Points = append(sum.Points, sweepOut{Alpha: jnum(p.alpha), Batch: p.batch, Noise: ptr(jnum(p.noise)), Pair: p.pair, Modes: p.modes,
			Kappa: jnum(p.kappa), X: jnum(p.x), MeanSpacing: jnum(p.meanS), MeanSpacingErr: jnum(p.meanErr),
			SigmaFit: jnum(p.sigma), SigmaFitErr: jnum(p.sigmaErr), Binder: jnum(p.binder), BinderErr: jnum(p.binderErr),
			LangevinMeanSpacing: jnum(p.langS), LangevinMeanSpacingErr: jnum(p.langErr)})
	}
	if fit, err := fitSpacing(pts); err == nil {
		sum.AFit, sum.AFitErr, sum.Chi2Dof = jnum(fit.Slope), jnum(fit.SlopeErr), chi2dof(fit)
		r.say("ensemble sweep: <S> = a x, x = sqrt(alpha/|B|) (times the noise where given), over %d points of %d settings: a = %.4g +- %.2g, chi2/dof %.3g",
			len(pts), len(settings), fit.Slope, fit.SlopeErr, fit.Chi2/float64(max(1, fit.Dof)))
	} else {
		r.say("ensemble sweep: no fit of <S> (%v)", err)
	}
	byPair := map[int][]sweepPoint{}
	for _, p := range pts {
		byPair[p.pair] = append(byPair[p.pair], p)
	}
	for pi := 0; pi < len(byPair); pi++ {
		ps := byPair[pi]
		if fit, err := fitSpacing(ps); err == nil && len(ps) > 1 {
			sum.PairFits = append(sum.PairFits, pairFitOut{Pair: pi, Kappa: jnum(ps[0].kappa), A: jnum(fit.Slope), AErr: jnum(fit.SlopeErr),
				Chi2Dof: chi2dof(fit), Points: len(ps)})
		}
	}
	r.sum.Sweep = sum
	err := output.WriteFile(filepath.Join(r.out, "scaling.csv"), func(w io.Writer) error {
		c := output.NewCSV(w, "alpha", "batch", "noise", "pair", "target", "mean_spacing", "mean_spacing_err", "sigma_fit", "sigma_fit_err",
			"binder", "binder_err", "x")
		for _, p := range pts {
			c.Row(p.alpha, float64(p.batch), p.noise, float64(p.pair), p.kappa, p.meanS, p.meanErr, p.sigma, p.sigmaErr, p.binder, p.binderErr, p.x)
		}
		return c.Err()
	})
	if err != nil || !r.cfg.PlotsEnabled() {
		return err
	}
	var ser []plots.Series
	xs, ys := make([]float64, len(pts)), make([]float64, len(pts))
	top := 0.0
	for k, p := range pts {
		xs[k], ys[k] = p.x, p.meanS
		top = math.Max(top, 1.05*p.x)
		if !math.IsNaN(p.meanErr) {
			ser = append(ser, plots.Series{X: []float64{p.x, p.x}, Y: []float64{p.meanS - p.meanErr, p.meanS + p.meanErr}, Color: plots.Palette[0], Width: 1})
		}
	}
	ser = append(ser, plots.Series{Name: "<S> per (file setting, pair)", X: xs, Y: ys, Kind: plots.Marks, Color: plots.Palette[0]})
	if a := float64(sum.AFit); !math.IsNaN(a) {
		ser = append(ser, plots.Series{Name: fmt.Sprintf("fit <S> = %.4g x", a), X: []float64{0, top}, Y: []float64{0, a * top}, Dashed: true, Color: plots.Palette[3]})
	}
	if err := plots.Write(filepath.Join(r.out, "scaling.png"), 1,
		plots.Panel{Title: "ensembles from files: mean spacing of degenerate pairs", XLabel: "x = sqrt(alpha/|B|) (x noise)", YLabel: "<S>", Series: ser, Legend: true}); err != nil {
		return err
	}
	return plotCollapse(r.out, pts, "ensembles from files")
}
