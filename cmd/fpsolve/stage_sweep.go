package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"

	"fpsolve/ensemble"
	"fpsolve/internal/output"
	"fpsolve/internal/plots"
	"fpsolve/rmt"
)

// sweepPoint is one degenerate pair at one (alpha, batch) setting.
type sweepPoint struct {
	alpha             float64
	batch             int
	pair              int // index of the pair among the degenerate pairs
	modes             [2]int
	kappa             float64
	meanS, meanErr    float64
	sigma, sigmaErr   float64
	binder, binderErr float64
	x                 float64 // sqrt((alpha/|B|)(mu^2 - kappa))
	unit              []float64
	// The Coulomb-gas prediction at this setting (sweepLangevin): the Langevin walkers' <S>
	// and its standard error; NaN without.
	langS, langErr float64
	// A teacher sweep's noise eps and the linear theory's <S> (teacher.LeadingSpacing,
	// teacher.ExactSpacing); zero in an rbm sweep.
	noise, leading, exact float64
}

// sweepDir is the subdirectory of one sweep setting.
func sweepDir(alpha float64, batch int) string { return fmt.Sprintf("alpha=%g_batch=%d", alpha, batch) }

// sweepStage trains the rbm ensemble at every [sweep] setting and fits the scaling of <S>
// (stageSweep); its result is the base setting's ensemble in r.res.adopted.
var sweepStage = stage{
	name:    "sweep",
	enabled: func(r *runner) bool { return r.cfg.Sweep != nil },
	run: func(_ context.Context, r *runner) error {
		if r.cfg.Teacher != nil {
			return r.stageTeacherSweep()
		}
		return r.stageSweep()
	},
}

