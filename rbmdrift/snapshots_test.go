package rbmdrift

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSnapshotDrift: an Euler-Maruyama Ornstein-Uhlenbeck ensemble x' = x - alpha (x - 1) +
// sqrt(2 D alpha) xi, recorded at steps 0, 1, 2 (single steps) and 10 (a gap, not used), has
// exactly the drift -(x - 1) and diffusion D per unit t = alpha * step at every x; each bin's
// measured drift and diffusion agree within 4 standard errors (plus the bin's half width times
// the drift's slope, for the drift filed at the bin's mean x).
func TestSnapshotDrift(t *testing.T) {
	t.Parallel()
	const alpha, D, members = 0.01, 0.05, 20000
	rng := rand.New(rand.NewPCG(5, 6))
	steps := []int{0, 1, 2, 10}
	var spectra [][][]float64
	for range members {
		x := 1 + 0.3*rng.NormFloat64()
		var rec [][]float64
		for s := 0; s <= 10; s++ {
			if s == 0 || s == 1 || s == 2 || s == 10 {
				rec = append(rec, []float64{x})
			}
			x += -alpha*(x-1) + math.Sqrt(2*D*alpha)*rng.NormFloat64()
		}
		spectra = append(spectra, rec)
	}
	acc, used := SnapshotDrift(spectra, steps, alpha, 20)
	if used != 2 {
		t.Fatalf("%d snapshot pairs used, want 2 (0-1 and 1-2)", used)
	}
	checked := 0
	for _, b := range acc.Table(0) {
		if b.Count < 500 {
			continue
		}
		checked++
		if want := -(b.X - 1); math.Abs(b.Drift-want) > 4*b.DriftErr {
			t.Errorf("x = %.3f: drift %.4f +- %.4f, want %.4f", b.X, b.Drift, b.DriftErr, want)
		}
		if math.Abs(b.Diffusion-D) > 4*b.DiffusionErr {
			t.Errorf("x = %.3f: diffusion %.5f +- %.5f, want %g", b.X, b.Diffusion, b.DiffusionErr, D)
		}
	}
	if checked < 8 {
		t.Errorf("only %d bins checked", checked)
	}
	if a, n := SnapshotDrift(spectra, []int{0, 2, 4, 10}, alpha, 20); a != nil || n != 0 {
		t.Errorf("no single steps: got %v, %d", a, n)
	}
}
