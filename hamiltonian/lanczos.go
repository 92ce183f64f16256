package hamiltonian

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"

	"github.com/james-bowman/sparse"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"fpsolve/internal/par"
)

// Options tunes Lowest. The zero value (or a nil *Options) selects the defaults.
type Options struct {
	// Sigma is the shift of the shift-invert operator (H - sigma I)^-1; it must lie below the
	// lowest eigenvalue, ideally close to it. Zero selects it automatically: sigma starts at
	// -1e-9 s, with s the median absolute diagonal entry of H (for H_FP the kinetic scale
	// g^2/h^2), and moves ten times further down each time H - sigma I fails to factor as
	// positive definite.
	Sigma float64

	// Tol bounds the residual ||H psi - E psi|| of every returned unit eigenvector. Zero selects
	// max(1e-7 (E_top - sigma), 1e-13 s), E_top the highest wanted eigenvalue and s as for
	// Sigma: eigenvalues then carry relative errors below about 1e-14 E/gap (the error is
	// bounded by residual^2/gap), while the floor stays about 1000 times above the rounding level
	// of the residuals (about 1e-16 s for H_FP).
	Tol float64

	// Basis is the Lanczos basis size m (> k). Zero selects max(2k+1, k+16), capped at n.
	Basis int

	// MaxRestarts bounds the count of thick restarts per Lanczos run. Zero selects 200.
	MaxRestarts int

	// Seed seeds the random starting vector.
	Seed uint64

	// SkipCheck skips the search for eigenvalues missed because of exact multiplicity (a single
	// Lanczos run sees only one vector of a degenerate eigenspace). The search costs one Lanczos
	// cycle (Basis solves) restricted to the complement of the found vectors, and a full run
	// there if it finds a level below the highest found; it is skipped for tridiagonal matrices
	// whose wanted eigenvalues are provably simple.
	SkipCheck bool

	// Ordering selects the fill-reducing ordering of the sparse LDL^T factorisation of
	// H - sigma I: OrderAuto (the zero value), OrderNatural or OrderNestedDissection.
	Ordering Ordering

	// Method selects the algorithm: MethodAuto (the zero value) or MethodLanczos, or
	// MethodTridiagonal.
	Method Method

	// Context, when not nil, cancels the computation: Lowest looks at it in the fill-reducing
	// ordering and the factorisation (every few milliseconds of work) and before every
	// application of the shift-invert operator, and returns its error once it is done. Nil
	// never cancels; an uncancelled Context changes no result.
	Context context.Context
}

// Ordering names a fill-reducing ordering for the factorisation of H - sigma I.
type Ordering int

const (
	// OrderAuto picks the ordering with the smaller predicted factorisation work (natural
	// ordering for banded matrices such as 1-D grids, nested dissection for 2-D grids).
	OrderAuto Ordering = iota
	// OrderNatural keeps the matrix order (profile/band factorisation).
	OrderNatural
	// OrderNestedDissection orders by recursive graph bisection.
	OrderNestedDissection
)

// Method names the algorithm of Lowest.
type Method int

const (
	// MethodAuto uses MethodTridiagonal for a tridiagonal matrix (every one-mode Hamiltonian)
	// when no Lanczos option (Sigma, Basis, Ordering) is set, and MethodLanczos otherwise.
	MethodAuto Method = iota
	// MethodLanczos is shift-invert thick-restart Lanczos with a sparse LDL^T factorisation.
	MethodLanczos
	// MethodTridiagonal, for a tridiagonal matrix only (Lowest returns an error for any
	// other), isolates each wanted eigenvalue by Sturm counts and refines it with its vector by
	// Rayleigh-quotient iteration on twisted factorisations, O(n) work per eigenpair, followed by
	// a Rayleigh-Ritz step over the k vectors. Where two wanted eigenvalues lie closer than
	// about 1e-10 of the matrix's norm, or a residual misses the tolerance, Lowest falls back to
	// MethodLanczos (Result.Method tells which ran).
	MethodTridiagonal
)

