package rmt_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"fpsolve/rmt"
)

func ExampleWignerSurmise() {
	// Two degenerate modes with g^2 = 0.01 in a well of curvature Omega = 0.16: sigma^2 = g^2/Omega.
	sigma := math.Sqrt(0.01 / 0.16)
	fmt.Printf("<S> = %.4f\n", rmt.MeanSpacing(sigma))
	fmt.Printf("P(<S>) = %.4f, F(<S>) = %.4f\n", rmt.WignerSurmise(rmt.MeanSpacing(sigma), sigma), rmt.WignerCDF(rmt.MeanSpacing(sigma), sigma))
	fmt.Printf("unit form at s = 1: %.4f = <S> P(<S>)\n", rmt.WignerSurmiseUnit(1))
	// Output:
	// <S> = 0.4431
	// P(<S>) = 1.6163, F(<S>) = 0.5441
	// unit form at s = 1: 0.7162 = <S> P(<S>)
}

func ExampleTwoModeDensity() {
	// Tabulate rho on cells of width sigma/10 and take its moments.
	const c, sigma = 4, 0.25
	dx := sigma / 10
	var x, p []float64
	for v := c - 10*sigma + dx/2; v < c+10*sigma; v += dx {
		x = append(x, v)
		p = append(p, rmt.TwoModeDensity(v-c, sigma))
	}
	m := rmt.GridMoments(x, p, dx)
	fmt.Printf("mass %.6f, mean %.6f, var/sigma^2 %.6f, Binder %.6f (-4/27 = %.6f)\n",
		m.Mass, m.Mean, m.Var/(sigma*sigma), m.Binder, rmt.TwoModeBinder)
	fmt.Printf("rho(0) = %.4f = 1/(2 sqrt(pi) sigma)\n", rmt.TwoModeDensity(0, sigma))
	// Output:
	// mass 1.000000, mean 4.000000, var/sigma^2 1.500000, Binder -0.148148 (-4/27 = -0.148148)
	// rho(0) = 1.1284 = 1/(2 sqrt(pi) sigma)
}

func ExampleSampleTwoMode() {
	rng := rand.New(rand.NewPCG(2, 2))
	var xs []float64
	for range 20000 {
		lo, hi := rmt.SampleTwoMode(rng, 0, 1)
		xs = append(xs, lo, hi)
	}
	// Keep both eigenvalues of a run in one block: 50 blocks of 800 points.
	b, e := rmt.Jackknife(xs, 50, rmt.Binder)
	fmt.Printf("Binder %.3f +- %.3f (exact %.3f)\n", b, e, rmt.TwoModeBinder)
	// Output:
	// Binder -0.147 +- 0.006 (exact -0.148)
}

func ExampleMarchenkoPastur() {
	// W is 400 x 200 with N(0, 0.01) entries: X = W^T W has eigenvalues on [x-, x+].
	const rows, r, s2 = 400, 0.5, 0.01
	lo, hi := rmt.MarchenkoPasturEdges(r, s2, rows)
	fmt.Printf("x- = %.4f, x+ = %.4f\n", lo, hi)
	fmt.Printf("P(M s2) = %.4f, F(M s2) = %.4f\n", rmt.MarchenkoPastur(rows*s2, r, s2, rows), rmt.MarchenkoPasturCDF(rows*s2, r, s2, rows))
	// Output:
	// x- = 0.3431, x+ = 11.6569
	// P(M s2) = 0.1053, F(M s2) = 0.5760
}

func ExampleHistogram() {
	h := rmt.NewHistogram(0, 1, 4)
	h.Fill([]float64{0.1, 0.2, 0.3, 0.6, 1, 1.5, -0.2}) // 1 = hi goes to the last bin
	fmt.Println("centres:", h.Centers())
	fmt.Println("counts:", h.Counts, "under:", h.Under, "over:", h.Over)
	// 5 of 7 points are inside, so the density integrates to 5/7.
	fmt.Printf("density: %.4f\n", h.Density())
	// Output:
	// centres: [0.125 0.375 0.625 0.875]
	// counts: [2 1 1 1] under: 1 over: 1
	// density: [1.1429 0.5714 0.5714 0.5714]
}

func ExampleKSDistance() {
	rng := rand.New(rand.NewPCG(5, 4))
	s := make([]float64, 1000)
	for i := range s {
		s[i] = rmt.WignerQuantile(rng.Float64(), 1) // exact Wigner spacings
	}
	d := rmt.KSDistance(s, func(x float64) float64 { return rmt.WignerCDF(x, 1) })
	fmt.Printf("D = %.4f, p = %.2f\n", d, rmt.KSPValue(d, float64(len(s))))
	// Output:
	// D = 0.0280, p = 0.41
}

func ExampleFitProportional() {
	// Mean spacings <S> measured at three values of sqrt((alpha/|B|)(mu^2 - kappa)).
	x := []float64{0.1, 0.2, 0.3}
	S := []float64{0.178, 0.352, 0.535}
	dS := []float64{0.005, 0.008, 0.012}
	f, err := rmt.FitProportional(x, S, dS)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("a_fit = %.3f +- %.3f, chi2/dof = %.2f/%d\n", f.Slope, f.SlopeErr, f.Chi2, f.Dof)
	// Output:
	// a_fit = 1.774 +- 0.025, chi2/dof = 0.19/2
}

func ExampleFitLine() {
	f, err := rmt.FitLine([]float64{0, 1, 2, 3}, []float64{1.1, 2.9, 5.2, 6.8}, []float64{0.2, 0.2, 0.2, 0.2})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("y = (%.2f +- %.2f) + (%.2f +- %.2f) x, chi2 = %.2f for %d dof\n", f.A, f.AErr, f.B, f.BErr, f.Chi2, f.Dof)
	// Output:
	// y = (1.09 +- 0.17) + (1.94 +- 0.09) x, chi2 = 2.05 for 2 dof
}

func ExampleFitTwoModeDensity() {
	rng := rand.New(rand.NewPCG(4, 6))
	var xs []float64
	for range 2000 {
		lo, hi := rmt.SampleTwoMode(rng, 4, 0.25)
		xs = append(xs, lo, hi)
	}
	f, err := rmt.FitTwoModeDensity(xs)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("c = %.3f +- %.3f, sigma = %.3f +- %.3f\n", f.C, f.CErr, f.Sigma, f.SigmaErr)
	// Output:
	// c = 4.000 +- 0.005, sigma = 0.251 +- 0.002
}

func ExampleJackknife() {
	xs := []float64{1.2, 0.7, 1.9, 1.1, 0.4, 1.6, 0.9, 1.3}
	mean := func(v []float64) float64 { return rmt.SampleMoments(v).Mean }
	est, e := rmt.Jackknife(xs, 4, mean)
	fmt.Printf("%.4f +- %.4f\n", est, e)
	// Output:
	// 1.1375 +- 0.1248
}
