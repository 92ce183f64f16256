package fokkerplanck

import "math"

// The line kernels of Solver.sweep. Hand-written for speed: a TR-BDF2 axis step of a line is
// (V - b V A)^-1 [c1 (V - b V A)^-1 (I + b A) y + c0 y] (one factorisation, two solves), and
// each Thomas sweep is a chain of dependent multiply-adds, so the kernels (a) fuse the matrix-
// vector product into the first forward sweep and the stage combination into the second, saving
// two passes over the line, (b) multiply by the factor's precomputed b/V instead of dividing by
// V, and (c) run two lines in one loop, so that the processor overlaps their dependency chains
// (measured by BenchmarkStep and BenchmarkPlainChamberSeed against the one-line code: the TR-BDF2
// chamber step about 1.5x faster on the 2-core test machine). Every value passed through the
// Thomas sweeps is flushed below tiny as before; the results equal the straightforward
// sequence to rounding (TestSweepKernels).

// lineJob is one line of a sweep: y the density along the line (the start, overwritten by the
// result), x scratch of the same length, and the line's weights and factorisation.
type lineJob struct {
	y, x                     []float64
	wf, wb, bv, vinv, ai, cp []float64
}

func (ln *lineJob) set(y, x []float64, st *axisState, f *factor, m0 int) {
	n := len(y)
	ln.y, ln.x = y, x[:n]
	ln.wf, ln.wb = st.wf[m0:m0+n], st.wb[m0:m0+n]
	ln.bv, ln.vinv, ln.ai, ln.cp = f.bv[m0:m0+n], f.vinv[m0:m0+n], f.ai[m0:m0+n], f.cp[m0:m0+n]
}

// fz flushes |v| < tiny to zero (see Step).
func fz(v float64) float64 {
	if math.Abs(v) < tiny {
		return 0
	}
	return v
}

// rhs1 is row j of (I + b A) y, for 0 < j < n-1.
func (ln *lineJob) rhs1(j int) float64 {
	y, wf, wb := ln.y, ln.wf, ln.wb
	acc := -wf[j] * y[j]
	acc += wf[j-1]*y[j-1] - wb[j-1]*y[j]
	acc += wb[j] * y[j+1]
	return y[j] + ln.bv[j]*acc
}

// first1 is stage one's forward step at j = 0; last1 at j = n-1.
func (ln *lineJob) first1() float64 {
	y := ln.y
	acc := -ln.wf[0] * y[0]
	acc += ln.wb[0] * y[1]
	v := fz((y[0] + ln.bv[0]*acc) * ln.vinv[0])
	ln.x[0] = v
	return v
}

func (ln *lineJob) last1(prev float64) {
	y, wf, wb := ln.y, ln.wf, ln.wb
	j := len(y) - 1
	acc := -wf[j] * y[j]
	acc += wf[j-1]*y[j-1] - wb[j-1]*y[j]
	ln.x[j] = fz((y[j]+ln.bv[j]*acc)*ln.vinv[j] - ln.ai[j]*prev)
}

// fwd1 runs stage one's fused forward sweep over interior rows j0 <= j < j1 (j1 <= n-1).
func (ln *lineJob) fwd1(j0, j1 int, prev float64) float64 {
	x, vinv, ai := ln.x, ln.vinv, ln.ai
	for j := j0; j < j1; j++ {
		prev = fz(ln.rhs1(j)*vinv[j] - ai[j]*prev)
		x[j] = prev
	}
	return prev
}

// fwd1x2 is fwd1 on two lines at once.
func fwd1x2(a, b *lineJob, j0, j1 int, pa, pb float64) (float64, float64) {
	xa, va, aa := a.x, a.vinv, a.ai
	xb, vb, ab := b.x, b.vinv, b.ai
	for j := j0; j < j1; j++ {
		pa = fz(a.rhs1(j)*va[j] - aa[j]*pa)
		pb = fz(b.rhs1(j)*vb[j] - ab[j]*pb)
		xa[j] = pa
		xb[j] = pb
	}
	return pa, pb
}