// String returns the method's name.
func (m Method) String() string {
	switch m {
	case MethodAuto:
		return "auto"
	case MethodLanczos:
		return "lanczos"
	case MethodTridiagonal:
		return "tridiagonal"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// Result holds the eigenpairs that Lowest found, in ascending order of eigenvalue.
type Result struct {
	Values    []float64  // eigenvalues E_0 <= E_1 <= ...
	Vectors   *mat.Dense // n x k; column i is the unit eigenvector of Values[i]
	Residuals []float64  // ||H psi_i - E_i psi_i||, computed explicitly
	Sigma     float64    // the shift used
	Tol       float64    // the residual tolerance used
	Solves    int        // applications of (H - sigma I)^-1 (tridiagonal: Sturm passes and factorisations)
	Restarts  int        // thick restarts, all Lanczos runs together
	FactorNNZ int        // off-diagonal nonzeros of the LDL^T factor
	Method    Method     // the algorithm that ran: MethodLanczos or MethodTridiagonal
}

// ErrNoConvergence is wrapped by the error that Lowest returns when the eigenpairs do not reach
// the residual tolerance.
var ErrNoConvergence = errors.New("hamiltonian: Lanczos did not converge")

// Lowest returns the k lowest eigenpairs of the symmetric matrix h by thick-restart Lanczos with
// full reorthogonalisation, applied to the shift-invert operator (H - sigma I)^-1 with a sparse
// LDL^T factorisation of H - sigma I. Convergence is judged by the residual ||H psi - E psi|| of
// each unit Ritz vector, recomputed explicitly before returning.
//
// Lowest returns an error if h is not square and symmetric, if H - sigma I is not positive
// definite (an explicit Sigma not below the spectrum) or if the tolerance is not reached; in the
// last case the error wraps ErrNoConvergence. It panics if k < 1 or k >= n.
func Lowest(h *sparse.CSR, k int, opts *Options) (*Result, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	r, c := h.Dims()
	if r != c {
		return nil, fmt.Errorf("hamiltonian: matrix is %d x %d, not square", r, c)
	}
	n := r
	if k < 1 || k >= n {
		panic(fmt.Sprintf("hamiltonian: k = %d eigenpairs of a %d x %d matrix", k, n, n))
	}
	raw := h.RawMatrix()
	a := csrPattern{n: n, indptr: raw.Indptr, ind: raw.Ind, data: raw.Data}
	if err := checkSymmetric(a); err != nil {
		return nil, err
	}
	scale := medianAbsDiag(a)
	if o.Tol < 0 {
		return nil, fmt.Errorf("hamiltonian: negative tolerance %g", o.Tol)
	}
	m := o.Basis
	if m == 0 {
		m = max(2*k+1, k+16)
	}
	if m > n {
		m = n
	}
	if m <= k {
		return nil, fmt.Errorf("hamiltonian: basis size %d must exceed k = %d", m, k)
	}
	if o.MaxRestarts == 0 {
		o.MaxRestarts = 200
	}
	if o.Context == nil {
		o.Context = context.Background()
	}
	ctx := o.Context

	if o.Method == MethodTridiagonal || (o.Method == MethodAuto && o.Sigma == 0 && o.Basis == 0 && o.Ordering == OrderAuto) {
		diag, off, ok := tridiagonalOf(a)
		if !ok && o.Method == MethodTridiagonal {
			return nil, fmt.Errorf("hamiltonian: the tridiagonal method needs a tridiagonal matrix")
		}
		if ok {
			res, err := lowestTridiagonal(ctx, a, diag, off, k, o, scale)
			if !errors.Is(err, errTridiagFallback) {
				return res, err
			}
		}
	}

	perm, split, et := ordering(ctx.Done(), a, o.Ordering)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var f *ldl
	var err error
	if o.Sigma != 0 {
		f, err = newLDL(ctx, a, o.Sigma, perm, split, et)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err != nil {
			return nil, fmt.Errorf("hamiltonian: %v", err)
		}
	} else {
		lower := gershgorinLower(a)
		o.Sigma = -1e-9 * scale
		for {
			f, err = newLDL(ctx, a, o.Sigma, perm, split, et)
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if err == nil {
				break
			}
			if o.Sigma < lower {
				return nil, fmt.Errorf("hamiltonian: %v", err)
			}
			o.Sigma = math.Min(10*o.Sigma, lower-1e-9*scale)
		}
	}

	s := &solver{a: a, f: f, n: n, m: m, opts: o, probeLen: 12, scale: scale, rnd: rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))}
	if f.s > 0 || n*m >= parallelOrtho {
		// The solves' parts and the orthogonalisation's halves run on one spinning helper for
		// the Lanczos runs (par.Pair), which Lowest stops when it returns.
		s.pair = par.NewPair()
		defer s.pair.Close()
		f.pair = s.pair
	}
	vals, vecs, err := s.run(k, nil)
	if err != nil {
		return nil, err
	}
	if !o.SkipCheck && !simpleBelow(a, vals[k-1]) {
		// A probe cycle in the complement of the found vectors: its top Ritz value bounds the
		// lowest remaining eigenvalue from above; below E_{k-1} a degenerate partner was missed.
		for range k {
			if len(vecs)+2 > n {
				break
			}
			s.probe = true
			pv, _, err := s.run(1, vecs)
			s.probe = false
			if err != nil {
				return nil, err
			}
			if pv[0] >= vals[k-1]-s.tol(vals[k-1]) {
				break
			}
			nv, nx, err := s.run(min(k, n-len(vecs)-1), vecs)
			if err != nil {
				return nil, err
			}
			vals, vecs = mergeLowest(vals, vecs, nv, nx, k)
		}
	}

	tol := s.tol(vals[k-1])
	res := &Result{Values: vals, Sigma: o.Sigma, Tol: tol, Solves: s.solves, Restarts: s.restarts, FactorNNZ: f.nnzL(), Method: MethodLanczos}
	res.Vectors = mat.NewDense(n, k, nil)
	res.Residuals = make([]float64, k)
	hv := make([]float64, n)
	for i, v := range vecs {
		res.Vectors.SetCol(i, v)
		res.Residuals[i] = residual(a, v, vals[i], hv)
	}
	for i, rr := range res.Residuals {
		if !(rr <= tol) {
			return nil, fmt.Errorf("%w: residual %g of E_%d = %g exceeds tolerance %g", ErrNoConvergence, rr, i, vals[i], tol)
		}
	}
	return res, nil
}

