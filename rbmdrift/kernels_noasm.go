//go:build !amd64

package rbmdrift

// fmaKernel is false without the amd64 micro-kernel: gemm calls gonum's Dgemm.
const fmaKernel = false

func gemm4x8(k int, alpha float64, a *float64, lda int, b *float64, ldb int, c *float64, ldc int) {
	panic("rbmdrift: no gemm micro-kernel on this architecture")
}

func comb2avx(k int, p, q, b *float64, ld int, d1, d2 *float64, mask *[12]int64, m int) {
	panic("rbmdrift: no AVX kernel on this architecture")
}

func comb2pair10(k int, p, q, b *float64, ld int, d1, d2 *float64) {
	panic("rbmdrift: no AVX kernel on this architecture")
}

func rank2x10(c, a, b *float64) {
	panic("rbmdrift: no AVX kernel on this architecture")
}

func mgs10(v *float64, gt *[10][12]int64) {
	panic("rbmdrift: no AVX kernel on this architecture")
}

func rot4avx(n int, x, y *float64, c, s float64) {
	panic("rbmdrift: no AVX kernel on this architecture")
}

func trans4strip(nb int, dst *float64, ldd int, src *float64, lds int) {
	panic("rbmdrift: no AVX kernel on this architecture")
}

func symv4avx(m4 int, b *float64, ld int, v, w *float64) {
	panic("rbmdrift: no AVX kernel on this architecture")
}

func rank2avx(m4 int, b *float64, ld int, x, w *float64) {
	panic("rbmdrift: no AVX kernel on this architecture")
}

func rank1avx(m4 int, b *float64, ld int, x, y *float64, t float64) {
	panic("rbmdrift: no AVX kernel on this architecture")
}
