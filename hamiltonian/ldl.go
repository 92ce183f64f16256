package hamiltonian

import (
	"context"
	"fmt"
	"runtime"
	"sync"
)

// ldl is a sparse LDL^T factorisation of P (A - sigma I) P^T with a fill-reducing permutation P
// (up-looking algorithm with the elimination tree, as in T. Davis' LDL). L is unit lower
// triangular and stored by columns; D is positive when the factorisation succeeds.
type ldl struct {
	n      int
	perm   []int   // perm[new] = old
	pinv   []int   // pinv[old] = new
	lp     []int   // column pointers of L (n+1)
	li     []int32 // row indices of L
	lx     []float64
	d      []float64
	work   []float64
	parent []int

	identity bool // perm is the identity
	bidiag   bool // L is unit lower bidiagonal with a full subdiagonal (lp[j] = j)

	// Two independent parts [0, q) and [q, s) before the rows [s, n) (q = s = 0: none): the
	// factorisation and the solves run the parts on two goroutines; the forward solve then
	// uses L by rows (rp, rj, rx), a copy of L.
	q, s int
	rp   []int
	rj   []int32
	rx   []float64
}

// parallelNNZ is the least factor size (off-diagonal nonzeros) worth two goroutines: below it
// the solves take well under a millisecond.
const parallelNNZ = 100000

// maxRowForm bounds the factor size (off-diagonal nonzeros) for which the split solves keep the
// row copy of L (12 bytes per entry): above it the factor runs on one goroutine.
const maxRowForm = 8 << 20

// csrPattern is the raw structure of a square CSR matrix.
type csrPattern struct {
	n      int
	indptr []int
	ind    []int
	data   []float64
}

// symbolic computes the elimination tree and the column counts of L for the ordering perm and
// returns the count of nonzeros of L and a flop estimate sum_j lnz_j^2. When done (nil: never)
// closes it stops early with meaningless counts: the caller looks at its context.
func symbolic(done <-chan struct{}, a csrPattern, perm, pinv []int, parent, lnz, flag []int) (nnz int, flops float64) {
	n := a.n
	work := 0 // tree steps since the last look at done
	for k := 0; k < n; k++ {
		if done != nil && work > 1<<20 {
			work = 0
			if cancelled(done) {
				return 0, 0
			}
		}
		parent[k] = -1
		flag[k] = k
		lnz[k] = 0
		old := perm[k]
		for p := a.indptr[old]; p < a.indptr[old+1]; p++ {
			i := pinv[a.ind[p]]
			if i >= k {
				continue
			}
			for ; flag[i] != k; i = parent[i] {
				work++
				if parent[i] == -1 {
					parent[i] = k
				}
				lnz[i]++
				flag[i] = k
			}
		}
	}
	for k := 0; k < n; k++ {
		nnz += lnz[k]
		f := float64(lnz[k])
		flops += f * f
	}
	return nnz, flops
}

// newLDL factors A - sigma I with the ordering perm (nil: natural). It returns an error naming
// the pivot when A - sigma I is not positive definite, and ctx.Err() when ctx is done first.
//
// split, if not {0, 0}, is the top-level split of a nested-dissection perm
// (nestedDissectionSplit): when the elimination tree confirms that the two parts are
// independent and the factor is large, the factorisation and the solves run them on two
// goroutines.
func newLDL(ctx context.Context, a csrPattern, sigma float64, perm []int, split [2]int) (*ldl, error) {
	n := a.n
	f := &ldl{n: n}
	if perm == nil {
		perm = make([]int, n)
		for i := range perm {
			perm[i] = i
		}
	}
	f.perm = perm
	f.pinv = make([]int, n)
	for i, p := range perm {
		f.pinv[p] = i
	}
	f.parent = make([]int, n)
	lnz := make([]int, n)
	flag := make([]int, n)
	nnz, _ := symbolic(ctx.Done(), a, perm, f.pinv, f.parent, lnz, flag)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.lp = make([]int, n+1)
	for k := 0; k < n; k++ {
		f.lp[k+1] = f.lp[k] + lnz[k]
	}
	f.li = make([]int32, nnz)
	f.lx = make([]float64, nnz)
	f.d = make([]float64, n)
	f.work = make([]float64, n)
	if q, s := split[0], split[1]; nnz >= parallelNNZ && nnz <= maxRowForm && runtime.GOMAXPROCS(0) > 1 && 0 < q && q < s && s < n {
		// The rows of [q, s) reach no column of [0, q) (and vice versa) if no column of [0, q)
		// has its elimination-tree parent in [q, s); a parent always lies above its child.
		ok := true
		for i := 0; i < q; i++ {
			if p := f.parent[i]; p >= q && p < s {
				ok = false
				break
			}
		}
		if ok {
			f.q, f.s = q, s
		}
	}
	if err := f.numeric(ctx, a, sigma, lnz, flag); err != nil {
		return nil, err
	}
	if f.s > 0 {
		f.rowForm()
	}
	f.identity = true
	for i, p := range perm {
		if i != p {
			f.identity = false
			break
		}
	}
	f.bidiag = f.identity && n > 1 && nnz == n-1
	for j := 0; f.bidiag && j < n-1; j++ {
		if f.lp[j] != j || int(f.li[j]) != j+1 {
			f.bidiag = false
		}
	}
	if f.bidiag {
		for j, dj := range f.d {
			f.work[j] = 1 / dj // solveBidiag multiplies by 1/D
		}
	}
	return f, nil
}

