package main

import (
	"fmt"
	"io"
	"math"
	"path/filepath"

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
}

// sweepDir is the subdirectory of one sweep setting.
func sweepDir(alpha float64, batch int) string { return fmt.Sprintf("alpha=%g_batch=%d", alpha, batch) }

// stageSweep reruns the rbm ensemble for every combination of the [sweep] alphas and batches,
// each in its own subdirectory, and fits <S> = a sqrt((alpha/|B|)(mu^2 - kappa)) over all
// degenerate pairs: scaling.csv, scaling.png, wigner_sweep.png and the "sweep" summary.
func (r *runner) stageSweep() error {
	base := rbmConfig(r.cfg.RBM)
	alphas := r.cfg.Sweep.Alpha
	if len(alphas) == 0 {
		alphas = []float64{base.Alpha}
	}
	batches := r.cfg.Sweep.Batch
	if len(batches) == 0 {
		batches = []int{base.Batch}
	}
	var pts []sweepPoint
	var settings []any
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
			if !o.complete {
				continue
			}
			r.sayRBM("sweep "+sweepDir(a, b), o)
			if r.cfg.PlotsEnabled() {
				if err := r.plotRBM(o, filepath.Join(dir, "rbm.png"), false); err != nil {
					return err
				}
			}
			set := o.summaryJSON()
			set["dir"] = sweepDir(a, b)
			settings = append(settings, set)
			for pi, p := range o.pairs {
				pts = append(pts, sweepPair(o, pi, p))
			}
		}
	}
	if adopted != nil {
		r.adoptRBM(adopted)
	}
	if r.sharded() {
		return nil
	}
	plist := []any{}
	for _, p := range pts {
		plist = append(plist, map[string]any{"alpha": p.alpha, "batch": p.batch, "pair": p.pair, "modes": []int{p.modes[0], p.modes[1]},
			"kappa": p.kappa, "x": p.x, "mean_spacing": output.Num(p.meanS), "mean_spacing_err": output.Num(p.meanErr),
			"sigma_fit": output.Num(p.sigma), "sigma_fit_err": output.Num(p.sigmaErr),
			"binder": output.Num(p.binder), "binder_err": output.Num(p.binderErr)})
	}
	sum := map[string]any{"settings": settings, "points": plist}
	r.summary["sweep"] = sum
	sum["a_fit"], sum["a_fit_err"], sum["chi2_dof"] = nil, nil, nil
	if fit, err := fitSpacing(pts); err == nil {
		sum["a_fit"], sum["a_fit_err"], sum["chi2_dof"] = output.Num(fit.Slope), output.Num(fit.SlopeErr), chi2dof(fit)
		r.say("sweep: <S> = a sqrt((alpha/|B|)(mu^2 - kappa)) over %d points: a = %.4g +- %.2g, chi2/dof %.3g", len(pts), fit.Slope, fit.SlopeErr, fit.Chi2/float64(max(1, fit.Dof)))
	} else if len(pts) > 0 {
		r.say("sweep: no fit of <S> (%v)", err)
	}
	// The linear scaling rule pair by pair: <S_i> proportional to sqrt(alpha/|B|), each pair with
	// its own non-universal factor.
	var pairFits []any
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
		pairFits = append(pairFits, map[string]any{"pair": k, "kappa": byPair[k][0].kappa, "a": output.Num(fit.Slope),
			"a_err": output.Num(fit.SlopeErr), "chi2_dof": chi2dof(fit), "points": len(byPair[k])})
		r.say("  pair %d (kappa %.4g): a = %.4g +- %.2g, chi2/dof %.3g", k, byPair[k][0].kappa, fit.Slope, fit.SlopeErr, fit.Chi2/float64(max(1, fit.Dof)))
	}
	sum["pair_fits"] = pairFits
	err := output.WriteFile(filepath.Join(r.out, "scaling.csv"), func(w io.Writer) error {
		c := output.NewCSV(w, "alpha", "batch", "pair", "kappa", "mean_spacing", "mean_spacing_err", "sigma_fit", "sigma_fit_err", "binder", "binder_err", "x")
		for _, p := range pts {
			c.Row(p.alpha, float64(p.batch), float64(p.pair), p.kappa, p.meanS, p.meanErr, p.sigma, p.sigmaErr, p.binder, p.binderErr, p.x)
		}
		return c.Err()
	})
	if err != nil {
		return err
	}
	if !r.cfg.PlotsEnabled() || len(pts) == 0 {
		return nil
	}
	return plotSweep(r.out, pts, sum["a_fit"])
}

