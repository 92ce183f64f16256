package main

import (
	"fmt"
	"math"
	"strings"

	"fpsolve/rbmdrift"
)

// noiseFit is an eigenvalue's measured diffusion near its fixed point x* = mu^2 - kappa (in
// units of sigma_h^-2): D2(x) = d2 (1 + slope (x - x*)) to first order, from a line through
// the bins within noiseHalfWidth of x*, pooled over the last third of the drift windows.
type noiseFit struct {
	xStar, d2, d2Err, slope, slopeErr float64
	bins                              int
}

const (
	noiseHalfWidth = 0.25 // the bins used: |x - x*| <= 0.25
	noiseMinCount  = 100  // and at least 100 increments each
)

// noiseAtFixedPoints fits each mode's diffusion at its fixed point (NaN where fewer than 3
// bins qualify). These are the [noise] gtilde2 and slope of the seed's Coulomb gas for the
// ensemble: gtilde2 = d2 |B| / (2 alpha) for sigma_h = 1, the 2 because the RBM's drift per
// unit t is 2 K(x).
func noiseAtFixedPoints(o *rbmOutcome) []noiseFit {
	acc := o.acc
	nw := acc.NumWindows()
	w0 := nw - max(1, nw/3)
	s2 := o.cfg.SigmaH * o.cfg.SigmaH
	out := make([]noiseFit, acc.Modes)
	for m := range out {
		f := rbmdrift.FitDiffusion(acc.TableWindows(w0, nw, m), (o.cfg.Mu2-o.kappa[m])/s2, noiseHalfWidth, noiseMinCount)
		out[m] = noiseFit{xStar: f.XStar, d2: f.D2, d2Err: f.D2Err, slope: f.Slope, slopeErr: f.SlopeErr, bins: f.Bins}
	}
	return out
}

// noiseFits returns noiseAtFixedPoints(o), computed once.
func (o *rbmOutcome) noiseFits() []noiseFit {
	if o.noise == nil {
		o.noise = noiseAtFixedPoints(o)
	}
	return o.noise
}

// noiseSummary is the "noise" entry of the rbm summary; gtilde2 only for sigma_h = 1.
func (o *rbmOutcome) noiseSummary(fits []noiseFit) []noiseOut {
	var out []noiseOut
	for m, f := range fits {
		e := noiseOut{Mode: m, XStar: jnum(f.xStar), D2: jnum(f.d2), D2Err: jnum(f.d2Err), Slope: jnum(f.slope),
			SlopeErr: jnum(f.slopeErr), Bins: f.bins, Gtilde2: jnum(math.NaN())}
		if o.cfg.SigmaH == 1 {
			e.Gtilde2 = jnum(f.d2 * float64(o.cfg.Batch) / (2 * o.cfg.Alpha))
		}
		out = append(out, e)
	}
	return out
}

// noiseLines are the [noise] lines that put the measured noise into the seed's Coulomb gas
// (sigma_h = 1), in ascending eigenvalue order.
func (o *rbmOutcome) noiseLines(fits []noiseFit) []string {
	if o.cfg.SigmaH != 1 {
		return nil
	}
	var g, s []string
	for _, f := range fits {
		g = append(g, fmt.Sprintf("%.3g", f.d2*float64(o.cfg.Batch)/(2*o.cfg.Alpha)))
		s = append(s, fmt.Sprintf("%.3g", f.slope))
	}
	return []string{"gtilde2 = [" + strings.Join(g, ", ") + "]", "slope = [" + strings.Join(s, ", ") + "]"}
}
