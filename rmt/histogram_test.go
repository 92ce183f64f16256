package rmt

import (
	"math"
	"testing"
)

func TestHistogramBins(t *testing.T) {
	t.Parallel()
	// Bin i holds [e_i, e_(i+1)); the last bin also holds hi; outside points go to Under/Over,
	// NaN to NaN.
	h := NewHistogram(0.1, 0.7, 6) // edges 0.1, 0.2, ..., 0.7, not exact in binary
	for _, tc := range []struct {
		x    float64
		want int // bin, or -1 under, -2 over, -3 NaN
	}{
		{0.1, 0}, {0.15, 0}, {0.7, 5}, {math.Nextafter(0.7, 0), 5},
		{math.Nextafter(0.1, 0), -1}, {math.Inf(-1), -1},
		{math.Nextafter(0.7, 1), -2}, {math.Inf(1), -2},
		{math.NaN(), -3},
	} {
		h.Reset()
		h.Add(tc.x)
		got := -4
		switch {
		case h.Under == 1:
			got = -1
		case h.Over == 1:
			got = -2
		case h.NaN == 1:
			got = -3
		default:
			for i, c := range h.Counts {
				if c == 1 {
					got = i
				}
			}
		}
		if got != tc.want || h.Total() != 1 {
			t.Errorf("Add(%v): went to %d, want %d (total %d)", tc.x, got, tc.want, h.Total())
		}
	}
	// Every stored edge lands in the bin it opens, and the value just below in the bin before,
	// whatever the rounding of lo + i width.
	for _, r := range [][2]float64{{0.1, 0.7}, {-3.3, 1.7}, {1e-3, 1e-3 + 7e-9}} {
		h := NewHistogram(r[0], r[1], 37)
		for i := range len(h.Counts) {
			h.Reset()
			h.Add(h.Edges[i])
			if h.Counts[i] != 1 {
				t.Errorf("range %v: edge %d = %v not in bin %d", r, i, h.Edges[i], i)
			}
			if i > 0 {
				h.Reset()
				h.Add(math.Nextafter(h.Edges[i], math.Inf(-1)))
				if h.Counts[i-1] != 1 {
					t.Errorf("range %v: just below edge %d not in bin %d", r, i, i-1)
				}
			}
		}
	}
}

func TestHistogramDensity(t *testing.T) {
	t.Parallel()
	h := NewHistogram(0, 2, 4)
	h.Fill([]float64{0.1, 0.2, 0.6, 1.9, -1, 5, 7, math.NaN()})
	// 4 of 8 points inside: sum density*width = 1/2; bin 0 has 2 points -> 2/(8*0.5) = 0.5.
	wantD := []float64{0.5, 0.25, 0, 0.25}
	d := h.Density()
	var sum float64
	for i := range d {
		sum += d[i] * 0.5
		if !close(d[i], wantD[i], 1e-15) {
			t.Errorf("density[%d] = %g, want %g", i, d[i], wantD[i])
		}
	}
	if !close(sum, 0.5, 1e-15) {
		t.Errorf("sum density*width = %g, want the inside fraction 1/2", sum)
	}
	if e := h.DensityErr(); !close(e[0], math.Sqrt(2)/4, 1e-15) {
		t.Errorf("density error[0] = %g, want sqrt(2)/(8*0.5)", e[0])
	}
	if c := h.Centers(); c[0] != 0.25 || c[3] != 1.75 {
		t.Errorf("centres %v", c)
	}
	if h.Under != 1 || h.Over != 2 || h.NaN != 1 || h.Total() != 8 {
		t.Errorf("under %d over %d NaN %d total %d", h.Under, h.Over, h.NaN, h.Total())
	}
}

func TestHistogramChi2(t *testing.T) {
	t.Parallel()
	uniform := func(x float64) float64 { return math.Max(0, math.Min(1, x)) }
	for _, tc := range []struct {
		name    string
		xs      []float64
		bins    int
		min     float64
		chi2    float64
		dof     int
		loHi    [2]float64
		comment string
	}{
		// 4 bins on [0,1] expecting 2 each, under/over expecting 0. With min 2: groups are
		// {under, bin0}, bin1, bin2, {bin3, over}: observed 4, 0, 2, 2 -> chi2 = (4+4+0+0)/2 = 4.
		{name: "merging of small groups", xs: []float64{0.1, 0.1, 0.2, 0.2, 0.6, 0.6, 0.9, 0.9},
			bins: 4, min: 2, chi2: 4, dof: 3, loHi: [2]float64{0, 1}},
		// Perfect agreement: chi2 = 0.
		{name: "exact counts", xs: []float64{0.1, 0.3, 0.6, 0.8}, bins: 4, min: 1, chi2: 0, dof: 3, loHi: [2]float64{0, 1}},
		// Range [0, 0.5] of U(0,1): the over category expects 2 of 4 points, and holds 3.
		// Groups: {under, bin0} expects 1 obs 1; bin1 expects 1 obs 0; over expects 2 obs 3.
		// chi2 = 0 + 1 + 1/2.
		{name: "overflow is a category", xs: []float64{0.1, 0.6, 0.7, 0.9}, bins: 2, min: 1, chi2: 1.5, dof: 2, loHi: [2]float64{0, 0.5}},
	} {
		h := NewHistogram(tc.loHi[0], tc.loHi[1], tc.bins)
		h.Fill(tc.xs)
		chi2, dof := h.Chi2(uniform, tc.min)
		if !close(chi2, tc.chi2, 1e-12) || dof != tc.dof {
			t.Errorf("%s: chi2 = %g dof %d, want %g, %d", tc.name, chi2, dof, tc.chi2, tc.dof)
		}
	}
	// Too few points for two groups.
	h := NewHistogram(0, 1, 10)
	h.Add(0.5)
	if chi2, dof := h.Chi2(uniform, 5); chi2 != 0 || dof != 0 {
		t.Errorf("one point: chi2 %g dof %d, want 0, 0", chi2, dof)
	}
}

func TestHistogramPanics(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"no bins", func() { NewHistogram(0, 1, 0) }},
		{"lo = hi", func() { NewHistogram(1, 1, 3) }},
		{"infinite", func() { NewHistogram(0, math.Inf(1), 3) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			tc.f()
		}()
	}
}
