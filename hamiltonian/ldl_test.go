package hamiltonian

import (
	"context"
	"math"
	"testing"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/mat"

	"fpsolve/fokkerplanck"
	"fpsolve/model"
)

// TestSplitLDL: the factorisation of the two nested-dissection parts on two goroutines gives
// the pivots of the serial code bit for bit (the same operations in the same order), the split
// solves (the two parts' updates of the last rows summed apart) its solutions to rounding, both
// solve with a residual at the rounding level, and the envelope bound picks nested dissection on
// the chamber as the exact natural-order count does.
func TestSplitLDL(t *testing.T) {
	t.Parallel()
	mode := model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.01}
	h, _ := sgOperator(t, []model.Mode{mode, mode}, true, fokkerplanck.Axis{Lo: 0, Hi: 9, N: 160})
	a := patternOf(h)
	perm, split, _ := ordering(nil, a, OrderAuto)
	if perm == nil || split[0] == 0 {
		t.Fatalf("auto ordering on the chamber: natural order or no split (%v)", split)
	}
	if env := envelopeFlops(a); !(env > 0) {
		t.Fatalf("envelope bound %g", env)
	}
	sigma := -1e-9 * medianAbsDiag(a)
	serial, err := newLDL(context.Background(), a, sigma, perm, [2]int{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	par, err := newLDL(context.Background(), a, sigma, perm, split, nil)
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
	checkSupernodes(t, serial)
	checkSupernodes(t, par)
	b := append([]float64(nil), x1...)
	serial.solve(x1)
	par.solve(x2)
	checkResidual(t, "serial", a, sigma, x1, b)
	checkResidual(t, "split", a, sigma, x2, b)
	var mx float64
	for _, v := range x1 {
		mx = math.Max(mx, math.Abs(v))
	}
	for i := range x1 {
		// The split forward sweep sums the updates of the last rows in another order (each
		// part's apart, then both): the solutions differ by that rounding, amplified by the
		// conditioning of the solve; measured 2e-16 of the largest entry, 1e-12 leaves 5000x.
		if math.Abs(x1[i]-x2[i]) > 1e-12*mx {
			t.Fatalf("solution %d: %v serial, %v split", i, x1[i], x2[i])
		}
	}
}

// TestSupernodalSolve checks the supernodal solves against gonum's dense Cholesky factorisation
// of the same shifted matrix (an independent method) on a 2-D and a 3-D Coulomb chamber, in
// nested-dissection and natural order (natural order gives long band supernodes, nested
// dissection many short ones and dense separators), and the supernode structure each time.
func TestSupernodalSolve(t *testing.T) {
	t.Parallel()
	mode := model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.01}
	h2, _ := sgOperator(t, []model.Mode{mode, mode}, true, fokkerplanck.Axis{Lo: 0, Hi: 9, N: 40})
	h3, _ := sgOperator(t, []model.Mode{mode, mode, mode}, true, fokkerplanck.Axis{Lo: 0, Hi: 9, N: 14})
	for _, c := range []struct {
		name string
		h    *sparse.CSR
		o    Ordering
	}{
		{"2-D nested dissection", h2, OrderNestedDissection},
		{"2-D natural", h2, OrderNatural},
		{"3-D nested dissection", h3, OrderNestedDissection},
		{"3-D natural", h3, OrderNatural},
	} {
		a := patternOf(c.h)
		// A shift well below the spectrum (E_0 = 0): cond(A - sigma I) = (E_max + |sigma|) /
		// |sigma| stays below about 1e3, so two backward-stable solvers agree to about
		// cond * n * eps = 1e-10 at worst; measured 4e-16 to 8e-16 of the largest entry.
		sigma := -0.1 * medianAbsDiag(a)
		perm, _, _ := ordering(nil, a, c.o)
		f, err := newLDL(context.Background(), a, sigma, perm, [2]int{}, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		checkSupernodes(t, f)
		wide := 0
		for k := 0; k+1 < len(f.sn); k++ {
			if f.sn[k+1]-f.sn[k] >= denseMin {
				wide++
			}
		}
		if wide == 0 {
			t.Fatalf("%s: no supernode of %d or more columns: the dense path is not exercised", c.name, denseMin)
		}
		n := a.n
		dense := mat.NewSymDense(n, nil)
		for i := 0; i < n; i++ {
			for p := a.indptr[i]; p < a.indptr[i+1]; p++ {
				if j := a.ind[p]; j >= i {
					v := a.data[p]
					if j == i {
						v -= sigma
					}
					dense.SetSym(i, j, v)
				}
			}
		}
		var chol mat.Cholesky
		if !chol.Factorize(dense) {
			t.Fatalf("%s: dense Cholesky failed", c.name)
		}
		b := make([]float64, n)
		for i := range b {
			b[i] = math.Sin(float64(3*i + 1))
		}
		var want mat.VecDense
		if err := chol.SolveVecTo(&want, mat.NewVecDense(n, append([]float64(nil), b...))); err != nil {
			t.Fatal(err)
		}
		x := append([]float64(nil), b...)
		f.solve(x)
		var mx, diff float64
		for i, v := range x {
			mx = math.Max(mx, math.Abs(want.AtVec(i)))
			diff = math.Max(diff, math.Abs(v-want.AtVec(i)))
		}
		if diff > 1e-10*mx {
			t.Errorf("%s: supernodal solve differs from dense Cholesky by %g (largest entry %g)", c.name, diff, mx)
		}
		checkResidual(t, c.name, a, sigma, x, b)
	}
}

// checkSupernodes checks the supernode partition against the rows of L: within a supernode
// [j0, j1) column j holds exactly the rows j+1, ..., j1-1 and then the rows of column j0 below
// j1-1, intra[j] = j1-1-j, and cut counts the shared rows before the split row s.
func checkSupernodes(t *testing.T, f *ldl) {
	t.Helper()
	if f.sn[0] != 0 || f.sn[len(f.sn)-1] != f.n {
		t.Fatalf("supernodes %v... do not cover [0, %d)", f.sn[:min(4, len(f.sn))], f.n)
	}
	for k := 0; k+1 < len(f.sn); k++ {
		j0, j1 := f.sn[k], f.sn[k+1]
		shared := f.li[f.lp[j0]+j1-j0-1 : f.lp[j0+1]]
		for j := j0; j < j1; j++ {
			if int(f.intra[j]) != j1-1-j {
				t.Fatalf("column %d of supernode [%d, %d): intra %d", j, j0, j1, f.intra[j])
			}
			col := f.li[f.lp[j]:f.lp[j+1]]
			if len(col) != j1-1-j+len(shared) {
				t.Fatalf("column %d of supernode [%d, %d): %d rows, want %d", j, j0, j1, len(col), j1-1-j+len(shared))
			}
			for p, r := range col {
				want := j + 1 + p
				if p >= j1-1-j {
					want = int(shared[p-(j1-1-j)])
				}
				if int(r) != want {
					t.Fatalf("column %d of supernode [%d, %d): row %d at %d, want %d", j, j0, j1, r, p, want)
				}
			}
		}
		c := 0
		for _, r := range shared {
			if f.s == 0 || j0 >= f.s || int(r) < f.s {
				c++
			}
		}
		if int(f.cut[k]) != c {
			t.Fatalf("supernode [%d, %d): cut %d, want %d", j0, j1, f.cut[k], c)
		}
	}
}

// checkResidual checks that x solves (A - sigma I) x = b to rounding: the residual's largest
// entry at most 1e-13 of |A - sigma I| |x| (a backward-stable solve gives a few n eps with a
// small constant; measured up to 1.1e-15).
func checkResidual(t *testing.T, name string, a csrPattern, sigma float64, x, b []float64) {
	t.Helper()
	for i := 0; i < a.n; i++ {
		r, scale := b[i]+sigma*x[i], math.Abs(sigma*x[i])
		for p := a.indptr[i]; p < a.indptr[i+1]; p++ {
			r -= a.data[p] * x[a.ind[p]]
			scale += math.Abs(a.data[p] * x[a.ind[p]])
		}
		if math.Abs(r) > 1e-13*scale {
			t.Fatalf("%s: residual %g in row %d against |A - sigma I| |x| = %g", name, r, i, scale)
		}
	}
}

// TestSharedElimTree: the elimination tree that ordering computes for its choice is the one
// newLDL computes, a factorisation with it gives the same pivots bit for bit, and newLDL leaves
// it unchanged (Lowest reuses it for every shift it tries).
func TestSharedElimTree(t *testing.T) {
	t.Parallel()
	mode := model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.01}
	for _, n := range []int{12, 40} { // natural order wins on the small grid, nested dissection on the larger
		h, _ := sgOperator(t, []model.Mode{mode, mode}, true, fokkerplanck.Axis{Lo: 0, Hi: 9, N: n})
		a := patternOf(h)
		perm, split, et := ordering(nil, a, OrderAuto)
		if et == nil {
			t.Fatalf("n = %d: OrderAuto returned no elimination tree", n)
		}
		parent, counts := append([]int(nil), et.parent...), append([]int(nil), et.counts...)
		sigma := -1e-9 * medianAbsDiag(a)
		own, err := newLDL(context.Background(), a, sigma, perm, split, nil)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			shared, err := newLDL(context.Background(), a, sigma, perm, split, et)
			if err != nil {
				t.Fatal(err)
			}
			for j := range own.d {
				if math.Float64bits(own.d[j]) != math.Float64bits(shared.d[j]) || own.parent[j] != et.parent[j] || own.lp[j+1]-own.lp[j] != et.counts[j] {
					t.Fatalf("n = %d, column %d: the shared tree gives another factor", n, j)
				}
			}
		}
		for j := range parent {
			if parent[j] != et.parent[j] || counts[j] != et.counts[j] {
				t.Fatalf("n = %d: newLDL changed the elimination tree at column %d", n, j)
			}
		}
		if (perm == nil) != (n == 12) {
			t.Fatalf("n = %d: natural order %v: the test no longer covers both choices", n, perm == nil)
		}
	}
}

