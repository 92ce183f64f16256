package rbmdrift

import "math"

// Small dense kernels on row-major slices. They are written out by hand because the matrices
// are tiny (10 x 10) and gonum's call overhead would dominate the trainer's update. From
// max(N_v, N_h) = blasMin on the trainer uses gonum's BLAS and LAPACK instead (kernels_blas.go).

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
func symMul(c, a, b []float64, n int) { rowDots(c, a, b, n, n, 1) }

// rowDots sets c_ij = c_ji = f a_i . b_j for j >= i, with a_i, b_j the rows of the n x m
// matrices a and b (row-major); c is n x n. Used where the result is known to be symmetric.
// Two dot products at a time share the loads of a_i.
func rowDots(c, a, b []float64, n, m int, f float64) {
	for i := 0; i < n; i++ {
		ai := a[i*m : i*m+m]
		j := i
		for ; j+2 <= n; j += 2 {
			b1 := b[j*m : j*m+len(ai)]
			b2 := b[(j+1)*m : (j+1)*m+len(ai)]
			var s1, s2 float64
			for k, v := range ai {
				s1 += v * b1[k]
				s2 += v * b2[k]
			}
			s1 *= f
			s2 *= f
			c[i*n+j], c[j*n+i] = s1, s1
			c[i*n+j+1], c[(j+1)*n+i] = s2, s2
		}
		if j < n {
			s := f * dot(ai, b[j*m:j*m+m])
			c[i*n+j], c[j*n+i] = s, s
		}
	}
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

// gramRows sets c = f a a^T for the r x m matrix a (row-major): c is r x r symmetric.
func gramRows(c, a []float64, r, m int, f float64) { rowDots(c, a, a, r, m, f) }

// gramCols sets c = a^T a for the r x m matrix a (row-major): c is m x m symmetric.
func gramCols(c, a []float64, r, m int) {
	for i := range c[:m*m] {
		c[i] = 0
	}
	for k := 0; k < r; k++ {
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

// axpy sets dst += f x[:len(dst)].
func axpy(dst []float64, f float64, x []float64) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] += f * v
	}
}