// back runs the backward sweep of z over rows j1 > j >= j0 (z[j1] is final).
func back(z, cp []float64, j0, j1 int) {
	next := z[j1]
	for j := j1 - 1; j >= j0; j-- {
		next = fz(z[j] - cp[j]*next)
		z[j] = next
	}
}

// back2 is back on two lines at once, rows j1 > j >= 0 of both.
func back2(za, ca, zb, cb []float64, j1 int) {
	na, nb := za[j1], zb[j1]
	for j := j1 - 1; j >= 0; j-- {
		na = fz(za[j] - ca[j]*na)
		nb = fz(zb[j] - cb[j]*nb)
		za[j] = na
		zb[j] = nb
	}
}

// fwd2 runs the forward sweep of the right side c1 x + c0 y over rows j0 <= j < j1, writing y.
func (ln *lineJob) fwd2(j0, j1 int, prev, c1, c0 float64) float64 {
	x, y, vinv, ai := ln.x, ln.y, ln.vinv, ln.ai
	for j := j0; j < j1; j++ {
		prev = fz((c1*x[j]+c0*y[j])*vinv[j] - ai[j]*prev)
		y[j] = prev
	}
	return prev
}

func fwd2x2(a, b *lineJob, n int, c1, c0 float64) (float64, float64) {
	xa, ya, va, aa := a.x[:n], a.y[:n], a.vinv[:n], a.ai[:n]
	xb, yb, vb, ab := b.x[:n], b.y[:n], b.vinv[:n], b.ai[:n]
	var pa, pb float64
	for j := range xa {
		pa = fz((c1*xa[j]+c0*ya[j])*va[j] - aa[j]*pa)
		pb = fz((c1*xb[j]+c0*yb[j])*vb[j] - ab[j]*pb)
		ya[j] = pa
		yb[j] = pb
	}
	return pa, pb
}

// trbdf2 runs a TR-BDF2 axis step (stage one then stage two) of one line, n >= 2.
func (ln *lineJob) trbdf2(c1, c0 float64) {
	n := len(ln.y)
	p := ln.first1()
	p = ln.fwd1(1, n-1, p)
	ln.last1(p)
	back(ln.x, ln.cp, 0, n-1)
	ln.solve(c1, c0)
}

// solve runs the Thomas solve of the right side c1 x + c0 y into y (backward Euler: x = y,
// c1 = 1, c0 = 0).
func (ln *lineJob) solve(c1, c0 float64) {
	n := len(ln.y)
	ln.fwd2(0, n, 0, c1, c0)
	back(ln.y, ln.cp, 0, n-1)
}

// trbdf2x2 is trbdf2 on two lines at once (both of length >= 2).
func trbdf2x2(a, b *lineJob, c1, c0 float64) {
	if len(a.y) < len(b.y) {
		a, b = b, a
	}
	na, nb := len(a.y), len(b.y) // na >= nb
	pa, pb := a.first1(), b.first1()
	pa, pb = fwd1x2(a, b, 1, nb-1, pa, pb)
	b.last1(pb)
	pa = a.fwd1(nb-1, na-1, pa)
	a.last1(pa)
	back(a.x, a.cp, nb-1, na-1)
	back2(a.x, a.cp, b.x, b.cp, nb-1)
	solve2(a, b, c1, c0)
}

// solve2 is solve on two lines at once.
func solve2(a, b *lineJob, c1, c0 float64) {
	if len(a.y) < len(b.y) {
		a, b = b, a
	}
	na, nb := len(a.y), len(b.y)
	pa, _ := fwd2x2(a, b, nb, c1, c0)
	a.fwd2(nb, na, pa, c1, c0)
	back(a.y, a.cp, nb-1, na-1)
	back2(a.y, a.cp, b.y, b.cp, nb-1)
}
