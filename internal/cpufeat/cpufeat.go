// Package cpufeat reports the instruction-set extensions that fpsolve's assembly kernels need.
//
// It is written by hand (a CPUID and an XGETBV instruction) rather than taken from
// golang.org/x/sys/cpu because the kernels need one answer, AVX2 with FMA enabled by the
// operating system, and that is a dozen lines against a new module dependency.
package cpufeat
