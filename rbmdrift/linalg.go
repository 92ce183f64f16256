package rbmdrift

import "math"

// Small dense kernels on row-major slices. They are written out by hand because the matrices
// are tiny (10 x 10) and gonum's call overhead would dominate the trainer's update, and
// because each entry's sum must keep its order (the golden digests): gonum's kernels sum in
// their own. Some run on AVX kernels with the same order where the CPU has them
// (kernels_amd64.s). From max(N_v, N_h) = blasMin on the trainer uses gonum's BLAS and
// LAPACK instead (kernels_blas.go).

// cholesky overwrites the lower triangle of the n x n symmetric matrix a (row-major, only the
// lower triangle is read) with its Cholesky factor L, a = L L^T. It reports false if a is not
// positive definite (or holds NaN). The upper triangle is left untouched.
func cholesky(a []float64, n int) bool {
	for j := 0; j < n; j++ {
		rj := a[j*n : j*n+j+1]
		d := rj[j]
		for k := 0; k < j; k++ {
			d -= rj[k] * rj[k]
		}
		if !(d > 0) {
			return false
		}
		d = math.Sqrt(d)
		rj[j] = d
		inv := 1 / d
		for i := j + 1; i < n; i++ {
			ri := a[i*n : i*n+j+1]
			s := ri[j]
			for k := 0; k < j; k++ {
				s -= ri[k] * rj[k]
			}
			ri[j] = s * inv
		}
	}
	return true
}

// symMul sets c = a b for symmetric n x n matrices a and b whose product is known to be
// symmetric (commuting symmetric matrices, for example powers of one matrix). Since b is
// symmetric, c_ij = a_i . b_j (rows). c must not alias a or b.
func symMul(c, a, b []float64, n int) {
	if !rowDotsT(c, a, b, n, n, 1) { // b^T = b
		rowDots(c, a, b, n, n, 1)
	}
}

// mirrorSmall copies the upper triangle of the n x n matrix c onto the lower one, reading the
// upper one by columns and writing the lower one by rows: at 10 x 10 23-26 ns against 30-44 ns
// for mirrorUpper (kernels_blas.go, whose 4 x 4 block transposes pay off from N = 16 on).
func mirrorSmall(c []float64, n int) {
	for i := 1; i < n; i++ {
		ci := c[i*n : i*n+i]
		for j := range ci {
			ci[j] = c[j*n+i]
		}
	}
}

// rowDotsT is rowDots with b given transposed (bt = b^T, m x n) on the AVX kernel: the upper
// triangle of c = f a bt, each entry sum_k a_ik bt_kj in order of k from zero and then times f,
// is what rowDots computes for c_ij (products commute), to the bit (TestKernelBits). Two rows of
// c per comb2avx call over the columns j >= i (the second row's entry left of the diagonal is
// computed and then overwritten by the mirror). It reports false, doing nothing, where the
// kernel does not apply (no AVX, n > 12 or m > 16): the caller then runs rowDots. Measured at
// 10 x 10: 130-155 ns on rowDots, 75-80 ns here (BenchmarkSymMul, both in one binary).
func rowDotsT(c, a, bt []float64, n, m int, f float64) bool {
	if !rowDotsTFits(n, m) {
		return false
	}
	_, _, _ = c[n*n-1], a[n*m-1], bt[m*n-1] // what the kernel reads and writes lies in the slices
	clear(c[:n*n])
	i := 0
	for ; i+2 <= n; i += 2 {
		comb2avx(m, &a[i*m], &a[(i+1)*m], &bt[i], n, &c[i*n+i], &c[(i+1)*n+i], &laneMasks[n-i], n-i)
	}
	if i < n {
		var s float64 // as dot: from zero, in order of k
		for k, v := range a[i*m : i*m+m] {
			s += v * bt[k*n+i]
		}
		c[i*n+i] = s
	}
	if f != 1 {
		for i := 0; i < n; i++ {
			ci := c[i*n+i : i*n+n]
			for j := range ci {
				ci[j] *= f
			}
		}
	}
	mirrorSmall(c, n)
	return true
}

