package fokkerplanck

import "math"

// The line kernels of Solver.sweep. Hand-written for speed: a TR-BDF2 axis step of a line is
// (V - b V A)^-1 [c1 (V - b V A)^-1 (I + b A) y + c0 y] (one factorisation, two solves), and
// each Thomas sweep is a chain of dependent multiply-adds, so the kernels (a) fuse the matrix-
// vector product (in flux form, one flux per face) into the first forward sweep and the stage
// combination into the second, saving two passes over the line, (b) multiply by the factor's precomputed b/V instead of dividing by
// V, and (c) run two lines in one loop, so that the processor overlaps their dependency chains
// (measured by BenchmarkStep and BenchmarkPlainChamberSeed against the one-line code: the TR-BDF2
// chamber step about 1.5x faster on the 2-core test machine). Every value passed through the
// Thomas sweeps is flushed below tiny as before; the results equal the straightforward
// sequence to rounding (TestSweepKernels).

// lineJob is one line of a sweep: y the density along the line (the start, overwritten by the
// result), x scratch of the same length, and the line's weights and factorisation.
type lineJob struct {
	y, x             []float64
	dd, vinv, ai, cp []float64
}

func (ln *lineJob) set(y, x []float64, f *factor, m0 int) {
	n := len(y)
	ln.y, ln.x = y, x[:n]
	ln.dd, ln.vinv, ln.ai, ln.cp = f.dd[m0:m0+n], f.vinv[m0:m0+n], f.ai[m0:m0+n], f.cp[m0:m0+n]
}

// fz flushes |v| < tiny to zero (see Step).
func fz(v float64) float64 {
	if math.Abs(v) < tiny {
		return 0
	}
	return v
}

// Stage one's right side is (I + beta A) y = 2y - N y, and N y = L (U y) from the factors:
// with z_j = y_j + u_j y_{j+1}, (N y)_j = d_j (z_j + (l_j/d_j) z_{j-1}). So the sweeps read the
// factorisation only (four arrays per position, not the weights as well); each z is computed once
// and carried to the next row.

// first1 is stage one's forward step at j = 0; it returns the solve's value and z_0.
func (ln *lineJob) first1() (float64, float64) {
	y := ln.y
	z := y[0] + ln.cp[0]*y[1]
	v := fz((2*y[0] - z*ln.dd[0]) * ln.vinv[0])
	ln.x[0] = v
	return v, z
}

// last1 is stage one's forward step at j = n-1 (u = 0 there).
func (ln *lineJob) last1(prev, zp float64) {
	j := len(ln.y) - 1
	y := ln.y[j]
	ln.x[j] = fz((2*y-(y+ln.ai[j]*zp)*ln.dd[j])*ln.vinv[j] - ln.ai[j]*prev)
}

// fwd1 runs stage one's fused forward sweep over interior rows j0 <= j < j1 (j1 <= n-1) from
// the previous row's value and z.
func (ln *lineJob) fwd1(j0, j1 int, prev, zp float64) (float64, float64) {
	x, y, cp, dd, vinv, ai := ln.x, ln.y, ln.cp, ln.dd, ln.vinv, ln.ai
	for j := j0; j < j1; j++ {
		z := y[j] + cp[j]*y[j+1]
		prev = fz((2*y[j]-(z+ai[j]*zp)*dd[j])*vinv[j] - ai[j]*prev)
		zp = z
		x[j] = prev
	}
	return prev, zp
}

