package rmt

import (
	"fmt"
	"math"
	"sort"
)

// KSGrid returns the Kolmogorov-Smirnov distance between the sample (in any order) and the
// piecewise-constant density dens on cells, dens[i] on cell i. The cells are given by edges:
// either their len(dens)+1 ascending edges, or only the two ends lo, hi of len(dens) equal
// cells (cell i is then [lo + i w, lo + (i+1) w) with w = (hi - lo)/len(dens)). The density is
// normalised by its total mass; the distribution function is 0 below the first edge and 1 above
// the last. KSGrid returns NaN for an empty sample or a density of no positive mass. It panics
// if edges has neither 2 nor len(dens)+1 entries.
func KSGrid(sample, edges, dens []float64) float64 {
	n := len(dens)
	if len(edges) != 2 && len(edges) != n+1 {
		panic(fmt.Sprintf("rmt: KSGrid: %d edges for %d cells", len(edges), n))
	}
	lo, hi := edges[0], edges[len(edges)-1]
	edge, width := func(i int) float64 { return edges[i] }, func(i int) float64 { return edges[i+1] - edges[i] }
	if len(edges) != n+1 { // equal cells
		w := (hi - lo) / float64(n)
		edge, width = func(i int) float64 { return lo + float64(i)*w }, func(int) float64 { return w }
	}
	cum := make([]float64, n+1) // mass below each edge
	for i, v := range dens {
		cum[i+1] = cum[i] + v*width(i)
	}
	mass := cum[n]
	if len(sample) == 0 || mass <= 0 {
		return math.NaN()
	}
	cdf := func(v float64) float64 {
		switch {
		case v <= lo:
			return 0
		case v >= hi:
			return 1
		}
		i := sort.Search(n, func(i int) bool { return edge(i+1) > v })
		return (cum[i] + dens[i]*(v-edge(i))) / mass
	}
	return KSDistance(sample, cdf)
}
