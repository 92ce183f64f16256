package main

import (
	"math"
	"sort"

	"fpsolve/internal/output"
	"fpsolve/rmt"
)

// compareTheories puts the agreement of the theories with the trained RBM ensemble into the
// summary ("comparison"): per eigenvalue (ascending, the RBM's order), the RBM's final mean with
// its standard error and variance; the Fokker-Planck marginal's and the Langevin walkers' mean and
// variance; the Kolmogorov-Smirnov distance of each from the RBM sample; and whether the mean lies
// within 4 standard errors and the variance within 30% (the pipeline's acceptance figures).
func (r *runner) compareTheories() {
	if r.ens == nil || r.ens.rbm == nil || !r.ens.rbm.complete || len(r.rbmFinal) == 0 || r.sharded() {
		return
	}
	n := len(r.rbmFinal[0])
	fp := r.fpMarginals
	if fp != nil && len(fp.mode) != n {
		fp = nil
	}
	lx := r.ens.langevinX
	if len(lx) != n {
		lx = nil
	}
	if fp == nil && lx == nil {
		return
	}
	var modes []any
	worstSE, worstVar := 0.0, 0.0
	for k := 0; k < n; k++ {
		sample := make([]float64, len(r.rbmFinal))
		for run, row := range r.rbmFinal {
			sample[run] = row[k]
		}
		sort.Float64s(sample)
		rm := rmt.SampleMoments(sample)
		se := math.Sqrt(rm.Var / float64(len(sample)))
		entry := map[string]any{"mode": k, "rbm": map[string]any{"mean": output.Num(rm.Mean), "mean_err": output.Num(se), "var": output.Num(rm.Var)}}
		judge := func(name string, mean, v, ks float64) {
			pull := math.Abs(mean-rm.Mean) / se
			rel := math.Abs(v/rm.Var - 1)
			worstSE, worstVar = math.Max(worstSE, pull), math.Max(worstVar, rel)
			entry[name] = map[string]any{"mean": output.Num(mean), "var": output.Num(v), "ks": output.Num(ks),
				"mean_pull": output.Num(pull), "var_rel_diff": output.Num(rel),
				"mean_within_4se": pull <= 4, "var_within_30pct": rel <= 0.3}
		}
		if fp != nil {
			p := fp.p[len(fp.p)-1][k] // sorted mode k is RBM eigenvalue k
			h := fp.x[1] - fp.x[0]
			var mass, m1, m2 float64
			for i, v := range p {
				mass += v * h
				m1 += v * h * fp.x[i]
			}
			mean := m1 / mass
			for i, v := range p {
				d := fp.x[i] - mean
				m2 += v * h * (d*d + h*h/12)
			}
			judge("fokkerplanck", mean, m2/mass, ksGrid(sample, fp.x, p, h))
		}
		if lx != nil {
			lm := rmt.SampleMoments(lx[k])
			judge("langevin", lm.Mean, lm.Var, rmt.KSDistance2(sample, lx[k]))
		}
		modes = append(modes, entry)
	}
	r.summary["comparison"] = map[string]any{"modes": modes, "worst_mean_pull": worstSE, "worst_var_rel_diff": worstVar,
		"note": "RBM ensemble at its last recorded step against the theories at t_end; mean_pull = |mean - rbm mean| / rbm standard error"}
	r.say("comparison with the RBM ensemble: worst mean pull %.2f standard errors, worst variance difference %.0f%%", worstSE, 100*worstVar)
}

// ksGrid is the Kolmogorov-Smirnov distance between a sorted sample and a piecewise-constant
// density p on cells of width h centred at x.
func ksGrid(sorted, x, p []float64, h float64) float64 {
	var mass float64
	for _, v := range p {
		mass += v * h
	}
	cdf := func(v float64) float64 {
		var c float64
		for i, xi := range x {
			lo := xi - h/2
			switch {
			case v >= lo+h:
				c += p[i] * h
			case v > lo:
				c += p[i] * (v - lo)
			}
		}
		return c / mass
	}
	if len(sorted) == 0 || mass <= 0 {
		return math.NaN()
	}
	return rmt.KSDistance(sorted, cdf)
}

// tableColumn is the drift.csv column that feeds a drift = "table" model.
func (r *runner) tableColumn() string { return r.cfg.TableColumn() }
