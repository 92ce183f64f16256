package hamiltonian

import (
	"context"
	"fmt"
	"runtime"
	"sort"

	"gonum.org/v1/gonum/floats"

	"fpsolve/internal/par"
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
	// factorisation and the solves run the parts on two goroutines.
	q, s int

	// Supernodes (see supernodes): the columns [sn[k], sn[k+1]) of L share the rows below
	// their block, cut[k] of them before row s (all of them without a split). buf is one
	// scratch of the longest column plus one per goroutine, sep the two parts' updates of
	// the rows [s, n) in the forward sweep.
	sn    []int
	intra []int32 // column j's leading rows j+1, ..., j+intra[j] (its supernode's triangle)
	cut   []int32
	buf   [2][]float64
	sep   [2][]float64

	// pair, where set (by Lowest for the duration of its Lanczos runs), runs the solves' two
	// parts on its spinning helper instead of a new goroutine each (par.Pair: the hand-off to
	// a new goroutine cost about as much as the parts saved).
	pair *par.Pair
}

// parallelNNZ is the least factor size (off-diagonal nonzeros) worth two goroutines: below it
// the solves take well under a millisecond.
const parallelNNZ = 100000

// denseMin is the shortest column segment that the supernodal solves hand to gonum's
// assembly dot and axpy kernels (floats.Dot, floats.AddScaled): below it the call costs
// more than a plain loop.
const denseMin = 8

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

// elimTree is the symbolic analysis of A under an ordering: the elimination tree (parent) and
// the off-diagonal counts of the columns of L, nnz in all. It does not depend on the shift, so
// Lowest computes it once for all the shifts it tries.
type elimTree struct {
	parent, counts []int
	nnz            int
}

// analyse computes the elimination tree of a under perm (perm[new] = old, pinv its inverse)
// and symbolic's flop estimate, or returns nil if done closes first.
func analyse(done <-chan struct{}, a csrPattern, perm, pinv []int) (*elimTree, float64) {
	n := a.n
	et := &elimTree{parent: make([]int, n), counts: make([]int, n)}
	var flops float64
	et.nnz, flops = symbolic(done, a, perm, pinv, et.parent, et.counts, make([]int, n))
	if cancelled(done) {
		return nil, 0
	}
	return et, flops
}

