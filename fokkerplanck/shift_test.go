package fokkerplanck

import (
	"math"
	"testing"
)

// TestBernMinus checks the Bernoulli series of B(-a) on [0, 1/2) against bernPair (expm1 and a
// division; both are accurate to a few ulps, so they must agree to 4e-16 relative) and at
// a = 1/2 - 0 against the closed form a/(1-e^-a).
func TestBernMinus(t *testing.T) {
	t.Parallel()
	for i := 0; i < 5000; i++ {
		a := 0.5 * float64(i) / 5000
		if i%7 == 0 {
			a = math.Pow(10, -12+11*float64(i)/5000) // small arguments
		}
		_, want := bernPair(a)
		if got := bernMinus(a); math.Abs(got-want) > 4e-16*want {
			t.Fatalf("B(-%g): series %v, bernPair %v", a, got, want)
		}
	}
}

// shiftedPotential returns Phi_op[c] + sum_k psi[k][i_k(c)] summed in the order Clustered
// summed it per cell.
func shiftedPotential(op *Operator, psi [][]float64) []float64 {
	phi := make([]float64, op.Len())
	d := op.dim
	for c := range phi {
		v := op.phi[c]
		for k := 0; k < d; k++ {
			v += psi[k][op.mi[c*d+k]]
		}
		phi[c] = v
	}
	return phi
}

// TestShiftWeights compares the weights made from separable shifts (setShiftTol) with bernPair
// of the summed cell potential (SetPotential) on chambers of one to three modes, for shifts of
// a Coulomb-like size, steep ones (past maxShiftArg, the bernPair fallback) and zero. The two
// differ by the product form of exp(-|z|) (a few ulps) and by the rounding of the summed
// potential: z carries an absolute error of a few ulps of |Phi_a| + |Phi_b| (|Phi| reaches 1e4
// at the walls), and d log B/dz lies in [-1, 0], so the relative weight error is at most that
// error; the bound is 8 ulps of (|Phi_a| + |Phi_b| + 1), relative, plus 1e-300 absolute.
func TestShiftWeights(t *testing.T) {
	t.Parallel()
	for _, d := range []int{1, 2, 3} {
		n := []int{0, 300, 60, 24}[d]
		axes := make([]Axis, d)
		for k := range axes {
			axes[k] = Axis{Lo: 0, Hi: 9, N: n}
		}
		op, err := NewOperator(benchSystem(d, true), axes)
		if err != nil {
			t.Fatal(err)
		}
		for _, kind := range []string{"smooth", "steep", "zero"} {
			psi := make([][]float64, d)
			for k := range psi {
				psi[k] = make([]float64, n)
				for i := range psi[k] {
					x := axes[k].Centre(i)
					switch kind {
					case "smooth":
						psi[k][i] = -3*math.Log(math.Abs(x-2.5-float64(k))+0.05) + 0.7*x
					case "steep":
						psi[k][i] = 400 * x * x * float64(i%3)
					}
				}
			}
			a := NewSolver(op, TRBDF2)
			b := NewSolver(op, TRBDF2)
			if !a.setShiftTol(psi, op.Stationary(), -1) {
				t.Fatal("setShiftTol with tol < 0 kept the weights")
			}
			b.SetPotential(shiftedPotential(op, psi))
			for k := 0; k < d; k++ {
				ls := &op.lines[k]
				for m := range ls.tf {
					if ls.tf[m] == 0 {
						continue
					}
					tol := 8 * 0x1p-52 * (math.Abs(b.phi[ls.cell(m)]) + math.Abs(b.phi[ls.cell(m+1)]) + 1)
					for _, w := range [][2][]float64{{a.ax[k].wf, b.ax[k].wf}, {a.ax[k].wb, b.ax[k].wb}} {
						if diff := math.Abs(w[0][m] - w[1][m]); diff > tol*w[1][m]+1e-300 {
							t.Fatalf("d=%d %s axis %d position %d: weight %v, per-cell %v", d, kind, k, m, w[0][m], w[1][m])
						}
					}
				}
			}
		}
	}
}
