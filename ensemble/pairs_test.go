package ensemble

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"fpsolve/rmt"
)

func TestPairsExact(t *testing.T) {
	t.Parallel()
	// Targets: one single mode, one pair (modes 1 and 2, equal to 1e-13 relative, within
	// model.Groups' 1e-12), one triple (not a pair). Three members' spectra at step index 1 give
	// the spacings exactly. The jackknife error of a mean over at most 100 members is the
	// standard error s/sqrt(n) (rmt's tests), to rounding: 1e-14 relative.
	e := &Trained{
		Alpha: 1, Runs: []int{0, 1, 2}, Steps: []int{0, 10},
		Targets: []float64{1, 2, 2 * (1 + 1e-13), 3, 3, 3},
		Fixed:   make([]float64, 6),
	}
	for _, f := range [][]float64{{0, 1.0, 1.5, 4, 5, 6}, {0, 1.25, 2.0, 4, 5, 6}, {0, 0.75, 1.0, 4, 5, 6}} {
		e.Spectra = append(e.Spectra, [][]float64{make([]float64, 6), f})
	}
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	got := e.Pairs(1)
	if len(got) != 1 {
		t.Fatalf("%d pairs, want 1 (the triple is not a pair)", len(got))
	}
	p := got[0]
	spacing := []float64{0.5, 0.75, 0.25}
	sample := []float64{1.0, 1.5, 1.25, 2.0, 0.75, 1.0}
	if p.Modes != [2]int{1, 2} || p.Target != 2 || !reflect.DeepEqual(p.Spacing, spacing) || !reflect.DeepEqual(p.Sample, sample) {
		t.Errorf("pair %v target %g, spacings %v, sample %v", p.Modes, p.Target, p.Spacing, p.Sample)
	}
	if se := rmt.StdErr(spacing); p.MeanSpacing != 0.5 || math.Abs(p.MeanSpacingErr-se) > 1e-14*se {
		t.Errorf("<S> = %g +- %g, want 0.5 +- %g", p.MeanSpacing, p.MeanSpacingErr, se)
	}
	if p.Pooled != rmt.SampleMoments(sample) {
		t.Errorf("pooled moments %+v, want %+v", p.Pooled, rmt.SampleMoments(sample))
	}
	if fp := e.FinalPairs(); !reflect.DeepEqual(fp, got) {
		t.Errorf("FinalPairs %+v differ from Pairs(1)", fp)
	}
	// At step index 0 every spectrum is zero: spacing 0, zero spread.
	if p0 := e.Pairs(0); len(p0) != 1 || p0[0].MeanSpacing != 0 || p0[0].Pooled.Var != 0 {
		t.Errorf("Pairs(0) = %+v", p0)
	}
	e.Targets = []float64{1, 2, 3, 4, 5, 6}
	if got := e.Pairs(1); got != nil {
		t.Errorf("no degeneracy: %d pairs", len(got))
	}
	if _, err := (Pair{Sample: []float64{1, 2}}).Fit(); err == nil {
		t.Error("Fit of two points: no error")
	}
}

func TestPairsCoulombGas(t *testing.T) {
	t.Parallel()
	// A large ensemble of exact two-mode Coulomb gas draws (rmt.SampleTwoMode) next to a
	// non-degenerate mode. The pair's statistics must match the laws within 4 standard errors
	// (a false alarm about once in 16000 per check):
	//   - <S> against rmt.MeanSpacing(sigma) = sqrt(pi) sigma, error MeanSpacingErr;
	//   - the pooled Binder cumulant against -4/27, error from a jackknife over 100 blocks of
	//     whole members (both eigenvalues of a member are correlated, so a block must hold both:
	//     2n/100 points per block, n a multiple of 100);
	//   - the two-mode fit's Sigma against sigma, error SigmaErr (conservative by about 5% for a
	//     pooled sample, rmt.FitTwoModeDensity).
	const c, sigma = 2.0, 0.3
	n := 20000
	if testing.Short() {
		n = 4000
	}
	rng := rand.New(rand.NewPCG(7, 0x5eed))
	e := &Trained{Source: "coulomb", Alpha: 0.01, Steps: []int{100}, Targets: []float64{5, 1, 1}, Fixed: []float64{math.NaN(), c, c}}
	for m := range n {
		lo, hi := rmt.SampleTwoMode(rng, c, sigma)
		e.Runs = append(e.Runs, m)
		e.Spectra = append(e.Spectra, [][]float64{{lo - 10, lo, hi}})
	}
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	ps := e.FinalPairs()
	if len(ps) != 1 || ps[0].Modes != [2]int{1, 2} || ps[0].Target != 1 {
		t.Fatalf("pairs %+v, want one of modes 1, 2", ps)
	}
	p := ps[0]
	if want := rmt.MeanSpacing(sigma); math.Abs(p.MeanSpacing-want) > 4*p.MeanSpacingErr {
		t.Errorf("<S> = %.5f +- %.5f, want %.5f", p.MeanSpacing, p.MeanSpacingErr, want)
	}
	_, bErr := rmt.Jackknife(p.Sample, 100, rmt.Binder)
	if want := -4.0 / 27; math.Abs(p.Pooled.Binder-want) > 4*bErr {
		t.Errorf("pooled Binder = %.4f +- %.4f, want %.4f", p.Pooled.Binder, bErr, want)
	}
	if p.Pooled != rmt.SampleMoments(p.Sample) {
		t.Errorf("Pooled %+v is not SampleMoments(Sample)", p.Pooled)
	}
	f, err := p.Fit()
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(f.Sigma-sigma) > 4*f.SigmaErr || math.Abs(f.C-c) > 4*f.CErr {
		t.Errorf("fit sigma = %.4f +- %.4f (want %g), c = %.4f +- %.4f (want %g)", f.Sigma, f.SigmaErr, sigma, f.C, f.CErr, c)
	}
	t.Logf("n = %d: <S> = %.5f +- %.5f (sqrt(pi) sigma = %.5f), Binder %.4f +- %.4f, fit sigma %.4f +- %.4f",
		n, p.MeanSpacing, p.MeanSpacingErr, rmt.MeanSpacing(sigma), p.Pooled.Binder, bErr, f.Sigma, f.SigmaErr)
}