// stageSweep reruns the rbm ensemble for every combination of the [sweep] alphas and batches,
// each in its own subdirectory, and fits <S> = a sqrt((alpha/|B|)(mu^2 - kappa)) over all
// degenerate pairs: scaling.csv, scaling.png, wigner_sweep.png and the "sweep" summary.
func (r *runner) stageSweep() error {
	base := r.cfg.RBM.Config
	alphas := r.cfg.Sweep.Alpha
	if len(alphas) == 0 {
		alphas = []float64{base.Alpha}
	}
	batches := r.cfg.Sweep.Batch
	if len(batches) == 0 {
		batches = []int{base.Batch}
	}
	var pts []sweepPoint
	var settings []rbmSummary
	var adopted *rbmOutcome
	for _, a := range alphas {
		for _, b := range batches {
			rc := base
			rc.Alpha, rc.Batch = a, b
			dir := filepath.Join(r.out, sweepDir(a, b))
			label := "rbm " + sweepDir(a, b)
			o, err := r.runRBM(dir, rc, r.cfg.RBM.Runs, label)
			if err != nil {
				return fmt.Errorf("%s: %w", sweepDir(a, b), err)
			}
			if adopted == nil || (a == base.Alpha && b == base.Batch) {
				adopted = o
			}
			// The walkers do not depend on the RBM runs: in a shard they run their own blocks.
			lang, err := r.sweepLangevin(a, b, dir)
			if err != nil {
				return fmt.Errorf("%s: langevin: %w", sweepDir(a, b), err)
			}
			if !o.complete {
				continue
			}
			r.sayRBM("sweep "+sweepDir(a, b), o)
			for _, l := range lang {
				r.say("  Langevin (kappa %.4g): <S> = %.4g +- %.2g", l.kappa, l.meanS, l.err)
			}
			if r.cfg.PlotsEnabled() {
				if err := r.plotRBM(o, filepath.Join(dir, "rbm.png"), false); err != nil {
					return err
				}
			}
			set := o.summary()
			set.Dir = sweepDir(a, b)
			settings = append(settings, set)
			for pi, p := range o.pairs {
				sp := sweepPair(o, pi, p)
				sp.langS, sp.langErr = math.NaN(), math.NaN()
				for _, l := range lang {
					if math.Abs(l.kappa-p.Target) <= 1e-6*p.Target { // the same kappa (to a config's rounding): the same pair
						sp.langS, sp.langErr = l.meanS, l.err
					}
				}
				pts = append(pts, sp)
			}
		}
	}
	if adopted != nil {
		r.adoptRBM(adopted)
	}
	if r.sharded() {
		return nil
	}
	sum := &sweepSummary{Settings: settings, Points: []sweepOut{}, AFit: jnum(math.NaN()), AFitErr: jnum(math.NaN()), Chi2Dof: jnum(math.NaN())}
	for _, p := range pts {
		sum.Points = append(sum.Points, sweepOut{Alpha: jnum(p.alpha), Batch: p.batch, Pair: p.pair, Modes: p.modes,
			Kappa: jnum(p.kappa), X: jnum(p.x), MeanSpacing: jnum(p.meanS), MeanSpacingErr: jnum(p.meanErr),
			SigmaFit: jnum(p.sigma), SigmaFitErr: jnum(p.sigmaErr), Binder: jnum(p.binder), BinderErr: jnum(p.binderErr),
			LangevinMeanSpacing: jnum(p.langS), LangevinMeanSpacingErr: jnum(p.langErr)})
	}
	r.sum.Sweep = sum
	if fit, err := fitSpacing(pts); err == nil {
		sum.AFit, sum.AFitErr, sum.Chi2Dof = jnum(fit.Slope), jnum(fit.SlopeErr), chi2dof(fit)
		r.say("sweep: <S> = a sqrt((alpha/|B|)(mu^2 - kappa)) over %d points: a = %.4g +- %.2g, chi2/dof %.3g", len(pts), fit.Slope, fit.SlopeErr, fit.Chi2/float64(max(1, fit.Dof)))
	} else if len(pts) > 0 {
		r.say("sweep: no fit of <S> (%v)", err)
	}
	// The next order of the small-noise expansion: <S>/x = a (1 - b alpha/|B|).
	var nlo *nloFit
	if f, err := fitSpacingNLO(pts); err == nil {
		nlo = &f
		sum.NLO = &nloOut{A: jnum(f.a), AErr: jnum(f.aErr), B: jnum(f.b), BErr: jnum(f.bErr),
			Chi2Dof: jnum(f.chi2dof), Form: "<S> = a sqrt((alpha/|B|)(mu^2 - kappa)) (1 - b alpha/|B|)"}
		r.say("  with the next order, <S> = a x (1 - b alpha/|B|): a = %.4g +- %.2g, b = %.3g +- %.2g, chi2/dof %.3g", f.a, f.aErr, f.b, f.bErr, f.chi2dof)
	}
	// The walkers' <S> against the RBM's, point by point.
	var chi2, rel float64
	var nl int
	for _, p := range pts {
		if math.IsNaN(p.langS) || !(p.meanErr > 0) {
			continue
		}
		d := (p.meanS - p.langS) / math.Hypot(p.meanErr, p.langErr)
		chi2, rel, nl = chi2+d*d, rel+math.Abs(p.langS/p.meanS-1), nl+1
	}
	if nl > 0 {
		sum.LangevinAgreement = &agreementOut{Points: nl, Chi2PerPoint: jnum(chi2 / float64(nl)), MeanAbsRelDiff: jnum(rel / float64(nl))}
		r.say("  Langevin against the RBM over %d points: chi2 per point %.3g, mean |relative difference| %.1f%%", nl, chi2/float64(nl), 100*rel/float64(nl))
	}
	// The linear scaling rule pair by pair: <S_i> proportional to sqrt(alpha/|B|), each pair with
	// its own non-universal factor.
	var pairFits []pairFitOut
	byPair := map[int][]sweepPoint{}
	var order []int
	for _, p := range pts {
		if _, ok := byPair[p.pair]; !ok {
			order = append(order, p.pair)
		}
		byPair[p.pair] = append(byPair[p.pair], p)
	}
	for _, k := range order {
		fit, err := fitSpacing(byPair[k])
		if err != nil {
			continue
		}
		pairFits = append(pairFits, pairFitOut{Pair: k, Kappa: jnum(byPair[k][0].kappa), A: jnum(fit.Slope),
			AErr: jnum(fit.SlopeErr), Chi2Dof: chi2dof(fit), Points: len(byPair[k])})
		r.say("  pair %d (kappa %.4g): a = %.4g +- %.2g, chi2/dof %.3g", k, byPair[k][0].kappa, fit.Slope, fit.SlopeErr, fit.Chi2/float64(max(1, fit.Dof)))
	}
	sum.PairFits = pairFits
	err := output.WriteFile(filepath.Join(r.out, "scaling.csv"), func(w io.Writer) error {
		c := output.NewCSV(w, "alpha", "batch", "pair", "kappa", "mean_spacing", "mean_spacing_err", "sigma_fit", "sigma_fit_err", "binder", "binder_err", "x",
			"langevin_mean_spacing", "langevin_mean_spacing_err")
		for _, p := range pts {
			c.Row(p.alpha, float64(p.batch), float64(p.pair), p.kappa, p.meanS, p.meanErr, p.sigma, p.sigmaErr, p.binder, p.binderErr, p.x, p.langS, p.langErr)
		}
		return c.Err()
	})
	if err != nil {
		return err
	}
	if !r.cfg.PlotsEnabled() || len(pts) == 0 {
		return nil
	}
	return plotSweep(r.out, pts, float64(sum.AFit), nlo)
}