// numeric computes L and D column by column. It looks at ctx every time it has done about 2^20
// multiply-adds since the last look (a few milliseconds), returning ctx.Err() once it is done.
//
// With a split (f.s > 0) the rows of the two parts are computed on two goroutines (each row
// reaches only columns of its own part), then the rows from f.s on; the numbers are the same.
func (f *ldl) numeric(ctx context.Context, a csrPattern, sigma float64, lnz, flag []int) error {
	n := f.n
	if f.s == 0 {
		return f.numericRows(ctx, a, sigma, lnz, flag, make([]int, n), 0, n)
	}
	var err0 error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		err0 = f.numericRows(ctx, a, sigma, lnz, flag, make([]int, n), 0, f.q)
	}()
	err1 := f.numericRows(ctx, a, sigma, lnz, flag, make([]int, n), f.q, f.s)
	wg.Wait()
	if err0 != nil {
		return err0
	}
	if err1 != nil {
		return err1
	}
	return f.numericRows(ctx, a, sigma, lnz, flag, make([]int, n), f.s, n)
}

// numericRows computes rows k0..k1-1 of L and D (pattern is the caller's scratch of n).
func (f *ldl) numericRows(ctx context.Context, a csrPattern, sigma float64, lnz, flag, pattern []int, k0, k1 int) error {
	n := f.n
	y := f.work
	parent, lp, li, lx, d := f.parent, f.lp, f.li, f.lx, f.d
	done := ctx.Done()
	work := 0 // multiply-adds since the last look at ctx
	for k := k0; k < k1; k++ {
		if done != nil && work > 1<<20 {
			work = 0
			if cancelled(done) {
				return ctx.Err()
			}
		}
		y[k] = -sigma
		top := n
		flag[k] = k
		lnz[k] = 0
		old := f.perm[k]
		for p := a.indptr[old]; p < a.indptr[old+1]; p++ {
			i := f.pinv[a.ind[p]]
			if i > k {
				continue
			}
			y[i] += a.data[p]
			ln := 0
			for ; flag[i] != k; i = parent[i] {
				pattern[ln] = i
				ln++
				flag[i] = k
			}
			for ln > 0 {
				top--
				ln--
				pattern[top] = pattern[ln]
			}
		}
		dk := y[k]
		y[k] = 0
		for ; top < n; top++ {
			i := pattern[top]
			yi := y[i]
			y[i] = 0
			p2 := lp[i] + lnz[i]
			work += lnz[i] + 1
			for p := lp[i]; p < p2; p++ {
				y[li[p]] -= lx[p] * yi
			}
			lki := yi / d[i]
			dk -= lki * yi
			li[p2] = int32(k)
			lx[p2] = lki
			lnz[i]++
		}
		if !(dk > 0) {
			return fmt.Errorf("pivot %d of H - sigma I is %g: the shift sigma = %g is not below the lowest eigenvalue", k, dk, sigma)
		}
		d[k] = dk
	}
	return nil
}

// solve overwrites x with (A - sigma I)^-1 x.
func (f *ldl) solve(x []float64) {
	n := f.n
	if f.bidiag {
		f.solveBidiag(x)
		return
	}
	w := f.work[:n]
	if f.identity {
		w = x
	} else {
		for k, old := range f.perm {
			w[k] = x[old]
		}
	}
	if f.s > 0 {
		f.solveSplit(w)
		if !f.identity {
			for k, old := range f.perm {
				x[old] = w[k]
			}
		}
		return
	}
	lp, li, lx := f.lp, f.li, f.lx
	for j := 0; j < n; j++ {
		wj := w[j]
		if wj == 0 {
			continue
		}
		for p := lp[j]; p < lp[j+1]; p++ {
			w[li[p]] -= lx[p] * wj
		}
	}
	for j := 0; j < n; j++ {
		w[j] /= f.d[j]
	}
	for j := n - 1; j >= 0; j-- {
		w[j] -= gatherDot(lx[lp[j]:lp[j+1]], li[lp[j]:lp[j+1]], w)
	}
	if !f.identity {
		for k, old := range f.perm {
			x[old] = w[k]
		}
	}
}

