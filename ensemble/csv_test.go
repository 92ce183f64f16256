package ensemble

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestReadSpectraCSV: runs out of order come back ascending with their rows; every float64
// written in its shortest exact form ('g', -1) is read back exactly.
func TestReadSpectraCSV(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString("run,step,x0,x1,x2\n")
	want := map[int][][]float64{}
	for _, run := range []int{3, 0, 7} {
		for _, step := range []int{0, 5, 50} {
			x := []float64{rng.Float64(), 1 + rng.Float64(), 2 + rng.NormFloat64()*1e-9}
			want[run] = append(want[run], x)
			b.WriteString(strconv.Itoa(run) + "," + strconv.Itoa(step))
			for _, v := range x {
				b.WriteString("," + strconv.FormatFloat(v, 'g', -1, 64))
			}
			b.WriteString("\n")
		}
	}
	got, err := ReadSpectraCSV(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Runs, []int{0, 3, 7}) || !reflect.DeepEqual(got.Steps, []int{0, 5, 50}) {
		t.Fatalf("runs %v, steps %v", got.Runs, got.Steps)
	}
	for m, run := range got.Runs {
		if !reflect.DeepEqual(got.Spectra[m], want[run]) {
			t.Errorf("run %d: %v, want %v", run, got.Spectra[m], want[run])
		}
	}
}

// TestPairTargets: two modes drawn about the same centre with a Wigner-like spacing are
// grouped; a third mode 10 standard deviations away is not.
func TestPairTargets(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	r := &Recorded{Steps: []int{0}}
	for m := range 2000 {
		a, b := 2+0.01*rng.NormFloat64(), 2+0.01*rng.NormFloat64()
		r.Runs = append(r.Runs, m)
		r.Spectra = append(r.Spectra, [][]float64{{min(a, b), max(a, b), 2.2 + 0.01*rng.NormFloat64()}})
	}
	tg := r.PairTargets()
	if tg[0] != tg[1] || math.Abs(tg[0]-2) > 0.001 {
		t.Errorf("targets %v: modes 0 and 1 should share a target near 2", tg)
	}
	if math.Abs(tg[2]-2.2) > 0.001 {
		t.Errorf("target of mode 2 = %v, want its own mean near 2.2", tg[2])
	}
}
