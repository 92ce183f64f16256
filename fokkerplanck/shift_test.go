package fokkerplanck

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestBernSeries checks the Bernoulli series B(+-z) = 1 +- z/2 + bernEven(z^2) on |z| < 1/2
// against bernPair (expm1 and a division). Each is within about 2 ulps of the exact value (at
// z = 0.3558 the series is 1 ulp above and bernPair 2 below the 40-digit value), so they must
// agree to 8e-16 relative, under 4 ulps.
func TestBernSeries(t *testing.T) {
	t.Parallel()
	// z/(e^z - 1) to 25 digits (mpmath, 40-digit arithmetic): within 2 ulps.
	for _, c := range []struct{ z, b float64 }{
		{0.25, 0.8802029160469496160587208}, {-0.25, 1.130202916046949616058721},
		{0.49, 0.7749287216364276052275479}, {-0.49, 1.264928721636427605227548},
		{1e-6, 0.9999995000000833333333333},
	} {
		if got := 1 + bernEven(c.z*c.z) - c.z/2; math.Abs(got-c.b) > 4.5e-16*c.b {
			t.Errorf("B(%g) = %v by the series, want %v", c.z, got, c.b)
		}
	}
	for i := 0; i < 5000; i++ {
		z := 0.5 * float64(i) / 5000
		if i%7 == 0 {
			z = math.Pow(10, -12+11*float64(i)/5000) // small arguments
		}
		for _, z := range []float64{z, -z} {
			wantP, wantM := bernPair(z)
			ev := 1 + bernEven(z*z)
			if gotP, gotM := ev-z/2, ev+z/2; math.Abs(gotP-wantP) > 8e-16*wantP || math.Abs(gotM-wantM) > 8e-16*wantM {
				t.Fatalf("B(%g), B(%g): series %v, %v, bernPair %v, %v", z, -z, gotP, gotM, wantP, wantM)
			}
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
			// The factorisations made from the implicit weights (factorFor right after the
			// remake) against those of the per-cell weights: the same tolerance per row, as
			// each factor is a rational function of a few weights of size bounded by the
			// pivots (diagonal dominance), relative to the row's largest entry.
			for k := 0; k < d; k++ {
				fa, fb := a.factorFor(k, 0.3), b.factorFor(k, 0.3)
				a.factorAll(fa)
				b.factorAll(fb)
				ls := &op.lines[k]
				for m := range fa.q {
					tol := 16 * 0x1p-52 * (math.Abs(b.phi[ls.cell(m)]) + 1)
					if m > 0 {
						tol += 16 * 0x1p-52 * math.Abs(b.phi[ls.cell(m-1)])
					}
					if m+1 < len(fa.q) {
						tol += 16 * 0x1p-52 * math.Abs(b.phi[ls.cell(m+1)])
					}
					x, y := fa.q[m], fb.q[m]
					scale := math.Max(math.Max(math.Abs(y.vinv), math.Abs(y.ai)), math.Max(math.Abs(y.cp), math.Abs(y.dd)))
					for _, pr := range [][2]float64{{x.vinv, y.vinv}, {x.ai, y.ai}, {x.cp, y.cp}, {x.dd, y.dd}} {
						if math.Abs(pr[0]-pr[1]) > tol*scale {
							t.Fatalf("d=%d %s axis %d row %d: factor %+v, per-cell %+v", d, kind, k, m, x, y)
						}
					}
				}
			}
			a.weights()
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

// TestMarginals compares the one-pass marginals of all modes with Marginal mode by mode on
// chambers and full grids of one to three modes: the same sums grouped differently, so equal to
// 1e-14 of the largest value (a few ulps times the number of cells on a line).
func TestMarginals(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		d, n    int
		coulomb bool
	}{{1, 50, false}, {2, 30, true}, {2, 20, false}, {3, 12, true}, {3, 7, false}} {
		axes := make([]Axis, c.d)
		for k := range axes {
			axes[k] = Axis{Lo: 0, Hi: 9, N: c.n}
		}
		op, err := NewOperator(benchSystem(c.d, c.coulomb), axes)
		if err != nil {
			t.Fatal(err)
		}
		p, err := op.Initial(func(x []float64) float64 {
			v := 1.0
			for k, xv := range x {
				v *= math.Exp(-(xv - 1 - 2*float64(k)) * (xv - 1 - 2*float64(k)) / 2)
			}
			return v
		})
		if err != nil {
			t.Fatal(err)
		}
		got := make([][]float64, c.d)
		for k := range got {
			got[k] = make([]float64, c.n)
		}
		op.marginals(p, got)
		for k := 0; k < c.d; k++ {
			want := op.Marginal(p, k, nil)
			var big float64
			for _, v := range want {
				big = math.Max(big, v)
			}
			for i := range want {
				if math.Abs(got[k][i]-want[i]) > 1e-14*big {
					t.Errorf("d=%d coulomb=%v mode %d cell %d: %v, Marginal %v", c.d, c.coulomb, k, i, got[k][i], want[i])
				}
			}
		}
	}
}

// TestShiftTolMatches checks that setShiftTol keeps or remakes the weights exactly when
// SetPotentialTol does for the summed cell potential (the same criterion on the same cells), for
// random changes of the shifts around the tolerance on chambers of one to three modes.
func TestShiftTolMatches(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, d := range []int{1, 2, 3} {
		n := []int{0, 200, 50, 20}[d]
		axes := make([]Axis, d)
		for k := range axes {
			axes[k] = Axis{Lo: 0, Hi: 9, N: n}
		}
		op, err := NewOperator(benchSystem(d, true), axes)
		if err != nil {
			t.Fatal(err)
		}
		p, err := op.Initial(func(x []float64) float64 {
			v := 1.0
			for k, xv := range x {
				v *= math.Exp(-(xv - 2 - float64(k)) * (xv - 2 - float64(k)) / 0.5)
			}
			return v
		})
		if err != nil {
			t.Fatal(err)
		}
		psi := make([][]float64, d)
		for k := range psi {
			psi[k] = make([]float64, n)
		}
		a, b := NewSolver(op, TRBDF2), NewSolver(op, TRBDF2)
		a.setShiftTol(psi, p, -1)
		b.SetPotential(shiftedPotential(op, psi))
		var kept, remade int
		for trial := 0; trial < 60; trial++ {
			amp := 1e-3 * math.Pow(10, rng.Float64()*1.2-0.6)
			for k := range psi {
				for i := range psi[k] {
					psi[k][i] += amp * (2*rng.Float64() - 1) / float64(d)
				}
			}
			ra := a.setShiftTol(psi, p, 1e-3)
			rb := b.SetPotentialTol(shiftedPotential(op, psi), p, 1e-3)
			if ra != rb {
				t.Fatalf("d=%d trial %d: setShiftTol remade %v, SetPotentialTol %v", d, trial, ra, rb)
			}
			if ra {
				remade++
			} else {
				kept++
			}
		}
		if kept == 0 || remade == 0 {
			t.Errorf("d=%d: %d kept, %d remade: the trials miss one side of the tolerance", d, kept, remade)
		}
	}
}
