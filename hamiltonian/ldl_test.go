package hamiltonian

import (
	"context"
	"math"
	"testing"

	"fpsolve/fokkerplanck"
	"fpsolve/model"
)

// TestSplitLDL: the factorisation of the two nested-dissection parts on two goroutines gives
// the pivots of the serial code bit for bit (the same operations in the same order), the split
// solves (forward sweep by rows) its solutions to rounding, and the envelope bound picks nested dissection on the chamber as the exact
// natural-order count does.
func TestSplitLDL(t *testing.T) {
	t.Parallel()
	mode := model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.01}
	h, _ := sgOperator(t, []model.Mode{mode, mode}, true, fokkerplanck.Axis{Lo: 0, Hi: 9, N: 160})
	raw := h.RawMatrix()
	a := csrPattern{n: raw.I, indptr: raw.Indptr, ind: raw.Ind, data: raw.Data}
	perm, split := ordering(nil, a, OrderAuto)
	if perm == nil || split[0] == 0 {
		t.Fatalf("auto ordering on the chamber: natural order or no split (%v)", split)
	}
	if env := envelopeFlops(a); !(env > 0) {
		t.Fatalf("envelope bound %g", env)
	}
	sigma := -1e-9 * medianAbsDiag(a)
	serial, err := newLDL(context.Background(), a, sigma, perm, [2]int{})
	if err != nil {
		t.Fatal(err)
	}
	par, err := newLDL(context.Background(), a, sigma, perm, split)
	if err != nil {
		t.Fatal(err)
	}
	if par.s == 0 {
		t.Skip("split not used (one CPU or a small factor)")
	}
	for j, d := range serial.d {
		if math.Float64bits(d) != math.Float64bits(par.d[j]) {
			t.Fatalf("pivot %d: %v serial, %v split", j, d, par.d[j])
		}
	}
	x1, x2 := make([]float64, a.n), make([]float64, a.n)
	for i := range x1 {
		x1[i] = math.Sin(float64(i))
		x2[i] = x1[i]
	}
	serial.solve(x1)
	par.solve(x2)
	var mx float64
	for _, v := range x1 {
		mx = math.Max(mx, math.Abs(v))
	}
	for i := range x1 {
		// The forward sweep sums each row in another order (four partial sums by rows instead
		// of subtractions by columns): the solutions differ by that rounding, amplified by the
		// conditioning of the solve; measured 3e-15 of the largest entry, 1e-12 leaves 300x.
		if math.Abs(x1[i]-x2[i]) > 1e-12*mx {
			t.Fatalf("solution %d: %v serial, %v split", i, x1[i], x2[i])
		}
	}
}