// langPair is one degenerate pair's mean spacing among the Langevin walkers of a sweep setting,
// with the pair's kappa (for an rbm drift the RBM's target; the key that matches the RBM pair).
type langPair struct {
	kappa      float64
	meanS, err float64
}

// sweepsLangevin reports whether the sweep reruns the [langevin] walkers at every setting: with
// a model of its own (not a measured table) whose noise is given as alpha, batch and gtilde2,
// so that the setting's alpha and |B| set g^2 = (alpha/|B|) gtilde2 and the step, and a start
// that does not need the RBM's spectra.
func (r *runner) sweepsLangevin() bool {
	c := r.cfg
	return c.Sweep != nil && c.Langevin != nil && !r.weightsLevel() && c.Model != nil && c.Model.Drift != "table" &&
		c.Noise != nil && len(c.Noise.G2) == 0 && (c.Initial == nil || c.Initial.Kind != "rbm")
}

// sweepLangevin runs the [langevin] walkers for the sweep setting (alpha, batch) into dir:
// [noise] and [langevin] take the setting's alpha and |B|, and the step count scales as
// 1/alpha so that every setting reaches the same time t = steps * alpha as the [langevin]
// section. It returns the degenerate pairs' <S> (nil when the sweep does not rerun the
// walkers, or in a shard).
func (r *runner) sweepLangevin(alpha float64, batch int, dir string) ([]langPair, error) {
	if !r.sweepsLangevin() {
		return nil, nil
	}
	c := *r.cfg
	noise, lc := *c.Noise, *c.Langevin
	noise.Alpha, noise.Batch = alpha, batch
	lc.Steps = max(1, int(math.Round(float64(lc.Steps)*lc.Alpha/alpha)))
	lc.Alpha, lc.Batch = alpha, batch
	c.Noise, c.Langevin = &noise, &lc
	c.RBM, c.Sweep, c.Time, c.Spectrum = nil, nil, nil, nil
	sub := &runner{cfg: &c, out: dir, shard: r.shard, stdout: r.stdout, prog: r.prog, ctx: r.ctx, sess: r.sess,
		setting: sweepDir(alpha, batch)}
	if err := sub.buildSystem(); err != nil {
		return nil, err
	}
	if err := sub.stageLangevin(); err != nil || sub.res.langevin == nil || sub.res.langevin.cols == nil {
		return nil, err
	}
	return sub.res.langevin.pairs, nil
}

// sweepPair measures one pair of one setting: <S> with its jackknife error over runs, the
// two-mode fit sigma and the pooled Binder cumulant, with jackknife errors over runs (both
// eigenvalues of a run in one block).
func sweepPair(o *rbmOutcome, pi int, p ensemble.Pair) sweepPoint {
	rc := o.cfg
	return pairPoint(o.ens, pi, p, rc.Alpha, rc.Batch, math.Sqrt(rc.Alpha/float64(rc.Batch)*(rc.Mu2-p.Target)))
}

