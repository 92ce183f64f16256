package rbmdrift

import (
	"math"

	"gonum.org/v1/gonum/blas"
)

// gemm sets c = alpha a b + beta c for row-major a (m x k), b (k x n) and c (m x n), c not
// aliasing a or b. It is hand-written because gonum's Dgemm, whose Go assembly works through
// SSE2 dot and axpy loops, reaches 2-6 GFMA/s on the trainer's 16 x 64 x 64 and 64 x 64 x 64
// products on the development machine, while the AVX2/FMA micro-kernel gemm4x8 (kernels_amd64.s)
// reaches 16-22 GFMA/s on them (measured side by side on the shared machine). Blocks of 4 rows
// x 8 columns run in the micro-kernel, the remaining rows and columns in Go with math.FMA in the
// same order, so every element is the same fused sum over l in ascending order whichever path
// computes it: c_ij = alpha (sum_l a_il b_lj) + c_ij rounded as the micro-kernel does, which
// makes a b^T-type product of a matrix with its own transpose exactly symmetric. Without
// AVX2/FMA (fmaKernel false) it calls gonum's Dgemm; results then differ in the last bits from
// those of a machine with the micro-kernel, but on one machine they are always the same.
func gemm(c, a, b []float64, m, k, n int, alpha, beta float64) {
	gemmPart(c, a, b, m, k, n, alpha, beta, wholeC)
}

// The parts of c that gemmPart computes.
const (
	wholeC = iota
	upperC // i <= j
	lowerC // i >= j
)

// gemmTri is gemm for a square n x n product of which one triangle is wanted (a product known
// to be symmetric, mirrored afterwards, or one read from one triangle only): it sets c_ij to
// exactly gemm's value for every i <= j (lower false) or i >= j (lower true), and skips the
// micro-kernel blocks that lie wholly in the other triangle, whose elements are left
// unspecified. At n = 64 it runs 72 of gemm's 128 blocks.
func gemmTri(c, a, b []float64, n, k int, alpha, beta float64, lower bool) {
	part := upperC
	if lower {
		part = lowerC
	}
	gemmPart(c, a, b, n, k, n, alpha, beta, part)
}

// gemmPart is gemm restricted to a part of c (wholeC, upperC or lowerC; a triangle only for
// m = n): every element of that part gets gemm's value, the others are left unspecified.
func gemmPart(c, a, b []float64, m, k, n int, alpha, beta float64, part int) {
	if !fmaKernel {
		bl.Dgemm(blas.NoTrans, blas.NoTrans, m, n, k, alpha, a, k, b, n, beta, c, n)
		return
	}
	if len(a) < m*k || len(b) < k*n || len(c) < m*n {
		panic("rbmdrift: gemm slice too short")
	}
	c = c[:m*n]
	switch beta {
	case 1:
	case 0:
		for i := range c {
			c[i] = 0
		}
	default:
		for i := range c {
			c[i] *= beta
		}
	}
	if m == 0 || n == 0 || k == 0 || alpha == 0 {
		return
	}
	m4, n8 := m&^3, n&^7
	for i := 0; i < m4; i += 4 {
		for j := 0; j < n8; j += 8 {
			if part == upperC && j+7 < i || part == lowerC && j > i+3 {
				continue // the block lies below (above) the diagonal
			}
			gemm4x8(k, alpha, &a[i*k], k, &b[j], n, &c[i*n+j], n)
		}
	}
	for i := 0; i < m; i++ {
		j0, j1 := n8, n
		if i >= m4 {
			j0 = 0
		}
		switch part {
		case upperC:
			j0 = max(j0, i)
		case lowerC:
			j1 = min(j1, i+1)
		}
		ai := a[i*k : i*k+k]
		for j := j0; j < j1; j++ {
			var s float64
			for l, v := range ai {
				s = math.FMA(v, b[l*n+j], s)
			}
			c[i*n+j] = math.FMA(alpha, s, c[i*n+j])
		}
	}
}

// transpose sets at = a^T for the row-major r x m matrix a (at is m x r). With AVX2 the 4 x 4
// blocks go through trans4strip (a 64 x 64 matrix in about a quarter of the loop's 3.3-4 us,
// whose stores run down columns), the remaining rows and columns through the loop.
func transpose(at, a []float64, r, m int) {
	if len(a) < r*m || len(at) < r*m {
		panic("rbmdrift: transpose slice too short")
	}
	r4, m4 := 0, 0
	if fmaKernel && r >= 4 && m >= 4 {
		r4, m4 = r&^3, m&^3
		for i := 0; i < r4; i += 4 {
			trans4strip(m4/4, &at[i], r, &a[i*m], m)
		}
	}
	for i := 0; i < r; i++ {
		j0 := 0
		if i < r4 {
			j0 = m4
		}
		for j := j0; j < m; j++ {
			at[j*r+i] = a[i*m+j]
		}
	}
}