// mergeLowest merges two sets of eigenpairs and keeps the k lowest.
func mergeLowest(v1 []float64, x1 [][]float64, v2 []float64, x2 [][]float64, k int) ([]float64, [][]float64) {
	idx := make([]int, 0, len(v1)+len(v2))
	for i := range len(v1) + len(v2) {
		idx = append(idx, i)
	}
	val := func(i int) float64 {
		if i < len(v1) {
			return v1[i]
		}
		return v2[i-len(v1)]
	}
	sort.SliceStable(idx, func(a, b int) bool { return val(idx[a]) < val(idx[b]) })
	vals := make([]float64, k)
	vecs := make([][]float64, k)
	for j := range k {
		i := idx[j]
		vals[j] = val(i)
		if i < len(v1) {
			vecs[j] = x1[i]
		} else {
			vecs[j] = x2[i-len(v1)]
		}
	}
	return vals, vecs
}

// ordering returns the fill-reducing permutation for the choice o (nil for natural order) and,
// for nested dissection, its top-level split (nestedDissectionSplit), which lets the
// factorisation and the solves run the two parts on two goroutines, and the elimination tree of
// the returned ordering where it computed it (else nil). When done (nil: never) closes it stops
// early with a meaningless result: the caller looks at its context.
//
// OrderAuto compares the predicted work sum_j lnz_j^2 of both orderings. For the natural order
// it first bounds the work by the matrix's envelope (the fill of a natural-order factorisation
// stays inside it, and fills it on grids), in O(nnz) instead of the symbolic factorisation's
// O(nnz(L)), 15-25 ms on the 256^2 chamber; only where nested dissection does not win by a
// factor of two against that bound is the exact count computed, as before.
func ordering(done <-chan struct{}, a csrPattern, o Ordering) ([]int, [2]int, *elimTree) {
	switch o {
	case OrderNatural:
		return nil, [2]int{}, nil
	case OrderNestedDissection:
		perm, split := nestedDissectionSplit(done, a)
		return perm, split, nil
	}
	if bandwidth(a) <= 2 {
		return nil, [2]int{}, nil
	}
	n := a.n
	perm, split := nestedDissectionSplit(done, a)
	pinv := make([]int, n)
	for i, p := range perm {
		pinv[p] = i
	}
	nd, fND := analyse(done, a, perm, pinv)
	if nd == nil || fND < 0.5*envelopeFlops(a) {
		return perm, split, nd
	}
	id := make([]int, n)
	for i := range id {
		id[i] = i
	}
	nat, fNat := analyse(done, a, id, id)
	if nat == nil || fND < fNat {
		return perm, split, nd
	}
	return nil, [2]int{}, nat
}

