package vmath

import "fpsolve/internal/cpufeat"

// useAVX selects the four-lane kernels; tests set it false to check the scalar path.
var useAVX = cpufeat.AVX2FMA

// log4 writes math.Log of x[0:n] to dst[0:n] (n a multiple of 4) block by block of four and
// returns how many it wrote: n, or the start of the first block with a lane that is not a
// positive normal finite number, which it leaves unwritten. It does not check bounds.
//
//go:noescape
func log4(dst, x *float64, n int) int

// exp4 is log4 for math.Exp, its range [-708, 709].
//
//go:noescape
func exp4(dst, x *float64, n int) int
