package fokkerplanck_test

import (
	"fmt"
	"math"

	"fpsolve/fokkerplanck"
	"fpsolve/model"
)

// Five Coulomb-coupled modes, two degenerate pairs among them (equal kappa): each pair is one
// exact grid, the clusters coupled by the mean field.
func ExamplePartition() {
	m := model.Mode{Drift: model.Harmonic{Omega: 1}, G2: 0.1}
	sys := model.System{Coulomb: true, Modes: []model.Mode{m, m, m, m, m}}
	kappa := []float64{0.5, 1.5, 1.5, 3.5, 3.5}
	cl := fokkerplanck.Partition(sys, kappa)
	fmt.Println(cl, fokkerplanck.RelabelClusters(cl, []int{4, 3, 2, 1, 0}))
	// Output: [[0] [1 2] [3 4]] [[4] [3 2] [1 0]]
}

// Two independent modes with the same Gaussian marginal of width s: their difference is
// Gaussian of width sqrt(2) s, so <S> = 2 s/sqrt(pi).
func ExampleProductSpacing() {
	const s = 0.1
	axis := fokkerplanck.Axis{Lo: -1, Hi: 1, N: 800}
	p := make([]float64, axis.N)
	for i := range p {
		x := axis.Centre(i)
		p[i] = math.Exp(-x*x/(2*s*s)) / (s * math.Sqrt(2*math.Pi))
	}
	sd := fokkerplanck.ProductSpacing(p, p, axis)
	var mass float64
	for _, v := range sd.Density {
		mass += v * sd.Width
	}
	fmt.Printf("<S> sqrt(pi)/(2 s) = %.4f, mass %.6f on %d bins\n", sd.Mean*math.Sqrt(math.Pi)/(2*s), mass, len(sd.Density))
	// Output: <S> sqrt(pi)/(2 s) = 1.0000, mass 1.000000 on 800 bins
}
