package fokkerplanck

// The line kernels of Solver.sweep and Solver.factorFor. Hand-written for speed: a TR-BDF2 axis
// step of a line is N^-1 [c1 N^-1 (I + b A) y + c0 y] with N = I - b A (one factorisation, two
// solves), and each Thomas sweep is a chain of dependent multiply-adds, so the kernels
//
//   - fuse the matrix-vector product into the first forward sweep and the stage combination into
//     the second, saving two passes over the line;
//   - take the product from the LU factors of N (see facRow), so the sweeps read one array of
//     four numbers per position and not the weights besides;
//   - run two lines in one loop, so that the processor overlaps their dependency chains.
//
// Measured by BenchmarkStep, BenchmarkPlainChamberSeed and BenchmarkClusteredSeed against the
// one-line code of the first implementation (kept in TestSweepKernels as refSweep). Every value
// passed through the Thomas sweeps is flushed below tiny as before; the results equal refSweep's
// to rounding (TestSweepKernels).

// facRow is one row of the factorisation of N = I - b A along a line: N = L U with L lower
// bidiagonal (diagonal d, below it l) and U unit upper bidiagonal (above the diagonal u). vinv =
// 1/d, ai = l/d, cp = u and dd = d. The Thomas forward sweep is x_j = r_j vinv_j - ai_j x_{j-1},
// the backward sweep x_j -= cp_j x_{j+1}, and N y = L (U y): with z_j = y_j + u_j y_{j+1},
// (N y)_j = d_j (z_j + (l_j/d_j) z_{j-1}).
type facRow struct{ vinv, ai, cp, dd float64 }

// lineJob is one line of a sweep: y the density along the line (the start, overwritten by the
// result), x scratch of the same length (x = y for backward Euler), and the line's factors.
type lineJob struct {
	y, x []float64
	q    []facRow
}

func (ln *lineJob) set(y, x []float64, f *factor, m0 int) {
	n := len(y)
	ln.y, ln.x, ln.q = y, x[:n], f.q[m0:m0+n]
}

// fz flushes |v| < tiny to zero (see Step); the two comparisons stay in the floating-point
// registers (math.Abs goes through an integer register on amd64).
func fz(v float64) float64 {
	if v < tiny && v > -tiny {
		return 0
	}
	return v
}

// Stage one's right side is (I + b A) y = 2y - N y; each z of N y = L (U y) is computed once and
// carried to the next row.

// first1 is stage one's forward step at j = 0; it returns the solve's value and z_0.
func (ln *lineJob) first1() (float64, float64) {
	y, q := ln.y, &ln.q[0]
	z := y[0] + q.cp*y[1]
	v := fz((2*y[0] - z*q.dd) * q.vinv)
	ln.x[0] = v
	return v, z
}

// last1 is stage one's forward step at j = n-1 (u = 0 there).
func (ln *lineJob) last1(prev, zp float64) {
	j := len(ln.y) - 1
	y, q := ln.y[j], &ln.q[j]
	ln.x[j] = fz((2*y-(y+q.ai*zp)*q.dd)*q.vinv - q.ai*prev)
}

// fwd1 runs stage one's fused forward sweep over interior rows j0 <= j < j1 (j1 <= n-1) from
// the previous row's value and z.
func (ln *lineJob) fwd1(j0, j1 int, prev, zp float64) (float64, float64) {
	x, y, q := ln.x, ln.y, ln.q
	for j := j0; j < j1; j++ {
		r := &q[j]
		z := y[j] + r.cp*y[j+1]
		prev = fz((2*y[j]-(z+r.ai*zp)*r.dd)*r.vinv - r.ai*prev)
		zp = z
		x[j] = prev
	}
	return prev, zp
}

// fwd1x2 is fwd1 on two lines at once.
func fwd1x2(a, b *lineJob, j0, j1 int, pa, za, pb, zb float64) (float64, float64, float64, float64) {
	if j1 <= j0 {
		return pa, za, pb, zb
	}
	n := j1 - j0
	qa, xa, ya := a.q[j0:j1], a.x[j0:j1], a.y[j0:j1+1]
	qb, xb, yb := b.q[j0:j1], b.x[j0:j1], b.y[j0:j1+1]
	xa, ya, qb, xb, yb = xa[:n], ya[:n+1], qb[:n], xb[:n], yb[:n+1]
	for j := range qa {
		ra, rb := &qa[j], &qb[j]
		ga := ya[j] + ra.cp*ya[j+1]
		gb := yb[j] + rb.cp*yb[j+1]
		pa = fz((2*ya[j]-(ga+ra.ai*za)*ra.dd)*ra.vinv - ra.ai*pa)
		pb = fz((2*yb[j]-(gb+rb.ai*zb)*rb.dd)*rb.vinv - rb.ai*pb)
		za, zb = ga, gb
		xa[j] = pa
		xb[j] = pb
	}
	return pa, za, pb, zb
}

// back runs the backward sweep of z over rows j1 > j >= j0 (z[j1] is final).
func back(z []float64, q []facRow, j0, j1 int) {
	next := z[j1]
	for j := j1 - 1; j >= j0; j-- {
		next = fz(z[j] - q[j].cp*next)
		z[j] = next
	}
}

// back2 is back on two lines at once, rows j1 > j >= 0 of both.
func back2(za []float64, qa []facRow, zb []float64, qb []facRow, j1 int) {
	za, qa, zb, qb = za[:j1+1], qa[:j1+1], zb[:j1+1], qb[:j1+1]
	na, nb := za[j1], zb[j1]
	for j := j1 - 1; j >= 0; j-- {
		na = fz(za[j] - qa[j].cp*na)
		nb = fz(zb[j] - qb[j].cp*nb)
		za[j] = na
		zb[j] = nb
	}
}

