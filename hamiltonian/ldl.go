package hamiltonian

import (
	"context"
	"fmt"
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
}

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
func newLDL(ctx context.Context, a csrPattern, sigma float64, perm []int) (*ldl, error) {
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
	if err := f.numeric(ctx, a, sigma, lnz, flag); err != nil {
		return nil, err
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
func (f *ldl) numeric(ctx context.Context, a csrPattern, sigma float64, lnz, flag []int) error {
	n := f.n
	y := f.work
	pattern := make([]int, n)
	parent, lp, li, lx, d := f.parent, f.lp, f.li, f.lx, f.d
	done := ctx.Done()
	work := 0 // multiply-adds since the last look at ctx
	for k := 0; k < n; k++ {
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
		s := w[j]
		for p := lp[j]; p < lp[j+1]; p++ {
			s -= lx[p] * w[li[p]]
		}
		w[j] = s
	}
	if !f.identity {
		for k, old := range f.perm {
			x[old] = w[k]
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