// sweepPair measures one pair of one setting: <S> with its jackknife error over runs, the
// two-mode fit sigma and the pooled Binder cumulant, with jackknife errors over runs (both
// eigenvalues of a run in one block).
func sweepPair(o *rbmOutcome, pi int, p rbmPair) sweepPoint {
	rc := o.cfg
	sp := sweepPoint{alpha: rc.Alpha, batch: rc.Batch, pair: pi, modes: p.modes, kappa: p.kappa,
		meanS: p.meanS, meanErr: p.meanErr, binder: p.pooled.Binder,
		x: math.Sqrt(rc.Alpha / float64(rc.Batch) * (rc.Mu2 - p.kappa))}
	runs := make([]float64, len(o.results))
	for k := range runs {
		runs[k] = float64(k)
	}
	pooled := func(idx []float64) []float64 {
		out := make([]float64, 0, 2*len(idx))
		for _, k := range idx {
			f := o.results[int(k)].Final()
			out = append(out, f[p.modes[0]], f[p.modes[1]])
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
	if p.meanS > 0 {
		for _, s := range p.spacing {
			sp.unit = append(sp.unit, s/p.meanS)
		}
	}
	return sp
}

// plotSweep draws scaling.png (<S> against sqrt((alpha/|B|)(mu^2 - kappa)) with error bars and
// the fitted line) and wigner_sweep.png (s = S/<S> of every setting and pair against the unit
// Wigner surmise).
func plotSweep(dir string, pts []sweepPoint, aFit any) error {
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
	if a, ok := aFit.(float64); ok {
		ser = append(ser, plots.Series{Name: fmt.Sprintf("fit <S> = %.4g x", a), X: []float64{0, 1.05 * xmax}, Y: []float64{0, 1.05 * xmax * a}, Dashed: true, Color: plots.Palette[3]})
	}
	if err := plots.Write(filepath.Join(dir, "scaling.png"), 1, plots.Panel{Title: "mean spacing of degenerate pairs",
		XLabel: "sqrt((alpha/|B|)(mu^2 - kappa))", YLabel: "<S>", Series: ser, Legend: true}); err != nil {
		return err
	}
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
			{Name: fmt.Sprintf("RBM ensembles (%d spacings)", len(unit)), X: h.Centers(), Y: h.Density(), Kind: plots.Steps},
			{Name: "Wigner surmise (pi/2) s exp(-pi s^2/4)", X: wx, Y: wy, Dashed: true},
		}})
}

// fitSpacing fits <S> = a x through the origin, weighted by the jackknife errors when all are
// usable.
func fitSpacing(pts []sweepPoint) (rmt.ProportionalFit, error) {
	x, y, e := make([]float64, len(pts)), make([]float64, len(pts)), make([]float64, len(pts))
	weighted := true
	for k, p := range pts {
		x[k], y[k], e[k] = p.x, p.meanS, p.meanErr
		weighted = weighted && p.meanErr > 0 && !math.IsInf(p.meanErr, 0)
	}
	if !weighted {
		e = nil
	}
	return rmt.FitProportional(x, y, e)
}

// chi2dof is chi^2 per degree of freedom of a fit (null without degrees of freedom).
func chi2dof(f rmt.ProportionalFit) any {
	if f.Dof <= 0 {
		return nil
	}
	return output.Num(f.Chi2 / float64(f.Dof))
}
