package ensemble

import (
	"math"

	"fpsolve/model"
	"fpsolve/rmt"
)

// Pair is a degenerate pair of modes (the two modes of a group of exactly two equal Targets)
// over the members of an ensemble at one recorded step.
type Pair struct {
	Modes          [2]int      // ascending
	Target         float64     // the target both modes learn (that of Modes[0])
	Spacing        []float64   // |x_j - x_i| per member, member order
	MeanSpacing    float64     // <S>
	MeanSpacingErr float64     // jackknife error over members (rmt.JackknifeMean)
	Pooled         rmt.Moments // moments of Sample
	Sample         []float64   // both eigenvalues of every member: x_i(m0), x_j(m0), x_i(m1), x_j(m1), ...
}

// Pairs returns the degenerate pairs at step index s: for every group of exactly two modes
// i < j with equal Targets (model.Groups; groups of one or of three and more are left out), in
// the order of the groups, the spacing |x_j - x_i| of each member, its mean and jackknife error
// (rmt.JackknifeMean) and the moments of the pooled sample of both eigenvalues (rmt.SampleMoments).
// It returns nil if there is no such pair.
func (e *Trained) Pairs(s int) []Pair {
	var out []Pair
	for _, g := range model.Groups(e.Targets) {
		if len(g) != 2 {
			continue
		}
		i, j := g[0], g[1]
		p := Pair{Modes: [2]int{i, j}, Target: e.Targets[i],
			Spacing: make([]float64, 0, len(e.Spectra)), Sample: make([]float64, 0, 2*len(e.Spectra))}
		for _, spec := range e.Spectra {
			x := spec[s]
			p.Spacing = append(p.Spacing, math.Abs(x[j]-x[i]))
			p.Sample = append(p.Sample, x[i], x[j])
		}
		p.MeanSpacing, p.MeanSpacingErr = rmt.JackknifeMean(p.Spacing)
		p.Pooled = rmt.SampleMoments(p.Sample)
		out = append(out, p)
	}
	return out
}

// FinalPairs returns Pairs(len(Steps)-1), the degenerate pairs at the last recorded step.
func (e *Trained) FinalPairs() []Pair { return e.Pairs(len(e.Steps) - 1) }

// Fit returns the maximum-likelihood fit of the pooled two-mode density to Sample
// (rmt.FitTwoModeDensity, whose errors are conservative for this sample because the two
// eigenvalues of a member are correlated). It returns that function's errors.
func (p Pair) Fit() (rmt.TwoModeFit, error) { return rmt.FitTwoModeDensity(p.Sample) }
