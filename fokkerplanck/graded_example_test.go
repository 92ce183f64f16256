package fokkerplanck_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"fpsolve/fokkerplanck"
	"fpsolve/hamiltonian"
	"fpsolve/model"
)

// A growing mode with multiplicative noise near a wall (the lowest eigenvalue of W^T W): the
// CIR process D1 = b + a x, D2 = c x from x0 = 1e-4 to t = 60. On a uniform axis of [0, 9]
// the whole run sits in the first cells; an axis graded from h0 = 1e-7 follows it, and its
// mean approaches the exact x0 e^{at} + (b/a)(e^{at} - 1) at second order in ratio - 1.
func ExampleNewGradedAxis() {
	const a, b, c, x0, t1 = 0.05, 2e-5, 1e-5, 1e-4, 60.0
	// A table with linear D1 and D2 is the CIR process (nodes from 1e-12: D2 must be positive).
	var x, d1, d2 []float64
	for k := 0; k <= 120; k++ {
		xv := 1e-12 * math.Pow(9/1e-12, float64(k)/120)
		x, d1, d2 = append(x, xv), append(d1, b+a*xv), append(d2, c*xv)
	}
	x[120] = 9
	d1[120], d2[120] = b+a*9, c*9
	tb, err := model.NewTable(x, d1, d2)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := tb.SetDomain(0, 9); err != nil {
		fmt.Println(err)
		return
	}
	sys := model.System{Modes: []model.Mode{{Drift: tb}}}
	exact := x0*math.Exp(a*t1) + b/a*(math.Exp(a*t1)-1)

	uniform := fokkerplanck.Axis{Lo: 0, Hi: 9, N: 450}
	graded, err := fokkerplanck.NewGradedAxis(0, 9, 1200, 1e-7, 1.025)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ax := range []fokkerplanck.Axis{uniform, graded} {
		op, err := fokkerplanck.NewOperator(sys, []fokkerplanck.Axis{ax})
		if err != nil {
			fmt.Println(err)
			return
		}
		p := make([]float64, op.Len())
		i := 0
		for ax.Edge(i+1) <= x0 {
			i++
		}
		p[i] = 1 / ax.CellWidth(i) // all mass in the cell holding x0
		if err := fokkerplanck.NewSolver(op, fokkerplanck.TRBDF2).Evolve(p, t1, 0.1); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("graded %-5v first cell %.0e: mean %.5f (exact %.5f)\n", ax.Graded(), ax.CellWidth(0), op.ModeMoments(p, 0).Mean, exact)
	}
	// Output:
	// graded false first cell 2e-02: mean 0.39470 (exact 0.00964)
	// graded true  first cell 1e-07: mean 0.00974 (exact 0.00964)
}

// TestFDRefusesGraded: hamiltonian.FD discretises a uniform axis only and must refuse a graded
// one with an error naming the cause.
func TestFDRefusesGraded(t *testing.T) {
	t.Parallel()
	ax, err := fokkerplanck.NewGradedAxis(0, 9, 300, 1e-4, 1.1)
	if err != nil {
		t.Fatal(err)
	}
	mode := model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.01}
	if _, err := hamiltonian.FD(mode, ax); err == nil || !strings.Contains(err.Error(), "graded") {
		t.Errorf("FD on a graded axis: error %v, want a refusal naming the graded axis", err)
	}
	if _, err := hamiltonian.FD(mode, fokkerplanck.Axis{Lo: 0, Hi: 9, N: 300}); err != nil {
		t.Errorf("FD on the uniform axis: %v", err)
	}
}
