package rbmdrift

import "fpsolve/internal/cpufeat"

// gemm4x8 is the AVX2/FMA micro-kernel of gemm (kernels_amd64.s): c[r][j] += alpha sum_l
// a[r][l] b[l][j] for the 4 x 8 block at c (rows r < 4 at strides lda, ldb, ldc elements), the
// sum over l < k accumulated by fused multiply-adds in ascending l. It does not check bounds.
//
//go:noescape
func gemm4x8(k int, alpha float64, a *float64, lda int, b *float64, ldb int, c *float64, ldc int)

// fmaKernel reports that the CPU and the OS support AVX2 and FMA (cpufeat), so that gemm runs
// gemm4x8. Tests set it false to check the Go paths.
var fmaKernel = cpufeat.AVX2FMA

// comb2avx is the AVX kernel of combRows2 for rows of at most 12 entries (kernels_amd64.s):
// d1 += sum_l p[l] b_l and d2 += sum_l q[l] b_l over the rows l < k of b (stride ld), each
// entry a sequence of rounded products and sums in ascending l, as the Go loop computes it.
// mask holds -1 in the first m lanes, 0 after. It does not check bounds.
//
//go:noescape
func comb2avx(k int, p, q, b *float64, ld int, d1, d2 *float64, mask *[12]int64, m int)

// comb2pair10 is the AVX kernel of the trainer's G W product at N_h = 10 (kernels_amd64.s):
// d1 += sum over pairs (p[l] b_l + p[l+1] b_l+1) (and p[k-1] b_k-1 for odd k), d2 likewise with
// q, for rows of exactly 10 entries, the Go loop's operations in its order. It does not check
// bounds.
//
//go:noescape
func comb2pair10(k int, p, q, b *float64, ld int, d1, d2 *float64)

// rank2x10 is the AVX kernel of the direct sampler's C_model update at N_v = 10
// (kernels_amd64.s): c[i][j] += a[i] a[j] + b[i] b[j] over the whole 10 x 10 matrix, the Go
// loop's operations in its order on the upper triangle. It does not check bounds.
//
//go:noescape
func rank2x10(c, a, b *float64)

// mgs10 is the AVX kernel of orthonormalise at n = 10 (kernels_amd64.s): modified Gram-Schmidt
// on the columns of v in place, right-looking, the same operations in the same order per
// column. gt[i] selects the lanes j > i. It does not check bounds.
//
//go:noescape
func mgs10(v *float64, gt *[10][12]int64)

// rot4avx is the AVX kernel of rotRows (kernels_amd64.s): the rotation of the first
// 4 floor(n/4) entries of x and y, rotRows' operations to the bit. It does not check bounds.
//
//go:noescape
func rot4avx(n int, x, y *float64, c, s float64)

// trans4strip is the AVX kernel of transpose and mirrorUpper (kernels_amd64.s): nb blocks of
// 4 x 4 along a strip of four rows of src (row stride lds), each written transposed to dst,
// the next block four rows further down dst (row stride ldd). It does not check bounds.
//
//go:noescape
func trans4strip(nb int, dst *float64, ldd int, src *float64, lds int)

// symv4avx, rank2avx and rank1avx are the AVX2/FMA kernels of tridiagonalise and
// accumulateQ (kernels_amd64.s, householder.go's Go loops the same where the CPU has no AVX2):
// on the m4 x m4 block b (rows at stride ld, m4 a positive multiple of 4),
//
//	symv4avx: w = b v (fused lanes, see the assembly)
//	rank2avx: b <- b - x w^T - w x^T, each entry a_ij - (x_i w_j + w_i x_j), unfused
//	rank1avx: b <- b - t x y^T (fused)
//
// They do not check bounds.
//
//go:noescape
func symv4avx(m4 int, b *float64, ld int, v, w *float64)

//go:noescape
func rank2avx(m4 int, b *float64, ld int, x, w *float64)

//go:noescape
func rank1avx(m4 int, b *float64, ld int, x, y *float64, t float64)
