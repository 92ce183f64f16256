package rmt

import "testing"

func BenchmarkHistogramAdd(b *testing.B) {
	h := NewHistogram(-4, 4, 200)
	xs := sampleTwoModePairs(1, 4096, 0, 1)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		h.Add(xs[i&8191])
	}
}

func BenchmarkTwoModeDensity(b *testing.B) {
	var s float64
	y := -5.0
	for b.Loop() {
		s += TwoModeDensity(y, 1)
		if y += 1e-3; y > 5 {
			y = -5
		}
	}
	_ = s
}

func BenchmarkFitTwoModeDensity(b *testing.B) {
	xs := sampleTwoModePairs(1, 1000, 0, 1)
	for b.Loop() {
		if _, err := FitTwoModeDensity(xs); err != nil {
			b.Fatal(err)
		}
	}
}
