// Package vmath evaluates math.Log and math.Exp over slices four lanes at a time, bit for bit
// the values of the scalar functions.
//
// It exists because the operator assembly of fokkerplanck spends most of its time in the
// logarithm of an rbm potential and in the exponentials of its cell integrals, one call per
// quadrature node (about 3.8 million logarithms and 1.6 million exponentials for one mode on
// 200,000 cells), and the scalar calls there cost 5-9 ns each. On amd64 with AVX2 and FMA the
// kernels (vmath_amd64.s) run the instructions of the Go runtime's own amd64 assembly of Log and
// Exp (the same constants, the same operations in the same order, fused where the runtime's
// Exp fuses) on four lanes, so every result is the one math.Log or math.Exp returns on this
// machine and a caller may swap them in without changing a bit of its output. Lanes outside
// the kernels' range (for Log: zero, negative, subnormal, infinite or NaN inputs; for Exp:
// inputs outside [-708, 709] or NaN) are computed by the scalar functions. Elsewhere the
// functions are loops over math.Log and math.Exp.
package vmath

import "math"

// Log sets dst[i] = math.Log(x[i]) for every i < len(x); dst must be at least as long as x and
// may be x itself.
func Log(dst, x []float64) { apply(dst, x, log4, math.Log) }

// Exp sets dst[i] = math.Exp(x[i]) for every i < len(x); dst must be at least as long as x and
// may be x itself.
func Exp(dst, x []float64) { apply(dst, x, exp4, math.Exp) }

// apply runs kernel over x in blocks of four, and scalar on the blocks the kernel leaves (it
// stops before the first block with a lane outside its range) and on the last len(x) mod 4.
func apply(dst, x []float64, kernel func(dst, x *float64, n int) int, scalar func(float64) float64) {
	dst = dst[:len(x)]
	i := 0
	if useAVX {
		for i+4 <= len(x) {
			i += kernel(&dst[i], &x[i], (len(x)-i)&^3)
			if i+4 > len(x) {
				break
			}
			for j := i; j < i+4; j++ {
				dst[j] = scalar(x[j])
			}
			i += 4
		}
	}
	for ; i < len(x); i++ {
		dst[i] = scalar(x[i])
	}
}
