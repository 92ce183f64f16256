package fokkerplanck

import (
	"fmt"
	"math"
	"sync"

	"fpsolve/internal/par"
	"fpsolve/internal/vmath"
)

// The operator's assembly: the cell potentials (potentialFast) and the generator's CSR
// (Generator), written for speed.
//
// potentialFast computes exactly the numbers of potential (potential.go): the same nodes, the
// same sums in the same order. It differs in three ways, all measured on one rbm mode with
// 200,000 cells (the [spectrum] stage's 1-D case), where the cell potentials took 0.15-0.19 s of
// the assembly: the potential Phi(x) at the Gauss-Legendre nodes of a cell is evaluated once
// (the least-value pass and the moment pass used to evaluate it twice, an exp and a log per
// call for an rbm drift), the cells of an axis are split among up to GOMAXPROCS goroutines
// (every cell's moments are independent), and the potential and the weights of a cell are
// evaluated in batches, four lanes at a time with math's bits (model.Mode.PhiTo, vmath.Exp:
// BenchmarkNewOperator200k 64 -> 37 ms). On the chamber the per-axis moments are a small part;
// its pair and triple moments are those of potential.go.

// sampleAt holds (s + 0.5)/9, s = 0..8, the sample points of axisMoments in a cell (the same
// values as computed there, one division each, once).
var sampleAt = func() (f [9]float64) {
	for s := range f {
		f[s] = (float64(s) + 0.5) / 9
	}
	return f
}()

// parallelCells is the least count of cells per goroutine worth a goroutine.
const parallelCells = 4096

// forChunks calls f(lo, hi) on consecutive chunks of [0, n) on up to GOMAXPROCS goroutines
// (one chunk, on the calling goroutine, below 2 parallelCells).
func forChunks(n int, f func(lo, hi int)) { par.Chunks(n, parallelCells, f) }