// envelopeFlops returns sum_j c_j^2 with c_j the count of rows i > j whose first nonzero
// column is at or before j: an upper bound of the natural-order work of symbolic.
func envelopeFlops(a csrPattern) float64 {
	n := a.n
	diff := make([]int, n+1)
	for i := 0; i < n; i++ {
		f := i
		for p := a.indptr[i]; p < a.indptr[i+1]; p++ {
			f = min(f, a.ind[p])
		}
		// Row i lies in the column counts of columns f..i-1.
		diff[f]++
		diff[i]--
	}
	var c int
	var s float64
	for j := 0; j < n; j++ {
		c += diff[j]
		s += float64(c) * float64(c)
	}
	return s
}

func bandwidth(a csrPattern) int {
	b := 0
	for i := 0; i < a.n; i++ {
		for p := a.indptr[i]; p < a.indptr[i+1]; p++ {
			if d := a.ind[p] - i; d > b {
				b = d
			} else if -d > b {
				b = -d
			}
		}
	}
	return b
}

// simpleBelow reports whether a is tridiagonal and at most one of its irreducible diagonal
// blocks can have an eigenvalue at or below e (by Gershgorin's bound): the eigenvalues of an
// irreducible tridiagonal block are simple, so then the eigenvalues up to e are simple too.
func simpleBelow(a csrPattern, e float64) bool {
	low := 0
	blockLow := math.Inf(1)
	for i := 0; i < a.n; i++ {
		var d, r float64
		coupled := false // to row i-1
		for p := a.indptr[i]; p < a.indptr[i+1]; p++ {
			j := a.ind[p]
			if j < i-1 || j > i+1 {
				return false
			}
			if j == i {
				d += a.data[p]
			} else {
				r += math.Abs(a.data[p])
				if j == i-1 && a.data[p] != 0 {
					coupled = true
				}
			}
		}
		if !coupled && i > 0 {
			if blockLow <= e {
				low++
			}
			blockLow = math.Inf(1)
		}
		blockLow = math.Min(blockLow, d-r)
	}
	if blockLow <= e {
		low++
	}
	return low <= 1
}

func checkSymmetric(a csrPattern) error {
	for i := 0; i < a.n; i++ {
		for p := a.indptr[i]; p < a.indptr[i+1]; p++ {
			j := a.ind[p]
			if j <= i {
				continue
			}
			v := a.data[p]
			w, ok := lookup(a, j, i)
			if !ok && v == 0 {
				continue
			}
			if math.Abs(v-w) > 1e-12*(math.Abs(v)+math.Abs(w)) {
				return fmt.Errorf("hamiltonian: matrix is not symmetric: H[%d][%d] = %g, H[%d][%d] = %g", i, j, v, j, i, w)
			}
		}
	}
	return nil
}

// lookup returns a[i][j] by binary search in row i (columns ascending) or a linear scan.
func lookup(a csrPattern, i, j int) (float64, bool) {
	lo, hi := a.indptr[i], a.indptr[i+1]
	row := a.ind[lo:hi]
	k := sort.SearchInts(row, j)
	if k < len(row) && row[k] == j {
		return a.data[lo+k], true
	}
	for q, c := range row {
		if c == j {
			return a.data[lo+q], true
		}
	}
	return 0, false
}

func medianAbsDiag(a csrPattern) float64 {
	d := absDiag(a)
	s := selectRank(d, a.n/2)
	if s == 0 {
		s = selectRank(d, a.n-1)
	}
	if s == 0 {
		s = 1
	}
	return s
}

// gershgorinLower returns min_i (a_ii - sum_{j != i} |a_ij|), a lower bound of the spectrum.
func gershgorinLower(a csrPattern) float64 {
	lo := math.Inf(1)
	for i := 0; i < a.n; i++ {
		var d, r float64
		for p := a.indptr[i]; p < a.indptr[i+1]; p++ {
			if a.ind[p] == i {
				d += a.data[p]
			} else {
				r += math.Abs(a.data[p])
			}
		}
		lo = math.Min(lo, d-r)
	}
	return lo
}

// mulVec sets dst = A x.
func mulVec(a csrPattern, x, dst []float64) {
	for i := 0; i < a.n; i++ {
		var s float64
		for p := a.indptr[i]; p < a.indptr[i+1]; p++ {
			s += a.data[p] * x[a.ind[p]]
		}
		dst[i] = s
	}
}

