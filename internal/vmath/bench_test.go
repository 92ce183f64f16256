package vmath

import (
	"math"
	"testing"
)

// The kernels against the scalar loops on 1024 arguments of the kind the operator assembly
// passes: logarithms of numbers in (0, 9], exponentials of numbers in [-40, 0].
func benchArgs(lo, hi float64) []float64 {
	x := make([]float64, 1024)
	for i := range x {
		x[i] = lo + (hi-lo)*(float64(i)+0.5)/float64(len(x))
	}
	return x
}

// benchBoth times f against the loop over scalar on x.
func benchBoth(b *testing.B, x []float64, f func(dst, x []float64), scalar func(float64) float64) {
	dst := make([]float64, len(x))
	perValue := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(x)), "ns/value")
	}
	b.Run("kernel", func(b *testing.B) {
		for b.Loop() {
			f(dst, x)
		}
		perValue(b)
	})
	b.Run("math", func(b *testing.B) {
		for b.Loop() {
			for i, v := range x {
				dst[i] = scalar(v)
			}
		}
		perValue(b)
	})
}

func BenchmarkLog(b *testing.B) { benchBoth(b, benchArgs(1e-3, 9), Log, math.Log) }

func BenchmarkExp(b *testing.B) { benchBoth(b, benchArgs(-40, 0), Exp, math.Exp) }
