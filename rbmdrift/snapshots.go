package rbmdrift

import "math"

// SnapshotDrift measures the Kramers-Moyal drift and diffusion of recorded spectra:
// spectra[m][s][k] is member m's mode k at steps[s] (ascending), and only consecutive
// snapshots one training step apart (steps[s+1] = steps[s] + 1) give increments, each filed at
// its starting value. The bins are bins equal bins per mode over the range of every value that
// starts an increment (widened by one part in 1e9 at the top so that the largest falls inside);
// dt = alpha per step, as in the trainers' own measurement (expected drift 0: unknown).
// It returns the accumulator and the number of single-step snapshot pairs used (0, and a nil
// accumulator, when no two snapshots are one step apart: increments over longer gaps mix the
// drift with its change and the noise's, and are not used).
func SnapshotDrift(spectra [][][]float64, steps []int, alpha float64, bins int) (*DriftAccumulator, int) {
	var pairs []int
	for s := 0; s+1 < len(steps); s++ {
		if steps[s+1] == steps[s]+1 {
			pairs = append(pairs, s)
		}
	}
	if len(pairs) == 0 || len(spectra) == 0 {
		return nil, 0
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, m := range spectra {
		for _, s := range pairs {
			for _, x := range m[s] {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
	}
	hi += 1e-9*math.Max(math.Abs(hi), math.Abs(lo)) + math.SmallestNonzeroFloat64
	if !(hi > lo) {
		hi = lo + 1
	}
	n := len(spectra[0][0])
	acc := NewDriftAccumulator(n, bins, lo, hi, alpha)
	for _, m := range spectra {
		for _, s := range pairs {
			for k := range n {
				acc.Add(k, m[s][k], m[s+1][k]-m[s][k], 0)
			}
		}
	}
	return acc, len(pairs)
}
