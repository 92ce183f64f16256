package fokkerplanck

import (
	"fmt"
	"math"
)

// Separable mean-field shifts of the cell potential (Clustered).
//
// A cluster's effective potential is Phi_c + sum_k psi_k(i_k(c)), psi_k a function of the index
// along axis k alone. Across a face of axis k between indices i and i+1 the other axes' indices
// agree, so the argument of the Scharfetter-Gummel weights is z = z_op + s_k(i), z_op the
// operator's own difference (fixed) and s_k(i) = psi_k(i+1) - psi_k(i). The remake therefore
// needs no exponential per face: exp(-|z|) = exp(-|z_op|) exp(-+s) when z and z_op agree in sign
// (else exp(-+s)/exp(-|z_op|)), the per-face factor exp(-|z_op|) is computed once and the
// per-index exp(+-s) once per remake; then B(-|z|) = |z|/(1-E), B(|z|) = B(-|z|) E for
// |z| >= 1/2, and the Bernoulli series B(+-z) = 1 +- z/2 + (even part) below 1/2. The weights are
// made line by line inside the factorisation (Solver.factorLines) and written to the solver's
// weight arrays only when something else needs them (Solver.weights).
//
// Hand-written for speed: the remakes from the summed cell potential were a fifth of the default
// study's CPU profile, bernPair with its exponential over half of that (measured by
// BenchmarkClusteredSeed and the study's -cpuprofile). The weights agree with bernPair of the summed potential to a few ulps
// plus the rounding of that sum (TestShiftWeights).

// maxShiftArg bounds |z_op| and |s| for the product form: each factor stays within e^+-350 and
// E = exp(-|z|) >= e^-700 stays normal. Larger arguments (far walls) take bernPair.
const maxShiftArg = 350

// shiftAxis holds the fixed per-face data of one axis.
type shiftAxis struct {
	zop    []float64 // Phi_op(next) - Phi_op(this) per position
	e0     []float64 // exp(-|zop|) (0 where |zop| > maxShiftArg)
	idx    []int32   // index along the axis of the position's cell
	sp, sm []float64 // exp(s), exp(-s) per index (per remake)
	ds     []float64 // s per index (per remake)
	wpsi   []float64 // psi of the last remake
	dpsi   []float64 // psi - wpsi (shiftMoved's scratch)
}

// bernEven returns the even part of the Bernoulli function less 1, B(z) + z/2 - 1 =
// sum_k B_2k z^2k/(2k)! (u = z^2), for |z| < 1/2: the terms fall by (z/2 pi)^2 < 0.0064, so eight
// of them leave a truncation below 1e-18.
func bernEven(u float64) float64 {
	const (
		c1 = 1.0 / 12
		c2 = -1.0 / 720
		c3 = 1.0 / 30240
		c4 = -1.0 / 1209600
		c5 = 1.0 / 47900160
		c6 = -691.0 / 2730 / 479001600
		c7 = 7.0 / 6 / 87178291200
		c8 = -3617.0 / 510 / 20922789888000
	)
	// Estrin's scheme: a dependency chain of four multiply-adds instead of Horner's eight.
	u2 := u * u
	u4 := u2 * u2
	q0 := (c1 + c2*u) + u2*(c3+c4*u)
	q1 := (c5 + c6*u) + u2*(c7+c8*u)
	return u * (q0 + u4*q1)
}

// initShift builds the per-face data (once per solver).
func (s *Solver) initShift() {
	op := s.op
	d := op.dim
	for k := 0; k < d; k++ {
		ls := &op.lines[k]
		n := len(ls.tf)
		sa := &s.shift[k]
		sa.zop, sa.e0, sa.idx = make([]float64, n), make([]float64, n), make([]int32, n)
		for m := 0; m < n; m++ {
			c := ls.cell(m)
			sa.idx[m] = op.mi[c*d+k]
			if ls.tf[m] == 0 {
				continue
			}
			z := op.phi[ls.cell(m+1)] - op.phi[c]
			sa.zop[m] = z
			if math.Abs(z) <= maxShiftArg {
				sa.e0[m] = math.Exp(-math.Abs(z))
			}
		}
		na := op.axes[k].N
		sa.sp, sa.sm, sa.ds = make([]float64, na), make([]float64, na), make([]float64, na)
		sa.wpsi, sa.dpsi = make([]float64, na), make([]float64, na)
	}
	s.shiftReady = true
}