// pairPoint measures pair p (index pi) of the ensemble e trained at (alpha, batch), with the
// abscissa x of the scaling law: see sweepPair.
func pairPoint(e *ensemble.Trained, pi int, p ensemble.Pair, alpha float64, batch int, x float64) sweepPoint {
	sp := sweepPoint{alpha: alpha, batch: batch, pair: pi, modes: p.Modes, kappa: p.Target,
		meanS: p.MeanSpacing, meanErr: p.MeanSpacingErr, binder: p.Pooled.Binder, x: x}
	final := e.Final()
	runs := make([]float64, len(final))
	for k := range runs {
		runs[k] = float64(k)
	}
	pooled := func(idx []float64) []float64 {
		out := make([]float64, 0, 2*len(idx))
		for _, k := range idx {
			f := final[int(k)]
			out = append(out, f[p.Modes[0]], f[p.Modes[1]])
		}
		return out
	}
	sigma := func(idx []float64) float64 {
		fit, err := rmt.FitTwoModeDensity(pooled(idx))
		if err != nil {
			return math.NaN()
		}
		return fit.Sigma
	}
	binder := func(idx []float64) float64 { return rmt.Binder(pooled(idx)) }
	sp.sigma, sp.sigmaErr = sigma(runs), math.NaN()
	sp.binderErr = math.NaN()
	if len(runs) >= 3 {
		nb := min(len(runs), 20)
		sp.sigma, sp.sigmaErr = rmt.Jackknife(runs, nb, sigma)
		_, sp.binderErr = rmt.Jackknife(runs, nb, binder)
	}
	if p.MeanSpacing > 0 {
		for _, s := range p.Spacing {
			sp.unit = append(sp.unit, s/p.MeanSpacing)
		}
	}
	return sp
}

// plotSweep draws scaling.png (<S> against sqrt((alpha/|B|)(mu^2 - kappa)) with error bars and
// the fitted line; and, with a next-order fit, <S>/x against alpha/|B| with both fits) and
// wigner_sweep.png (s = S/<S> of every setting and pair against the unit Wigner surmise).
func plotSweep(dir string, pts []sweepPoint, aFit float64, nlo *nloFit) error {
	var ser []plots.Series
	xs, ys := make([]float64, len(pts)), make([]float64, len(pts))
	xmax := 0.0
	for k, p := range pts {
		xs[k], ys[k] = p.x, p.meanS
		xmax = math.Max(xmax, p.x)
		if !math.IsNaN(p.meanErr) {
			ser = append(ser, plots.Series{X: []float64{p.x, p.x}, Y: []float64{p.meanS - p.meanErr, p.meanS + p.meanErr}, Color: plots.Palette[0], Width: 1})
		}
	}
	ser = append(ser, plots.Series{Name: "<S> per (alpha, |B|, pair)", X: xs, Y: ys, Kind: plots.Marks, Color: plots.Palette[0]})
	var lx, ly, lq, lg []float64 // the Langevin walkers' <S> where they ran
	for _, p := range pts {
		if !math.IsNaN(p.langS) {
			lx, ly = append(lx, p.x), append(ly, p.langS)
			lg, lq = append(lg, p.alpha/float64(p.batch)), append(lq, p.langS/p.x)
		}
	}
	if len(lx) > 0 {
		ser = append(ser, plots.Series{Name: "Langevin (Coulomb gas of [model] and [noise])", X: lx, Y: ly, Kind: plots.Marks, Color: plots.Palette[1]})
	}
	if a := aFit; !math.IsNaN(a) && !math.IsInf(a, 0) {
		ser = append(ser, plots.Series{Name: fmt.Sprintf("fit <S> = %.4g x", a), X: []float64{0, 1.05 * xmax}, Y: []float64{0, 1.05 * xmax * a}, Dashed: true, Color: plots.Palette[3]})
	}
	panels := []plots.Panel{{Title: "mean spacing of degenerate pairs",
		XLabel: "sqrt((alpha/|B|)(mu^2 - kappa))", YLabel: "<S>", Series: ser, Legend: true}}
	if nlo != nil {
		var rs []plots.Series
		gs, qs := make([]float64, len(pts)), make([]float64, len(pts))
		gmax := 0.0
		for k, p := range pts {
			g := p.alpha / float64(p.batch)
			gs[k], qs[k] = g, p.meanS/p.x
			gmax = math.Max(gmax, g)
			if !math.IsNaN(p.meanErr) {
				rs = append(rs, plots.Series{X: []float64{g, g}, Y: []float64{(p.meanS - p.meanErr) / p.x, (p.meanS + p.meanErr) / p.x}, Color: plots.Palette[0], Width: 1})
			}
		}
		rs = append(rs, plots.Series{Name: "<S>/x per (alpha, |B|, pair)", X: gs, Y: qs, Kind: plots.Marks, Color: plots.Palette[0]})
		if len(lg) > 0 {
			rs = append(rs, plots.Series{Name: "Langevin", X: lg, Y: lq, Kind: plots.Marks, Color: plots.Palette[1]})
		}
		top := 1.05 * gmax
		if a := aFit; !math.IsNaN(a) && !math.IsInf(a, 0) {
			rs = append(rs, plots.Series{Name: fmt.Sprintf("linear law: %.4g", a), X: []float64{0, top}, Y: []float64{a, a}, Dashed: true, Color: plots.Palette[3]})
		}
		rs = append(rs, plots.Series{Name: fmt.Sprintf("next order: %.4g (1 - %.3g alpha/|B|)", nlo.a, nlo.b), X: []float64{0, top},
			Y: []float64{nlo.a, nlo.a * (1 - nlo.b*top)}, Color: plots.Palette[2]})
		panels = append(panels, plots.Panel{Title: "departure from the linear law", XLabel: "alpha/|B|",
			YLabel: "<S> / sqrt((alpha/|B|)(mu^2 - kappa))", Series: rs, Legend: true})
	}
	if err := plots.Write(filepath.Join(dir, "scaling.png"), len(panels), panels...); err != nil {
		return err
	}
	return plotCollapse(dir, pts, "RBM ensembles")
}