// residual returns ||A v - e v|| using the scratch hv.
func residual(a csrPattern, v []float64, e float64, hv []float64) float64 {
	mulVec(a, v, hv)
	var s float64
	for i, x := range v {
		d := hv[i] - e*x
		s += d * d
	}
	return math.Sqrt(s)
}

// tol returns the residual tolerance for a highest wanted eigenvalue eTop.
func (s *solver) tol(eTop float64) float64 {
	if s.opts.Tol > 0 {
		return s.opts.Tol
	}
	return math.Max(1e-7*(eTop-s.opts.Sigma), 1e-13*s.scale)
}

// solver holds the factorisation and the Lanczos workspace.
type solver struct {
	a        csrPattern
	f        *ldl
	n, m     int
	opts     Options
	probe    bool // run one Lanczos cycle and return the top Ritz value only
	probeLen int  // length of the probe cycle beyond want
	scale    float64
	rnd      *rand.Rand
	solves   int
	restarts int
	pair     *par.Pair // the helper of the solves' and orthogonalize's two halves (nil: new goroutines)
}

// parallelOrtho is the least basis size times vector length for which orthogonalize splits
// the rows between two goroutines.
const parallelOrtho = 1 << 19

// orthogonalize removes from w its components along the rows of v (rows 0..j-1) and along the
// locked vectors x, by two passes of classical Gram-Schmidt; it returns the coefficients along
// the rows of v of the first pass plus the correction of the second (in coef).
func orthogonalize(w []float64, v blas64.General, j int, x [][]float64, coef []float64, pair *par.Pair) {
	n := len(w)
	for pass := 0; pass < 2; pass++ {
		for _, xv := range x {
			floatsAxpy(-floatsDot(xv, w), xv, w)
		}
	}
	if j == 0 {
		return
	}
	vec := func(d []float64) blas64.Vector { return blas64.Vector{N: len(d), Data: d, Inc: 1} }
	before := norm(w)
	c1, c2 := coef[:j], make([]float64, j)
	// Long vectors: the two halves of the rows on two goroutines, each with its own partial
	// coefficients, summed between the sweeps (on the 256^2 chamber with a basis of 24 the
	// sweeps took 40-50 ms of the 0.3 s solve on one core).
	halves := 1
	if j*n >= parallelOrtho && runtime.GOMAXPROCS(0) > 1 {
		halves = 2
	}
	mid := (n / 2) &^ 1023 // a chunk boundary
	if mid == 0 {
		halves = 1
	}
	part := func(f func(h, lo, hi int)) {
		if halves == 1 {
			f(0, 0, n)
			return
		}
		both(pair, func() { f(1, mid, n) }, func() { f(0, 0, mid) })
	}
	// Pass 1: c1 = V w.
	var c1h [2][]float64
	c1h[0] = c1
	if halves == 2 {
		c1h[1] = make([]float64, j)
	}
	part(func(h, lo, hi int) {
		sub := blas64.General{Rows: j, Cols: hi - lo, Stride: v.Stride, Data: v.Data[lo:]}
		blas64.Gemv(blas.NoTrans, 1, sub, vec(w[lo:hi]), 0, vec(c1h[h]))
	})
	if halves == 2 {
		for i := range c1 {
			c1[i] += c1h[1][i]
		}
	}
	sub := blas64.General{Rows: j, Cols: n, Stride: v.Stride, Data: v.Data}
	// Subtract the first projection chunk by chunk and, while the chunk of V is in cache,
	// accumulate the coefficients of the second pass and the norm: three sweeps over V
	// instead of four.
	const chunk = 1024
	var c2h [2][]float64
	var nrm2h [2]float64
	c2h[0] = c2
	if halves == 2 {
		c2h[1] = make([]float64, j)
	}
	part(func(h, lo0, hi0 int) {
		for lo := lo0; lo < hi0; lo += chunk {
			hi := min(lo+chunk, hi0)
			vc := blas64.General{Rows: j, Cols: hi - lo, Stride: v.Stride, Data: v.Data[lo:]}
			wc := w[lo:hi]
			blas64.Gemv(blas.Trans, -1, vc, vec(c1), 1, vec(wc))
			blas64.Gemv(blas.NoTrans, 1, vc, vec(wc), 1, vec(c2h[h]))
			nrm2h[h] += floatsDot(wc, wc)
		}
	})
	nrm2 := nrm2h[0] + nrm2h[1]
	if halves == 2 {
		for i := range c2 {
			c2[i] += c2h[1][i]
		}
	}
	// DGKS: the second pass only when the first cancelled much of w.
	if math.Sqrt(nrm2) > 0.7071*before {
		return
	}
	blas64.Gemv(blas.Trans, -1, sub, vec(c2), 1, vec(w))
	for i := range c2 {
		c1[i] += c2[i]
	}
	for pass := 0; pass < 2 && len(x) > 0; pass++ {
		for _, xv := range x {
			floatsAxpy(-floatsDot(xv, w), xv, w)
		}
	}
}

