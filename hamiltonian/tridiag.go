package hamiltonian

import (
	"context"
	"errors"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// The tridiagonal method of Lowest (MethodTridiagonal).
//
// Every Hamiltonian of one mode (FD, and FromOperator of a one-mode operator) is a symmetric
// tridiagonal matrix T. For it the k lowest eigenpairs cost O(n) work each, without a Krylov
// basis: Sturm counts (the signs of the pivots of the LDL^T factorisation of T - x I) isolate
// every wanted eigenvalue in an interval that holds no other, and Rayleigh-quotient iteration on
// the twisted factorisation of T - mu I (Parlett and Dhillon's "getvec": forward LDL^T and
// backward UDU^T, the twist index r where |gamma_r| is least, z_r = 1 and products of the factors'
// multipliers elsewhere, so (T - mu I) z = gamma_r e_r) refines each eigenvalue with its vector.
// The vectors are then orthonormalised and rotated by a Rayleigh-Ritz step of T, as the Lanczos
// path's refinement does, and the residuals are computed explicitly.
//
// Written by hand because gonum's LAPACK has no bisection or inverse iteration for tridiagonal
// matrices (only the O(n^2) QR-based Dsteqr/Dsterf), and the Lanczos path spends its time
// reorthogonalising a basis of about 2k+16 vectors of length n: on the 200,000-cell one-mode
// Hamiltonian with k = 6, 0.35-0.5 s against 0.03-0.06 s here (BenchmarkLowestSG200k, 2 cores).
// Where two wanted eigenvalues cannot be separated by Sturm counts to about 1e-10 of the
// matrix's norm (a near-degenerate pair), or anything else goes wrong, Lowest falls back to
// Lanczos, which is slower but handles clusters and exact multiplicity.

// errTridiagFallback tells Lowest to use the Lanczos path instead.
var errTridiagFallback = errors.New("hamiltonian: tridiagonal method not applicable")

// tridiagonalOf returns the diagonal and superdiagonal of a if it is tridiagonal (missing
// entries are zeros), or ok = false.
func tridiagonalOf(a csrPattern) (diag, off []float64, ok bool) {
	n := a.n
	diag = make([]float64, n)
	off = make([]float64, max(n-1, 0))
	for i := 0; i < n; i++ {
		for p := a.indptr[i]; p < a.indptr[i+1]; p++ {
			switch j := a.ind[p]; j {
			case i:
				diag[i] += a.data[p]
			case i + 1:
				off[i] += a.data[p]
			case i - 1:
			default:
				return nil, nil, false
			}
		}
	}
	return diag, off, true
}

// tridiag is a symmetric tridiagonal matrix with the constants of its Sturm counts.
type tridiag struct {
	n      int
	a, b   []float64 // diagonal, superdiagonal b[i] = T[i][i+1]
	b2     []float64 // b[i]^2
	pivmin float64   // pivots smaller in magnitude are replaced by -pivmin
	gl, gu float64   // Gershgorin bounds, widened by rounding
	tnorm  float64   // max(|gl|, |gu|)
}

func newTridiag(a, b []float64) *tridiag {
	n := len(a)
	t := &tridiag{n: n, a: a, b: b, b2: make([]float64, len(b))}
	maxB2 := 1.0
	t.gl, t.gu = math.Inf(1), math.Inf(-1)
	for i := 0; i < n; i++ {
		r := 0.0
		if i > 0 {
			r += math.Abs(b[i-1])
		}
		if i < n-1 {
			r += math.Abs(b[i])
			t.b2[i] = b[i] * b[i]
			maxB2 = math.Max(maxB2, t.b2[i])
		}
		t.gl = math.Min(t.gl, a[i]-r)
		t.gu = math.Max(t.gu, a[i]+r)
	}
	t.tnorm = math.Max(math.Abs(t.gl), math.Abs(t.gu))
	// As LAPACK's dstebz: the least pivot keeps b^2/pivot finite; the bounds are widened by the
	// rounding of the counts.
	t.pivmin = 0x1p-1022 * maxB2
	fudge := 2*float64(n)*0x1p-52*t.tnorm + 2*t.pivmin
	t.gl -= fudge
	t.gu += fudge
	return t
}

// counts sets c[q] to the number of eigenvalues below x[q] for four shifts at once (the four
// independent recurrences hide the latency of the divisions: about the time of one count).
func (t *tridiag) counts(x *[4]float64, c *[4]int) {
	a, b2, pm := t.a, t.b2, t.pivmin
	n := t.n
	var n0, n1, n2, n3 int
	d0, d1, d2, d3 := a[0]-x[0], a[0]-x[1], a[0]-x[2], a[0]-x[3]
	for i := 0; ; i++ {
		d0 = clampPivot(d0, pm)
		d1 = clampPivot(d1, pm)
		d2 = clampPivot(d2, pm)
		d3 = clampPivot(d3, pm)
		if d0 < 0 {
			n0++
		}
		if d1 < 0 {
			n1++
		}
		if d2 < 0 {
			n2++
		}
		if d3 < 0 {
			n3++
		}
		if i == n-1 {
			break
		}
		ai, bi := a[i+1], b2[i]
		d0 = (ai - x[0]) - bi/d0
		d1 = (ai - x[1]) - bi/d1
		d2 = (ai - x[2]) - bi/d2
		d3 = (ai - x[3]) - bi/d3
	}
	c[0], c[1], c[2], c[3] = n0, n1, n2, n3
}

// clampPivot returns d, or -pm where |d| < pm: the least pivot of the Sturm counts and the
// twisted factorisations (as LAPACK's dstebz), which keeps b^2/d finite.
func clampPivot(d, pm float64) float64 {
	if math.Abs(d) < pm {
		return -pm
	}
	return d
}

// sturmPoint is a shift with its count of eigenvalues below it.
type sturmPoint struct {
	x float64
	c int
}

// isolate returns, for j = 0..k-1, intervals [lo_j, hi_j] with exactly j eigenvalues below lo_j
// and j+1 below hi_j, and the count of Sturm passes. It returns errTridiagFallback if two
// wanted eigenvalues (or E_{k-1} and E_k) lie closer than sep, and ctx's error if it is done.
//
// The first pass counts at -1e-8 s, 1e-8 s, 1e-4 s and 1e-2 s, s the scale of the matrix (the
// median absolute diagonal entry, for H_FP the kinetic scale): the lowest levels of H_FP lie
// at a tiny fraction of s, far below the Gershgorin bound of the wall rows. Later passes split
// the brackets that still hold more than one wanted eigenvalue at four points, geometrically
// above the highest point known to have no eigenvalue below it where a bracket spans decades.
func (t *tridiag) isolate(ctx context.Context, k int, sep, scale float64) (lo, hi []float64, passes int, err error) {
	pts := []sturmPoint{{t.gl, 0}, {t.gu, t.n}}
	if err := ctx.Err(); err != nil {
		return nil, nil, 0, err
	}
	first := [4]float64{-1e-8 * scale, 1e-8 * scale, 1e-4 * scale, 1e-2 * scale}
	var cs [4]int
	t.counts(&first, &cs)
	for q, x := range first {
		if x > t.gl && x < t.gu {
			pts = insertPoint(pts, sturmPoint{x, cs[q]})
		}
	}
	for passes = 1; ; passes++ {
		base := pts[0].x // the highest point with no eigenvalue below it
		for _, p := range pts {
			if p.c == 0 {
				base = p.x
			}
		}
		if err := ctx.Err(); err != nil {
			return nil, nil, passes, err
		}
		if passes > 400 {
			return nil, nil, passes, errTridiagFallback
		}
		// The brackets that still hold more than their one eigenvalue.
		var work [][2]int // indices into pts of bracket ends
		for j := 0; j < k; j++ {
			q := bracket(pts, j)
			if pts[q].c == j && pts[q+1].c == j+1 {
				continue
			}
			if len(work) == 0 || work[len(work)-1][0] != q {
				work = append(work, [2]int{q, q + 1})
			}
		}
		if len(work) == 0 {
			break
		}
		var xs [4]float64
		nx := 0
		for w, iv := range work {
			if nx == 4 {
				break
			}
			xa, xb := pts[iv[0]].x, pts[iv[1]].x
			if xb-xa <= sep {
				return nil, nil, passes, errTridiagFallback
			}
			m := 4 / min(len(work), 4)
			if w < 4%min(len(work), 4) {
				m++
			}
			m = min(m, 4-nx)
			pa, pb := xa-base, xb-base
			for i := 1; i <= m; i++ {
				f := float64(i) / float64(m+1)
				var x float64
				if pb > 16*pa {
					// Spanning decades above the lower bound: split geometrically (the wanted
					// eigenvalues sit far below the top of the spectrum).
					p0 := math.Max(pa, pb*0x1p-52)
					x = base + p0*math.Pow(pb/p0, f)
				} else {
					x = xa + f*(xb-xa)
				}
				if x <= xa || x >= xb {
					x = xa + 0.5*(xb-xa)
				}
				xs[nx] = x
				nx++
			}
		}
		for q := nx; q < 4; q++ {
			xs[q] = xs[0]
		}
		var cs [4]int
		t.counts(&xs, &cs)
		for q := 0; q < nx; q++ {
			pts = insertPoint(pts, sturmPoint{xs[q], cs[q]})
		}
	}
	lo, hi = make([]float64, k), make([]float64, k)
	for j := 0; j < k; j++ {
		q := bracket(pts, j)
		lo[j], hi[j] = pts[q].x, pts[q+1].x
	}
	return lo, hi, passes, nil
}

// bracket returns q with pts[q].c <= j < pts[q+1].c (pts sorted by x, counts nondecreasing).
func bracket(pts []sturmPoint, j int) int {
	q := 0
	for q+1 < len(pts)-1 && pts[q+1].c <= j {
		q++
	}
	return q
}

// insertPoint inserts p into pts sorted by x, keeping the counts nondecreasing (a count that
// rounding made smaller than a count to its left is raised to it, and vice versa).
func insertPoint(pts []sturmPoint, p sturmPoint) []sturmPoint {
	i := 0
	for i < len(pts) && pts[i].x < p.x {
		i++
	}
	if i < len(pts) && pts[i].x == p.x {
		return pts
	}
	if i > 0 && p.c < pts[i-1].c {
		p.c = pts[i-1].c
	}
	if i < len(pts) && p.c > pts[i].c {
		p.c = pts[i].c
	}
	pts = append(pts, sturmPoint{})
	copy(pts[i+1:], pts[i:])
	pts[i] = p
	return pts
}

// twisted is the workspace of one Rayleigh-quotient iteration: the twisted factorisation of
// T - mu I is recur (the multipliers) and then vector (the twist and z).
type twisted struct {
	lp []float64 // forward multipliers l_i = b_i/d+_i
	um []float64 // backward multipliers u_i = b_{i-1}/d-_i
}

func newTwisted(n int) *twisted {
	return &twisted{lp: make([]float64, n), um: make([]float64, n)}
}

// recur computes the multipliers of the forward LDL^T and backward UDU^T factorisations of
// T - mu I into w and returns the count of negative forward pivots. The two are independent
// division chains in one loop. Only the multipliers are stored: gamma_r = d+_r + d-_r - (a_r -
// mu) = (a_r - mu) - l_{r-1} b_{r-1} - u_{r+1} b_r.
func (t *tridiag) recur(w *twisted, mu float64) (neg int) {
	n := t.n
	a, b, pm := t.a, t.b, t.pivmin
	lp, um := w.lp, w.um
	df := a[0] - mu
	db := a[n-1] - mu
	for i := 0; i < n-1; i++ {
		df = clampPivot(df, pm)
		if df < 0 {
			neg++
		}
		l := b[i] / df
		lp[i] = l
		df = (a[i+1] - mu) - l*b[i]
		m := n - 1 - i
		db = clampPivot(db, pm)
		u := b[m-1] / db
		um[m] = u
		db = (a[m-1] - mu) - u*b[m-1]
	}
	df = clampPivot(df, pm)
	if df < 0 {
		neg++
	}
	return neg
}

// recur2 is recur for two shifts at once, the same operations per shift (the same bits). Its
// four division chains are independent, so the pair takes about the time of one recur: 1.07
// against 1.02 ms on 200,000 rows (the divisions' latency, not their throughput, bounds recur).
func (t *tridiag) recur2(w1, w2 *twisted, mu1, mu2 float64) (neg1, neg2 int) {
	n := t.n
	a, b, pm := t.a, t.b, t.pivmin
	lp1, um1, lp2, um2 := w1.lp, w1.um, w2.lp, w2.um
	df1, df2 := a[0]-mu1, a[0]-mu2
	db1, db2 := a[n-1]-mu1, a[n-1]-mu2
	for i := 0; i < n-1; i++ {
		df1 = clampPivot(df1, pm)
		df2 = clampPivot(df2, pm)
		if df1 < 0 {
			neg1++
		}
		if df2 < 0 {
			neg2++
		}
		bi, ai := b[i], a[i+1]
		l1, l2 := bi/df1, bi/df2
		lp1[i], lp2[i] = l1, l2
		df1 = (ai - mu1) - l1*bi
		df2 = (ai - mu2) - l2*bi
		m := n - 1 - i
		db1 = clampPivot(db1, pm)
		db2 = clampPivot(db2, pm)
		bm, am := b[m-1], a[m-1]
		u1, u2 := bm/db1, bm/db2
		um1[m], um2[m] = u1, u2
		db1 = (am - mu1) - u1*bm
		db2 = (am - mu2) - u2*bm
	}
	df1 = clampPivot(df1, pm)
	df2 = clampPivot(df2, pm)
	if df1 < 0 {
		neg1++
	}
	if df2 < 0 {
		neg2++
	}
	return neg1, neg2
}

// vector finds the twist r where |gamma_r| is least for the multipliers in w (recur at mu)
// and sets z: z_r = 1 and the products of the multipliers on either side. It returns gamma_r
// and z^T z.
//
// The loops carry the last product in a register rather than reading it back from z (the
// store-to-load round trip lengthened each step's dependency chain), and the twist loop has its
// end rows peeled: 0.5 against 1.2 ms on 200,000 rows, the same bits.
func (t *tridiag) vector(w *twisted, mu float64, z []float64) (gamma, ztz float64) {
	n := t.n
	a, b := t.a[:n], t.b[:max(n-1, 0)]
	lp, um := w.lp[:n], w.um[:n]
	z = z[:n]
	// gamma_i = ((a_i - mu) - l_{i-1} b_{i-1}) - u_{i+1} b_i, the first i with the least |gamma_i|.
	r := 0
	gamma = a[0] - mu
	if n > 1 {
		gamma -= um[1] * b[0]
	}
	ag := math.Abs(gamma)
	if !(ag < math.Inf(1)) { // NaN or infinite: any later finite gamma takes its place
		gamma, ag = math.Inf(1), math.Inf(1)
	}
	for i := 1; i < n-1; i++ {
		g := a[i] - mu - lp[i-1]*b[i-1] - um[i+1]*b[i]
		if v := math.Abs(g); v < ag {
			gamma, ag, r = g, v, i
		}
	}
	if n > 1 {
		g := a[n-1] - mu - lp[n-2]*b[n-2]
		if math.Abs(g) < ag {
			gamma, r = g, n-1
		}
	}
	// Eigenvectors of H_FP decay by hundreds of decades towards a wall; below 1e-200 the rest
	// of the side is set to zero (it could only grow back through a second well whose level
	// would then be degenerate with this one to far below rounding), which keeps the products
	// out of the subnormal range, where each multiplication costs about a hundred times more.
	const tiny = 1e-200
	z[r] = 1
	ztz = 1
	prev := 1.0
	i := r - 1
	for ; i >= 0; i-- {
		v := -lp[i] * prev
		if math.Abs(v) < tiny {
			break
		}
		z[i] = v
		ztz += v * v
		prev = v
	}
	clear(z[:i+1])
	prev = 1
	for i = r + 1; i < n; i++ {
		v := -um[i] * prev
		if math.Abs(v) < tiny {
			break
		}
		z[i] = v
		ztz += v * v
		prev = v
	}
	clear(z[i:])
	return gamma, ztz
}

// rqi is the state of one safeguarded Rayleigh-quotient iteration for E_j: the bracket [lo,
// hi], the current shift, the factorisations so far, the workspace and the vector.
type rqi struct {
	j          int
	lo, hi, mu float64
	it         int
	w          *twisted
	z          []float64
}

// maxRQI is the most factorisations one eigenvalue may take before Lowest falls back to Lanczos.
const maxRQI = 60

// update takes the factorisation at s.mu (neg, gamma, ztz) and either finishes (done, with
// the eigenvalue estimate and the unit vector left in s.z: when the residual |gamma|/||z|| is
// below target or the correction reaches rounding) or moves s.mu to the next shift.
func (t *tridiag) update(s *rqi, neg int, gamma, ztz, target float64) (done bool, val float64, err error) {
	s.it++
	if !(ztz > 0) || math.IsInf(ztz, 0) {
		return false, 0, errTridiagFallback
	}
	mu, lo, hi := s.mu, s.lo, s.hi
	if neg <= s.j {
		lo = math.Max(lo, mu)
	} else {
		hi = math.Min(hi, mu)
	}
	s.lo, s.hi = lo, hi
	nz := math.Sqrt(ztz)
	step := gamma / ztz
	if math.Abs(gamma)/nz <= target || math.Abs(step) <= 4*0x1p-52*math.Abs(mu)+t.pivmin || hi-lo <= 4*0x1p-52*math.Max(math.Abs(lo), math.Abs(hi)) {
		sc := 1 / nz
		for i := range s.z {
			s.z[i] *= sc
		}
		return true, mu + step, nil
	}
	if s.it >= maxRQI {
		return false, 0, errTridiagFallback
	}
	next := mu + step
	if !(next > lo && next < hi) {
		next = lo + 0.5*(hi-lo)
	}
	s.mu = next
	return false, 0, nil
}

// refineAll refines every isolated eigenvalue [lo_j, hi_j] with its vector by Rayleigh-quotient
// iteration (update) on up to two goroutines, each running two iterations in lockstep (recur2)
// while it has two eigenvalues left. It returns the unit vectors (not yet orthonormalised
// together), the eigenvalue estimates and the count of factorisations.
func (t *tridiag) refineAll(ctx context.Context, k int, lo, hi []float64, target float64) ([]float64, [][]float64, int, error) {
	vals := make([]float64, k)
	vecs := make([][]float64, k)
	for j := range vecs {
		vecs[j] = make([]float64, t.n)
	}
	workers := max(1, min(runtime.GOMAXPROCS(0), k, 2))
	if t.n < 2000 {
		workers = 1
	}
	var wg sync.WaitGroup
	errs := make([]error, workers)
	its := make([]int, workers)
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ws := [2]*twisted{newTwisted(t.n), newTwisted(t.n)}
			var slots [2]*rqi
			next := g
			for {
				for q := range slots {
					if slots[q] == nil && next < k {
						slots[q] = &rqi{j: next, lo: lo[next], hi: hi[next], mu: lo[next] + 0.5*(hi[next]-lo[next]), w: ws[q], z: vecs[next]}
						next += workers
					}
				}
				if slots[0] == nil && slots[1] == nil {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[g] = err
					return
				}
				var negs [2]int
				if slots[0] != nil && slots[1] != nil {
					negs[0], negs[1] = t.recur2(slots[0].w, slots[1].w, slots[0].mu, slots[1].mu)
				} else {
					for q, s := range slots {
						if s != nil {
							negs[q] = t.recur(s.w, s.mu)
						}
					}
				}
				for q, s := range slots {
					if s == nil {
						continue
					}
					gamma, ztz := t.vector(s.w, s.mu, s.z)
					done, v, err := t.update(s, negs[q], gamma, ztz, target)
					if err != nil {
						its[g] += s.it
						errs[g] = err
						return
					}
					if done {
						its[g] += s.it
						vals[s.j] = v
						slots[q] = nil
					}
				}
			}
		}()
	}
	wg.Wait()
	count := 0
	for _, it := range its {
		count += it
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, count, err
	}
	for _, e := range errs {
		if e != nil {
			return nil, nil, count, e
		}
	}
	return vals, vecs, count, nil
}

