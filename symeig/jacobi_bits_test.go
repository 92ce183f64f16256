package symeig

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// jacobiTwoPass is jacobi as it was written before the mirrored update: every rotation
// updates the whole of columns p, q, then the whole of rows p, q. It is kept as the reference
// of TestJacobiBits.
func jacobiTwoPass(a, v []float64, n int) {
	for sweep := 0; sweep < 100; sweep++ {
		var off, diag float64
		for i := 0; i < n; i++ {
			diag += a[i*n+i] * a[i*n+i]
			for j := i + 1; j < n; j++ {
				off += a[i*n+j] * a[i*n+j]
			}
		}
		if off <= 1e-30*diag || off == 0 {
			return
		}
		for p := 0; p < n; p++ {
			for q := p + 1; q < n; q++ {
				apq := a[p*n+q]
				if apq == 0 {
					continue
				}
				theta := (a[q*n+q] - a[p*n+p]) / (2 * apq)
				t := 1 / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				if theta < 0 {
					t = -t
				}
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := 0; k < n; k++ {
					akp, akq := a[k*n+p], a[k*n+q]
					a[k*n+p] = c*akp - s*akq
					a[k*n+q] = s*akp + c*akq
				}
				for k := 0; k < n; k++ {
					apk, aqk := a[p*n+k], a[q*n+k]
					a[p*n+k] = c*apk - s*aqk
					a[q*n+k] = s*apk + c*aqk
				}
				a[p*n+q], a[q*n+p] = 0, 0
				for k := 0; k < n; k++ {
					vkp, vkq := v[k*n+p], v[k*n+q]
					v[k*n+p] = c*vkp - s*vkq
					v[k*n+q] = s*vkp + c*vkq
				}
			}
		}
	}
}

// TestJacobiBits: the mirrored rotation gives the two-pass rotation's matrix and vectors to the
// bit, on random matrices (cold, from the identity) and on nearly diagonal ones (a warm start:
// a diagonal plus 1e-3 of a random symmetric matrix), n = 2..12, including a repeated diagonal
// (exactly degenerate levels) and a matrix with exact zeros off the diagonal.
func TestJacobiBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for n := 2; n <= 12; n++ {
		for trial := 0; trial < 40; trial++ {
			a := randomSym(rng, n)
			switch trial % 4 {
			case 1: // nearly diagonal
				for i := 0; i < n; i++ {
					for j := 0; j < n; j++ {
						if i != j {
							a[i*n+j] *= 1e-3
						} else {
							a[i*n+j] = float64(i) + 0.1*a[i*n+j]
						}
					}
				}
			case 2: // a repeated diagonal, small couplings
				for i := 0; i < n; i++ {
					for j := 0; j < n; j++ {
						if i == j {
							a[i*n+j] = float64(i / 2)
						} else {
							a[i*n+j] *= 1e-6
						}
					}
				}
			case 3: // exact zeros off the diagonal
				for i := 0; i < n; i++ {
					for j := i + 1; j < n; j++ {
						if (i+j)%3 == 0 {
							a[i*n+j], a[j*n+i] = 0, 0
						}
					}
				}
			}
			v := make([]float64, n*n)
			for i := 0; i < n; i++ {
				v[i*n+i] = 1
			}
			a2, v2 := slices.Clone(a), slices.Clone(v)
			jacobi(a, v, n)
			jacobiTwoPass(a2, v2, n)
			for i := range a {
				if math.Float64bits(a[i]) != math.Float64bits(a2[i]) || math.Float64bits(v[i]) != math.Float64bits(v2[i]) {
					t.Fatalf("n = %d, trial %d: entry %d: a %v against %v, v %v against %v", n, trial, i, a[i], a2[i], v[i], v2[i])
				}
			}
		}
	}
}

// BenchmarkWarm10: Solve on a 10 x 10 matrix that changes by 1e-2 of a random symmetric matrix
// between calls (a few sweeps from the previous basis).
func BenchmarkWarm10(b *testing.B) {
	const n = 10
	rng := rand.New(rand.NewPCG(3, 4))
	base := randomSym(rng, n)
	d := randomSym(rng, n)
	e := NewWarm(n)
	w := make([]float64, n)
	x := make([]float64, n*n)
	for i := 0; b.Loop(); i++ {
		f := 1e-2 * float64(i%2)
		for k := range x {
			x[k] = base[k] + f*d[k]
		}
		e.Solve(w, x)
	}
}
