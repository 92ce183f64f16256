package fokkerplanck

import (
	"fmt"
	"math"
)

// Mass returns the total probability sum_c V_c p_c.
func (op *Operator) Mass(p []float64) float64 {
	var m float64
	for c, v := range p {
		m += op.vol[c] * v
	}
	return m
}

// L1 returns the L1 distance sum_c V_c |p_c - ps_c| between p and the stationary density.
func (op *Operator) L1(p []float64) float64 {
	return op.Distance(p, op.ps)
}

// Distance returns the L1 distance sum_c V_c |p_c - q_c| of two densities on the cells.
func (op *Operator) Distance(p, q []float64) float64 {
	var d float64
	for c, v := range p {
		d += op.vol[c] * math.Abs(v-q[c])
	}
	return d
}

// Centroid writes the centroid of the chamber part of active cell c into x: on a cut square or
// cube the l-th of m equal-index coordinates sits at Lo + h (i + (l+1)/(m+1)).
func (op *Operator) Centroid(c int, x []float64) {
	d := op.dim
	mi := op.mi[c*d : c*d+d]
	for k := 0; k < d; k++ {
		x[k] = op.axes[k].Centre(int(mi[k]))
		if !op.chamber {
			continue
		}
		lo, hi := k, k
		for lo > 0 && mi[lo-1] == mi[k] {
			lo--
		}
		for hi < d-1 && mi[hi+1] == mi[k] {
			hi++
		}
		if m := hi - lo + 1; m > 1 {
			h := op.axes[k].CellWidth(int(mi[k]))
			x[k] = op.axes[k].Edge(int(mi[k])) + h*float64(k-lo+1)/float64(m+1)
		}
	}
}

// cellRule calls fn(x, w) for the nodes of a q-point product Gauss rule on the chamber part of
// cell c (iterated on cut squares and cubes); the weights add up to the cell volume.
func (op *Operator) cellRule(c, q int, x []float64, fn func(x []float64, w float64)) {
	d := op.dim
	mi := op.mi[c*d : c*d+d]
	gl := gaussLegendre(q)
	var rec func(k int, w float64)
	// Axes are visited from the last down, so within a block the upper coordinate is fixed
	// first and bounds the next one.
	rec = func(k int, w float64) {
		if k < 0 {
			fn(x, w)
			return
		}
		a := op.axes[k]
		lo, width := a.Edge(int(mi[k])), a.CellWidth(int(mi[k]))
		if op.chamber && k+1 < d && mi[k+1] == mi[k] {
			width = x[k+1] - lo
		}
		for j, t := range gl.x {
			x[k] = lo + t*width
			rec(k-1, w*gl.w[j]*width)
		}
	}
	rec(d-1, 1)
}

// Initial returns the density whose cell values are the averages of f over the (chamber part
// of the) cells, normalised to unit mass. f must be non-negative and finite with positive
// integral on the grid.
func (op *Operator) Initial(f func(x []float64) float64) ([]float64, error) {
	p := make([]float64, op.ncell)
	x := make([]float64, op.dim)
	var bad error
	for c := range p {
		var s float64
		op.cellRule(c, 4, x, func(x []float64, w float64) {
			v := f(x)
			if !(v >= 0) || math.IsInf(v, 0) {
				if bad == nil {
					bad = fmt.Errorf("fokkerplanck: initial density is %g at %v; it must be finite and non-negative", v, x)
				}
			}
			s += w * v
		})
		p[c] = s / op.vol[c]
	}
	if bad != nil {
		return nil, bad
	}
	m := op.Mass(p)
	if !(m > 0) || math.IsInf(m, 0) {
		return nil, fmt.Errorf("fokkerplanck: initial density has mass %g on the grid", m)
	}
	for c := range p {
		p[c] /= m
	}
	return p, nil
}

// Marginal writes the marginal density of one mode on its axis cells into dst (allocated if
// too short) and returns it: dst[i] = sum over cells with index i on that axis of V_c p_c / h_i,
// h_i the width of cell i of the axis.
func (op *Operator) Marginal(p []float64, mode int, dst []float64) []float64 {
	if mode < 0 || mode >= op.dim {
		panic(fmt.Sprintf("fokkerplanck: mode %d of %d", mode, op.dim))
	}
	n := op.axes[mode].N
	if cap(dst) < n {
		dst = make([]float64, n)
	}
	dst = dst[:n]
	for i := range dst {
		dst[i] = 0
	}
	d := op.dim
	for c, v := range p {
		dst[op.mi[c*d+mode]] += op.vol[c] * v
	}
	a := op.axes[mode]
	for i := range dst {
		dst[i] /= a.CellWidth(i)
	}
	return dst
}

// marginals writes the marginal density of every mode into dst[k] (length N of axis k), as
// Marginal does mode by mode, in one pass along the lines of axis 0: the cells of such a line share
// their other indices, so those marginals take the line's sum, and axis 0's own runs through
// consecutive indices. Equal to Marginal to rounding (the sums are grouped by line); measured 3x
// faster than d calls of Marginal on the default study's chambers (BenchmarkClusteredSeed).
func (op *Operator) marginals(p []float64, dst [][]float64) {
	d := op.dim
	for k := 0; k < d; k++ {
		clear(dst[k][:op.axes[k].N])
	}
	ls := &op.lines[0]
	m0 := dst[0]
	for l := 0; l+1 < len(ls.start); l++ {
		a, b := int(ls.start[l]), int(ls.start[l+1])
		c0 := ls.cell(a)
		i0 := int(op.mi[c0*d])
		var sum float64
		if ls.perm == nil {
			row := m0[i0 : i0+b-a]
			for j, v := range p[a:b] {
				w := op.vol[a+j] * v
				row[j] += w
				sum += w
			}
		} else {
			for j, c := range ls.perm[a:b] {
				w := op.vol[c] * p[c]
				m0[i0+j] += w
				sum += w
			}
		}
		for k := 1; k < d; k++ {
			dst[k][op.mi[c0*d+k]] += sum
		}
	}
	for k := 0; k < d; k++ {
		ax := op.axes[k]
		for i := range dst[k][:ax.N] {
			dst[k][i] /= ax.CellWidth(i)
		}
	}
}

