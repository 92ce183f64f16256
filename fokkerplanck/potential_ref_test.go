package fokkerplanck

import (
	"fmt"
	"math"
)

// The first implementation of the operator's cell potentials, kept as the reference that
// TestFastAssembly compares the fast assembly (operator_fast.go) with.

func (op *Operator) potential() error {
	d := op.dim
	pmax := 0
	if op.chamber {
		pmax = d - 1
	}
	am := make([]axisMoments, d)
	for k := 0; k < d; k++ {
		var err error
		am[k], err = op.axisMoments(k, pmax)
		if err != nil {
			return err
		}
	}
	// Block moments on the diagonal: pair[k][i][p][q] for modes (k, k+1) on the cut square
	// of cell i, triple[i] on the cut cube.
	var pair [2][][maxPow][maxPow]float64
	var triple []float64
	if op.chamber {
		n := op.axes[0].N
		for k := 0; k+1 < d; k++ {
			pair[k] = make([][maxPow][maxPow]float64, n)
			for i := 0; i < n; i++ {
				pair[k][i] = op.pairMoments(k, i, am, pmax)
			}
		}
		if d == 3 {
			triple = make([]float64, n)
			for i := 0; i < n; i++ {
				triple[i] = op.tripleMoment(i, am)
			}
		}
	}
	op.phi = make([]float64, op.ncell)
	mi := make([]int, d)
	for c := 0; c < op.ncell; c++ {
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
			return fmt.Errorf("fokkerplanck: cell at %v: integral of exp(-Phi) is %g (potential not finite there?)", x, integral)
		}
		op.phi[c] = ref - math.Log(integral/op.vol[c])
	}
	return nil
}

// axisMoments computes the scaled moments of exp(-Phi_k) on every cell of axis k.
func (op *Operator) axisMoments(k, pmax int) (axisMoments, error) {
	a := op.axes[k]
	m := op.sys.Modes[k]
	out := axisMoments{ref: make([]float64, a.N), mom: make([][maxPow]float64, a.N), del: make([]float64, a.N)}
	const ns = 9
	gl := gaussLegendre(8)
	for i := 0; i < a.N; i++ {
		lo, c, h := a.Edge(i), a.Centre(i), a.CellWidth(i)
		mn, mx := math.Inf(1), math.Inf(-1)
		for s := 0; s < ns; s++ {
			v := m.Phi(lo + (float64(s)+0.5)/ns*h)
			if math.IsNaN(v) || math.IsInf(v, -1) {
				return out, fmt.Errorf("fokkerplanck: axis %d: potential of mode %d is %g at x = %g (outside the drift's domain?)", k, k, v, lo+(float64(s)+0.5)/ns*h)
			}
			mn, mx = math.Min(mn, v), math.Max(mx, v)
		}
		if math.IsInf(mn, 1) {
			return out, fmt.Errorf("fokkerplanck: axis %d: potential of mode %d is infinite on cell [%g, %g] (outside the drift's domain?)", k, k, lo, lo+h)
		}
		// The least Phi on a steep cell sits at an edge: include the finite edge values.
		for _, x := range []float64{lo, lo + h} {
			if v := m.Phi(x); !math.IsNaN(v) && !math.IsInf(v, 0) {
				mn = math.Min(mn, v)
			}
		}
		nsub := int(math.Ceil((mx - mn) / 3))
		nsub = max(1, min(nsub, 512))
		hs := h / float64(nsub)
		for s := 0; s < nsub; s++ {
			for _, xq := range gl.x {
				mn = math.Min(mn, m.Phi(lo+(float64(s)+xq)*hs))
			}
		}
		out.ref[i] = mn
		out.del[i] = mx - mn
		var mom [maxPow]float64
		for s := 0; s < nsub; s++ {
			for q, xq := range gl.x {
				x := lo + (float64(s)+xq)*hs
				f := scaledExp(m.Phi(x), mn) * gl.w[q] * hs
				u := x - c
				pw := 1.0
				for p := 0; p <= pmax; p++ {
					mom[p] += f * pw
					pw *= u
				}
			}
		}
		if mom[0] == 0 {
			// Phi varies across the cell by more than the sub-cells resolve (a drift/diffusion
			// ratio of 1e9, say), so exp(-Phi) lives in a boundary layer at the edge where Phi is
			// least (an interior least value would have a node with weight 1). Integrate its
			// linearisation there, exp(-s |x - xe|), exactly.
			xe, in := lo, lo+1e-9*h
			if v := m.Phi(lo + h); v == mn {
				xe, in = lo+h, lo+h-1e-9*h
			}
			sl := (m.Phi(in) - mn) / (1e-9 * h)
			if !(sl > 0) || math.IsInf(sl, 0) {
				return out, fmt.Errorf("fokkerplanck: axis %d: potential of mode %d varies too steeply on cell [%g, %g] to integrate", k, k, lo, lo+h)
			}
			w := -math.Expm1(-sl*h) / sl
			pw := 1.0
			for p := 0; p <= pmax; p++ {
				mom[p] = w * pw
				pw *= xe - c
			}
		}
		out.mom[i] = mom
	}
	return out, nil
}
