package rbmdrift

import (
	"math"
	"strings"
	"testing"
)

func TestGradedEdges(t *testing.T) {
	t.Parallel()
	// The exact layout: lo, then logBins geometric edges from lo+floor to lo+w (excluded), then
	// the equal edges lo + b w; ratios equal to rounding (1e-12 relative).
	lo, hi, bins, logBins, floor := 0.0, 9.0, 90, 30, 1e-7
	e, err := GradedEdges(lo, hi, bins, logBins, floor)
	if err != nil {
		t.Fatal(err)
	}
	if len(e) != bins+logBins+1 || e[0] != lo || e[1] != lo+floor || e[len(e)-1] != hi {
		t.Fatalf("edges: %d of them, first %v, last %g", len(e), e[:2], e[len(e)-1])
	}
	w := (hi - lo) / float64(bins)
	want := math.Pow(w/floor, 1/float64(logBins))
	for k := 1; k <= logBins; k++ {
		if r := (e[k+1] - lo) / (e[k] - lo); math.Abs(r/want-1) > 1e-12 {
			t.Errorf("edge %d: ratio %g, want %g", k, r, want)
		}
	}
	for b := 1; b < bins; b++ {
		if got := e[logBins+b]; math.Abs(got-(lo+float64(b)*w)) > 1e-12 {
			t.Errorf("equal edge %d: %g, want %g", b, got, lo+float64(b)*w)
		}
	}
	if u, _ := GradedEdges(lo, hi, bins, 0, 0); len(u) != bins+1 {
		t.Errorf("logBins = 0: %d edges, want %d", len(u), bins+1)
	}
	for _, c := range []struct {
		lo, hi     float64
		bins, logb int
		floor      float64
		msg        string
	}{
		{1, 1, 10, 0, 0, "empty"}, {0, 1, 0, 0, 0, "bins"}, {0, 1, 10, -1, 0, "log bins"},
		{0, 1, 10, 5, 0, "floor"}, {0, 1, 10, 5, 0.1, "floor"}, {0, 1, 10, 5, math.NaN(), "floor"},
	} {
		if _, err := GradedEdges(c.lo, c.hi, c.bins, c.logb, c.floor); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("GradedEdges(%g, %g, %d, %d, %g): error %v, want one naming %q", c.lo, c.hi, c.bins, c.logb, c.floor, err, c.msg)
		}
	}
}

func TestGradedBinsMatchEqualBins(t *testing.T) {
	t.Parallel()
	// Training with log_bins files every increment of the first equal bin into the log bins and
	// every other increment into the same bin as without: the same training (same seed), so the
	// equal bins beyond the first agree bit for bit and the log bins' counts add up to the first.
	cfg := reference()
	cfg.Steps, cfg.RecordEvery, cfg.MeasureEvery, cfg.Bins = 200, 0, 1, 30
	plain, err := TrainRun(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg.LogBins, cfg.LogFloor = 12, 1e-6
	graded, err := TrainRun(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	if graded.Drift.Bins != cfg.Bins+cfg.LogBins {
		t.Fatalf("%d bins, want %d", graded.Drift.Bins, cfg.Bins+cfg.LogBins)
	}
	for m := 0; m < cfg.Hidden; m++ {
		p, g := plain.Drift.Table(m), graded.Drift.Table(m)
		var n int64
		for b := 0; b <= cfg.LogBins; b++ {
			n += g[b].Count
		}
		if n != p[0].Count {
			t.Errorf("mode %d: log bins hold %d increments, the first equal bin %d", m, n, p[0].Count)
		}
		for b := 1; b < cfg.Bins; b++ {
			if q := g[b+cfg.LogBins]; q.Count != p[b].Count || (q.Count > 0 && q.X != p[b].X) ||
				(q.Count > 1 && (q.Drift != p[b].Drift || q.Diffusion != p[b].Diffusion)) {
				t.Errorf("mode %d bin %d: %+v, want %+v", m, b, q, p[b])
			}
		}
	}
	// The lowest mode starts near 0 (init_sigma = 0.1): the log bins resolve it.
	var used int
	for _, b := range graded.Drift.Table(0)[:cfg.LogBins+1] {
		if b.Count > 0 {
			used++
		}
	}
	if used < 3 {
		t.Errorf("mode 0 visits %d log bins, want several", used)
	}
	// Merging keeps the edges and refuses an accumulator with other bins.
	m, err := MergeDrift([]RunResult{graded, {Run: 2, Drift: graded.Drift.Clone()}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Count[0] != 2*graded.Drift.Count[0] || len(m.Edges) != len(graded.Drift.Edges) {
		t.Error("merged graded accumulator lost its bins")
	}
	if err := m.Merge(plain.Drift); err == nil {
		t.Error("merging graded and equal bins did not fail")
	}
}

func TestGradedBinsRecoverFellerCoefficients(t *testing.T) {
	t.Parallel()
	// Increments of the Feller (CIR) process dx = (b + a x) dt + sqrt(2 c x) dW at positions
	// spread log-uniformly over 1e-6..1e-1: in every log bin the Kramers-Moyal estimates agree
	// with D1 = b + a X and D2 = c X at the bin's mean position X (both linear in x, so the bin
	// average is exact) within 4.5 standard errors; with ~40 bins and two estimates each, a
	// 4.5-sigma excursion has probability ~5e-4 for a fresh seed. Equal bins put all of it in
	// one bin.
	const a, b, c, dt = 0.05, 2e-5, 1e-5, 0.1
	edges, err := GradedEdges(0, 9, 90, 40, 1e-7)
	if err != nil {
		t.Fatal(err)
	}
	acc := NewBinnedDriftAccumulator(1, 1, 0, edges, dt)
	src := NewSource(7, 0)
	for i := 0; i < 400000; i++ {
		x := 1e-6 * math.Pow(1e5, src.Float64())
		dx := (b+a*x)*dt + math.Sqrt(2*c*x*dt)*src.NormFloat64()
		acc.Add(0, x, dx, 0)
	}
	checked := 0
	var sw, swc float64 // inverse-variance weighted mean of D2/X, which estimates c
	for _, bin := range acc.Table(0) {
		if bin.Count < 1000 {
			continue
		}
		checked++
		wt := math.Pow(bin.X/bin.DiffusionErr, 2)
		sw, swc = sw+wt, swc+wt*bin.Diffusion/bin.X
		if p := (bin.Drift - (b + a*bin.X)) / bin.DriftErr; math.Abs(p) > 4.5 {
			t.Errorf("x = %.3g: drift %.4g, want %.4g (pull %.1f)", bin.X, bin.Drift, b+a*bin.X, p)
		}
		if p := (bin.Diffusion - c*bin.X) / bin.DiffusionErr; math.Abs(p) > 4.5 {
			t.Errorf("x = %.3g: diffusion %.4g, want %.4g (pull %.1f)", bin.X, bin.Diffusion, c*bin.X, p)
		}
	}
	// The pooled estimate of c has a relative error of about sqrt(2/n) = 0.2% (n = 4e5
	// Gaussian increments): within 4 of its standard errors, which resolves a 1% error in D2.
	if cHat, se := swc/sw, 1/math.Sqrt(sw); math.Abs(cHat-c) > 4*se || se > 0.003*c {
		t.Errorf("pooled c = %.5g +- %.2g, want %g", cHat, se, c)
	}
	if checked < 30 {
		t.Errorf("%d bins with 1000 increments, want the 5 decades covered", checked)
	}
}
