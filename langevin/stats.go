package langevin

import (
	"math"

	"fpsolve/model"
	"fpsolve/rmt"
)

// ModeMoments returns the mean, variance and Binder cumulant of mode i over the walkers.
func (e *Ensemble) ModeMoments(i int) rmt.Moments {
	return rmt.SampleMoments(e.Mode(i, nil))
}

// PairStats summarises a pair of modes (a degenerate pair) over the walkers.
type PairStats struct {
	Modes       [2]int      // the two modes
	MeanSpacing float64     // <|x_i - x_j|>
	Pooled      rmt.Moments // moments of x_i and x_j together (the pair's one-point density)
}

// Pair returns the statistics of modes i and j.
func (e *Ensemble) Pair(i, j int) PairStats {
	nw := len(e.Index)
	pooled := make([]float64, 0, 2*nw)
	var s float64
	for w := 0; w < nw; w++ {
		xi, xj := e.X[w*e.N+i], e.X[w*e.N+j]
		s += math.Abs(xi - xj)
		pooled = append(pooled, xi, xj)
	}
	return PairStats{Modes: [2]int{i, j}, MeanSpacing: s / float64(nw), Pooled: rmt.SampleMoments(pooled)}
}

// Pairs returns the statistics of every degenerate pair among the modes, grouped by keys (for
// example the target kappa_i of each mode) with model.Groups: clusters of exactly two modes.
func (e *Ensemble) Pairs(keys []float64) []PairStats {
	var out []PairStats
	for _, g := range model.Groups(keys) {
		if len(g) == 2 {
			out = append(out, e.Pair(g[0], g[1]))
		}
	}
	return out
}

// Histogram returns the histogram of mode i over the walkers, with bins equal bins on [lo, hi].
func (e *Ensemble) Histogram(i int, lo, hi float64, bins int) *rmt.Histogram {
	h := rmt.NewHistogram(lo, hi, bins)
	h.Fill(e.Mode(i, nil))
	return h
}