// setShiftTol sets the cell potential to Phi_op[c] + sum_k psi[k][i_k(c)] (psi[k] of length
// N of axis k, not kept) and remakes the weights, unless tol > 0 and the potential moved by at
// most tol up to a constant on the cells where p is at least 1e-10 of its largest value since
// the last remake by setShiftTol (the criterion of SetPotentialTol). It reports whether the
// weights were remade.
func (s *Solver) setShiftTol(psi [][]float64, p []float64, tol float64) bool {
	op := s.op
	d := op.dim
	if len(psi) != d || len(p) != op.ncell {
		panic(fmt.Sprintf("fokkerplanck: %d shifts, density of length %d for %d axes and %d cells", len(psi), len(p), d, op.ncell))
	}
	for k := 0; k < d; k++ {
		if len(psi[k]) != op.axes[k].N {
			panic(fmt.Sprintf("fokkerplanck: shift of length %d on axis %d of %d cells", len(psi[k]), k, op.axes[k].N))
		}
	}
	if !s.shiftReady {
		s.initShift()
	}
	if tol > 0 && s.shiftValid && !s.shiftMoved(psi, p, tol) {
		return false
	}
	for k := 0; k < d; k++ {
		sa := &s.shift[k]
		ps := psi[k]
		for i := 0; i+1 < len(ps); i++ {
			v := ps[i+1] - ps[i]
			sa.ds[i] = v
			if math.Abs(v) <= maxShiftArg {
				sa.sp[i], sa.sm[i] = math.Exp(v), math.Exp(-v)
			}
		}
		copy(sa.wpsi, ps)
		// The factorisations make the weights as they go (factorFor); weights() writes them
		// when they are needed otherwise.
		s.shiftW[k] = true
	}
	s.dropFactors()
	s.shiftValid = true
	s.wphi = nil // SetPotentialTol's reference is gone
	return true
}

// shiftMoved reports whether the separable potential psi differs from the last remake's by more
// than tol up to a constant on the cells where p >= 1e-10 max p.
func (s *Solver) shiftMoved(psi [][]float64, p []float64, tol float64) bool {
	op := s.op
	d := op.dim
	var big float64
	for _, v := range p {
		if v > big {
			big = v
		}
	}
	cut := 1e-10 * big
	var dk [3][]float64
	for k := 0; k < d; k++ {
		sa := &s.shift[k]
		for i, v := range psi[k] {
			sa.dpsi[i] = v - sa.wpsi[i]
		}
		dk[k] = sa.dpsi
	}
	// Along the lines of axis 0: the other axes' differences are constant on a line, axis 0's
	// run through consecutive indices (sums in the order d0 + d1 + d2 of the cell).
	lo, hi := math.Inf(1), math.Inf(-1)
	ls := &op.lines[0]
	d0 := dk[0]
	for l := 0; l+1 < len(ls.start); l++ {
		a, b := int(ls.start[l]), int(ls.start[l+1])
		c0 := ls.cell(a)
		i0 := int(op.mi[c0*d])
		var e1, e2 float64
		if d > 1 {
			e1 = dk[1][op.mi[c0*d+1]]
		}
		if d > 2 {
			e2 = dk[2][op.mi[c0*d+2]]
		}
		row := d0[i0 : i0+b-a]
		for j := range row {
			c := a + j
			if ls.perm != nil {
				c = int(ls.perm[c])
			}
			if p[c] >= cut {
				x := row[j] + e1
				if d > 2 {
					x += e2
				}
				lo, hi = min(lo, x), max(hi, x)
			}
		}
	}
	return hi-lo > 2*tol
}

// shiftWeights writes the weights of the positions m0 <= m < m1 of one line (m0 its first) into
// wf[:m1-m0], wb[:m1-m0], from the fixed per-face data and the per-index shifts.
func shiftWeights(sa *shiftAxis, tf, wf, wb []float64, m0, m1 int) {
	n := m1 - m0
	tf, zop, e0 := tf[m0:m1], sa.zop[m0:m1], sa.e0[m0:m1]
	wf, wb = wf[:n], wb[:n]
	i0 := int(sa.idx[m0]) // the index along the axis runs on by one per position
	ds, sp, sm := sa.ds[i0:i0+n], sa.sp[i0:i0+n], sa.sm[i0:i0+n]
	zop, e0, ds, sp, sm = zop[:len(tf)], e0[:len(tf)], ds[:len(tf)], sp[:len(tf)], sm[:len(tf)]
	wf, wb = wf[:len(tf)], wb[:len(tf)]
	for j := range tf {
		t := tf[j]
		if t == 0 {
			wf[j], wb[j] = 0, 0
			continue
		}
		zo, sh := zop[j], ds[j]
		z := zo + sh
		if math.Abs(zo) > maxShiftArg || math.Abs(sh) > maxShiftArg {
			bf, bb := bernPair(z)
			wf[j], wb[j] = flush(t*bf), flush(t*bb)
			continue
		}
		a := math.Abs(z)
		if a < 0.5 {
			// B(+-z) = 1 +- z/2 + (even part): no branch on the sign of z, which flickers
			// where the potential is flat.
			ev := 1 + bernEven(z*z)
			wf[j], wb[j] = flush(t*(ev-z/2)), flush(t*(ev+z/2))
			continue
		}
		var bp, bm float64 // B(a), B(-a)
		{
			// exp(-|z|) = exp(-|zo|) exp(-+s) when z and zo agree in sign, else exp(-+s)/exp(-|zo|).
			es := sm[j]
			if z < 0 {
				es = sp[j]
			}
			var e float64
			if (z < 0) == (zo < 0) {
				e = e0[j] * es
			} else {
				e = es / e0[j]
			}
			bm = a / (1 - e)
			bp = bm * e
		}
		if z >= 0 {
			wf[j], wb[j] = flush(t*bp), flush(t*bm)
		} else {
			wf[j], wb[j] = flush(t*bm), flush(t*bp)
		}
	}
}
