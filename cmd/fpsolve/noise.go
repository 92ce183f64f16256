package main

import (
	"fmt"
	"math"
	"strings"

	"fpsolve/ensemble"
)

// noiseSummary is the "noise" entry of the rbm summary: each eigenvalue's diffusion at its fixed
// point (rbmdrift.NoiseAtFixedPoints), with gtilde2 only for sigma_h = 1.
func (o *rbmOutcome) noiseSummary(fits []ensemble.Noise) []noiseOut {
	var out []noiseOut
	for _, f := range fits {
		e := noiseOut{Mode: f.Mode, XStar: jnum(f.XStar), D2: jnum(f.D2), D2Err: jnum(f.D2Err), Slope: jnum(f.Slope),
			SlopeErr: jnum(f.SlopeErr), Bins: f.Bins, Gtilde2: jnum(math.NaN())}
		if o.cfg.SigmaH == 1 {
			e.Gtilde2 = jnum(o.gtilde2(f))
		}
		out = append(out, e)
	}
	return out
}

// gtilde2 is the [noise] gtilde2 of the source talk's Coulomb gas for a measured diffusion (sigma_h = 1):
// d2 |B| / (2 alpha), the 2 because the RBM's drift per unit t is 2 K(x).
func (o *rbmOutcome) gtilde2(f ensemble.Noise) float64 {
	return f.D2 * float64(o.cfg.Batch) / (2 * o.cfg.Alpha)
}

// noiseLines are the [noise] lines that put the measured noise into the source talk's Coulomb gas
// (sigma_h = 1), in ascending eigenvalue order. They are valid TOML or absent: when a mode has no
// estimate (it has not reached its fixed point, so no bin near x* holds enough increments),
// noiseLines returns no lines and the modes without one.
func (o *rbmOutcome) noiseLines(fits []ensemble.Noise) (lines []string, missing []int) {
	if o.cfg.SigmaH != 1 {
		return nil, nil
	}
	var g, s []string
	for _, f := range fits {
		g2 := o.gtilde2(f)
		if math.IsNaN(g2) || math.IsInf(g2, 0) || math.IsNaN(f.Slope) || math.IsInf(f.Slope, 0) {
			missing = append(missing, f.Mode)
			continue
		}
		g = append(g, fmt.Sprintf("%.3g", g2))
		s = append(s, fmt.Sprintf("%.3g", f.Slope))
	}
	if missing != nil {
		return nil, missing
	}
	return []string{"gtilde2 = [" + strings.Join(g, ", ") + "]", "slope = [" + strings.Join(s, ", ") + "]"}, nil
}