// plotCollapse draws wigner_sweep.png: s = S/<S> of every setting and pair (the trained
// ensembles named by source) against the unit Wigner surmise.
func plotCollapse(dir string, pts []sweepPoint, source string) error {
	var unit []float64
	for _, p := range pts {
		unit = append(unit, p.unit...)
	}
	if len(unit) == 0 {
		return nil
	}
	h := rmt.NewHistogram(0, 4, max(10, min(40, len(unit)/20)))
	h.Fill(unit)
	wx, wy := make([]float64, 200), make([]float64, 200)
	for i := range wx {
		wx[i] = 4 * float64(i) / 199
		wy[i] = rmt.WignerSurmiseUnit(wx[i])
	}
	return plots.Write(filepath.Join(dir, "wigner_sweep.png"), 1, plots.Panel{
		Title:  fmt.Sprintf("data collapse: s = S/<S> over %d settings x pairs", len(pts)),
		XLabel: "s = S/<S>", YLabel: "P(s)", Legend: true,
		Series: []plots.Series{
			{Name: fmt.Sprintf("%s (%d spacings)", source, len(unit)), X: h.Centers(), Y: h.Density(), Kind: plots.Steps},
			{Name: "Wigner surmise (pi/2) s exp(-pi s^2/4)", X: wx, Y: wy, Dashed: true},
		}})
}

// fitSpacing fits <S> = a x through the origin, weighted by the jackknife errors when all are
// usable.
func fitSpacing(pts []sweepPoint) (rmt.ProportionalFit, error) {
	x, y, e := make([]float64, len(pts)), make([]float64, len(pts)), make([]float64, len(pts))
	for k, p := range pts {
		x[k], y[k], e[k] = p.x, p.meanS, p.meanErr
	}
	return rmt.FitProportional(x, y, rmt.UsableErrors(e))
}

// nloFit is the fit of <S> = a x (1 - b alpha/|B|): the linear law with the next order of the
// small-noise expansion, whose corrections to the Gaussian fluctuations about the fixed point
// (the potential's cubic and quartic terms, the noise's variation with x) are of relative order
// alpha/|B|.
type nloFit struct {
	a, aErr, b, bErr, chi2dof float64
}

// fitSpacingNLO fits <S>/x = a (1 - b alpha/|B|) (rmt.FitRelativeLine in alpha/|B|), weighted
// by the errors of <S>/x when all are usable. It needs two distinct alpha/|B| and three points.
func fitSpacingNLO(pts []sweepPoint) (nloFit, error) {
	g, q, e := make([]float64, len(pts)), make([]float64, len(pts)), make([]float64, len(pts))
	for k, p := range pts {
		g[k], q[k], e[k] = p.alpha/float64(p.batch), p.meanS/p.x, p.meanErr/p.x
	}
	f, err := rmt.FitRelativeLine(g, q, rmt.UsableErrors(e))
	if err != nil {
		return nloFit{}, err
	}
	return nloFit{a: f.A, aErr: f.AErr, b: f.B, bErr: f.BErr, chi2dof: f.Chi2 / float64(f.Dof)}, nil
}

// chi2dof is chi^2 per degree of freedom of a fit (null without degrees of freedom).
func chi2dof(f rmt.ProportionalFit) jnum {
	if f.Dof <= 0 {
		return jnum(math.NaN())
	}
	return jnum(f.Chi2 / float64(f.Dof))
}
