package fokkerplanck

import (
	"math"
	"sort"

	"fpsolve/model"
)

// MaxClusterModes is the largest number of modes in one cluster: one exact grid of at most
// three dimensions.
const MaxClusterModes = 3

// Partition returns the clusters in which a Clustered solver treats the modes of sys (in
// ascending eigenvalue order); keys[k] identifies mode k's degeneracy group (for instance its
// target kappa, compared as in model.Groups). With the Coulomb term and at most
// MaxClusterModes modes it is one cluster of all modes, solved exactly; with more, the groups
// of equal keys (degenerate modes are coupled most strongly and solved together, the groups
// coupled by the mean field); without the Coulomb term every mode alone, which is exact (the
// modes are then independent). Partition panics if len(keys) differs from the number of modes.
func Partition(sys model.System, keys []float64) [][]int {
	n := len(sys.Modes)
	if len(keys) != n {
		panic("fokkerplanck: Partition: one key per mode needed")
	}
	if !sys.Coulomb {
		out := make([][]int, n)
		for i := range out {
			out[i] = []int{i}
		}
		return out
	}
	if n <= MaxClusterModes {
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		return [][]int{all}
	}
	return model.Groups(keys)
}

// RelabelClusters returns the clusters with every mode index k replaced by label[k] (for
// instance the modes' positions in a configuration, when the clusters index the sorted modes).
func RelabelClusters(clusters [][]int, label []int) [][]int {
	out := make([][]int, len(clusters))
	for i, g := range clusters {
		for _, k := range g {
			out[i] = append(out[i], label[k])
		}
	}
	return out
}

// ClusterStationary returns the discrete stationary density of the operator that NewClustered
// builds for the modes cluster of sys on axis (the density a Clustered solver of sys starts
// from), without building a solver.
func ClusterStationary(sys model.System, cluster []int, axis Axis) ([]float64, error) {
	sub := model.System{Coulomb: sys.Coulomb}
	axes := make([]Axis, len(cluster))
	for k, m := range cluster {
		sub.Modes = append(sub.Modes, sys.Modes[m])
		axes[k] = axis
	}
	op, err := NewOperator(sub, axes)
	if err != nil {
		return nil, err
	}
	return op.Stationary(), nil
}

// SpacingDensity is the distribution of the spacing S = |x_i - x_j| of two modes, binned.
type SpacingDensity struct {
	Mean    float64   // <S>
	Centres []float64 // bin centres, (k + 1/2) Width
	Density []float64 // density of S on the bins (integrates to at most one over them)
	Width   float64   // bin width
}

// Spacing returns the distribution of |x_j - x_i| under the density p of op: every cell's mass
// V_c p_c sits at the difference of its centroid's coordinates (Centroid). The bins start at 0
// and are about 2h wide (h a cell width, 10 to 200 bins) up to 6 <S>; mass beyond is not
// binned. Mean is the mass-weighted mean of the centroid differences.
func (op *Operator) Spacing(p []float64, i, j int, h float64) SpacingDensity {
	x := make([]float64, op.Dim())
	vol := op.Volumes()
	var mean, mass float64
	for c, v := range p {
		op.Centroid(c, x)
		w := vol[c] * v
		mean += w * math.Abs(x[j]-x[i])
		mass += w
	}
	mean /= mass
	bins := max(10, min(200, int(6*mean/(2*h))))
	width := 6 * mean / float64(bins)
	dens := make([]float64, bins)
	centres := make([]float64, bins)
	for k := range centres {
		centres[k] = (float64(k) + 0.5) * width
	}
	for c, v := range p {
		op.Centroid(c, x)
		if k := int(math.Abs(x[j]-x[i]) / width); k < bins {
			dens[k] += vol[c] * v / mass / width
		}
	}
	return SpacingDensity{Mean: mean, Centres: centres, Density: dens, Width: width}
}

// ProductSpacing returns the distribution of the spacing |x_a - x_b| of two independent modes
// with piecewise-constant marginals pa, pb on the cells of axis: a pair of cells a != b counts
// at the distance of their centres, a cell with itself at w/3 (the mean distance of two uniform
// points in a cell of width w). The density is on axis.N bins of the mean cell width
// h = axis.Width() from 0, the last bin also holding the spacings beyond.
func ProductSpacing(pa, pb []float64, axis Axis) SpacingDensity {
	h := axis.Width()
	n := axis.N
	dens := make([]float64, n)
	var mean, mass float64
	for a, va := range pa {
		if va == 0 {
			continue
		}
		wa, ca := axis.CellWidth(a), axis.Centre(a)
		for b, vb := range pb {
			wb := axis.CellWidth(b)
			w := va * vb * wa * wb
			if w == 0 {
				continue
			}
			d := math.Abs(axis.Centre(b) - ca)
			if a == b {
				d = wa / 3
			}
			mean += w * d
			mass += w
			dens[min(n-1, int(d/h))] += w / h
		}
	}
	centres := make([]float64, n)
	for k := range centres {
		centres[k] = (float64(k) + 0.5) * h
		dens[k] /= mass
	}
	return SpacingDensity{Mean: mean / mass, Centres: centres, Density: dens, Width: h}
}

// Locate returns the index of the cell that holds x: the first cell whose right edge is above
// x, 0 below the axis and N-1 above it.
func (a Axis) Locate(x float64) int {
	return min(a.N-1, sort.Search(a.N, func(i int) bool { return a.Edge(i+1) > x }))
}

// CellCoord returns the cell coordinate of x, i + (x - Edge(i))/CellWidth(i) in cell
// i = Locate(x), extended linearly beyond the ends: (x - Lo)/h on equal cells. Its derivative
// is 1/CellWidth(Locate(x)). A density f(x) on the axis is f(x) CellWidth in the cell
// coordinate, in which the cells of a graded axis are equal.
func (a Axis) CellCoord(x float64) float64 {
	i := a.Locate(x)
	return float64(i) + (x-a.Edge(i))/a.CellWidth(i)
}

// RampCells returns the number of geometric cells h0, h0 ratio, h0 ratio^2, ... that a graded
// axis (NewGradedAxis) needs before its cells reach the width h: the smallest m with
// h0 ratio^m >= h (0 when h0 >= h). Adding them to n equal cells of width h gives a graded axis
// of about that equal width. It panics unless h0, h > 0 and ratio > 1.
func RampCells(h, h0, ratio float64) int {
	if !(h0 > 0) || !(h > 0) || !(ratio > 1) {
		panic("fokkerplanck: RampCells needs h, h0 > 0 and ratio > 1")
	}
	if h0 >= h {
		return 0
	}
	return int(math.Ceil(math.Log(h/h0) / math.Log(ratio)))
}