// solveSplit is the triangular solves of solve (in the permuted order, in place) with the two
// independent parts on two goroutines. The forward sweep runs by rows of L (a gather from the
// columns of the row's own part, and for the rows from f.s on from all), the backward sweep
// does the rows from f.s on first. Measured on the 256^2 chamber (786,000 factor entries): 1.2-1.5 ms against 2.1 ms
// per solve with both cores free.
func (f *ldl) solveSplit(w []float64) {
	n, q, s := f.n, f.q, f.s
	lp, li, lx := f.lp, f.li, f.lx
	rp, rj, rx := f.rp, f.rj, f.rx
	forward := func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			w[i] -= gatherDot(rx[rp[i]:rp[i+1]], rj[rp[i]:rp[i+1]], w)
		}
	}
	backward := func(j0, j1 int) {
		for j := j1 - 1; j >= j0; j-- {
			w[j] -= gatherDot(lx[lp[j]:lp[j+1]], li[lp[j]:lp[j+1]], w)
		}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		forward(0, q)
	}()
	forward(q, s)
	wg.Wait()
	forward(s, n)
	for j := 0; j < n; j++ {
		w[j] /= f.d[j]
	}
	backward(s, n)
	wg.Add(1)
	go func() {
		defer wg.Done()
		backward(0, q)
	}()
	backward(q, s)
	wg.Wait()
}

// gatherDot returns sum_p x[p] w[idx[p]] with four partial sums: a single running sum is
// bound by the latency of the floating-point add (4 cycles per entry, 1 ms per sweep of the
// 786,000 entries of the 256^2 chamber's factor); four independent ones hide it.
func gatherDot(x []float64, idx []int32, w []float64) float64 {
	idx = idx[:len(x)]
	var s0, s1, s2, s3 float64
	p := 0
	for ; p+4 <= len(x); p += 4 {
		s0 += x[p] * w[idx[p]]
		s1 += x[p+1] * w[idx[p+1]]
		s2 += x[p+2] * w[idx[p+2]]
		s3 += x[p+3] * w[idx[p+3]]
	}
	for ; p < len(x); p++ {
		s0 += x[p] * w[idx[p]]
	}
	return (s0 + s1) + (s2 + s3)
}

// rowForm builds rp, rj, rx: L by rows (columns ascending within a row).
func (f *ldl) rowForm() {
	n, nnz := f.n, f.lp[f.n]
	f.rp = make([]int, n+1)
	for _, i := range f.li[:nnz] {
		f.rp[i+1]++
	}
	for i := 0; i < n; i++ {
		f.rp[i+1] += f.rp[i]
	}
	next := append([]int(nil), f.rp[:n]...)
	f.rj = make([]int32, nnz)
	f.rx = make([]float64, nnz)
	for j := 0; j < n; j++ {
		for p := f.lp[j]; p < f.lp[j+1]; p++ {
			i := f.li[p]
			f.rj[next[i]], f.rx[next[i]] = int32(j), f.lx[p]
			next[i]++
		}
	}
}

// solveBidiag is solve for a unit lower bidiagonal L (tridiagonal A in natural order):
// lx[j] = L[j+1][j].
func (f *ldl) solveBidiag(x []float64) {
	n := f.n
	lx, dinv := f.lx[:n-1], f.work[:n]
	x = x[:n]
	for j := 0; j < n-1; j++ {
		x[j+1] -= lx[j] * x[j]
	}
	x[n-1] *= dinv[n-1]
	for j := n - 2; j >= 0; j-- {
		x[j] = x[j]*dinv[j] - lx[j]*x[j+1]
	}
}

// nnzL returns the count of off-diagonal nonzeros of L.
func (f *ldl) nnzL() int { return f.lp[f.n] }

// cancelled reports whether done (a context's Done channel; nil never closes) is closed.
func cancelled(done <-chan struct{}) bool {
	if done == nil {
		return false
	}
	select {
	case <-done:
		return true
	default:
		return false
	}
}
