package rbmdrift

import (
	"math"
	"reflect"
	"testing"

	"fpsolve/rmt"
)

func TestDegeneratePairs(t *testing.T) {
	// kappa: one single mode, one pair (modes 1 and 2, equal to 1e-12 relative), one triple
	// (not a pair). The finals of three runs give the spacings exactly; the jackknife error of a
	// mean over at most 100 runs is the standard error s/sqrt(n) (to rounding, 1e-14).
	kappa := []float64{1, 2, 2 * (1 + 1e-13), 3, 3, 3}
	finals := [][]float64{
		{0, 1.0, 1.5, 4, 5, 6},
		{0, 1.25, 2.0, 4, 5, 6},
		{0, 0.75, 1.0, 4, 5, 6},
	}
	var results []RunResult
	for r, f := range finals {
		results = append(results, RunResult{Run: r, Steps: []int{0, 10}, Spectra: [][]float64{make([]float64, 6), f}})
	}
	got := DegeneratePairs(results, kappa)
	if len(got) != 1 {
		t.Fatalf("%d pairs, want 1", len(got))
	}
	p := got[0]
	spacing := []float64{0.5, 0.75, 0.25}
	pooled := []float64{1.0, 1.5, 1.25, 2.0, 0.75, 1.0}
	if p.Modes != [2]int{1, 2} || p.Kappa != 2 || !reflect.DeepEqual(p.Spacing, spacing) {
		t.Errorf("pair %v kappa %g, spacings %v", p.Modes, p.Kappa, p.Spacing)
	}
	if se := rmt.StdErr(spacing); p.MeanS != 0.5 || math.Abs(p.MeanErr-se) > 1e-14*se {
		t.Errorf("<S> = %g +- %g, want 0.5 +- %g", p.MeanS, p.MeanErr, se)
	}
	if p.Pooled != rmt.SampleMoments(pooled) {
		t.Errorf("pooled moments %+v", p.Pooled)
	}
	if got := DegeneratePairs(results, []float64{1, 2, 3, 4, 5, 6}); got != nil {
		t.Errorf("no degeneracy: %d pairs", len(got))
	}
}
