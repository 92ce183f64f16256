package rng

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mathext/prng"
)

// The benchmarks behind the package documentation's comparison with gonum's mathext/prng and
// math/rand/v2.

var sinkU uint64
var sinkF float64

func BenchmarkUniform(b *testing.B) {
	b.Run("Xoshiro256PlusPlus", func(b *testing.B) {
		g := NewXoshiro256PlusPlusWalker(1, 0)
		var s uint64
		for b.Loop() {
			s += g.Uint64()
		}
		sinkU = s
	})
	b.Run("Xoshiro256StarStar", func(b *testing.B) {
		g := NewXoshiro256StarStarStream(1, 0)
		var s uint64
		for b.Loop() {
			s += g.Uint64()
		}
		sinkU = s
	})
	b.Run("gonum-Xoshiro256plusplus", func(b *testing.B) {
		g := prng.NewXoshiro256plusplus(1)
		var s uint64
		for b.Loop() {
			s += g.Uint64()
		}
		sinkU = s
	})
	b.Run("gonum-Xoshiro256starstar", func(b *testing.B) {
		g := prng.NewXoshiro256starstar(1)
		var s uint64
		for b.Loop() {
			s += g.Uint64()
		}
		sinkU = s
	})
}

func BenchmarkNormal(b *testing.B) {
	b.Run("Xoshiro256PlusPlus", func(b *testing.B) {
		g := NewXoshiro256PlusPlusWalker(1, 0)
		var s float64
		for b.Loop() {
			s += g.NormFloat64()
		}
		sinkF = s
	})
	b.Run("Xoshiro256StarStar", func(b *testing.B) {
		g := NewXoshiro256StarStarStream(1, 0)
		var s float64
		for b.Loop() {
			s += g.NormFloat64()
		}
		sinkF = s
	})
	b.Run("rand.New(gonum-Xoshiro256plusplus)", func(b *testing.B) {
		r := rand.New(prng.NewXoshiro256plusplus(1))
		var s float64
		for b.Loop() {
			s += r.NormFloat64()
		}
		sinkF = s
	})
	b.Run("rand.New(gonum-Xoshiro256starstar)", func(b *testing.B) {
		r := rand.New(prng.NewXoshiro256starstar(1))
		var s float64
		for b.Loop() {
			s += r.NormFloat64()
		}
		sinkF = s
	})
	b.Run("rand.New(PCG)", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 0))
		var s float64
		for b.Loop() {
			s += r.NormFloat64()
		}
		sinkF = s
	})
}

// BenchmarkFillNormal: 1024 deviates of the xoshiro256** stream per op, by a loop of
// NormFloat64 calls and by FillNormal (the figures in FillNormal's comment).
func BenchmarkFillNormal(b *testing.B) {
	buf := make([]float64, 1024)
	perDeviate := func(b *testing.B) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(buf)), "ns/deviate")
	}
	b.Run("calls", func(b *testing.B) {
		g := NewXoshiro256StarStarStream(1, 0)
		for b.Loop() {
			for i := range buf {
				buf[i] = g.NormFloat64()
			}
		}
		perDeviate(b)
	})
	b.Run("FillNormal", func(b *testing.B) {
		g := NewXoshiro256StarStarStream(1, 0)
		for b.Loop() {
			g.FillNormal(buf, 1)
		}
		perDeviate(b)
	})
}
