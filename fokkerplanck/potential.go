package fokkerplanck

import "math"

// Cell averages of exp(-Phi).
//
// Phi = sum_k Phi_k(x_k) - sum_{i<j} log|x_i - x_j|, so exp(-Phi) = prod_k f_k(x_k) times the
// Vandermonde product prod_{i<j} (x_j - x_i) (positive in the chamber). On a cell, group the axes
// into blocks of equal index (a block of two or three is a cut square or cube). The Vandermonde
// factors between different blocks are polynomials in the offsets u_k = x_k - centre_k of degree
// at most dim-1 in each variable; the factors inside a block stay inside the block's integral.
// So the cell integral is a finite sum of products of per-axis moments int f_k u^p (composite
// Gauss-Legendre, subdivided where Phi_k varies fast) and per-block moments over the cut square
// or cube (iterated Gauss-Legendre on the simplex). Every f_k is scaled by exp(r_k) with r_k the
// least sampled Phi_k on the cell, so nothing overflows when Phi spans 1e4.

const maxPow = 3 // powers 0..2 per variable

type poly [27]float64 // coefficient of u0^a u1^b u2^c at a + 3b + 9c

// mulLinear multiplies p by (d + u_j - u_i).
func (p *poly) mulLinear(d float64, i, j int) {
	var q poly
	si, sj := pow3(i), pow3(j)
	for idx, v := range p {
		if v == 0 {
			continue
		}
		q[idx] += d * v
		if (idx/sj)%3 < 2 {
			q[idx+sj] += v
		}
		if (idx/si)%3 < 2 {
			q[idx+si] -= v
		}
	}
	*p = q
}

func pow3(k int) int { return [3]int{1, 3, 9}[k] }

type axisMoments struct {
	ref []float64         // r[i]: least sampled Phi_k on cell i
	mom [][maxPow]float64 // int_cell exp(-(Phi_k - r)) u^p dx
	del []float64         // sampled range of Phi_k on the cell
}

// chamberIntegral returns the scaled integral of exp(-Phi) over the chamber part of the cell mi.
func (op *Operator) chamberIntegral(mi []int, am []axisMoments, pair [2][][maxPow][maxPow]float64, triple []float64) float64 {
	d := op.dim
	if d == 3 && mi[0] == mi[2] {
		return triple[mi[0]]
	}
	// Blocks: block[k] is the first axis of k's block.
	var block [3]int
	for k := 0; k < d; k++ {
		block[k] = k
		if k > 0 && mi[k] == mi[k-1] {
			block[k] = block[k-1]
		}
	}
	var p poly
	p[0] = 1
	// Chamber axes are uniform (NewOperator refuses graded axes with more than one mode), so
	// the centres of cells i and j are (j - i) h apart.
	h := op.axes[0].Width()
	for i := 0; i < d; i++ {
		for j := i + 1; j < d; j++ {
			if block[i] != block[j] {
				p.mulLinear(float64(mi[j]-mi[i])*h, i, j)
			}
		}
	}
	var sum float64
	for idx, coef := range p {
		if coef == 0 {
			continue
		}
		pw := [3]int{idx % 3, (idx / 3) % 3, idx / 9}
		term := coef
		for k := 0; k < d; k++ {
			switch {
			case k+1 < d && block[k+1] == k:
				term *= pair[k][mi[k]][pw[k]][pw[k+1]]
			case block[k] == k:
				term *= am[k].mom[mi[k]][pw[k]]
			}
		}
		sum += term
	}
	return sum
}

// simplexOrder picks the Gauss order of the iterated rules from the variation of Phi.
func simplexOrder(delta float64, lo, hi int) int {
	return max(lo, min(hi, lo+int(math.Ceil(delta))))
}

// pairMoments returns int over {lo < x_k < x_{k+1} < hi} of f_k f_{k+1} (x_{k+1} - x_k)
// u_k^p u_{k+1}^q for p, q <= pmax, scaled like the axis moments.
func (op *Operator) pairMoments(k, i int, am []axisMoments, pmax int) [maxPow][maxPow]float64 {
	a := op.axes[k]
	lo, h, c := a.Edge(i), a.CellWidth(i), a.Centre(i)
	ma, mb := op.sys.Modes[k], op.sys.Modes[k+1]
	ra, rb := am[k].ref[i], am[k+1].ref[i]
	gl := gaussLegendre(simplexOrder(am[k].del[i]+am[k+1].del[i], 8, 48))
	var out [maxPow][maxPow]float64
	for qb, tb := range gl.x {
		xb := lo + tb*h
		fb := scaledExp(mb.Phi(xb), rb) * gl.w[qb] * h
		ub := xb - c
		w := xb - lo
		for qa, ta := range gl.x {
			xa := lo + ta*w
			f := fb * scaledExp(ma.Phi(xa), ra) * gl.w[qa] * w * (xb - xa)
			ua := xa - c
			pa := 1.0
			for p := 0; p <= pmax; p++ {
				pb := 1.0
				for q := 0; q <= pmax; q++ {
					out[p][q] += f * pa * pb
					pb *= ub
				}
				pa *= ua
			}
		}
	}
	return out
}

// tripleMoment returns int over {lo < x_0 < x_1 < x_2 < hi} of f_0 f_1 f_2 times the
// Vandermonde product, scaled like the axis moments.
func (op *Operator) tripleMoment(i int, am []axisMoments) float64 {
	a := op.axes[0]
	lo, h := a.Edge(i), a.CellWidth(i)
	m := op.sys.Modes
	gl := gaussLegendre(simplexOrder(am[0].del[i]+am[1].del[i]+am[2].del[i], 6, 20))
	var sum float64
	for q2, t2 := range gl.x {
		x2 := lo + t2*h
		f2 := scaledExp(m[2].Phi(x2), am[2].ref[i]) * gl.w[q2] * h
		w1 := x2 - lo
		for q1, t1 := range gl.x {
			x1 := lo + t1*w1
			f1 := f2 * scaledExp(m[1].Phi(x1), am[1].ref[i]) * gl.w[q1] * w1
			w0 := x1 - lo
			for q0, t0 := range gl.x {
				x0 := lo + t0*w0
				f0 := scaledExp(m[0].Phi(x0), am[0].ref[i]) * gl.w[q0] * w0
				sum += f1 * f0 * (x1 - x0) * (x2 - x0) * (x2 - x1)
			}
		}
	}
	return sum
}

// scaledExp returns exp(-(phi - ref)), capped at e^40 in case a node lies below the cell's
// reference (only possible where Phi varies by far more than 40 across the cell, where the
// cell carries no probability anyway).
func scaledExp(phi, ref float64) float64 {
	return math.Exp(-math.Max(phi-ref, -40))
}
