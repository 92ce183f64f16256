package main

import (
	"fmt"
	"math"
	"path/filepath"

	"fpsolve/ensemble"
	"fpsolve/internal/plots"
	"fpsolve/rmt"
)

// plotRBMPairs draws wigner_rbm.png, plotPairs of the RBM ensemble's pairs.
func (r *runner) plotRBMPairs(o *rbmOutcome, path string) error {
	return plotPairs(o.pairs, "RBM", "kappa", path)
}

// plotPairs draws, for every degenerate pair of a trained ensemble at its last step (pairs, from
// Trained.FinalPairs), the spacing histogram against the Wigner surmise (sigma = <S>/sqrt(pi)),
// and the pooled one-point density of the pair against the two-mode density rho(x - c; sigma)
// fitted by maximum likelihood, with the Binder cumulant (the Gaussian Coulomb gas gives
// -4/27). label names the source ("RBM") and target the pairs' target (its name and value in
// the titles). Nothing is written without pairs.
func plotPairs(pairs []ensemble.Pair, label, target, path string) error {
	if len(pairs) == 0 {
		return nil
	}
	var panels []plots.Panel
	for _, p := range pairs {
		panels = append(panels, spacingPanel(fmt.Sprintf("%s pair %v, %s = %.4g: spacing", label, p.Modes, target, p.Target),
			fmt.Sprintf("%s, %d runs", label, len(p.Spacing)), p.Spacing))
		// Against y = x - <x>: a pair whose spread is far below its centre still gets readable
		// tick labels.
		c0 := p.Pooled.Mean
		panel := plots.Panel{Title: fmt.Sprintf("pooled density, Binder %.3f (Coulomb gas -0.148)", p.Pooled.Binder),
			XLabel: fmt.Sprintf("x - %.6g", c0), YLabel: "rho", Legend: true}
		sd := math.Sqrt(p.Pooled.Var)
		y := make([]float64, len(p.Sample))
		for i, v := range p.Sample {
			y[i] = v - c0
		}
		lo, hi := -4*sd, 4*sd
		h := rmt.NewHistogram(lo, hi, max(10, min(60, len(y)/20)))
		h.Fill(y)
		panel.Series = append(panel.Series, plots.Series{Name: label + ", both eigenvalues", X: h.Centers(), Y: h.Density(), Kind: plots.Steps})
		if fit, err := p.Fit(); err == nil {
			xs, ys := make([]float64, 200), make([]float64, 200)
			for i := range xs {
				xs[i] = lo + (hi-lo)*float64(i)/199
				ys[i] = rmt.TwoModeDensity(xs[i]+c0-fit.C, fit.Sigma)
			}
			panel.Series = append(panel.Series, plots.Series{Name: fmt.Sprintf("rho fit: c = %.6g, sigma = %.4g +- %.2g", fit.C, fit.Sigma, fit.SigmaErr),
				X: xs, Y: ys, Dashed: true})
		}
		panels = append(panels, panel)
	}
	return plots.Write(path, 2, panels...)
}

// rbmPairsPath is where plotRBMPairs writes in the output directory.
func (r *runner) rbmPairsPath() string { return filepath.Join(r.out, "wigner_rbm.png") }