// Moments are the mean, variance and Binder cumulant <y^4>/(3 <y^2>^2) - 1 (y = x - mean) of a
// one-point density.
type Moments struct {
	Mean, Var, Binder float64
}

// GridMoments returns the moments of the piecewise-constant density rho on the cells of axis a
// (normalised by its own mass; exact integrals over each cell's edges, so graded axes too).
func GridMoments(rho []float64, a Axis) Moments {
	return pooledMoments([][]float64{rho}, []Axis{a})
}

// pooledMoments returns the moments of the equal-weight mixture of the normalised
// piecewise-constant densities rhos[k] on axes[k].
func pooledMoments(rhos [][]float64, axes []Axis) Moments {
	var mean float64
	for k, rho := range rhos {
		a := axes[k]
		var m0, m1 float64
		for i, v := range rho {
			lo, hi := a.Edge(i), a.Edge(i+1)
			m0 += v * (hi - lo)
			m1 += v * (hi*hi - lo*lo) / 2
		}
		mean += m1 / m0 / float64(len(rhos))
	}
	var c2, c4 float64
	for k, rho := range rhos {
		a := axes[k]
		var m0, s2, s4 float64
		for i, v := range rho {
			lo, hi := a.Edge(i)-mean, a.Edge(i+1)-mean
			m0 += v * (hi - lo)
			l3, h3 := lo*lo*lo, hi*hi*hi
			s2 += v * (h3 - l3) / 3
			s4 += v * (h3*hi*hi - l3*lo*lo) / 5
		}
		c2 += s2 / m0 / float64(len(rhos))
		c4 += s4 / m0 / float64(len(rhos))
	}
	return Moments{Mean: mean, Var: c2, Binder: c4/(3*c2*c2) - 1}
}

// ModeMoments returns the moments of one mode's marginal of p.
func (op *Operator) ModeMoments(p []float64, mode int) Moments {
	return GridMoments(op.Marginal(p, mode, nil), op.axes[mode])
}

// PairStats are the statistics of a pair of modes: the mean spacing <|x_i - x_j|> and the
// moments of the pooled one-point density (x_i and x_j together).
type PairStats struct {
	MeanSpacing float64
	Pooled      Moments
}

// Pair returns the pair statistics of modes i and j under p. The spacing is averaged exactly
// over each cell's chamber part for a piecewise-constant density (centroid differences; on the
// full grid |x_i - x_j| averages to h/3 on the diagonal cells).
func (op *Operator) Pair(p []float64, i, j int) PairStats {
	if i == j || i < 0 || j < 0 || i >= op.dim || j >= op.dim {
		panic(fmt.Sprintf("fokkerplanck: pair (%d, %d) of %d modes", i, j, op.dim))
	}
	x := make([]float64, op.dim)
	d := op.dim
	var s, m float64
	for c, v := range p {
		w := op.vol[c] * v
		m += w
		var dist float64
		if op.chamber {
			op.Centroid(c, x)
			dist = math.Abs(x[j] - x[i])
		} else {
			ci := op.axes[i].Centre(int(op.mi[c*d+i]))
			cj := op.axes[j].Centre(int(op.mi[c*d+j]))
			dist = math.Abs(cj - ci)
			if op.axes[i].equal(op.axes[j]) && op.mi[c*d+i] == op.mi[c*d+j] {
				dist = op.axes[i].CellWidth(int(op.mi[c*d+i])) / 3
			}
		}
		s += w * dist
	}
	return PairStats{
		MeanSpacing: s / m,
		Pooled: pooledMoments([][]float64{op.Marginal(p, i, nil), op.Marginal(p, j, nil)},
			[]Axis{op.axes[i], op.axes[j]}),
	}
}

// RelaxationRate fits log dist = a - rate t by least squares over the points with t >= from
// and a positive finite dist, and returns the rate. With fewer than two such points it returns
// an error.
func RelaxationRate(t, dist []float64, from float64) (float64, error) {
	if len(t) != len(dist) {
		panic("fokkerplanck: RelaxationRate: t and dist differ in length")
	}
	var n, st, sy, stt, sty float64
	for k := range t {
		if t[k] < from || !(dist[k] > 0) || math.IsInf(dist[k], 0) {
			continue
		}
		y := math.Log(dist[k])
		n++
		st += t[k]
		sy += y
		stt += t[k] * t[k]
		sty += t[k] * y
	}
	if n < 2 {
		return math.NaN(), fmt.Errorf("fokkerplanck: relaxation rate needs two positive distances after t = %g, have %d", from, int(n))
	}
	den := n*stt - st*st
	if den == 0 {
		return math.NaN(), fmt.Errorf("fokkerplanck: relaxation rate: all times equal")
	}
	return -(n*sty - st*sy) / den, nil
}