// rowDots sets c_ij = c_ji = f a_i . b_j for j >= i, with a_i, b_j the rows of the n x m
// matrices a and b (row-major); c is n x n. Used where the result is known to be symmetric.
// Two rows of a against two rows of b per pass: four independent sums hide the latency of the
// floating-point add that bounds a single dot product at N = 10 (each sum still runs over k in
// order from zero, so the bits are those of one dot product at a time; TestKernelBits). Measured
// 440 -> 270 ns for the 10 x 10 case against two sums per pass.
func rowDots(c, a, b []float64, n, m int, f float64) {
	i := 0
	for ; i+2 <= n; i += 2 {
		a1 := a[i*m : i*m+m]
		a2 := a[(i+1)*m : (i+1)*m+len(a1)]
		// The diagonal block: (i, i), (i, i+1) and (i+1, i+1).
		b1 := b[i*m : i*m+len(a1)]
		b2 := b[(i+1)*m : (i+1)*m+len(a1)]
		var s11, s12, s22 float64
		for k, v := range a1 {
			s11 += v * b1[k]
			s12 += v * b2[k]
			s22 += a2[k] * b2[k]
		}
		s12 *= f
		c[i*n+i] = s11 * f
		c[i*n+i+1], c[(i+1)*n+i] = s12, s12
		c[(i+1)*n+i+1] = s22 * f
		j := i + 2
		for ; j+2 <= n; j += 2 {
			b1 := b[j*m : j*m+len(a1)]
			b2 := b[(j+1)*m : (j+1)*m+len(a1)]
			s11, s12, s21, s22 := dots22(a1, a2, b1, b2)
			s11 *= f
			s12 *= f
			s21 *= f
			s22 *= f
			c[i*n+j], c[j*n+i] = s11, s11
			c[i*n+j+1], c[(j+1)*n+i] = s12, s12
			c[(i+1)*n+j], c[j*n+i+1] = s21, s21
			c[(i+1)*n+j+1], c[(j+1)*n+i+1] = s22, s22
		}
		if j < n {
			b1 := b[j*m : j*m+len(a1)]
			var s1, s2 float64
			for k, v := range a1 {
				s1 += v * b1[k]
				s2 += a2[k] * b1[k]
			}
			s1 *= f
			s2 *= f
			c[i*n+j], c[j*n+i] = s1, s1
			c[(i+1)*n+j], c[j*n+i+1] = s2, s2
		}
	}
	if i < n {
		c[i*n+i] = f * dot(a[i*m:i*m+m], b[i*m:i*m+m])
	}
}

// dots22 returns the four dot products a_p . b_q (p, q = 1, 2) of equal-length slices, each
// summed in order from zero as dot does, in one loop: four independent chains of adds.
func dots22(a1, a2, b1, b2 []float64) (s11, s12, s21, s22 float64) {
	a2, b1, b2 = a2[:len(a1)], b1[:len(a1)], b2[:len(a1)]
	for k, v := range a1 {
		w := a2[k]
		s11 += v * b1[k]
		s12 += v * b2[k]
		s21 += w * b1[k]
		s22 += w * b2[k]
	}
	return
}

