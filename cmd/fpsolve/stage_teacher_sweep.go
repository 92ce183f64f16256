package main

import (
	"fmt"
	"io"
	"math"
	"path/filepath"

	"fpsolve/internal/output"
	"fpsolve/internal/plots"
	"fpsolve/teacher"
)

// teacherSweepDir is the subdirectory of one teacher sweep setting.
func teacherSweepDir(alpha float64, batch int, noise float64) string {
	return fmt.Sprintf("alpha=%g_batch=%d_noise=%g", alpha, batch, noise)
}

// teacherScale is the factor from the singular-value spacing to the recorded spectrum's: 1 for
// singular values, 2|d| for the eigenvalues of W^T W (x = d^2 + 2|d| h to first order).
func teacherScale(c teacher.Config, target float64) float64 {
	if c.Spectrum == teacher.SpectrumGram {
		return 2 * math.Sqrt(target)
	}
	return 1
}

// stageTeacherSweep trains the [teacher] ensemble at every combination of the [sweep] alphas,
// batches and noises (each in its own subdirectory, with the setting's teacher_spectra.csv,
// teacher_drift.csv and wigner_teacher.png), and fits <S> = a sqrt(alpha/|B|) eps over all
// degenerate pairs, with the exact stationary law of the linear recursion
// (teacher.ExactSpacing) beside every point: scaling.csv, scaling.png, wigner_sweep.png and the
// "sweep" summary. Every setting runs the section's steps (the relaxation time is 1/alpha
// updates, so the steps must cover the smallest alpha's).
func (r *runner) stageTeacherSweep() error {
	base := r.cfg.Teacher.Config
	alphas, batches, noises := r.cfg.Sweep.Alpha, r.cfg.Sweep.Batch, r.cfg.Sweep.Noise
	if len(alphas) == 0 {
		alphas = []float64{base.Alpha}
	}
	if len(batches) == 0 {
		batches = []int{base.Batch}
	}
	if len(noises) == 0 {
		noises = []float64{base.Noise}
	}
	var pts []sweepPoint
	sum := &sweepSummary{Points: []sweepOut{}, AFit: jnum(math.NaN()), AFitErr: jnum(math.NaN()), Chi2Dof: jnum(math.NaN())}
	for _, a := range alphas {
		for _, b := range batches {
			for _, e := range noises {
				tc := base
				tc.Alpha, tc.Batch, tc.Noise = a, b, e
				name := teacherSweepDir(a, b, e)
				dir := filepath.Join(r.out, name)
				o, err := r.runTeacher(dir, tc, r.cfg.Teacher.Runs, "teacher "+name)
				if err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
				if !o.complete {
					continue
				}
				set := o.summary()
				set.Dir = name
				sum.TeacherSettings = append(sum.TeacherSettings, set)
				r.sayTeacher(o, set)
				if r.cfg.PlotsEnabled() {
					if err := plotTeacher(o, filepath.Join(dir, "teacher.png")); err != nil {
						return err
					}
					if err := plotPairs(o.pairs, "teacher", "d", filepath.Join(dir, "wigner_teacher.png")); err != nil {
						return err
					}
				}
				for pi, p := range o.pairs {
					scale := teacherScale(tc, p.Target)
					sp := pairPoint(o.ens, pi, p, a, b, scale*math.Sqrt(a/float64(b))*e)
					sp.noise = e
					sp.leading = scale * teacher.LeadingSpacing(a, b, e)
					sp.exact = scale * teacher.ExactSpacing(a, b, e, tc.Size)
					sp.langS, sp.langErr = math.NaN(), math.NaN()
					pts = append(pts, sp)
				}
			}
		}
	}
	if r.sharded() {
		return nil
	}
	var chi2, rel float64
	for _, p := range pts {
		ratio, ratioErr := p.meanS/p.exact, p.meanErr/p.exact
		sum.Points = append(sum.Points, sweepOut{Alpha: jnum(p.alpha), Batch: p.batch, Noise: ptr(jnum(p.noise)), Pair: p.pair, Modes: p.modes,
			Kappa: jnum(p.kappa), X: jnum(p.x), MeanSpacing: jnum(p.meanS), MeanSpacingErr: jnum(p.meanErr),
			SigmaFit: jnum(p.sigma), SigmaFitErr: jnum(p.sigmaErr), Binder: jnum(p.binder), BinderErr: jnum(p.binderErr),
			LangevinMeanSpacing: jnum(p.langS), LangevinMeanSpacingErr: jnum(p.langErr),
			Leading: ptr(jnum(p.leading)), Exact: ptr(jnum(p.exact)), Ratio: ptr(jnum(ratio)), RatioErr: ptr(jnum(ratioErr))})
		d := (p.meanS - p.exact) / p.meanErr
		chi2, rel = chi2+d*d, rel+math.Abs(ratio-1)
	}
	if n := len(pts); n > 0 {
		sum.ExactAgreement = &agreementOut{Points: n, Chi2PerPoint: jnum(chi2 / float64(n)), MeanAbsRelDiff: jnum(rel / float64(n))}
	}
	r.sum.Sweep = sum
	if fit, err := fitSpacing(pts); err == nil {
		sum.AFit, sum.AFitErr, sum.Chi2Dof = jnum(fit.Slope), jnum(fit.SlopeErr), chi2dof(fit)
		r.say("sweep: <S> = a sqrt(alpha/|B|) eps over %d points: a = %.4g +- %.2g (sqrt(pi) = %.4g at small alpha), chi2/dof %.3g",
			len(pts), fit.Slope, fit.SlopeErr, math.Sqrt(math.Pi), fit.Chi2/float64(max(1, fit.Dof)))
	} else if len(pts) > 0 {
		r.say("sweep: no fit of <S> (%v)", err)
	}
	if a := sum.ExactAgreement; a != nil {
		r.say("  against the exact law over %d points: chi2 per point %.3g, mean |<S>/exact - 1| %.2f%%", a.Points, float64(a.Chi2PerPoint), 100*float64(a.MeanAbsRelDiff))
	}
	err := output.WriteFile(filepath.Join(r.out, "scaling.csv"), func(w io.Writer) error {
		c := output.NewCSV(w, "alpha", "batch", "noise", "pair", "target", "mean_spacing", "mean_spacing_err", "sigma_fit", "sigma_fit_err",
			"binder", "binder_err", "x", "leading", "exact", "ratio", "ratio_err")
		for _, p := range pts {
			c.Row(p.alpha, float64(p.batch), p.noise, float64(p.pair), p.kappa, p.meanS, p.meanErr, p.sigma, p.sigmaErr, p.binder, p.binderErr,
				p.x, p.leading, p.exact, p.meanS/p.exact, p.meanErr/p.exact)
		}
		return c.Err()
	})
	if err != nil {
		return err
	}
	if !r.cfg.PlotsEnabled() || len(pts) == 0 {
		return nil
	}
	return plotTeacherSweep(r.out, pts, float64(sum.AFit))
}

