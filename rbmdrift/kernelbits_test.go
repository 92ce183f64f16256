package rbmdrift

import (
	"math"
	"testing"
)

// TestKernelBits: the blocked small kernels give, to the bit, what the one-row-at-a-time loops
// they replaced gave (written out here as the reference): gramCols, rowDots, gramRows, symMul,
// combRows, combRows2, mulRows, mulPairs, rank2Upper, r + r Y through mulRows,
// orthonormalise, and rotate with its mirrored update against the two full passes, on random
// matrices of sizes around N = 10 (odd sizes reach every remainder loop). The golden digests
// (TestGoldenN10) check the same through whole runs. It runs twice: with the AVX kernel of
// combRows2 where the CPU has it, and with the Go loops alone (fmaKernel false). Not parallel:
// it changes fmaKernel, which the parallel tests (run after it) read.
func TestKernelBits(t *testing.T) {
	t.Run("as detected", kernelBits)
	withoutAVX(t, func() { t.Run("Go loops", kernelBits) })
}

func kernelBits(t *testing.T) {
	src := NewSource(31, 0)
	rnd := func(n int) []float64 {
		a := make([]float64, n)
		for i := range a {
			a[i] = src.NormFloat64()
		}
		return a
	}
	same := func(name string, got, want []float64) {
		t.Helper()
		for i := range want {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("%s: entry %d = %v, want %v", name, i, got[i], want[i])
			}
		}
	}
	for _, sz := range [][2]int{{10, 10}, {12, 5}, {7, 9}, {1, 3}, {13, 11}, {6, 12}, {9, 4}, {5, 8}, {4, 14}, {7, 10}, {3, 2}, {8, 6}} {
		r, m := sz[0], sz[1]
		a := rnd(r * m)
		// gramCols against one row at a time.
		want := make([]float64, m*m)
		for k := 0; k < r; k++ {
			ak := a[k*m : k*m+m]
			for i, v := range ak {
				for j := i; j < m; j++ {
					want[i*m+j] += v * ak[j]
				}
			}
		}
		for i := 0; i < m; i++ {
			for j := i + 1; j < m; j++ {
				want[j*m+i] = want[i*m+j]
			}
		}
		got := rnd(m * m) // gramCols must clear it
		gramCols(got, a, r, m)
		same("gramCols", got, want)

		// mulPairs against the trainer's loop (pairs of terms, then the odd one), as it was.
		{
			k := min(r, m)
			b := rnd(k * m)
			want := make([]float64, r*m)
			for i := 0; i < r; i++ {
				wi, ai := want[i*m:i*m+m], a[i*k:i*k+k]
				l := 0
				for ; l+2 <= k; l += 2 {
					for j := range wi {
						wi[j] += ai[l]*b[l*m+j] + ai[l+1]*b[(l+1)*m+j]
					}
				}
				if l < k {
					for j := range wi {
						wi[j] += ai[l] * b[l*m+j]
					}
				}
			}
			got := rnd(r * m) // mulPairs must clear it
			mulPairs(got, a, b, r, k, m)
			same("mulPairs", got, want)
		}

		// rank2Upper against the sampler's loop, on the upper triangle.
		{
			n := r
			c0, v1, v2 := rnd(n*n), rnd(n), rnd(n)
			want := append([]float64(nil), c0...)
			for i := 0; i < n; i++ {
				for j := i; j < n; j++ {
					want[i*n+j] += v1[i]*v1[j] + v2[i]*v2[j]
				}
			}
			got := append([]float64(nil), c0...)
			rank2Upper(got, v1, v2, n)
			for i := 0; i < n; i++ {
				same("rank2Upper", got[i*n+i:i*n+n], want[i*n+i:i*n+n])
			}
		}

		// rowDots against one dot product at a time (c_ij = f a_i . b_j summed over k in
		// order, mirrored); gramRows (b = a) and symMul (a square, b symmetric) the same, through
		// the transposed kernel where it applies.
		{
			dots := func(a, b []float64, r, m int, f float64) []float64 {
				c := make([]float64, r*r)
				for i := 0; i < r; i++ {
					for j := i; j < r; j++ {
						var s float64
						for k := 0; k < m; k++ {
							s += a[i*m+k] * b[j*m+k]
						}
						c[i*r+j], c[j*r+i] = f*s, f*s
					}
				}
				return c
			}
			b := rnd(r * m)
			for _, f := range []float64{1, 0.37} {
				got := rnd(r * r)
				rowDots(got, a, b, r, m, f)
				same("rowDots", got, dots(a, b, r, m, f))
				got = rnd(r * r)
				gramRows(got, a, make([]float64, m*r), r, m, f)
				same("gramRows", got, dots(a, a, r, m, f))
			}
			sa, sb := rnd(r*r), rnd(r*r)
			for i := 0; i < r; i++ {
				for j := 0; j < i; j++ {
					sb[i*r+j] = sb[j*r+i]
				}
			}
			got := rnd(r * r)
			symMul(got, sa, sb, r)
			same("symMul", got, dots(sa, sb, r, r, 1))
		}

		// combRows and mulRows against axpy row by row.
		b := rnd(r * m)
		for _, f := range []float64{1, -1, 0.37} {
			for i := 0; i < r; i++ {
				c := a[i*m : i*m+min(m, r)]
				d0 := rnd(m)
				w := append([]float64(nil), d0...)
				for l, cl := range c {
					axpy(w, f*cl, b[l*m:l*m+m])
				}
				combRows(d0, f, c, b, m)
				same("combRows", d0, w)
			}
			// combRows2 against combRows on each of its two rows.
			for i := 0; i+1 < r; i++ {
				c1, c2 := a[i*m:i*m+min(m, r)], a[(i+1)*m:(i+1)*m+min(m, r)]
				d1, d2 := rnd(m), rnd(m)
				w1, w2 := append([]float64(nil), d1...), append([]float64(nil), d2...)
				combRows(w1, f, c1, b, m)
				combRows(w2, f, c2, b, m)
				combRows2(d1, d2, f, c1, c2, b, m)
				same("combRows2 first row", d1, w1)
				same("combRows2 second row", d2, w2)
			}
		}
		k := min(r, m)
		mr := make([]float64, r*m)
		mulRows(mr, a, b, r, k, m) // a as r x k (stride k), b as k x m
		wm := make([]float64, r*m)
		for i := 0; i < r; i++ {
			for l, v := range a[i*k : i*k+k] {
				axpy(wm[i*m:i*m+m], v, b[l*m:l*m+m])
			}
		}
		same("mulRows", mr, wm)
	}
	// The perturber's r (1 + Y) on the loops: r + mulRows(r, Y), Y = Q^T, against
	// r_ki + dot(row k of r, row i of Q), the loop it replaced.
	for _, n := range []int{10, 9, 2, 1} {
		rm, qm := rnd(n*n), rnd(n*n)
		got := make([]float64, n*n)
		mulRows(got, rm, transposed(qm, n), n, n, n)
		for i, v := range rm {
			got[i] = v + got[i]
		}
		want := make([]float64, n*n)
		for k := 0; k < n; k++ {
			for i := 0; i < n; i++ {
				want[k*n+i] = rm[k*n+i] + dot(rm[k*n:k*n+n], qm[i*n:i*n+n])
			}
		}
		same("r + r Y", got, want)
	}
	// orthonormalise against modified Gram-Schmidt on the columns in place.
	for _, n := range []int{10, 7, 1} {
		v := rnd(n * n)
		want := append([]float64(nil), v...)
		col := make([]float64, n)
		for j := 0; j < n; j++ {
			for k := 0; k < n; k++ {
				col[k] = want[k*n+j]
			}
			for i := 0; i < j; i++ {
				var d float64
				for k := 0; k < n; k++ {
					d += want[k*n+i] * col[k]
				}
				for k := 0; k < n; k++ {
					col[k] -= d * want[k*n+i]
				}
			}
			nr := 1 / math.Sqrt(dot(col, col))
			for k := 0; k < n; k++ {
				want[k*n+j] = col[k] * nr
			}
		}
		orthonormalise(v, n, make([]float64, n*n))
		same("orthonormalise", v, want)
	}
	// rotate: every pair of a symmetric 10 x 10 matrix in turn (a sweep), against the column
	// pass then the row pass over whole columns and rows.
	const n = 10
	bm := make([]float64, n*n)
	g := rnd(n * n)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			bm[i*n+j], bm[j*n+i] = g[i*n+j], g[i*n+j]
		}
	}
	b2 := append([]float64(nil), bm...)
	v, v2 := make([]float64, n*n), make([]float64, n*n)
	for i := 0; i < n; i++ {
		v[i*n+i], v2[i*n+i] = 1, 1
	}
	for p := 0; p < n; p++ {
		for q := p + 1; q < n; q++ {
			c, s := rotate(bm, v, n, p, q)
			// reference
			bpq := b2[p*n+q]
			theta := (b2[q*n+q] - b2[p*n+p]) / (2 * bpq)
			tt := 1 / (math.Abs(theta) + math.Sqrt(theta*theta+1))
			if theta < 0 {
				tt = -tt
			}
			c2 := 1 / math.Sqrt(tt*tt+1)
			s2 := tt * c2
			for k := 0; k < n; k++ {
				bkp, bkq := b2[k*n+p], b2[k*n+q]
				b2[k*n+p] = c2*bkp - s2*bkq
				b2[k*n+q] = s2*bkp + c2*bkq
			}
			for k := 0; k < n; k++ {
				bpk, bqk := b2[p*n+k], b2[q*n+k]
				b2[p*n+k] = c2*bpk - s2*bqk
				b2[q*n+k] = s2*bpk + c2*bqk
			}
			b2[p*n+q], b2[q*n+p] = 0, 0
			for k := 0; k < n; k++ {
				vkp, vkq := v2[k*n+p], v2[k*n+q]
				v2[k*n+p] = c2*vkp - s2*vkq
				v2[k*n+q] = s2*vkp + c2*vkq
			}
			if c != c2 || s != s2 {
				t.Fatalf("rotate (%d, %d): c, s = %v, %v, want %v, %v", p, q, c, s, c2, s2)
			}
			same("rotate b", bm, b2)
			same("rotate v", v, v2)
		}
	}
}

// transposed returns the transpose of the n x n matrix a.
func transposed(a []float64, n int) []float64 {
	t := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			t[j*n+i] = a[i*n+j]
		}
	}
	return t
}