// lowestTridiagonal is Lowest's tridiagonal method for the matrix a with the given diagonal
// and superdiagonal; errTridiagFallback asks for the Lanczos path.
func lowestTridiagonal(ctx context.Context, a csrPattern, diag, off []float64, k int, o Options, scale float64) (*Result, error) {
	n := a.n
	sigma := -1e-9 * scale // the reference of the default tolerance, as on the Lanczos path
	tolFor := func(eTop float64) float64 {
		if o.Tol > 0 {
			return o.Tol
		}
		return math.Max(1e-7*(eTop-sigma), 1e-13*scale)
	}
	t := newTridiag(diag, off)
	lo, hi, passes, err := t.isolate(ctx, k, 1e-10*scale, scale)
	if err != nil {
		return nil, err
	}
	// The residual the iteration aims at: well inside the tolerance (at most the one of the
	// lowest possible E_top), so that the Rayleigh-Ritz rotation keeps every pair inside it.
	// With the [spectrum] stage's tolerance (1e-9 s) the residuals come out near 1e-7 and
	// the levels within 1e-12 of the Lanczos path's; the default tolerance gives about 1e-10.
	target := tolFor(lo[k-1]) / 16
	vals, vecs, count, err := t.refineAll(ctx, k, lo, hi, target)
	count += passes
	if err != nil {
		return nil, err
	}
	// One step of inverse iteration with the positive definite T - sigma I (bidiagonal
	// factor, O(n)) before the Rayleigh-Ritz step: the vectors of the twisted factorisations
	// carry rounding noise of about 1e-9 relative in the high, fast-oscillating modes, which
	// the solve damps by (E - sigma)/E_high, as in the Lanczos path's refinement.
	w := make([][]float64, k)
	f := t.bidiagLDL(sigma)
	forVectors(k, n, func(i int, _ []float64) {
		w[i] = append([]float64(nil), vecs[i]...)
		if f != nil {
			f.solveBidiagFlush(w[i])
		}
	})
	if f != nil {
		count += k
	}
	if !rayleighRitzBlock(t.mulVec, w, vals, vecs) && !rayleighRitz(a, w, nil, vals, vecs) {
		return nil, errTridiagFallback
	}
	tol := tolFor(vals[k-1])
	res := &Result{Values: vals, Sigma: sigma, Tol: tol, Solves: count, FactorNNZ: n - 1, Method: MethodTridiagonal}
	res.Vectors = mat.NewDense(n, k, nil)
	res.Residuals = make([]float64, k)
	forVectors(k, n, func(i int, hv []float64) {
		res.Residuals[i] = residual(a, vecs[i], vals[i], hv)
	})
	for i, v := range vecs {
		res.Vectors.SetCol(i, v)
		if !(res.Residuals[i] <= tol) {
			return nil, errTridiagFallback
		}
	}
	return res, nil
}

