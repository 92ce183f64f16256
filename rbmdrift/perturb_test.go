package rbmdrift

import (
	"math"
	"sort"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// exactEigen returns the ascending eigenvalues of (W'^T W') with W' = (1 + f G) W by gonum's
// EigenSym, an independent solver.
func exactEigen(t *testing.T, w, g []float64, f float64, nv, nh int) []float64 {
	t.Helper()
	wm := mat.NewDense(nv, nh, append([]float64(nil), w...))
	m := mat.NewDense(nv, nv, nil)
	m.Scale(f, mat.NewDense(nv, nv, append([]float64(nil), g...)))
	for i := 0; i < nv; i++ {
		m.Set(i, i, m.At(i, i)+1)
	}
	var wp mat.Dense
	wp.Mul(m, wm)
	var x mat.Dense
	x.Mul(wp.T(), &wp)
	var es mat.EigenSym
	if !es.Factorize(mat.NewSymDense(nh, x.RawMatrix().Data), false) {
		t.Fatal("EigenSym failed")
	}
	v := es.Values(nil)
	sort.Float64s(v)
	return v
}

// pertCase builds a trainer-like state: W (nv x nh), its exact eigenbasis, a symmetric G.
func pertCase(seed uint64, nv, nh int, degenerate bool) (w, v, g []float64) {
	src := NewSource(seed, 0)
	w = make([]float64, nv*nh)
	InitWeights(w, 1, src)
	if degenerate {
		// Columns 0 and 1 orthogonal to each other and to the rest with equal norms: an exactly
		// degenerate pair of X = W^T W (a free-field target's +-p modes).
		for i := 0; i < nv; i++ {
			w[i*nh+0], w[i*nh+1] = 0, 0
		}
		w[0*nh+0], w[1*nh+1] = 2, 2
		for j := 2; j < nh; j++ {
			w[0*nh+j], w[1*nh+j] = 0, 0
		}
	}
	x := make([]float64, nh*nh)
	gramCols(x, w, nv, nh)
	var es mat.EigenSym
	es.Factorize(mat.NewSymDense(nh, x), true)
	var vec mat.Dense
	es.VectorsTo(&vec)
	vals := es.Values(nil)
	// ascending with columns
	idx := make([]int, nh)
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return vals[idx[a]] < vals[idx[b]] })
	v = make([]float64, nh*nh)
	for c, j := range idx {
		for k := 0; k < nh; k++ {
			v[k*nh+c] = vec.At(k, j)
		}
	}
	g = make([]float64, nv*nv)
	for i := 0; i < nv; i++ {
		for j := i; j < nv; j++ {
			r := src.NormFloat64()
			g[i*nv+j], g[j*nv+i] = r, r
		}
	}
	return w, v, g
}

// TestPerturbativeOrder checks perturber.update against gonum's EigenSym on the updated matrix,
// for random W and G (10 x 10 and 12 x 5) and for W with an exactly degenerate pair, which the exact
// rotations must take. Halving the step f must divide the eigenvalue error by at least 10: the
// method's remainder is of fourth order or higher (16 or more per halving; 10 leaves room for the
// next order at the largest f). In absolute terms it must stay below 1e-5 of the step's change
// of the eigenvalues (at f = 1e-3 the couplings are at most a few hundredths of the gaps, whose
// fourth power is below 1e-5).
func TestPerturbativeOrder(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		nv, nh     int
		degenerate bool
	}{{10, 10, false}, {10, 10, true}, {12, 5, false}, {12, 5, true}} {
		nv, nh, degenerate := c.nv, c.nh, c.degenerate
		w, v0, g := pertCase(7, nv, nh, degenerate)
		x0 := exactEigen(t, w, g, 0, nv, nh)
		var prev float64
		for k, f := range []float64{1e-3, 5e-4, 2.5e-4} {
			p := newPerturber(nv, nh)
			copy(p.v, v0)
			p.project(w, p.v)
			got := make([]float64, nh)
			if !p.update(got, g, f) {
				t.Fatalf("degenerate %v, f %g: update fell back", degenerate, f)
			}
			want := exactEigen(t, w, g, f, nv, nh)
			var e, change float64
			for i := range want {
				e = math.Max(e, math.Abs(got[i]-want[i]))
				change = math.Max(change, math.Abs(want[i]-x0[i]))
			}
			t.Logf("degenerate %v, f %g: max eigenvalue error %.3g (change %.3g)", degenerate, f, e, change)
			if e > 1e-5*change {
				t.Errorf("degenerate %v, f %g: eigenvalue error %.3g, more than 1e-5 of the change %.3g", degenerate, f, e, change)
			}
			// Below 1e-13 the error is rounding (eigenvalues up to about 20).
			if k > 0 && e > 1e-13 && prev/e < 10 {
				t.Errorf("degenerate %v: error %.3g at f %g, %.3g at twice f: not fourth order", degenerate, e, f, prev)
			}
			prev = e
			// The new basis is orthonormal and diagonalises X' to first order in f: its
			// off-diagonal elements are O(f^2).
			var x mat.Dense
			wp := make([]float64, nv*nh)
			copy(wp, w)
			var gm mat.Dense
			gm.Mul(mat.NewDense(nv, nv, g), mat.NewDense(nv, nh, w))
			for i := range wp {
				wp[i] += f * gm.RawMatrix().Data[i]
			}
			vm := mat.NewDense(nh, nh, p.v)
			var wv mat.Dense
			wv.Mul(mat.NewDense(nv, nh, wp), vm)
			x.Mul(wv.T(), &wv)
			var vtv mat.Dense
			vtv.Mul(vm.T(), vm)
			for i := 0; i < nh; i++ {
				for j := 0; j < nh; j++ {
					if i == j {
						if math.Abs(vtv.At(i, i)-1) > 1e-13 {
							t.Errorf("basis column %d has norm^2 %g", i, vtv.At(i, i))
						}
						continue
					}
					if math.Abs(vtv.At(i, j)) > 1e-13 {
						t.Errorf("basis columns %d, %d overlap %g", i, j, vtv.At(i, j))
					}
					// Second order: f^2 times |G|^2 |X| / gap, about 1e3 f^2 here; 1e4 f^2 is the
					// bound (a first-order error would be about 10 f, 1e-2 at f = 1e-3).
					if math.Abs(x.At(i, j)) > 1e4*f*f {
						t.Errorf("f %g: V^T X' V off-diagonal (%d, %d) = %g, not O(f^2)", f, i, j, x.At(i, j))
					}
				}
			}
		}
	}
}