// newLDL factors A - sigma I with the ordering perm (nil: natural). It returns an error naming
// the pivot when A - sigma I is not positive definite, and ctx.Err() when ctx is done first.
// et is the elimination tree of perm (nil: newLDL computes it); newLDL does not change it.
//
// split, if not {0, 0}, is the top-level split of a nested-dissection perm
// (nestedDissectionSplit): when the elimination tree confirms that the two parts are
// independent and the factor is large, the factorisation and the solves run them on two
// goroutines.
func newLDL(ctx context.Context, a csrPattern, sigma float64, perm []int, split [2]int, et *elimTree) (*ldl, error) {
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
	if et == nil {
		if et, _ = analyse(ctx.Done(), a, perm, f.pinv); et == nil {
			return nil, ctx.Err()
		}
	}
	f.parent = et.parent
	nnz := et.nnz
	lnz := make([]int, n) // numeric's fill counts
	flag := make([]int, n)
	f.lp = make([]int, n+1)
	for k := 0; k < n; k++ {
		f.lp[k+1] = f.lp[k] + et.counts[k]
	}
	f.li = make([]int32, nnz)
	f.lx = make([]float64, nnz)
	f.d = make([]float64, n)
	f.work = make([]float64, n)
	if q, s := split[0], split[1]; nnz >= parallelNNZ && runtime.GOMAXPROCS(0) > 1 && 0 < q && q < s && s < n {
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
	f.supernodes()
	if err := f.numeric(ctx, a, sigma, lnz, flag); err != nil {
		return nil, err
	}
	f.setCuts()
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
	var err0, err1 error
	par.Both(func() { err1 = f.numericRows(ctx, a, sigma, lnz, flag, make([]int, n), f.q, f.s) },
		func() { err0 = f.numericRows(ctx, a, sigma, lnz, flag, make([]int, n), 0, f.q) })
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
			p1, p2 := lp[i], lp[i]+lnz[i]
			work += lnz[i] + 1
			// The leading rows i+1, ..., i+m of column i are contiguous (its supernode's
			// triangle): one assembly axpy, the same operations as the loop (no fused
			// multiply-add), so the same bits.
			if m := min(lnz[i], int(f.intra[i])); m >= denseMin {
				floats.AddScaled(y[i+1:i+1+m], -yi, lx[p1:p1+m])
				p1 += m
			}
			for p := p1; p < p2; p++ {
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
	nsn := len(f.sn) - 1
	if f.s == 0 {
		f.forward(w, 0, nsn, f.buf[0], nil)
		for j := range w {
			w[j] /= f.d[j]
		}
		f.backward(w, 0, nsn, f.buf[0])
	} else {
		// The supernodes of the parts [0, q), [q, s) and of the rows [s, n) (supernodes
		// break at q and s).
		kq, ks := f.snIndex(f.q), f.snIndex(f.s)
		sep0, sep1 := f.sep[0], f.sep[1]
		clear(sep0)
		clear(sep1)
		both(f.pair, func() { f.forward(w, kq, ks, f.buf[0], sep0) }, func() { f.forward(w, 0, kq, f.buf[1], sep1) })
		ws := w[f.s:]
		for i := range ws {
			ws[i] -= sep0[i] + sep1[i]
		}
		f.forward(w, ks, nsn, f.buf[0], nil)
		for j := range w {
			w[j] /= f.d[j]
		}
		f.backward(w, ks, nsn, f.buf[0])
		both(f.pair, func() { f.backward(w, kq, ks, f.buf[0]) }, func() { f.backward(w, 0, kq, f.buf[1]) })
	}
	if !f.identity {
		for k, old := range f.perm {
			x[old] = w[k]
		}
	}
}

// both calls a and b at once: on p where it is set, else b on a new goroutine (par.Both).
func both(p *par.Pair, a, b func()) {
	if p != nil {
		p.Run(a, b)
		return
	}
	par.Both(a, b)
}

// supernodes partitions the columns of L into supernodes from the elimination tree and the
// column counts: column j+1 continues the supernode of column j if it is j's parent and has one
// entry fewer. Then the rows of column j are j+1 and those of column j+1 (the rows of a column
// less its parent lie in the parent's column), so a supernode [j0, j1) is a dense lower
// trapezoid: column j holds the rows j+1, ..., j1-1 and then the supernode's shared rows below
// it. Runs break at the split points q and s. It fills sn and intra and sizes the scratch;
// setCuts, after the numeric factorisation, the count of shared rows before s.
//
// Hand-written: gonum has no sparse factorisation, and the solves are most of the [spectrum]
// stage's time on two-mode chambers. Within a supernode the factorisation and the solves work
// on contiguous slices with gonum's assembly kernels instead of one gather or scatter per entry
// (measured: BenchmarkSolveChamber256, BenchmarkSpectrumChamber256).
func (f *ldl) supernodes() {
	n, lp, parent := f.n, f.lp, f.parent
	f.sn = f.sn[:0]
	f.intra = make([]int32, n)
	longest := 0
	for j := 0; j < n; {
		j1 := j + 1
		for j1 < n && j1 != f.q && j1 != f.s && parent[j1-1] == j1 && lp[j1]-lp[j1-1] == lp[j1+1]-lp[j1]+1 {
			j1++
		}
		for c := j; c < j1; c++ {
			f.intra[c] = int32(j1 - 1 - c)
		}
		f.sn = append(f.sn, j)
		longest = max(longest, lp[j+1]-lp[j]+1)
		j = j1
	}
	f.sn = append(f.sn, n)
	f.buf[0] = make([]float64, longest)
	if f.s > 0 {
		f.buf[1] = make([]float64, longest)
		f.sep[0] = make([]float64, n-f.s)
		f.sep[1] = make([]float64, n-f.s)
	}
}

// setCuts sets cut (the shared rows of each supernode before row s; all of them without a
// split) from the rows of L.
func (f *ldl) setCuts() {
	lp, li := f.lp, f.li
	f.cut = make([]int32, len(f.sn)-1)
	for k := range f.cut {
		j0, j1 := f.sn[k], f.sn[k+1]
		rows := li[lp[j0]+j1-j0-1 : lp[j0+1]]
		c := len(rows)
		if f.s > 0 && j0 < f.s {
			c = sort.Search(len(rows), func(i int) bool { return int(rows[i]) >= f.s })
		}
		f.cut[k] = int32(c)
	}
}

// snIndex returns the index of the supernode that starts at column j (a split point).
func (f *ldl) snIndex(j int) int {
	return sort.SearchInts(f.sn, j)
}

// forward does the forward sweep L w = b for the supernodes [k0, k1) (in place, columns
// ascending). With sep non-nil the updates of the rows from s on are added to sep[row - s]
// instead of subtracted from w (the two parts run at once; solve subtracts both sums). t is
// scratch of the longest column.
func (f *ldl) forward(w []float64, k0, k1 int, t, sep []float64) {
	lp, li, lx, s := f.lp, f.li, f.lx, f.s
	for k := k0; k < k1; k++ {
		j0, j1 := f.sn[k], f.sn[k+1]
		ns := j1 - j0
		rows := li[lp[j0]+ns-1 : lp[j0+1]]
		cut := int(f.cut[k])
		if ns == 1 {
			wj := w[j0]
			if wj == 0 {
				continue
			}
			x := lx[lp[j0]:lp[j0+1]]
			x = x[:len(rows)]
			for p, i := range rows[:cut] {
				w[i] -= x[p] * wj
			}
			for p := cut; p < len(rows); p++ {
				if sep != nil {
					sep[int(rows[p])-s] += x[p] * wj
				} else {
					w[rows[p]] -= x[p] * wj
				}
			}
			continue
		}
		// The dense trapezoid: the triangle within the block updates w[j0:j1] directly, the
		// rows below accumulate in t, scattered once at the end.
		tr := t[:len(rows)]
		clear(tr)
		for c := 0; c < ns; c++ {
			j := j0 + c
			wj := w[j]
			if wj == 0 {
				continue
			}
			col := lx[lp[j]:lp[j+1]]
			m := ns - 1 - c
			axpy(-wj, col[:m], w[j+1:j1])
			axpy(wj, col[m:], tr)
		}
		for p, i := range rows[:cut] {
			w[i] -= tr[p]
		}
		for p := cut; p < len(rows); p++ {
			if sep != nil {
				sep[int(rows[p])-s] += tr[p]
			} else {
				w[rows[p]] -= tr[p]
			}
		}
	}
}

// backward does the backward sweep L^T w = y for the supernodes [k0, k1) (in place, columns
// descending). b is scratch of the longest column plus one.
func (f *ldl) backward(w []float64, k0, k1 int, b []float64) {
	lp, li, lx := f.lp, f.li, f.lx
	for k := k1 - 1; k >= k0; k-- {
		j0, j1 := f.sn[k], f.sn[k+1]
		ns := j1 - j0
		rows := li[lp[j0]+ns-1 : lp[j0+1]]
		if ns == 1 {
			w[j0] -= gatherDot(lx[lp[j0]:lp[j0+1]], rows, w)
			continue
		}
		// b = [w[j0:j1], w[rows]]: column j's entries match b[j-j0+1:] one to one.
		b := b[:ns+len(rows)]
		copy(b, w[j0:j1])
		for p, i := range rows {
			b[ns+p] = w[i]
		}
		for c := ns - 1; c >= 0; c-- {
			j := j0 + c
			b[c] -= dot(lx[lp[j]:lp[j+1]], b[c+1:])
		}
		copy(w[j0:j1], b[:ns])
	}
}

// dot returns x . y for len(x) = len(y): gonum's assembly kernel for long slices, a plain loop
// for short ones.
func dot(x, y []float64) float64 {
	if len(x) >= denseMin {
		return floats.Dot(x, y)
	}
	y = y[:len(x)]
	var s float64
	for i, v := range x {
		s += v * y[i]
	}
	return s
}

// axpy adds alpha x to y (len(x) = len(y)).
func axpy(alpha float64, x, y []float64) {
	if len(x) >= denseMin {
		floats.AddScaled(y, alpha, x)
		return
	}
	y = y[:len(x)]
	for i, v := range x {
		y[i] += alpha * v
	}
}

// gatherDot returns sum_p x[p] w[idx[p]] with four partial sums: a single running sum is
// bound by the latency of the floating-point add (4 cycles per entry); four independent ones
// hide it. The backward sweep uses it for one-column supernodes.
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

// solveBidiag is solve for a unit lower bidiagonal L (tridiagonal A in natural order):
// lx[j] = L[j+1][j].
func (f *ldl) solveBidiag(x []float64) {
	n := f.n
	lx, dinv := f.lx[:n-1], f.work[:n]
	x = x[:n]
	// The running value stays in a register: reading it back from x lengthened each step's
	// dependency chain by a store-to-load round trip. The same operations, the same bits.
	prev := x[0]
	for j := 0; j < n-1; j++ {
		prev = x[j+1] - lx[j]*prev
		x[j+1] = prev
	}
	prev = x[n-1] * dinv[n-1]
	x[n-1] = prev
	for j := n - 2; j >= 0; j-- {
		prev = x[j]*dinv[j] - lx[j]*prev
		x[j] = prev
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