// forVectors calls f(i, scratch) for i < k on up to two goroutines (one below 2000 rows), each
// with its own scratch vector of length n: the per-vector steps of lowestTridiagonal, O(n) each
// and independent.
func forVectors(k, n int, f func(i int, scratch []float64)) {
	workers := max(1, min(runtime.GOMAXPROCS(0), k, 2))
	if n < 2000 {
		workers = 1
	}
	var wg sync.WaitGroup
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			scratch := make([]float64, n)
			for i := g; i < k; i += workers {
				f(i, scratch)
			}
		}()
	}
	wg.Wait()
}

// solveBidiagFlush is solveBidiag with values below 1e-250 in magnitude set to zero as they
// arise: the tails of H_FP eigenvectors decay through the subnormal range, where every
// multiplication costs about a hundred times more (measured: 3-4 ms instead of 0.5 ms per
// solve on 200,000 cells). The change is below 1e-250 of the vector's largest entries.
func (f *ldl) solveBidiagFlush(x []float64) {
	const tiny = 1e-250
	n := f.n
	lx, dinv := f.lx[:n-1], f.work[:n]
	x = x[:n]
	// The running value in a register, as in solveBidiag.
	prev := x[0]
	for j := 0; j < n-1; j++ {
		v := x[j+1] - lx[j]*prev
		if math.Abs(v) < tiny {
			v = 0
		}
		x[j+1] = v
		prev = v
	}
	prev = x[n-1] * dinv[n-1]
	x[n-1] = prev
	for j := n - 2; j >= 0; j-- {
		v := x[j]*dinv[j] - lx[j]*prev
		if math.Abs(v) < tiny {
			v = 0
		}
		x[j] = v
		prev = v
	}
}