// TestPerturbativeMeasurement is the acceptance test of the perturbative measurement: the same
// training runs (identical updates, since the measurement does not touch the training) measured
// exactly and perturbatively give drift and diffusion tables that agree far inside their
// statistical errors, and the same recorded spectra.
func TestPerturbativeMeasurement(t *testing.T) {
	t.Parallel()
	cfg := reference()
	cfg.Steps, cfg.RecordEvery, cfg.MeasureEvery, cfg.Bins = 3000, 1000, 1, 30
	runs := []int{0, 1, 2, 3}
	if testing.Short() {
		cfg.Steps, runs = 1500, runs[:2]
	}
	accs := map[string]*DriftAccumulator{}
	spectra := map[string][][]float64{}
	for _, m := range []string{MeasureExact, MeasurePerturbative} {
		c := cfg
		c.Measure = m
		res, err := TrainEnsemble(c, runs, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		acc, err := MergeDrift(res)
		if err != nil {
			t.Fatal(err)
		}
		accs[m] = acc
		for _, r := range res {
			spectra[m] = append(spectra[m], r.Spectra...)
		}
	}
	// Recorded spectra: both exact solves of the same weights, warm-started from different
	// bases, so equal to rounding (1e-12 of the largest eigenvalue, about 5).
	for i, s := range spectra[MeasureExact] {
		for j, v := range s {
			if d := math.Abs(spectra[MeasurePerturbative][i][j] - v); d > 5e-12 {
				t.Errorf("record %d eigenvalue %d: perturbative run %g, exact run %g", i, j, spectra[MeasurePerturbative][i][j], v)
			}
		}
	}
	var worstD1, worstD2 float64
	moved := 0
	for m := 0; m < cfg.Hidden; m++ {
		ex, pt := accs[MeasureExact].Table(m), accs[MeasurePerturbative].Table(m)
		for b := range ex {
			if ex[b].Count < 50 {
				continue
			}
			// An increment whose x lies within the method's error (1e-9) of a bin edge may
			// land on the other side; such a bin is not compared, and there may be a few.
			if pt[b].Count != ex[b].Count {
				moved++
				continue
			}
			// Far inside the statistical errors: a hundredth of a standard error (the
			// method's error is about a millionth of a step's change).
			r1 := math.Abs(pt[b].Drift-ex[b].Drift) / ex[b].DriftErr
			r2 := math.Abs(pt[b].Diffusion-ex[b].Diffusion) / ex[b].DiffusionErr
			worstD1, worstD2 = math.Max(worstD1, r1), math.Max(worstD2, r2)
			if r1 > 0.01 || r2 > 0.01 {
				t.Errorf("mode %d bin %d (x = %.3g, %d increments): drift %g vs %g (err %g), diffusion %g vs %g (err %g)",
					m, b, ex[b].X, ex[b].Count, pt[b].Drift, ex[b].Drift, ex[b].DriftErr, pt[b].Diffusion, ex[b].Diffusion, ex[b].DiffusionErr)
			}
		}
	}
	if moved > 3 {
		t.Errorf("%d bins have other counts perturbatively than exactly", moved)
	}
	t.Logf("largest difference, in standard errors: drift %.2g, diffusion %.2g", worstD1, worstD2)
}