// fwd2 runs the forward sweep of the right side c1 x + c0 y over rows j0 <= j < j1, writing y.
func (ln *lineJob) fwd2(j0, j1 int, prev, c1, c0 float64) float64 {
	x, y, q := ln.x, ln.y, ln.q
	for j := j0; j < j1; j++ {
		prev = fz((c1*x[j]+c0*y[j])*q[j].vinv - q[j].ai*prev)
		y[j] = prev
	}
	return prev
}

func fwd2x2(a, b *lineJob, n int, c1, c0 float64) (float64, float64) {
	xa, ya, qa := a.x[:n], a.y[:n], a.q[:n]
	xb, yb, qb := b.x[:n], b.y[:n], b.q[:n]
	var pa, pb float64
	for j := range xa {
		ra, rb := &qa[j], &qb[j]
		pa = fz((c1*xa[j]+c0*ya[j])*ra.vinv - ra.ai*pa)
		pb = fz((c1*xb[j]+c0*yb[j])*rb.vinv - rb.ai*pb)
		ya[j] = pa
		yb[j] = pb
	}
	return pa, pb
}

// trbdf2 runs a TR-BDF2 axis step (stage one then stage two) of one line, n >= 2.
func (ln *lineJob) trbdf2(c1, c0 float64) {
	n := len(ln.y)
	p, z := ln.first1()
	p, z = ln.fwd1(1, n-1, p, z)
	ln.last1(p, z)
	back(ln.x, ln.q, 0, n-1)
	ln.solve(c1, c0)
}

// solve runs the Thomas solve of the right side c1 x + c0 y into y (backward Euler: x = y,
// c1 = 1, c0 = 0).
func (ln *lineJob) solve(c1, c0 float64) {
	n := len(ln.y)
	ln.fwd2(0, n, 0, c1, c0)
	back(ln.y, ln.q, 0, n-1)
}

// trbdf2x2 is trbdf2 on two lines at once (both of length >= 2).
func trbdf2x2(a, b *lineJob, c1, c0 float64) {
	if len(a.y) < len(b.y) {
		a, b = b, a
	}
	na, nb := len(a.y), len(b.y) // na >= nb
	pa, za := a.first1()
	pb, zb := b.first1()
	pa, za, pb, zb = fwd1x2(a, b, 1, nb-1, pa, za, pb, zb)
	b.last1(pb, zb)
	pa, za = a.fwd1(nb-1, na-1, pa, za)
	a.last1(pa, za)
	back(a.x, a.q, nb-1, na-1)
	back2(a.x, a.q, b.x, b.q, nb-1)
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
	back(a.y, a.q, nb-1, na-1)
	back2(a.y, a.q, b.y, b.q, nb-1)
}

// factorLine is one line of a factorisation of V N = V - b V A (V the cell volumes): with
// b_j = V_j + b (wf_j + wb_{j-1}), a_j = -b wf_{j-1}, c_j = -b wb_j and the pivot
// den_j = b_j - a_j c_{j-1}/den_{j-1}, the rows are vinv = V/den, ai = a/den, cp = c/den,
// dd = den/V (one reciprocal per row). factor2 runs two lines in one loop for the same reason as
// the sweep kernels: the pivot recurrence is a chain through a division.
type factorLine struct {
	wf, wb, vol, ivol []float64
	q                 []facRow
}

func (fl *factorLine) set(st *axisState, f *factor, m0, m1 int) {
	fl.wf, fl.wb, fl.vol, fl.ivol = st.wf[m0:m1], st.wb[m0:m1], st.vol[m0:m1], st.ivol[m0:m1]
	fl.q = f.q[m0:m1]
}

// start factors row 0 (no left neighbour) and returns its cp.
func (fl *factorLine) start(beta float64) float64 {
	den := fl.vol[0] + beta*fl.wf[0]
	r := 1 / den
	fl.q[0] = facRow{vinv: fl.vol[0] * r, cp: -beta * fl.wb[0] * r, dd: den * fl.ivol[0]}
	return fl.q[0].cp
}

// factor factors rows j0+1 .. n-1 from row j0's cp.
func (fl *factorLine) factor(j0 int, cp, beta float64) {
	wf, wb, vol, ivol, q := fl.wf, fl.wb, fl.vol, fl.ivol, fl.q
	for j := j0 + 1; j < len(vol); j++ {
		b := vol[j] + beta*wf[j]
		b += beta * wb[j-1]
		a := -beta * wf[j-1]
		den := b - a*cp
		r := 1 / den
		cp = -beta * wb[j] * r
		q[j] = facRow{vinv: vol[j] * r, ai: a * r, cp: cp, dd: den * ivol[j]}
	}
}

func factor2(x, y *factorLine, beta float64) {
	if len(x.vol) < len(y.vol) {
		x, y = y, x
	}
	ca, cb := x.start(beta), y.start(beta)
	n := len(y.vol)
	wfa, wba, vola, ivola, qa := x.wf[:n], x.wb[:n], x.vol[:n], x.ivol[:n], x.q[:n]
	wfb, wbb, volb, ivolb, qb := y.wf[:n], y.wb[:n], y.vol[:n], y.ivol[:n], y.q[:n]
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
		ca = -beta * wba[j] * ra
		cb = -beta * wbb[j] * rb
		qa[j] = facRow{vinv: vola[j] * ra, ai: aa * ra, cp: ca, dd: dena * ivola[j]}
		qb[j] = facRow{vinv: volb[j] * rb, ai: ab * rb, cp: cb, dd: denb * ivolb[j]}
	}
	x.factor(n-1, ca, beta)
}
