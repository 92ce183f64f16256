package rmt_test

import (
	"fmt"

	"fpsolve/rmt"
)

func ExampleRatioErr() {
	// The relative slope B/A of a fitted line y = A + B x, with the covariance of A and B.
	f, _ := rmt.FitLine([]float64{0, 1, 2, 3}, []float64{2.1, 2.9, 4.2, 4.8}, []float64{0.1, 0.1, 0.1, 0.1})
	r, e := rmt.RatioErr(f.B, f.A, f.BErr, f.AErr, f.Cov)
	fmt.Printf("A = %.3f +- %.3f, B = %.3f +- %.3f, B/A = %.4f +- %.4f\n", f.A, f.AErr, f.B, f.BErr, r, e)
	// Output: A = 2.090 +- 0.084, B = 0.940 +- 0.045, B/A = 0.4498 +- 0.0374
}

func ExampleFitRelativeLine() {
	// A scaling law with its leading correction, y = a (1 - b x), a = 2, b = 5.
	x := []float64{0.01, 0.02, 0.04, 0.08}
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = 2 * (1 - 5*v)
	}
	f, _ := rmt.FitRelativeLine(x, y, []float64{0.01, 0.01, 0.01, 0.01})
	fmt.Printf("a = %.4f +- %.4f, b = %.4f +- %.4f, dof %d\n", f.A, f.AErr, f.B, f.BErr, f.Dof)
	// Output: a = 2.0000 +- 0.0086, b = 5.0000 +- 0.0768, dof 2
}

func ExampleKSGrid() {
	// Points at the quantiles (k - 1/2)/n of a uniform density on [0, 1], here on 10 equal
	// cells: the distance is 1/(2n).
	sample := []float64{0.1, 0.3, 0.5, 0.7, 0.9}
	dens := []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}
	fmt.Printf("%.4f\n", rmt.KSGrid(sample, []float64{0, 1}, dens))
	// Output: 0.1000
}

func ExampleJackknifeMean() {
	m, e := rmt.JackknifeMean([]float64{1.2, 0.9, 1.1, 1.4, 0.8, 1.0})
	fmt.Printf("%.4f +- %.4f\n", m, e)
	// Output: 1.0667 +- 0.0882
}

func ExampleKDE() {
	f := rmt.KDE([]float64{-1, 1}, 0.5)
	fmt.Printf("f(0) = %.4f, f(1) = %.4f\n", f(0), f(1))
	// Output: f(0) = 0.1080, f(1) = 0.3991
}

func ExampleCompareMoments() {
	sample := []float64{0.9, 1.1, 1.0, 1.2, 0.8, 1.0, 1.05, 0.95}
	m := rmt.SampleMoments(sample)
	pull, rel := rmt.CompareMoments(m, len(sample), 1.1, 0.02)
	fmt.Printf("mean %.4f, var %.5f: pull %.2f, variance off by %.0f%%\n", m.Mean, m.Var, pull, 100*rel)
	// Output: mean 1.0000, var 0.01312: pull 2.47, variance off by 52%
}
