package rmt

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
)

// integrate returns the Gauss-Legendre quadrature of f on [a, b] with n nodes.
func integrate(f func(float64) float64, a, b float64, n int) float64 {
	return quad.Fixed(f, a, b, n, quad.Legendre{}, 0)
}

// momentsByQuadrature returns the mass, mean, central second moment and Binder cumulant of the
// density f on [a, b] by Gauss-Legendre quadrature with n nodes.
func momentsByQuadrature(f func(float64) float64, a, b float64, n int) Moments {
	mass := integrate(f, a, b, n)
	mean := integrate(func(x float64) float64 { return x * f(x) }, a, b, n) / mass
	m2 := integrate(func(x float64) float64 { y := x - mean; return y * y * f(x) }, a, b, n) / mass
	m4 := integrate(func(x float64) float64 { y := (x - mean) * (x - mean); return y * y * f(x) }, a, b, n) / mass
	return Moments{Mass: mass, Mean: mean, Var: m2, Binder: m4/(3*m2*m2) - 1}
}

// newRand returns the fixed-seed source of all tests.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }

// sampleSize returns full in normal mode and short with -short.
func sampleSize(full, short int) int {
	if testing.Short() {
		return short
	}
	return full
}

func close(a, b, tol float64) bool { return math.Abs(a-b) <= tol }