// bidiagLDL returns the LDL^T factorisation of T - sigma I (unit lower bidiagonal L), or nil if
// it is not positive definite: what newLDL computes for a tridiagonal matrix in natural order,
// without its symbolic pass and elimination tree (8-12 ms on 200,000 rows, this about 1 ms).
func (t *tridiag) bidiagLDL(sigma float64) *ldl {
	n := t.n
	if n < 2 {
		return nil
	}
	f := &ldl{n: n, lx: make([]float64, n-1), d: make([]float64, n), work: make([]float64, n), identity: true, bidiag: true}
	d := t.a[0] - sigma
	for i := 0; i < n; i++ {
		if !(d > 0) {
			return nil
		}
		f.d[i], f.work[i] = d, 1/d
		if i == n-1 {
			break
		}
		l := t.b[i] / d
		f.lx[i] = l
		d = (t.a[i+1] - sigma) - l*t.b[i]
	}
	return f
}

// rayleighRitzBlock is rayleighRitz (without locked vectors) by blocked operations: the
// k x n block W is normalised, then orthonormalised by Cholesky QR (G = W W^T = R^T R,
// W <- R^-T W; a second round unless G was within 1e-3 of the identity), then the Ritz pairs of
// W A W^T are lifted back by one matrix product. It sweeps
// the block a dozen times instead of the 3k^2 vector operations of Gram-Schmidt (25 ms against
// 5 ms for k = 6 on 200,000 rows). It returns false, leaving vals and vecs, if a Cholesky
// factorisation fails (W numerically rank deficient: rayleighRitz then decides).
func rayleighRitzBlock(mul func(x, dst []float64), w [][]float64, vals []float64, vecs [][]float64) bool {
	k, n := len(w), len(w[0])
	wb := blas64.General{Rows: k, Cols: n, Stride: n, Data: make([]float64, k*n)}
	for i, v := range w {
		row := wb.Data[i*n : (i+1)*n]
		copy(row, v)
		nr := norm(row)
		if !(nr > 0) || math.IsInf(nr, 0) {
			return false
		}
		blas64.Scal(1/nr, blas64.Vector{N: n, Data: row, Inc: 1})
	}
	g := blas64.Symmetric{N: k, Stride: k, Data: make([]float64, k*k), Uplo: blas.Upper}
	for round := 0; round < 2; round++ {
		blas64.Syrk(blas.NoTrans, 1, wb, 0, g)
		// Cholesky QR loses about eps cond(W)^2 of orthogonality: where W is orthonormal to
		// 1e-3 already (eigenvectors of separated levels), one round leaves it to rounding.
		last := round == 1 || nearIdentity(g)
		tri, ok := lapack64.Potrf(g)
		if !ok {
			return false
		}
		// W <- R^-T W, R upper: solve R^T X = W.
		blas64.Trsm(blas.Left, blas.Trans, 1, tri, wb)
		if last {
			break
		}
	}
	hw := blas64.General{Rows: k, Cols: n, Stride: n, Data: make([]float64, k*n)}
	for i := 0; i < k; i++ {
		mul(wb.Data[i*n:(i+1)*n], hw.Data[i*n:(i+1)*n])
	}
	p := blas64.General{Rows: k, Cols: k, Stride: k, Data: make([]float64, k*k)}
	blas64.Gemm(blas.NoTrans, blas.Trans, 1, wb, hw, 0, p)
	ps := mat.NewSymDense(k, nil)
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			ps.SetSym(i, j, 0.5*(p.Data[i*k+j]+p.Data[j*k+i]))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(ps, true) {
		return false
	}
	ev := eig.Values(nil)
	var z mat.Dense
	eig.VectorsTo(&z)
	zr := z.RawMatrix()
	// Y = Z^T W: row q of Y is sum_i Z[i][q] W_i.
	y := blas64.General{Rows: k, Cols: n, Stride: n, Data: hw.Data} // hw is free now
	blas64.Gemm(blas.Trans, blas.NoTrans, 1, blas64.General{Rows: k, Cols: k, Stride: zr.Stride, Data: zr.Data}, wb, 0, y)
	for q := 0; q < k; q++ {
		row := y.Data[q*n : (q+1)*n]
		blas64.Scal(1/norm(row), blas64.Vector{N: n, Data: row, Inc: 1})
		copy(vecs[q], row)
		vals[q] = ev[q]
	}
	return true
}