// TestParallelDissection: ordering the two parts of the top split on two goroutines gives the
// serial ordering and split exactly (run with -race to check that the goroutines share nothing
// they write), on a 2-D and a 3-D chamber.
func TestParallelDissection(t *testing.T) {
	t.Parallel()
	mode := model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.01}
	h2, _ := sgOperator(t, []model.Mode{mode, mode}, true, fokkerplanck.Axis{Lo: 0, Hi: 9, N: 120})
	h3, _ := sgOperator(t, []model.Mode{mode, mode, mode}, true, fokkerplanck.Axis{Lo: 0, Hi: 9, N: 30})
	for _, h := range []*sparse.CSR{h2, h3} {
		a := patternOf(h)
		p1, s1 := nestedDissection(nil, a, false)
		p2, s2 := nestedDissection(nil, a, true)
		if s1 != s2 || s1[0] == 0 {
			t.Fatalf("n = %d: split %v serial, %v parallel", a.n, s1, s2)
		}
		for i := range p1 {
			if p1[i] != p2[i] {
				t.Fatalf("n = %d: position %d holds %d serial, %d parallel", a.n, i, p1[i], p2[i])
			}
		}
	}
}

// patternOf returns the raw structure of the CSR matrix h.
func patternOf(h *sparse.CSR) csrPattern {
	raw := h.RawMatrix()
	return csrPattern{n: raw.I, indptr: raw.Indptr, ind: raw.Ind, data: raw.Data}
}

// chamber256 returns the symmetrised SG H_FP of BenchmarkChamber256 (two rbm modes, kappa = 5,
// g^2 = 0.01, with Coulomb, the 256 x 256 chamber) and Lowest's default shift for it.
func chamber256(tb testing.TB) (csrPattern, float64) {
	mode := model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.01}
	h, _ := sgOperator(tb, []model.Mode{mode, mode}, true, fokkerplanck.Axis{Lo: 0, Hi: 9, N: 256})
	a := patternOf(h)
	return a, -1e-9 * medianAbsDiag(a)
}