// dot returns a . b[:len(a)].
func dot(a, b []float64) float64 {
	b = b[:len(a)]
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// rowDotsTFits reports that rowDotsT runs for these sizes.
func rowDotsTFits(n, m int) bool { return fmaKernel && n > 0 && n <= 12 && m > 0 && m <= 16 }

// gramRows sets c = f a a^T for the r x m matrix a (row-major): c is r x r symmetric.
//
// at (m x r scratch) receives a^T for the AVX kernel of rowDotsT; nil runs rowDots alone.
func gramRows(c, a, at []float64, r, m int, f float64) {
	if at != nil && rowDotsTFits(r, m) {
		transpose(at, a, r, m)
		rowDotsT(c, a, at, r, m, f)
		return
	}
	rowDots(c, a, a, r, m, f)
}

// gramCols sets c = a^T a for the r x m matrix a (row-major): c is m x m symmetric. Rows of a
// are taken two at a time, each entry still summed row after row in order (the bits of one row
// at a time, which TestKernelBits checks), so that c is loaded and stored once per two rows.
func gramCols(c, a []float64, r, m int) {
	for i := range c[:m*m] {
		c[i] = 0
	}
	if fmaKernel && m > 1 && m <= 12 && r > 0 && r <= 16 {
		gramColsAVX(c, a, r, m)
		return
	}
	k := 0
	for ; k+2 <= r; k += 2 {
		a1 := a[k*m : k*m+m]
		a2 := a[(k+1)*m : (k+1)*m+m]
		for i, v1 := range a1 {
			v2 := a2[i]
			ci := c[i*m+i : i*m+m]
			b1, b2 := a1[i:i+len(ci)], a2[i:i+len(ci)]
			for j := range ci {
				ci[j] = (ci[j] + v1*b1[j]) + v2*b2[j]
			}
		}
	}
	for ; k < r; k++ {
		ak := a[k*m : k*m+m]
		for i, v := range ak {
			ci := c[i*m : i*m+m]
			for j := i; j < m; j++ {
				ci[j] += v * ak[j]
			}
		}
	}
	for i := 0; i < m; i++ {
		for j := i + 1; j < m; j++ {
			c[j*m+i] = c[i*m+j]
		}
	}
}

// gramColsAVX is gramCols (c zeroed) on the AVX kernel: rows i, i+1 of c are the rows of a
// weighted by columns i, i+1 of a, summed in order from zero by comb2avx, whole rows at once
// (the entries below the diagonal are then overwritten by the mirror); each entry is the sum
// of gramCols in the same order, to the bit (TestKernelBits).
func gramColsAVX(c, a []float64, r, m int) {
	var p, q [16]float64
	i := 0
	for ; i+2 <= m; i += 2 {
		for k := 0; k < r; k++ {
			p[k], q[k] = a[k*m+i], a[k*m+i+1]
		}
		comb2avx(r, &p[0], &q[0], &a[0], m, &c[i*m], &c[(i+1)*m], &laneMasks[m], m)
	}
	if i < m {
		ci := c[i*m+i : i*m+m]
		for k := 0; k < r; k++ {
			ak := a[k*m : k*m+m]
			v := ak[i]
			for j := range ci {
				ci[j] += v * ak[i+j]
			}
		}
	}
	for i := 0; i < m; i++ {
		for j := i + 1; j < m; j++ {
			c[j*m+i] = c[i*m+j]
		}
	}
}

// combRows adds to dst the rows of b (row l at b[l*ld:], len(dst) of it) weighted by f c[l], in
// the order of l, as len(c) calls axpy(dst, f*c[l], row l) would, to the bit (TestKernelBits:
// each entry is ((dst + c_0 b_0) + c_1 b_1) + ...), but with dst loaded and stored once per four
// rows instead of once per row.
func combRows(dst []float64, f float64, c, b []float64, ld int) {
	m := len(dst)
	l := 0
	for ; l+4 <= len(c); l += 4 {
		c0, c1, c2, c3 := f*c[l], f*c[l+1], f*c[l+2], f*c[l+3]
		b0 := b[l*ld : l*ld+m]
		b1 := b[(l+1)*ld : (l+1)*ld+m]
		b2 := b[(l+2)*ld : (l+2)*ld+m]
		b3 := b[(l+3)*ld : (l+3)*ld+m]
		for j := range dst {
			dst[j] = (((dst[j] + c0*b0[j]) + c1*b1[j]) + c2*b2[j]) + c3*b3[j]
		}
	}
	if l+2 <= len(c) {
		c0, c1 := f*c[l], f*c[l+1]
		b0 := b[l*ld : l*ld+m]
		b1 := b[(l+1)*ld : (l+1)*ld+m]
		for j := range dst {
			dst[j] = (dst[j] + c0*b0[j]) + c1*b1[j]
		}
		l += 2
	}
	if l < len(c) {
		axpy(dst, f*c[l], b[l*ld:l*ld+m])
	}
}

// combRows2 is combRows for two destination rows at once, d1 with the weights f c1 and d2 with
// f c2 over the same rows of b, sharing their loads; each entry sees the same operations as
// in combRows, in the same order (TestKernelBits).
//
// With AVX (fmaKernel) and rows of at most 12 entries it runs comb2avx (kernels_amd64.s), the
// same operations in the same order four lanes at a time. It is hand-written because Go has no
// vector arithmetic and gonum's kernels sum in their own order, which would change the bits:
// mulRows at 10 x 10 x 10 measured 345-490 ns on this loop and 150-210 ns on the kernel (the
// two side by side in one test binary, 6 runs each).
func combRows2(d1, d2 []float64, f float64, c1, c2, b []float64, ld int) {
	d2, c2 = d2[:len(d1)], c2[:len(c1)]
	k := len(c1)
	if m := len(d1); fmaKernel && m > 0 && m <= 12 && k > 0 && k <= 16 {
		_ = b[(k-1)*ld+m-1] // the rows the kernel reads lie in b
		if f == 1 {
			// f c = c exactly: the weights as they are.
			comb2avx(k, &c1[0], &c2[0], &b[0], ld, &d1[0], &d2[0], &laneMasks[m], m)
			return
		}
		var p, q [16]float64
		for l, v := range c1 {
			p[l], q[l] = f*v, f*c2[l]
		}
		comb2avx(k, &p[0], &q[0], &b[0], ld, &d1[0], &d2[0], &laneMasks[m], m)
		return
	}
	l := 0
	for ; l+4 <= k; l += 4 {
		b0 := b[l*ld : l*ld+len(d1)]
		b1 := b[(l+1)*ld : (l+1)*ld+len(d1)]
		b2 := b[(l+2)*ld : (l+2)*ld+len(d1)]
		b3 := b[(l+3)*ld : (l+3)*ld+len(d1)]
		p0, p1, p2, p3 := f*c1[l], f*c1[l+1], f*c1[l+2], f*c1[l+3]
		q0, q1, q2, q3 := f*c2[l], f*c2[l+1], f*c2[l+2], f*c2[l+3]
		for j := range d1 {
			x0, x1, x2, x3 := b0[j], b1[j], b2[j], b3[j]
			d1[j] = (((d1[j] + p0*x0) + p1*x1) + p2*x2) + p3*x3
			d2[j] = (((d2[j] + q0*x0) + q1*x1) + q2*x2) + q3*x3
		}
	}
	for ; l < k; l++ {
		bl := b[l*ld : l*ld+len(d1)]
		p, q := f*c1[l], f*c2[l]
		for j, x := range bl {
			d1[j] += p * x
			d2[j] += q * x
		}
	}
}

// laneMasks[m] selects the first m of 12 lanes for comb2avx (-1: used, 0: not).
var laneMasks = func() (t [13][12]int64) {
	for m := range t {
		for j := 0; j < m; j++ {
			t[m][j] = -1
		}
	}
	return t
}()

// mulRows sets dst = a b for the r x k matrix a and the k x m matrix b (row-major), each entry
// summed in the order of k from zero (combRows on a zeroed row, to the bit: TestKernelBits),
// two rows at a time (combRows2).
func mulRows(dst, a, b []float64, r, k, m int) {
	clear(dst[:r*m]) // once for the whole product, not row by row
	i := 0
	for ; i+2 <= r; i += 2 {
		d1 := dst[i*m : i*m+m]
		d2 := dst[(i+1)*m : (i+1)*m+m]
		combRows2(d1, d2, 1, a[i*k:i*k+k], a[(i+1)*k:(i+1)*k+k], b, m)
	}
	if i < r {
		combRows(dst[i*m:i*m+m], 1, a[i*k:i*k+k], b, m)
	}
}

// mulPairs sets dst = a b for the r x k matrix a and the k x m matrix b (row-major) with the
// terms of each entry summed in pairs: dst_ij = (...(0 + (a_i0 b_0j + a_i1 b_1j)) + ...), the
// last term alone for odd k (the trainer's G W product). With AVX and m = 10 two rows at a
// time run in comb2pair10, the same operations in the same order (TestKernelBits).
func mulPairs(dst, a, b []float64, r, k, m int) {
	clear(dst[:r*m])
	i := 0
	if fmaKernel && m == 10 && k > 0 {
		_ = b[(k-1)*m+m-1]
		for ; i+2 <= r; i += 2 {
			comb2pair10(k, &a[i*k], &a[(i+1)*k], &b[0], m, &dst[i*m], &dst[(i+1)*m])
		}
	}
	for ; i < r; i++ {
		di := dst[i*m : i*m+m]
		ai := a[i*k : i*k+k]
		l := 0
		for ; l+2 <= k; l += 2 {
			a1, a2 := ai[l], ai[l+1]
			b1 := b[l*m : l*m+len(di)]
			b2 := b[(l+1)*m : (l+1)*m+len(di)]
			for j := range di {
				di[j] += a1*b1[j] + a2*b2[j]
			}
		}
		if l < k {
			axpy(di, ai[l], b[l*m:l*m+m])
		}
	}
}

// rank2Upper adds a a^T + b b^T to the upper triangle of the n x n matrix c, each entry as
// c_ij + (a_i a_j + b_i b_j) (the direct sampler's C_model update for two chains). With AVX and
// n = 10 it runs rank2x10, which also writes the lower triangle (scratch for its callers:
// only the upper one is read), the same operations in the same order on the upper one
// (TestKernelBits).
func rank2Upper(c, a, b []float64, n int) {
	if fmaKernel && n == 10 {
		_, _, _ = c[99], a[9], b[9]
		rank2x10(&c[0], &a[0], &b[0])
		return
	}
	for i := 0; i < n; i++ {
		f1, f2 := a[i], b[i]
		ci := c[i*n+i : i*n+n]
		q1, q2 := a[i:i+len(ci)], b[i:i+len(ci)]
		for j := range ci {
			ci[j] += f1*q1[j] + f2*q2[j]
		}
	}
}

// axpy sets dst += f x[:len(dst)].
func axpy(dst []float64, f float64, x []float64) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] += f * v
	}
}