func ptr[T any](v T) *T { return &v }

// plotTeacherSweep draws scaling.png for a teacher sweep: <S> against x = sqrt(alpha/|B|) eps
// with error bars, the exact law at every point, the small-alpha law sqrt(pi) x and the fitted
// line; and <S> over the exact law against alpha/|B|. Then wigner_sweep.png (plotCollapse).
func plotTeacherSweep(dir string, pts []sweepPoint, aFit float64) error {
	var ser, rs []plots.Series
	xs, ys, ex := make([]float64, len(pts)), make([]float64, len(pts)), make([]float64, len(pts))
	gs, qs := make([]float64, len(pts)), make([]float64, len(pts))
	xmax, gmax := 0.0, 0.0
	for k, p := range pts {
		xs[k], ys[k], ex[k] = p.x, p.meanS, p.exact
		g := p.alpha / float64(p.batch)
		gs[k], qs[k] = g, p.meanS/p.exact
		xmax, gmax = math.Max(xmax, p.x), math.Max(gmax, g)
		ser = append(ser, plots.Series{X: []float64{p.x, p.x}, Y: []float64{p.meanS - p.meanErr, p.meanS + p.meanErr}, Color: plots.Palette[0], Width: 1})
		rs = append(rs, plots.Series{X: []float64{g, g}, Y: []float64{(p.meanS - p.meanErr) / p.exact, (p.meanS + p.meanErr) / p.exact}, Color: plots.Palette[0], Width: 1})
	}
	top := 1.05 * xmax
	ser = append(ser,
		plots.Series{Name: "<S> per (alpha, |B|, eps, pair)", X: xs, Y: ys, Kind: plots.Marks, Color: plots.Palette[0]},
		plots.Series{Name: "exact law of the linear recursion", X: xs, Y: ex, Kind: plots.Marks, Color: plots.Palette[2]},
		plots.Series{Name: "sqrt(pi) x (alpha -> 0)", X: []float64{0, top}, Y: []float64{0, math.Sqrt(math.Pi) * top}, Color: plots.Palette[1]})
	if !math.IsNaN(aFit) && !math.IsInf(aFit, 0) {
		ser = append(ser, plots.Series{Name: fmt.Sprintf("fit <S> = %.4g x", aFit), X: []float64{0, top}, Y: []float64{0, aFit * top}, Dashed: true, Color: plots.Palette[3]})
	}
	rs = append(rs,
		plots.Series{Name: "<S> / exact", X: gs, Y: qs, Kind: plots.Marks, Color: plots.Palette[0]},
		plots.Series{Name: "1", X: []float64{0, 1.05 * gmax}, Y: []float64{1, 1}, Dashed: true, Color: plots.Palette[2]})
	err := plots.Write(filepath.Join(dir, "scaling.png"), 2,
		plots.Panel{Title: "teacher-student: mean spacing of degenerate pairs", XLabel: "x = sqrt(alpha/|B|) eps", YLabel: "<S>", Series: ser, Legend: true},
		plots.Panel{Title: "measured over the exact law", XLabel: "alpha/|B|", YLabel: "<S> / exact", Series: rs, Legend: true})
	if err != nil {
		return err
	}
	return plotCollapse(dir, pts, "teacher-student ensembles")
}
