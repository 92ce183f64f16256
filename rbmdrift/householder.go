package rbmdrift

import "math"

// householderLD is the row stride that tridiagonalise and accumulateQT want for an n x n
// matrix: a multiple of 4 at least n + 3, so that a block of rows and columns k+1.. rounded up
// to a multiple of 4 lies in the padding; the matrix then has n + 3 rows (householderRows).
func householderLD(n int) int { return (n+3)&^3 + 4 }

// householderRows is the number of rows of the padded matrices of tridiagonalise and
// accumulateQT.
func householderRows(n int) int { return n + 3 }

// tridiagonalise reduces the symmetric n x n matrix a (both triangles set, row stride ld =
// householderLD(n), zero beyond column n and row n: householderRows(n) rows) to the tridiagonal
// T = Q^T A Q by Householder reflections, with diagonal d (n) and off-diagonal e (e[i] couples i
// and i+1, n-1 of them). Reflection k (k < n-2) annihilates row and column k beyond k+1:
// H_k = 1 - tau[k] v v^T with v_j = 0 for j <= k and v_{k+1} = 1, the rest stored in row k of a
// from column k+2 on (what accumulateQT reads); tau[k] = 0 marks a column that was already
// reduced. w (ld entries, zero beyond n) is scratch.
//
// The trailing block is kept in both triangles, so that the product B v of each step runs over
// contiguous rows, and its rank-2 update B <- B - v w^T - w v^T computes entry (i, j) as
// b_ij - (v_i w_j + w_i v_j) with the two products rounded separately, which gives entry (j, i)
// the same value: the block stays exactly symmetric. Each step's block, rows and columns
// k+1..n-1, is rounded up to a multiple of 4 into the zero padding (whose rows and columns
// stay zero), so that the AVX kernels symv4avx and rank2avx run it whole, in one call each.
//
// It replaced gonum's Dsytrd (and Dorgtr for Q), which spends its time in many short BLAS-2
// calls reading one triangle at the row-major stride (benchmarks/README.md gives the figures,
// BenchmarkTridiagonalise).
func tridiagonalise(a []float64, n, ld int, d, e, tau, w []float64) {
	a = a[:householderRows(n)*ld]
	for k := 0; k+2 < n; k++ {
		m := n - k - 1
		m4 := (m + 3) &^ 3
		d[k] = a[k*ld+k]
		x := a[k*ld+k+1 : k*ld+k+1+m4]
		alpha := x[0]
		var ss float64
		for _, v := range x[1:m] {
			ss += v * v
		}
		if ss == 0 {
			tau[k], e[k] = 0, alpha
			continue
		}
		beta := -math.Copysign(math.Sqrt(alpha*alpha+ss), alpha)
		t := (beta - alpha) / beta
		sc := 1 / (alpha - beta)
		x[0] = 1
		for i := 1; i < m; i++ {
			x[i] *= sc
		}
		tau[k], e[k] = t, beta
		b := a[(k+1)*ld+k+1:]
		ww := w[:m4]
		symv(m4, b, ld, x, ww)
		// w <- tau B v - (tau^2/2)(v^T B v) v, so that H B H = B - v w^T - w v^T.
		var vw float64
		for i, v := range x[:m] {
			ww[i] *= t
			vw += ww[i] * v
		}
		h := t / 2 * vw
		for i, v := range x[:m] {
			ww[i] -= h * v
		}
		rank2(m4, b, ld, x, ww)
	}
	if n >= 2 {
		d[n-2] = a[(n-2)*ld+n-2]
		e[n-2] = a[(n-2)*ld+n-1]
	}
	if n >= 1 {
		d[n-1] = a[(n-1)*ld+n-1]
	}
}

// accumulateQT sets qt (padded as tridiagonalise's a: row stride ld, householderRows(n) rows)
// to Q^T = H_{n-3} ... H_1 H_0 from the reflections that tridiagonalise left in a and tau, so
// that A = Q T Q^T, the zero padding included: starting from the identity, M <- M H_k for
// k = n-3 down to 0, each acting on the trailing block of rows and columns k+1.. (the only part
// of M that differs from the identity then), as u = M v and M <- M - tau u v^T. u (ld entries)
// is scratch.
func accumulateQT(qt, a []float64, n, ld int, tau, u []float64) {
	qt = qt[:householderRows(n)*ld]
	clear(qt)
	for i := 0; i < n; i++ {
		qt[i*ld+i] = 1
	}
	for k := n - 3; k >= 0; k-- {
		t := tau[k]
		if t == 0 {
			continue
		}
		m4 := (n - k + 2) &^ 3
		v := a[k*ld+k+1 : k*ld+k+1+m4]
		b := qt[(k+1)*ld+k+1:]
		uu := u[:m4]
		symv(m4, b, ld, v, uu)
		rank1(m4, b, ld, uu, v, t)
	}
}

// symv sets w = b v for the m4 x m4 block at b (rows at stride ld): symv4avx, or its Go loop
// (each row's sum in four lanes by fused multiply-adds, the lanes added pairwise) where the CPU
// has no AVX2.
func symv(m4 int, b []float64, ld int, v, w []float64) {
	_, _, _ = b[(m4-1)*ld+m4-1], v[m4-1], w[m4-1]
	if fmaKernel {
		symv4avx(m4, &b[0], ld, &v[0], &w[0])
		return
	}
	for i := 0; i < m4; i++ {
		row := b[i*ld : i*ld+m4]
		var l [4]float64
		for j := 0; j < m4; j += 4 {
			for c := range l {
				l[c] = math.FMA(row[j+c], v[j+c], l[c])
			}
		}
		w[i] = (l[0] + l[1]) + (l[2] + l[3])
	}
}

// rank2 sets b <- b - x w^T - w x^T on the m4 x m4 block at b (rows at stride ld), each entry
// b_ij - (x_i w_j + w_i x_j) unfused: rank2avx, or the same operations in Go.
func rank2(m4 int, b []float64, ld int, x, w []float64) {
	_, _, _ = b[(m4-1)*ld+m4-1], x[m4-1], w[m4-1]
	if fmaKernel {
		rank2avx(m4, &b[0], ld, &x[0], &w[0])
		return
	}
	for i := 0; i < m4; i++ {
		row := b[i*ld : i*ld+m4]
		xi, wi := x[i], w[i]
		for j := range row {
			row[j] -= float64(xi*w[j]) + float64(wi*x[j])
		}
	}
}

// rank1 sets b <- b - t x y^T on the m4 x m4 block at b (rows at stride ld), each entry
// fma(-(t x_i), y_j, b_ij): rank1avx, or the same operations in Go.
func rank1(m4 int, b []float64, ld int, x, y []float64, t float64) {
	_, _, _ = b[(m4-1)*ld+m4-1], x[m4-1], y[m4-1]
	if fmaKernel {
		rank1avx(m4, &b[0], ld, &x[0], &y[0], t)
		return
	}
	for i := 0; i < m4; i++ {
		row := b[i*ld : i*ld+m4]
		s := -(t * x[i])
		for j := range row {
			row[j] = math.FMA(s, y[j], row[j])
		}
	}
}
