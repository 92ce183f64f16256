package rbmdrift

import (
	"math"

	"fpsolve/model"
	"fpsolve/rmt"
)

// Pair is a degenerate pair of target modes (equal kappa) over an ensemble's runs at their last
// recorded step.
//
// Deprecated: use ensemble.Pair, from ensemble.Trained.Pairs.
type Pair struct {
	Modes          [2]int    // the two modes, in ascending eigenvalue order
	Kappa          float64   // their target kappa
	Spacing        []float64 // |x_j - x_i| per run, in the order of the runs
	MeanS, MeanErr float64   // <S> and its jackknife error over the runs (rmt.JackknifeMean)
	Pooled         rmt.Moments
}

// DegeneratePairs returns the pairs of modes whose kappa agree (model.Groups of kappa, the
// groups of exactly two) with their spacing over the runs' final spectra, and the moments of the
// pooled one-point density (both eigenvalues of every run).
//
// Deprecated: use ensemble.Trained.Pairs (FinalPairs for the last step) of the ensemble that
// Trained builds; it gives the same numbers.
func DegeneratePairs(results []RunResult, kappa []float64) []Pair {
	var out []Pair
	for _, g := range model.Groups(kappa) {
		if len(g) != 2 {
			continue
		}
		i, j := g[0], g[1]
		p := Pair{Modes: [2]int{i, j}, Kappa: kappa[i]}
		pooled := make([]float64, 0, 2*len(results))
		for _, res := range results {
			f := res.Final()
			p.Spacing = append(p.Spacing, math.Abs(f[j]-f[i]))
			pooled = append(pooled, f[i], f[j])
		}
		p.MeanS, p.MeanErr = rmt.JackknifeMean(p.Spacing)
		p.Pooled = rmt.SampleMoments(pooled)
		out = append(out, p)
	}
	return out
}
