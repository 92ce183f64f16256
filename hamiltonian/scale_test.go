package hamiltonian

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/james-bowman/sparse"

	"fpsolve/fokkerplanck"
	"fpsolve/model"
)

func TestDiagonalScale(t *testing.T) {
	t.Parallel()
	diag := func(v ...float64) *sparse.CSR {
		m := sparse.NewDOK(len(v), len(v))
		for i, x := range v {
			m.Set(i, i, x)
			if i > 0 {
				m.Set(i, i-1, 100) // off-diagonal entries do not count
			}
		}
		return m.ToCSR()
	}
	cases := []struct {
		name string
		h    *sparse.CSR
		want float64
	}{
		{"odd", diag(-3, 1, 2, -5, 4), 3},
		{"even: the upper median", diag(1, -2, 3, 4), 3},
		{"one", diag(-7), 7},
	}
	for _, c := range cases {
		if got := DiagonalScale(c.h); got != c.want {
			t.Errorf("%s: %g, want %g", c.name, got, c.want)
		}
	}
	// The finite-difference H_FP of an Ornstein-Uhlenbeck mode (Omega = 2, g^2 = 1, K = -2x):
	// row i is (1/2)(g/h + z_+)^2 + (1/2)(g/h - z_-)^2 with z = K/(4g) = -x/2 at the cell's faces,
	// g^2/h^2 - 1/2 + x_i^2/4 + h^2/16. The median |x_i| of the grid on [-6, 6] is 3 to within
	// two cells (h = 0.006), so the scale is 1/h^2 + 7/4 within 3 (2h)/2 = 0.018.
	ax := fokkerplanck.Axis{Lo: -6, Hi: 6, N: 2001}
	h, err := FD(model.Mode{Drift: model.Harmonic{Omega: 2}, G2: 1}, ax)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := DiagonalScale(h), 1/(ax.Width()*ax.Width())+1.75; math.Abs(got-want) > 0.018 {
		t.Errorf("OU: %.9g, want %.9g", got, want)
	}
}

// TestSelectRank: selectRank returns what sorting puts at every rank, with and without ties
// (exact: it only compares and moves the values).
func TestSelectRank(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 2, 3, 7, 100, 1001} {
		for _, ties := range []bool{false, true} {
			d := make([]float64, n)
			for i := range d {
				d[i] = rnd.Float64()
				if ties {
					d[i] = float64(rnd.IntN(4))
				}
			}
			s := append([]float64(nil), d...)
			sort.Float64s(s)
			for r := 0; r < n; r++ {
				if got := selectRank(append([]float64(nil), d...), r); got != s[r] {
					t.Fatalf("n = %d ties %v: rank %d = %v, sorted %v", n, ties, r, got, s[r])
				}
			}
		}
	}
}