// fwd1x2 is fwd1 on two lines at once.
func fwd1x2(a, b *lineJob, j0, j1 int, pa, za, pb, zb float64) (float64, float64, float64, float64) {
	xa, ya, cpa, dda, va, aa := a.x, a.y, a.cp, a.dd, a.vinv, a.ai
	xb, yb, cpb, ddb, vb, ab := b.x, b.y, b.cp, b.dd, b.vinv, b.ai
	for j := j0; j < j1; j++ {
		ga := ya[j] + cpa[j]*ya[j+1]
		gb := yb[j] + cpb[j]*yb[j+1]
		pa = fz((2*ya[j]-(ga+aa[j]*za)*dda[j])*va[j] - aa[j]*pa)
		pb = fz((2*yb[j]-(gb+ab[j]*zb)*ddb[j])*vb[j] - ab[j]*pb)
		za, zb = ga, gb
		xa[j] = pa
		xb[j] = pb
	}
	return pa, za, pb, zb
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
	p, f := ln.first1()
	p, f = ln.fwd1(1, n-1, p, f)
	ln.last1(p, f)
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
	pa, fa := a.first1()
	pb, fb := b.first1()
	pa, fa, pb, fb = fwd1x2(a, b, 1, nb-1, pa, fa, pb, fb)
	b.last1(pb, fb)
	pa, fa = a.fwd1(nb-1, na-1, pa, fa)
	a.last1(pa, fa)
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

// factorLine is one line of a factorisation of (V - beta V A) = V (I - beta A), stored as the
// LU factors of N = I - beta A: N = L U with L lower bidiagonal (diagonal d, below it l) and U
// unit upper bidiagonal (above the diagonal u). Kept per row: vinv = 1/d, ai = l/d, cp = u and
// dd = d (one reciprocal per row). factor2 runs two lines in one loop for the same reason as the
// sweep kernels: the pivot recurrence is a chain through a division.
type factorLine struct {
	wf, wb, vol, ivol []float64
	vinv, ai, cp, dd  []float64
}

func (fl *factorLine) set(st *axisState, f *factor, m0, m1 int) {
	fl.wf, fl.wb, fl.vol, fl.ivol = st.wf[m0:m1], st.wb[m0:m1], st.vol[m0:m1], st.ivol[m0:m1]
	fl.vinv, fl.ai, fl.cp, fl.dd = f.vinv[m0:m1], f.ai[m0:m1], f.cp[m0:m1], f.dd[m0:m1]
}

// start factors row 0 (no left neighbour) and returns its cp.
func (fl *factorLine) start(beta float64) float64 {
	den := fl.vol[0] + beta*fl.wf[0]
	r := 1 / den
	fl.vinv[0], fl.ai[0], fl.cp[0], fl.dd[0] = fl.vol[0]*r, 0, -beta*fl.wb[0]*r, den*fl.ivol[0]
	return fl.cp[0]
}

// factor factors rows j0+1 .. n-1 from row j0's cp. The row formulas: b = V + beta (wf + wb of
// the face before), a = -beta wf (face before), c = -beta wb, den = b - a cp(prev), in units of
// V (so d = den/V, l/d = a/den, u = c/den).
func (fl *factorLine) factor(j0 int, cp, beta float64) {
	wf, wb, vol, ivol := fl.wf, fl.wb, fl.vol, fl.ivol
	vinv, ai, cpa, dd := fl.vinv, fl.ai, fl.cp, fl.dd
	for j := j0 + 1; j < len(vol); j++ {
		b := vol[j] + beta*wf[j]
		b += beta * wb[j-1]
		a := -beta * wf[j-1]
		den := b - a*cp
		r := 1 / den
		vinv[j] = vol[j] * r
		ai[j] = a * r
		cp = -beta * wb[j] * r
		cpa[j] = cp
		dd[j] = den * ivol[j]
	}
}

func factor2(x, y *factorLine, beta float64) {
	if len(x.vol) < len(y.vol) {
		x, y = y, x
	}
	ca, cb := x.start(beta), y.start(beta)
	n := len(y.vol)
	wfa, wba, vola, ivola := x.wf[:n], x.wb[:n], x.vol[:n], x.ivol[:n]
	vinva, aia, cpa, dda := x.vinv[:n], x.ai[:n], x.cp[:n], x.dd[:n]
	wfb, wbb, volb, ivolb := y.wf[:n], y.wb[:n], y.vol[:n], y.ivol[:n]
	vinvb, aib, cpb, ddb := y.vinv[:n], y.ai[:n], y.cp[:n], y.dd[:n]
	for j := 1; j < n; j++ {
		ba := vola[j] + beta*wfa[j]
		bb := volb[j] + beta*wfb[j]
		ba += beta * wba[j-1]
		bb += beta * wbb[j-1]
		aa := -beta * wfa[j-1]
		ab := -beta * wfb[j-1]
		dena := ba - aa*ca
		denb := bb - ab*cb
		ra := 1 / dena
		rb := 1 / denb
		vinva[j] = vola[j] * ra
		vinvb[j] = volb[j] * rb
		aia[j] = aa * ra
		aib[j] = ab * rb
		ca = -beta * wba[j] * ra
		cb = -beta * wbb[j] * rb
		cpa[j] = ca
		cpb[j] = cb
		dda[j] = dena * ivola[j]
		ddb[j] = denb * ivolb[j]
	}
	x.factor(n-1, ca, beta)
}