// norm returns the Euclidean norm of w (unscaled: the vectors here are far from overflow).
func norm(w []float64) float64 {
	return math.Sqrt(floatsDot(w, w))
}

// randomUnit fills w with a random vector orthogonal to rows 0..j-1 of v and to x, normalised.
// It returns false if no such vector exists numerically.
func (s *solver) randomUnit(w []float64, v blas64.General, j int, x [][]float64, coef []float64) bool {
	for try := 0; try < 3; try++ {
		for i := range w {
			w[i] = s.rnd.Float64() - 0.5
		}
		orthogonalize(w, v, j, x, coef, s.pair)
		if nr := norm(w); nr > 1e-8*math.Sqrt(float64(len(w))) {
			blas64.Scal(1/nr, blas64.Vector{N: len(w), Data: w, Inc: 1})
			return true
		}
	}
	return false
}

// run computes the want largest eigenvalues of the shift-invert operator restricted to the
// complement of the vectors x0, and returns the corresponding eigenvalues of H (ascending) with
// their unit vectors. Ritz pairs whose explicit residual meets the tolerance at a restart are
// locked: deflated from every later product. Locking the ground state early keeps its huge
// shift-invert eigenvalue 1/(E_0 - sigma) from amplifying the rounding of the solves into the
// other Ritz vectors.
func (s *solver) run(want int, x0 [][]float64) ([]float64, [][]float64, error) {
	n := s.n
	m := min(s.m, n-len(x0))
	if m <= want {
		m = min(want+1, n-len(x0))
	}
	sigma := s.opts.Sigma
	x := x0[:len(x0):len(x0)]
	var lockVals []float64
	var lockVecs [][]float64
	vd := make([]float64, (m+1)*n)
	v := blas64.General{Rows: m + 1, Cols: n, Stride: n, Data: vd}
	row := func(i int) []float64 { return vd[i*n : (i+1)*n] }
	t := mat.NewSymDense(m, nil)
	coef := make([]float64, m+1)
	hw := make([]float64, n)
	var eig mat.EigenSym
	var evec mat.Dense

	finish := func(vals []float64, vecs [][]float64) ([]float64, [][]float64) {
		vals = append(vals, lockVals...)
		vecs = append(vecs, lockVecs...)
		idx := make([]int, len(vals))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return vals[idx[a]] < vals[idx[b]] })
		ov := make([]float64, want)
		ox := make([][]float64, want)
		for q := range want {
			ov[q], ox[q] = vals[idx[q]], vecs[idx[q]]
		}
		s.refine(ov, ox, x0)
		return ov, ox
	}

	if !s.randomUnit(row(0), v, 0, x, coef) {
		return nil, nil, fmt.Errorf("hamiltonian: no start vector orthogonal to %d locked vectors", len(x))
	}
	j0 := 0
	mm := m // current basis length (shrinks when the space is exhausted)
	var betaM float64
	for restart := 0; ; restart++ {
		mm = min(m, n-len(x))
		if s.probe {
			// One short cycle: the dominant shift-invert direction of the complement shows
			// after a few steps.
			mm = min(mm, want+s.probeLen)
		}
		for j := j0; j < mm; j++ {
			if err := s.opts.Context.Err(); err != nil {
				return nil, nil, err
			}
			w := row(j + 1)
			copy(w, row(j))
			s.f.solve(w)
			s.solves++
			orthogonalize(w, v, j+1, x, coef, s.pair)
			t.SetSym(j, j, coef[j])
			beta := norm(w)
			if j+1 < mm {
				if beta <= 1e-13*math.Abs(coef[j]) || beta == 0 {
					// Invariant subspace: continue with a fresh direction.
					if !s.randomUnit(w, v, j+1, x, coef) {
						mm = j + 1
						betaM = 0
						break
					}
					beta = 0
				} else {
					blas64.Scal(1/beta, blas64.Vector{N: n, Data: w, Inc: 1})
				}
				t.SetSym(j, j+1, beta)
			} else {
				betaM = beta
				if beta > 0 {
					blas64.Scal(1/beta, blas64.Vector{N: n, Data: w, Inc: 1})
				}
			}
		}
		tm := mat.NewSymDense(mm, nil)
		for i := 0; i < mm; i++ {
			for j := i; j < mm; j++ {
				tm.SetSym(i, j, t.At(i, j))
			}
		}
		if !eig.Factorize(tm, true) {
			return nil, nil, fmt.Errorf("hamiltonian: eigen-decomposition of the %d x %d Lanczos matrix failed", mm, mm)
		}
		theta := eig.Values(nil)
		evec.Reset() // mm shrinks when locked vectors fill the space
		eig.VectorsTo(&evec)
		if theta[mm-1] <= 0 {
			return nil, nil, fmt.Errorf("hamiltonian: shift-invert operator is not positive (largest Ritz value %g)", theta[mm-1])
		}
		// ||(H - sigma) v_m|| turns the shift-invert residual into the residual in H.
		var hvm float64
		if betaM > 0 {
			mulVec(s.a, row(mm), hw)
			blas64.Axpy(-sigma, blas64.Vector{N: n, Data: row(mm), Inc: 1}, blas64.Vector{N: n, Data: hw, Inc: 1})
			hvm = norm(hw)
		}
		need := min(want-len(lockVals), mm)
		tol := s.tol(sigma + 1/theta[mm-max(need, 1)])
		est := func(i int) float64 { return math.Abs(betaM*evec.At(mm-1, i)) * hvm / theta[i] }
		converged := true
		for i := mm - 1; i >= mm-need; i-- {
			if !(est(i) <= 0.5*tol) {
				converged = false
				break
			}
		}
		sub := blas64.General{Rows: mm, Cols: n, Stride: n, Data: vd}
		ritz := func(i int) []float64 {
			y := make([]float64, n)
			er := evec.RawMatrix()
			blas64.Gemv(blas.Trans, 1, sub, blas64.Vector{N: mm, Data: er.Data[i:], Inc: er.Stride}, 0, blas64.Vector{N: n, Data: y, Inc: 1})
			blas64.Scal(1/norm(y), blas64.Vector{N: n, Data: y, Inc: 1})
			return y
		}
		if s.probe {
			return []float64{sigma + 1/theta[mm-1]}, nil, nil
		}
		if converged || betaM == 0 || restart >= s.opts.MaxRestarts {
			vals := make([]float64, need)
			vecs := make([][]float64, need)
			for q := 0; q < need; q++ {
				i := mm - 1 - q
				vals[q] = sigma + 1/theta[i]
				vecs[q] = ritz(i)
			}
			vals, vecs = finish(vals, vecs)
			ok := true
			for q := range vecs {
				// Explicit check: rounding can make the estimate optimistic.
				if residual(s.a, vecs[q], vals[q], hw) > tol {
					ok = false
				}
			}
			if ok || betaM == 0 {
				return vals, vecs, nil
			}
			if restart >= s.opts.MaxRestarts {
				return nil, nil, fmt.Errorf("%w after %d restarts (basis %d, %d wanted, tolerance %g)", ErrNoConvergence, restart, m, want, tol)
			}
		}
		// Thick restart: lock the converged wanted Ritz pairs, keep the l largest others and
		// the residual direction v_m.
		s.restarts++
		l := min(need+(mm-need)/2, mm-1)
		var keepIdx []int
		for q := 0; q < l; q++ {
			i := mm - 1 - q
			if q < need && est(i) <= 0.5*tol {
				y := ritz(i)
				e := sigma + 1/theta[i]
				if residual(s.a, y, e, hw) <= tol {
					lockVals = append(lockVals, e)
					lockVecs = append(lockVecs, y)
					x = append(x, y)
					continue
				}
			}
			keepIdx = append(keepIdx, i)
		}
		if len(lockVals) >= want {
			v, x := finish(nil, nil)
			return v, x, nil
		}
		l = len(keepIdx)
		keep := mat.NewDense(max(l, 1), n, nil)
		sel := mat.NewDense(mm, max(l, 1), nil)
		for q, i := range keepIdx {
			for r := 0; r < mm; r++ {
				sel.Set(r, q, evec.At(r, i))
			}
		}
		if l > 0 {
			selRaw := sel.RawMatrix()
			blas64.Gemm(blas.Trans, blas.NoTrans, 1, blas64.General{Rows: mm, Cols: l, Stride: selRaw.Stride, Data: selRaw.Data}, sub, 0, keep.RawMatrix())
		}
		copy(row(l), row(mm))
		copy(vd[:l*n], keep.RawMatrix().Data[:l*n])
		t = mat.NewSymDense(m, nil)
		for q, i := range keepIdx {
			t.SetSym(q, q, theta[i])
			t.SetSym(q, l, betaM*evec.At(mm-1, i))
		}
		if betaM == 0 || hvm == 0 {
			// No residual direction: restart from a fresh vector.
			if !s.randomUnit(row(l), v, l, x, coef) {
				v, x := finish(nil, nil)
				return v, x, nil
			}
		}
		j0 = l
	}
}