// potentialFast is potential with axisMomentsFast.
func (op *Operator) potentialFast() error {
	d := op.dim
	pmax := 0
	if op.chamber {
		pmax = d - 1
	}
	am := make([]axisMoments, d)
	for k := 0; k < d; k++ {
		var err error
		am[k], err = op.axisMomentsFast(k, pmax)
		if err != nil {
			return err
		}
	}
	var pair [2][][maxPow][maxPow]float64
	var triple []float64
	if op.chamber {
		n := op.axes[0].N
		for k := 0; k+1 < d; k++ {
			pair[k] = make([][maxPow][maxPow]float64, n)
			forChunks(n, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					pair[k][i] = op.pairMoments(k, i, am, pmax)
				}
			})
		}
		if d == 3 {
			triple = make([]float64, n)
			forChunks(n, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					triple[i] = op.tripleMoment(i, am)
				}
			})
		}
	}
	op.phi = make([]float64, op.ncell)
	errs := make([]error, op.ncell/parallelCells+1)
	forChunks(op.ncell, func(lo, hi int) {
		mi := make([]int, d)
		for c := lo; c < hi; c++ {
			op.MultiIndex(c, mi)
			ref := 0.0
			for k := 0; k < d; k++ {
				ref += am[k].ref[mi[k]]
			}
			var integral float64
			if !op.chamber {
				integral = 1
				for k := 0; k < d; k++ {
					integral *= am[k].mom[mi[k]][0]
				}
			} else {
				integral = op.chamberIntegral(mi, am, pair, triple)
			}
			if !(integral > 0) || math.IsInf(integral, 0) {
				x := make([]float64, d)
				op.Cell(c, x)
				errs[lo/parallelCells] = fmt.Errorf("fokkerplanck: cell at %v: integral of exp(-Phi) is %g (potential not finite there?)", x, integral)
				return
			}
			op.phi[c] = ref - math.Log(integral/op.vol[c])
		}
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// axisMomentsFast is axisMoments with the potential at the Gauss-Legendre nodes of a cell
// evaluated once, and the cells split among goroutines. On an error it returns the one of the
// lowest cell, as axisMoments does.
func (op *Operator) axisMomentsFast(k, pmax int) (axisMoments, error) {
	a := op.axes[k]
	out := axisMoments{ref: make([]float64, a.N), mom: make([][maxPow]float64, a.N), del: make([]float64, a.N)}
	type cellErr struct {
		cell int
		err  error
	}
	var mu sync.Mutex
	first := cellErr{cell: a.N}
	gl := gaussLegendre(8) // once: it takes a lock
	forChunks(a.N, func(lo, hi int) {
		var sc cellScratch
		for i := lo; i < hi; i++ {
			if err := op.cellMoments(k, i, pmax, gl, &out, &sc); err != nil {
				mu.Lock()
				if i < first.cell {
					first = cellErr{i, err}
				}
				mu.Unlock()
				return
			}
		}
	})
	return out, first.err
}

// cellScratch is the scratch of cellMoments: the nodes of a cell and the potential and the
// weights exp(-(Phi - ref)) there.
type cellScratch struct {
	xs, phis, ws []float64
}

// grow returns s's slices with length n.
func (s *cellScratch) grow(n int) (xs, phis, ws []float64) {
	if cap(s.xs) < n {
		s.xs, s.phis, s.ws = make([]float64, n), make([]float64, n), make([]float64, n)
	}
	return s.xs[:n], s.phis[:n], s.ws[:n]
}

// cellMoments sets out.ref[i], out.del[i] and out.mom[i] of cell i of axis k, with the
// arithmetic of axisMoments (gl the 8-point rule). It evaluates the potential over the sample
// points of the cell and then over its quadrature nodes in two batches (model.Mode.PhiTo) and
// the weights in one (vmath.Exp): the values of axisMoments's calls one by one, bit for bit,
// in 40-45% of the time on one rbm mode with 200,000 cells.
func (op *Operator) cellMoments(k, i, pmax int, gl glRule, out *axisMoments, sc *cellScratch) error {
	a := op.axes[k]
	m := op.sys.Modes[k]
	const ns = len(sampleAt)
	lo, c, h := a.Edge(i), a.Centre(i), a.CellWidth(i)
	// The sample points, the two edges and (to fill the last block of four) the fifth sample
	// point once more.
	var xs, vs [ns + 3]float64
	for s := 0; s < ns; s++ {
		xs[s] = lo + sampleAt[s]*h
	}
	xs[ns], xs[ns+1], xs[ns+2] = lo, lo+h, xs[4]
	m.PhiTo(vs[:], xs[:])
	mn, mx := math.Inf(1), math.Inf(-1)
	for s := 0; s < ns; s++ {
		v := vs[s]
		if math.IsNaN(v) || math.IsInf(v, -1) {
			return fmt.Errorf("fokkerplanck: axis %d: potential of mode %d is %g at x = %g (outside the drift's domain?)", k, k, v, xs[s])
		}
		mn, mx = min(mn, v), max(mx, v) // the builtins: math.Min/Max's results, NaN and -0 alike
	}
	if math.IsInf(mn, 1) {
		return fmt.Errorf("fokkerplanck: axis %d: potential of mode %d is infinite on cell [%g, %g] (outside the drift's domain?)", k, k, lo, lo+h)
	}
	for _, v := range vs[ns : ns+2] {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			mn = min(mn, v)
		}
	}
	nsub := int(math.Ceil((mx - mn) / 3))
	nsub = max(1, min(nsub, 512))
	hs := h / float64(nsub)
	nq := len(gl.x)
	nodes, phis, ws := sc.grow(nsub * nq)
	for s := 0; s < nsub; s++ {
		for q, xq := range gl.x {
			nodes[s*nq+q] = lo + (float64(s)+xq)*hs
		}
	}
	m.PhiTo(phis, nodes)
	for _, v := range phis {
		mn = min(mn, v)
	}
	out.ref[i] = mn
	out.del[i] = mx - mn
	for j, v := range phis {
		ws[j] = -math.Max(v-mn, -40) // scaledExp's argument
	}
	vmath.Exp(ws, ws)
	var mom [maxPow]float64
	for s := 0; s < nsub; s++ {
		for q := range gl.x {
			x := nodes[s*nq+q]
			f := ws[s*nq+q] * gl.w[q] * hs
			u := x - c
			pw := 1.0
			for p := 0; p <= pmax; p++ {
				mom[p] += f * pw
				pw *= u
			}
		}
	}
	if mom[0] == 0 {
		// The boundary layer of axisMoments.
		xe, in := lo, lo+1e-9*h
		if v := m.Phi(lo + h); v == mn {
			xe, in = lo+h, lo+h-1e-9*h
		}
		sl := (m.Phi(in) - mn) / (1e-9 * h)
		if !(sl > 0) || math.IsInf(sl, 0) {
			return fmt.Errorf("fokkerplanck: axis %d: potential of mode %d varies too steeply on cell [%g, %g] to integrate", k, k, lo, lo+h)
		}
		w := -math.Expm1(-sl*h) / sl
		pw := 1.0
		for p := 0; p <= pmax; p++ {
			mom[p] = w * pw
			pw *= xe - c
		}
	}
	out.mom[i] = mom
	return nil
}