// mulVec sets dst = T x, T with the superdiagonal mirrored (the tridiagonal product, about
// three times faster than the CSR one; where the CSR matrix's mirrored entries are equal, as
// from FD and Symmetrize, the same sums in the same order as mulVec). The residuals that Lowest
// reports are still computed with the CSR matrix itself.
func (t *tridiag) mulVec(x, dst []float64) {
	n := t.n
	a, b := t.a[:n], t.b
	x, dst = x[:n], dst[:n]
	if n == 1 {
		dst[0] = a[0] * x[0]
		return
	}
	dst[0] = a[0]*x[0] + b[0]*x[1]
	for i := 1; i < n-1; i++ {
		dst[i] = b[i-1]*x[i-1] + a[i]*x[i] + b[i]*x[i+1]
	}
	dst[n-1] = b[n-2]*x[n-2] + a[n-1]*x[n-1]
}

// nearIdentity reports whether the upper triangle of the symmetric g is within 1e-3 of the
// identity (then cond(W)^2 < 1 + 2k 1e-3).
func nearIdentity(g blas64.Symmetric) bool {
	for i := 0; i < g.N; i++ {
		for j := i; j < g.N; j++ {
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(g.Data[i*g.Stride+j]-want) > 1e-3 {
				return false
			}
		}
	}
	return true
}