// refine improves converged Ritz pairs by one step of block inverse iteration followed by a
// Rayleigh-Ritz projection of H: W = (H - sigma I)^-1 Y, orthonormalised against the locked
// vectors x and among itself, then the eigenpairs of W^T H W. Lanczos vectors carry the rounding
// of the early solves, amplified by the large shift-invert eigenvalue 1/(E_0 - sigma); the
// extra solve damps that error by the ratio of the wanted to the unwanted shift-invert
// eigenvalues, which brings the residuals down to the level of a dense solver.
func (s *solver) refine(vals []float64, vecs [][]float64, x [][]float64) {
	k := len(vecs)
	if k == 0 {
		return
	}
	w := make([][]float64, k)
	for i, y := range vecs {
		w[i] = append([]float64(nil), y...)
		s.f.solve(w[i])
		s.solves++
	}
	rayleighRitz(s.a, w, x, vals, vecs)
}

// rayleighRitz orthonormalises w (two passes of modified Gram-Schmidt against x, then among
// itself) and overwrites vals and vecs with the eigenpairs of W^T A W lifted back (the Ritz
// pairs of A on span W). On rank loss it leaves vals and vecs unchanged and returns false.
func rayleighRitz(a csrPattern, w [][]float64, x [][]float64, vals []float64, vecs [][]float64) bool {
	k := len(w)
	n := a.n
	// Orthonormalise (two passes of modified Gram-Schmidt) against x, then among themselves.
	for i := range w {
		for pass := 0; pass < 2; pass++ {
			for _, xv := range x {
				c := floatsDot(xv, w[i])
				floatsAxpy(-c, xv, w[i])
			}
			for j := 0; j < i; j++ {
				c := floatsDot(w[j], w[i])
				floatsAxpy(-c, w[j], w[i])
			}
		}
		nr := norm(w[i])
		if !(nr > 0) {
			return false // rank loss: keep the Lanczos vectors
		}
		blas64.Scal(1/nr, blas64.Vector{N: n, Data: w[i], Inc: 1})
	}
	g := mat.NewSymDense(k, nil)
	hw := make([]float64, n)
	for j := range w {
		mulVec(a, w[j], hw)
		for i := 0; i <= j; i++ {
			g.SetSym(i, j, floatsDot(w[i], hw))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(g, true) {
		return false
	}
	ev := eig.Values(nil)
	var z mat.Dense
	eig.VectorsTo(&z)
	for q := 0; q < k; q++ {
		y := vecs[q]
		for i := range y {
			y[i] = 0
		}
		for i := range w {
			floatsAxpy(z.At(i, q), w[i], y)
		}
		blas64.Scal(1/norm(y), blas64.Vector{N: n, Data: y, Inc: 1})
		vals[q] = ev[q]
	}
	return true
}

func floatsDot(a, b []float64) float64 {
	return blas64.Dot(blas64.Vector{N: len(a), Data: a, Inc: 1}, blas64.Vector{N: len(b), Data: b, Inc: 1})
}

func floatsAxpy(alpha float64, x, y []float64) {
	blas64.Axpy(alpha, blas64.Vector{N: len(x), Data: x, Inc: 1}, blas64.Vector{N: len(y), Data: y, Inc: 1})
}

// MaxStates is the most eigenpairs Lowest computes of an n x n matrix: its Lanczos basis of
// 2k+1 vectors and the k converged (locked) ones must fit in the n unknowns.
func MaxStates(n int) int { return max(0, (n-1)/3) }
