package rbmdrift

import (
	"encoding/json"
	"math"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// maxAbs returns the largest |v| of a.
func maxAbs(a []float64) float64 {
	var m float64
	for _, v := range a {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

// closeTo reports the first index where |got - want| > tol, or -1.
func closeTo(got, want []float64, tol float64) int {
	for i := range want {
		if !(math.Abs(got[i]-want[i]) <= tol) {
			return i
		}
	}
	return -1
}

// bigTrainer returns a trainer of the reference setting at N_v x N_h on the large-N kernels,
// after steps updates (from W ~ N(0, 0.1^2), so that W is a trained-like matrix).
func bigTrainer(t *testing.T, nv, nh int, sampler string, steps int) *Trainer {
	t.Helper()
	cfg := sized(nv, sampler)
	cfg.Hidden = nh
	tr, err := NewTrainer(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !tr.big {
		t.Fatalf("%d x %d is not on the large-N kernels", nv, nh)
	}
	for s := 0; s < steps; s++ {
		if err := tr.Step(); err != nil {
			t.Fatal(err)
		}
	}
	return tr
}

// Rounding tolerance of the comparisons below: the two sides sum the same products of a dot
// product of length n in different orders, so they differ by at most about n eps times the sum
// of the absolute products (eps = 1.1e-16); 1e-13 of scale (n <= 64 times the largest product)
// covers it with a margin of ten.
const roundTol = 1e-13

// TestKernelsMatchLoops: the BLAS products of the large-N kernels against the hand-written loops
// on the same inputs (square and rectangular W, N = 24 to 64).
func TestKernelsMatchLoops(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ nv, nh int }{{24, 24}, {33, 33}, {40, 27}, {64, 64}} {
		nv, nh := c.nv, c.nh
		tr := bigTrainer(t, nv, nh, SamplerDirect, 300)
		scale := float64(max(nv, nh)) * maxAbs(tr.w) * maxAbs(tr.w)
		// T, the factor of 1 - T.
		if !tr.prepareBLAS() {
			t.Fatal("improper")
		}
		tb, chb := append([]float64(nil), tr.t...), append([]float64(nil), tr.ch...)
		tr.big = false
		if !tr.computePrepare() {
			t.Fatal("improper (loops)")
		}
		tr.big = true
		if i := closeTo(tb, tr.t, roundTol*scale); i >= 0 {
			t.Errorf("%dx%d: T[%d] = %g, loops %g", nv, nh, i, tb[i], tr.t[i])
		}
		for i := 0; i < nv; i++ {
			for j := 0; j <= i; j++ {
				// The factor of 1 - T (eigenvalues in (0, 1]): rounding of the products
				// amplified by at most the condition number, here below 100.
				if d := math.Abs(chb[i*nv+j] - tr.ch[i*nv+j]); d > 100*roundTol {
					t.Errorf("%dx%d: Cholesky factor (%d, %d) = %g, loops %g", nv, nh, i, j, chb[i*nv+j], tr.ch[i*nv+j])
				}
			}
		}
		// X = W^T W.
		xb, xl := make([]float64, nh*nh), make([]float64, nh*nh)
		gramColsBLAS(xb, tr.w, make([]float64, nh*nv), nv, nh)
		gramCols(xl, tr.w, nv, nh)
		if i := closeTo(xb, xl, roundTol*scale); i >= 0 {
			t.Errorf("%dx%d: X[%d] = %g, loops %g", nv, nh, i, xb[i], xl[i])
		}
		// The eigenvalues by symEigen against the Jacobi solver's (both to rounding of |X|).
		xs := tr.Spectrum(nil)
		xj := make([]float64, nh)
		tr.big = false
		tr.Spectrum(xj)
		tr.big = true
		if i := closeTo(xs, xj, roundTol*scale); i >= 0 {
			t.Errorf("%dx%d: eigenvalue %d = %g by symEigen, %g by Jacobi", nv, nh, i, xs[i], xj[i])
		}
		// The exact-gradient drift from u = W V.
		tr.pert = newPerturber(nv, nh)
		tr.pert.project(tr.w, tr.vectors())
		db, dl := make([]float64, nh), make([]float64, nh)
		tr.expectedDriftU(db, tr.pert.u)
		tr.pert.big = false
		tr.expectedDriftU(dl, tr.pert.u)
		// The drift is a difference of two quadratic forms of size |u|^2 (C_t and K^-1 at most
		// 1/m^2 and 1/(mu^2 (1 - T)), O(1)): tolerance relative to 2 |u|^2.
		if i := closeTo(db, dl, 100*roundTol*2*float64(nv)*maxAbs(tr.pert.u)*maxAbs(tr.pert.u)); i >= 0 {
			t.Errorf("%dx%d: drift %d = %g, loops %g", nv, nh, i, db[i], dl[i])
		}
	}
}

// TestBatchedChainsFormula replays the batched samplers' deviates (the same generator state) in
// plain per-chain loops of the formulas they implement: phi' = T^k phi + L z with L L^T =
// Sigma_k for the direct sampler, k explicit Gibbs steps for the other.
func TestBatchedChainsFormula(t *testing.T) {
	t.Parallel()
	for _, sampler := range []string{SamplerDirect, SamplerGibbs} {
		tr := bigTrainer(t, 32, 32, sampler, 200)
		nv, nh, nb := tr.nv, tr.nh, tr.nb
		if !tr.prepare() {
			t.Fatal("improper")
		}
		src := tr.rng // a copy of the state
		phi0 := append([]float64(nil), tr.phi...)
		if sampler == SamplerDirect {
			tr.directBLAS()
		} else {
			tr.gibbsBLAS()
		}
		want := make([]float64, nb*nv)
		if sampler == SamplerDirect {
			// A = T^k and the factor of Sigma_k by the loops (directChains' arithmetic).
			a := append([]float64(nil), tr.a...)
			l := append([]float64(nil), tr.sig...)
			z := make([]float64, nb*nv)
			for i := range z {
				z[i] = src.NormFloat64()
			}
			for b := 0; b < nb; b++ {
				for i := 0; i < nv; i++ {
					var s float64
					for j := 0; j < nv; j++ {
						s += a[i*nv+j] * phi0[b*nv+j]
					}
					for j := 0; j <= i; j++ {
						s += l[i*nv+j] * z[b*nv+j]
					}
					want[b*nv+i] = s
				}
			}
			// A and the factor against directChains' own.
			tr.big = false
			saved := append([]float64(nil), tr.phi...)
			tr.directChains()
			copy(tr.phi, saved)
			tr.big = true
			scale := float64(nv) * maxAbs(tr.t) * maxAbs(tr.t)
			if i := closeTo(a, tr.a, 10*roundTol*scale); i >= 0 {
				t.Errorf("T^k[%d] = %g, loops %g", i, a[i], tr.a[i])
			}
			for i := 0; i < nv; i++ {
				for j := 0; j <= i; j++ {
					if d := math.Abs(l[i*nv+j] - tr.sig[i*nv+j]); d > 100*roundTol {
						t.Errorf("factor of Sigma_k (%d, %d) = %g, loops %g", i, j, l[i*nv+j], tr.sig[i*nv+j])
					}
				}
			}
		} else {
			sh, im := math.Sqrt(tr.s2), 1/tr.mu2
			cur := append([]float64(nil), phi0...)
			h := make([]float64, nb*nh)
			for s := 0; s < tr.k; s++ {
				for i := range h {
					h[i] = sh * src.NormFloat64()
				}
				for b := 0; b < nb; b++ {
					for j := 0; j < nh; j++ {
						var v float64
						for i := 0; i < nv; i++ {
							v += tr.w[i*nh+j] * cur[b*nv+i]
						}
						h[b*nh+j] += tr.s2 * v
					}
				}
				for i := range cur {
					cur[i] = math.Sqrt(im) * src.NormFloat64()
				}
				for b := 0; b < nb; b++ {
					for i := 0; i < nv; i++ {
						var v float64
						for j := 0; j < nh; j++ {
							v += tr.w[i*nh+j] * h[b*nh+j]
						}
						cur[b*nv+i] += im * v
					}
				}
			}
			copy(want, cur)
		}
		// The chains are O(1) (K^-1 has eigenvalues below 1/(mu^2 - 5) = 0.25): k products of
		// norm below 1 each, rounding relative to the largest state.
		if i := closeTo(tr.phi, want, 10*roundTol*float64(nv)*math.Max(maxAbs(want), 1)); i >= 0 {
			t.Errorf("%s: chain value %d = %g, replayed %g", sampler, i, tr.phi[i], want[i])
		}
	}
}

// TestKernelsJSON: configs on the large-N kernels carry "Kernels": 4 in the run store's form;
// configs below the threshold keep their form, without the key.
func TestKernelsJSON(t *testing.T) {
	t.Parallel()
	form := func(c Config) string {
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, c := range []struct {
		nv, nh int
		want   bool
	}{{10, 10, false}, {15, 15, false}, {16, 16, true}, {64, 64, true}, {20, 10, true}, {10, 20, true}} {
		cfg := reference()
		cfg.Visible, cfg.Hidden = c.nv, c.nh
		s := form(cfg)
		if got := strings.Contains(s, `"Kernels":4`); got != c.want {
			t.Errorf("%dx%d: marker %v, want %v: %s", c.nv, c.nh, got, c.want, s)
		}
		if !c.want && strings.Contains(s, "Kernels") {
			t.Errorf("%dx%d: names the key: %s", c.nv, c.nh, s)
		}
		if c.want {
			// The marker is the only difference from the form of the loops' runs.
			if base := strings.Replace(s, `,"Kernels":4`, "", 1); strings.Contains(base, "Kernels") || len(base) != len(s)-len(`,"Kernels":4`) {
				t.Errorf("%dx%d: unexpected form %s", c.nv, c.nh, s)
			}
		}
	}
}

// TestBatchedTrainingStatistics: at N = 32 the batched kernels and the loops train different
// realisations of the same process, so after 300 updates each eigenvalue of W^T W has the same
// distribution over runs: the mean over 24 runs of either path agrees within 4.5 combined
// standard errors for every mode (32 modes: a family-wise false alarm below 2e-4 for
// independent normal means; the modes' correlation only lowers it).
func TestBatchedTrainingStatistics(t *testing.T) {
	t.Parallel()
	runs := 24
	if testing.Short() {
		runs = 12
	}
	const n, steps = 32, 300
	var finals [2][][]float64
	for k, big := range []bool{true, false} {
		for r := 0; r < runs; r++ {
			cfg := sized(n, SamplerGibbs)
			cfg.Seed = uint64(20 + k) // independent ensembles
			tr, err := NewTrainer(cfg, r)
			if err != nil {
				t.Fatal(err)
			}
			tr.big = big
			for s := 0; s < steps; s++ {
				if err := tr.Step(); err != nil {
					t.Fatal(err)
				}
			}
			tr.big = false // both spectra by the Jacobi solver
			x := tr.Spectrum(nil)
			sort.Float64s(x)
			finals[k] = append(finals[k], x)
		}
	}
	worst := 0.0
	for m := 0; m < n; m++ {
		var mean, vari [2]float64
		for k := range finals {
			for _, x := range finals[k] {
				mean[k] += x[m] / float64(runs)
			}
			for _, x := range finals[k] {
				d := x[m] - mean[k]
				vari[k] += d * d / float64(runs-1)
			}
		}
		pull := math.Abs(mean[0]-mean[1]) / math.Sqrt((vari[0]+vari[1])/float64(runs))
		worst = math.Max(worst, pull)
		if pull > 4.5 {
			t.Errorf("mode %d: mean %g (batched) vs %g (loops), %.2f standard errors", m, mean[0], mean[1], pull)
		}
	}
	t.Logf("largest pull %.2f standard errors over %d modes", worst, n)
}

// TestPerturbativeMeasurementLargeN is TestPerturbativeMeasurement at N = 32 on the large-N
// kernels (BLAS products in the perturber, symEigen for the exact solve), measured at every update
// and at every third: the same runs measured exactly and perturbatively give drift and
// diffusion tables that agree far inside their statistical errors.
func TestPerturbativeMeasurementLargeN(t *testing.T) {
	t.Parallel()
	for _, every := range []int{1, 3} {
		cfg := sized(32, SamplerGibbs)
		cfg.Steps, cfg.RecordEvery, cfg.MeasureEvery, cfg.Bins = 600, 300, every, 20
		runs := []int{0, 1}
		accs := map[string]*DriftAccumulator{}
		for _, m := range []string{MeasureExact, MeasurePerturbative} {
			c := cfg
			c.Measure = m
			res, err := TrainEnsemble(c, runs, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			if accs[m], err = MergeDrift(res); err != nil {
				t.Fatal(err)
			}
		}
		var worst float64
		moved, compared := 0, 0
		for m := 0; m < cfg.Hidden; m++ {
			ex, pt := accs[MeasureExact].Table(m), accs[MeasurePerturbative].Table(m)
			for b := range ex {
				if ex[b].Count < 20 {
					continue
				}
				// As in TestPerturbativeMeasurement: an increment within the method's error of
				// a bin edge may change bins; such bins are not compared.
				if pt[b].Count != ex[b].Count {
					moved++
					continue
				}
				compared++
				// A hundredth of a standard error, as at N = 10.
				r1 := math.Abs(pt[b].Drift-ex[b].Drift) / ex[b].DriftErr
				r2 := math.Abs(pt[b].Diffusion-ex[b].Diffusion) / ex[b].DiffusionErr
				worst = math.Max(worst, math.Max(r1, r2))
				if r1 > 0.01 || r2 > 0.01 {
					t.Errorf("every %d, mode %d bin %d: drift %g vs %g (err %g), diffusion %g vs %g (err %g)",
						every, m, b, pt[b].Drift, ex[b].Drift, ex[b].DriftErr, pt[b].Diffusion, ex[b].Diffusion, ex[b].DiffusionErr)
				}
			}
		}
		if compared == 0 || moved > 3 {
			t.Errorf("every %d: %d bins compared, %d with other counts", every, compared, moved)
		}
		t.Logf("every %d: %d bins, largest difference %.2g standard errors", every, compared, worst)
	}
}

// TestGemm: gemm (the micro-kernel and its Go tails) against a plain triple loop and gonum's
// Dgemm, on sizes with and without remainders of the 4 x 8 blocks and for beta 0, 1 and 0.5;
// and the exact symmetry of a Gram matrix by gemm (gramColsBLAS).
func TestGemm(t *testing.T) {
	t.Parallel()
	src := NewSource(3, 0)
	fill := func(n int) []float64 {
		x := make([]float64, n)
		InitWeights(x, 1, src)
		return x
	}
	for _, s := range [][3]int{{16, 64, 64}, {64, 64, 64}, {5, 7, 13}, {33, 17, 9}, {4, 1, 8}, {1, 3, 1}, {40, 27, 27}} {
		m, k, n := s[0], s[1], s[2]
		a, b := fill(m*k), fill(k*n)
		for _, beta := range []float64{0, 1, 0.5} {
			c0 := fill(m * n)
			got := append([]float64(nil), c0...)
			gemm(got, a, b, m, k, n, 0.7, beta)
			ref := append([]float64(nil), c0...)
			bl.Dgemm(blas.NoTrans, blas.NoTrans, m, n, k, 0.7, a, k, b, n, beta, ref, n)
			for i := 0; i < m; i++ {
				for j := 0; j < n; j++ {
					var sum, abs float64
					for l := 0; l < k; l++ {
						sum += a[i*k+l] * b[l*n+j]
						abs += math.Abs(a[i*k+l] * b[l*n+j])
					}
					want := 0.7*sum + beta*c0[i*n+j]
					// Sums of k products in different orders (fused or not): k eps times the
					// sum of |products|, eps = 1.1e-16, with a margin of 10 (and of the beta term).
					tol := 1.1e-15 * (float64(k)*abs + math.Abs(c0[i*n+j]) + 1e-300)
					if d := math.Abs(got[i*n+j] - want); d > tol {
						t.Errorf("%dx%dx%d beta %g: c[%d][%d] = %g, loop %g", m, k, n, beta, i, j, got[i*n+j], want)
					}
					if d := math.Abs(got[i*n+j] - ref[i*n+j]); d > 2*tol {
						t.Errorf("%dx%dx%d beta %g: c[%d][%d] = %g, Dgemm %g", m, k, n, beta, i, j, got[i*n+j], ref[i*n+j])
					}
				}
			}
		}
	}
	// a^T a by gemm: c_ij and c_ji are the same fused sums, bit for bit, before mirroring.
	for _, s := range [][2]int{{64, 64}, {33, 27}} {
		r, m := s[0], s[1]
		a := fill(r * m)
		at, c := make([]float64, m*r), make([]float64, m*m)
		transpose(at, a, r, m)
		gemm(c, at, a, m, r, m, 1, 0)
		for i := 0; i < m; i++ {
			for j := 0; j < i; j++ {
				if c[i*m+j] != c[j*m+i] {
					t.Fatalf("%dx%d: Gram matrix not symmetric at (%d, %d): %g, %g", r, m, i, j, c[i*m+j], c[j*m+i])
				}
			}
		}
	}
}

// TestGemmTri: every element of the wanted triangle of gemmTri's product is gemm's, bit for
// bit, on sizes with and without remainders of the 4 x 8 blocks and for beta 0, 1 and 0.5. A
// block skipped wrongly leaves its elements at beta c_ij, far from the product.
func TestGemmTri(t *testing.T) {
	t.Parallel()
	src := NewSource(5, 0)
	fill := func(n int) []float64 {
		x := make([]float64, n)
		InitWeights(x, 1, src)
		return x
	}
	for _, s := range [][2]int{{64, 64}, {64, 16}, {13, 7}, {33, 17}, {8, 3}, {4, 5}, {1, 2}, {67, 9}} {
		n, k := s[0], s[1]
		a, b := fill(n*k), fill(k*n)
		for _, beta := range []float64{0, 1, 0.5} {
			c0 := fill(n * n)
			want := append([]float64(nil), c0...)
			gemm(want, a, b, n, k, n, 0.7, beta)
			for _, lower := range []bool{false, true} {
				got := append([]float64(nil), c0...)
				gemmTri(got, a, b, n, k, 0.7, beta, lower)
				for i := 0; i < n; i++ {
					for j := 0; j < n; j++ {
						if (j >= i) != lower || i == j {
							if got[i*n+j] != want[i*n+j] {
								t.Fatalf("%dx%d beta %g lower %v: c[%d][%d] = %g, gemm %g", n, k, beta, lower, i, j, got[i*n+j], want[i*n+j])
							}
						}
					}
				}
			}
		}
	}
}

// TestTransposeMirror: transpose and mirrorUpper (with trans4strip where the CPU has AVX2, and
// with the loops alone) against the definitions, on sizes with and without remainders of the
// 4 x 4 blocks.
func TestTransposeMirror(t *testing.T) {
	sizes := []int{1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16, 17, 64, 67}
	check := func(name string) {
		for _, r := range sizes {
			for _, m := range sizes {
				a, at := make([]float64, r*m), make([]float64, r*m)
				for i := range a {
					a[i] = float64(i) + 0.5
				}
				transpose(at, a, r, m)
				for i := 0; i < r; i++ {
					for j := 0; j < m; j++ {
						if at[j*r+i] != a[i*m+j] {
							t.Fatalf("%s: transpose %dx%d: at[%d][%d] = %v, a[%d][%d] = %v", name, r, m, j, i, at[j*r+i], i, j, a[i*m+j])
						}
					}
				}
			}
			n := r
			a := make([]float64, n*n)
			for i := range a {
				a[i] = float64(i) + 0.25
			}
			mirrorUpper(a, n)
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					want := float64(i*n+j) + 0.25
					if j < i {
						want = float64(j*n+i) + 0.25
					}
					if a[i*n+j] != want {
						t.Fatalf("%s: mirrorUpper %d: a[%d][%d] = %v, want %v", name, n, i, j, a[i*n+j], want)
					}
				}
			}
		}
	}
	check("as detected")
	withoutAVX(t, func() { check("loops") })
}

// TestLargeNMeasuredSpectra: on the large-N kernels the measured steps take the exact solve
// whatever Measure says, and measuring every second update (the after-spectrum by
// symEigen.values) gives the same run to the bit under either setting, with an increment of
// every eigenvalue at every measured step.
func TestLargeNMeasuredSpectra(t *testing.T) {
	t.Parallel()
	for _, every := range []int{1, 2} {
		cfg := sized(16, SamplerGibbs)
		cfg.Steps, cfg.RecordEvery, cfg.MeasureEvery = 40, 10, every
		cfg.Measure = MeasurePerturbative
		pert, err := TrainRun(cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Measure = MeasureExact
		exact, err := TrainRun(cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := runDigest(pert), runDigest(exact); a != b {
			t.Errorf("measure_every %d: digest %s with the perturbative setting, %s with the exact one", every, a, b)
		}
		var n int64
		for mode := 0; mode < cfg.Hidden && pert.Drift != nil; mode++ {
			for _, b := range pert.Drift.Table(mode) {
				n += b.Count
			}
		}
		if want := int64(cfg.Hidden * cfg.Steps / every); n != want {
			t.Errorf("measure_every %d: %d increments measured, want %d", every, n, want)
		}
	}
}
