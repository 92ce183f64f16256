package fokkerplanck

import (
	"math"
	"strings"
	"testing"
)

// TestHealth: a clustered run conserves each cluster's mass to rounding (docs/REFERENCES.md R4:
// 1e-12 relative is the promise), and Health names a non-finite density value and sees a negative one.
func TestHealth(t *testing.T) {
	t.Parallel()
	ax := Axis{Lo: 0, Hi: 9, N: 200}
	cl, err := NewClustered(benchSystem(2, true), [][]int{{0}, {1}}, ax, BackwardEuler)
	if err != nil {
		t.Fatal(err)
	}
	m0 := []float64{cl.Mass(0), cl.Mass(1)}
	if err := cl.Evolve(2, 0.01); err != nil {
		t.Fatal(err)
	}
	me, neg, err := cl.Health(m0)
	if err != nil || !(me < 1e-12) || neg < 0 {
		t.Fatalf("after 200 backward-Euler steps: mass error %.3g, most negative %.3g, %v; want < 1e-12, none and no error", me, neg, err)
	}
	p := cl.Density(1)
	keep := p[7]
	p[7] = math.NaN()
	if _, _, err := cl.Health(m0); err == nil || !strings.Contains(err.Error(), "cluster 1, cell 7: the density is NaN") {
		t.Errorf("NaN: %v", err)
	}
	p[7] = -1e-3
	if _, neg, err := cl.Health(m0); err != nil || !(neg < 0) {
		t.Errorf("negative: most negative %.3g, %v", neg, err)
	}
	p[7] = keep
	big := 0
	for i := range p {
		if p[i] > p[big] {
			big = i
		}
	}
	p[big] *= 1 + 1e-6 // a small excess of mass: seen, not an error
	if me, _, err := cl.Health(m0); err != nil || !(me > 1e-12) {
		t.Errorf("changed mass: error %.3g, %v; want it seen", me, err)
	}
}
