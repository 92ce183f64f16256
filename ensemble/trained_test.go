package ensemble

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// small returns a valid ensemble of 3 members (runs 2, 5, 7), 3 recorded steps and 3 modes.
func small() *Trained {
	return &Trained{
		Source: "test", Alpha: 0.1, Batch: 4,
		Runs:  []int{2, 5, 7},
		Steps: []int{0, 10, 30},
		Spectra: [][][]float64{
			{{0, 1, 2}, {0.5, 1.5, 2.5}, {1, 2, 3}},
			{{0, 1.1, 2}, {0.4, 1.4, 2.4}, {0.9, 2.1, 3.2}},
			{{0.1, 1, 2}, {0.6, 1.6, 2.6}, {1.1, 1.9, 3.1}},
		},
		Targets: []float64{3, 2, 2},
		Fixed:   []float64{1, 2, math.NaN()},
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	if err := small().Validate(); err != nil {
		t.Fatalf("valid ensemble: %v", err)
	}
	// Each case breaks one rule; the error must name the place (member with run index, step,
	// mode) or the offending field.
	for _, tc := range []struct {
		name  string
		edit  func(e *Trained)
		words []string
	}{
		{"ragged spectra: member 1 misses a step", func(e *Trained) { e.Spectra[1] = e.Spectra[1][:2] }, []string{"member 1 (run 5)", "2 spectra"}},
		{"ragged spectra: a short spectrum", func(e *Trained) { e.Spectra[2][1] = e.Spectra[2][1][:2] }, []string{"member 2 (run 7)", "step 10", "2 modes"}},
		{"wrong Targets length", func(e *Trained) { e.Targets = e.Targets[:2] }, []string{"2 targets", "3 modes"}},
		{"wrong Fixed length", func(e *Trained) { e.Fixed = append(e.Fixed, 0) }, []string{"4 fixed points"}},
		{"non-ascending steps", func(e *Trained) { e.Steps[2] = 10 }, []string{"step index 2", "step 10 after step 10"}},
		{"duplicate runs", func(e *Trained) { e.Runs[2] = 5 }, []string{"member 2", "run 5 after run 5"}},
		{"descending runs", func(e *Trained) { e.Runs[0] = 6 }, []string{"member 1", "run 5 after run 6"}},
		{"runs and members differ", func(e *Trained) { e.Runs = e.Runs[:2] }, []string{"2 run indices", "3 members"}},
		{"NaN eigenvalue", func(e *Trained) { e.Spectra[1][2][1] = math.NaN() }, []string{"member 1 (run 5)", "step 30", "mode 1", "NaN"}},
		{"Inf eigenvalue", func(e *Trained) { e.Spectra[0][0][2] = math.Inf(1) }, []string{"member 0 (run 2)", "step 0", "mode 2", "+Inf"}},
		{"descending spectrum", func(e *Trained) { e.Spectra[2][0][2] = 0.5 }, []string{"member 2 (run 7)", "step 0", "mode 2", "ascend"}},
		{"alpha zero", func(e *Trained) { e.Alpha = 0 }, []string{"alpha = 0"}},
		{"alpha negative", func(e *Trained) { e.Alpha = -1 }, []string{"alpha = -1"}},
		{"alpha NaN", func(e *Trained) { e.Alpha = math.NaN() }, []string{"alpha = NaN"}},
		{"negative batch", func(e *Trained) { e.Batch = -1 }, []string{"batch = -1"}},
		{"NaN target", func(e *Trained) { e.Targets[1] = math.NaN() }, []string{"mode 1", "target NaN"}},
		{"Inf fixed point", func(e *Trained) { e.Fixed[0] = math.Inf(-1) }, []string{"mode 0", "fixed point -Inf"}},
		{"noise of too few modes", func(e *Trained) { e.Noise = []Noise{{Mode: 0}} }, []string{"noise of 1 modes"}},
		{"noise out of order", func(e *Trained) { e.Noise = []Noise{{Mode: 0}, {Mode: 2}, {Mode: 1}} }, []string{"mode 1", "noise entry of mode 2"}},
		{"no members", func(e *Trained) { e.Spectra, e.Runs = nil, nil }, []string{"no members"}},
		{"no steps", func(e *Trained) {
			e.Steps = nil
			for m := range e.Spectra {
				e.Spectra[m] = nil
			}
		}, []string{"no recorded steps"}},
	} {
		e := small()
		tc.edit(e)
		err := e.Validate()
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		for _, w := range append(tc.words, "ensemble test:") {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not name %q", tc.name, err, w)
			}
		}
	}
	e := small()
	e.Noise = []Noise{{Mode: 0}, {Mode: 1}, {Mode: 2}}
	if err := e.Validate(); err != nil {
		t.Errorf("with noise: %v", err)
	}
}

func TestAccessors(t *testing.T) {
	t.Parallel()
	e := small()
	if e.Modes() != 3 || e.Members() != 3 {
		t.Errorf("Modes %d, Members %d, want 3, 3", e.Modes(), e.Members())
	}
	if (&Trained{Targets: []float64{1, 2}}).Modes() != 2 {
		t.Error("Modes of an ensemble without spectra is not len(Targets)")
	}
	// Alpha = 0.1, steps 0, 10, 30: times 0, 1, 3 to rounding of one product (1e-15).
	for s, want := range []float64{0, 1, 3} {
		if got := e.Time(s); math.Abs(got-want) > 1e-15 {
			t.Errorf("Time(%d) = %g, want %g", s, got, want)
		}
	}
	for _, tc := range []struct {
		t    float64
		s    int
		ok   bool
		name string
	}{
		{0, 0, true, "t = 0"},
		{1, 1, true, "exact"},
		{3 * (1 + 5e-10), 2, true, "within 1e-9 relative"},
		{1 + 5e-10, 1, true, "within 1e-9 absolute at |t| < 1"},
		{3 * (1 + 2e-9), 0, false, "beyond 1e-9 relative"},
		{2, 0, false, "between steps"},
		{-1, 0, false, "before the first step"},
	} {
		s, ok := e.StepAt(tc.t)
		if ok != tc.ok || (ok && s != tc.s) {
			t.Errorf("%s: StepAt(%.12g) = %d, %v, want %d, %v", tc.name, tc.t, s, ok, tc.s, tc.ok)
		}
	}
	if got, want := e.Column(1, 2), []float64{2.5, 2.4, 2.6}; !reflect.DeepEqual(got, want) {
		t.Errorf("Column(1, 2) = %v, want %v", got, want)
	}
	col := e.Column(0, 0)
	col[0] = 99
	if e.Spectra[0][0][0] != 0 {
		t.Error("Column shares memory with Spectra")
	}
	at := e.At(1)
	if want := [][]float64{{0.5, 1.5, 2.5}, {0.4, 1.4, 2.4}, {0.6, 1.6, 2.6}}; !reflect.DeepEqual(at, want) {
		t.Errorf("At(1) = %v, want %v", at, want)
	}
	at[1][0] = 42
	if e.Spectra[1][1][0] != 42 {
		t.Error("At does not share memory with Spectra")
	}
	if !reflect.DeepEqual(e.Initial(), e.At(0)) || !reflect.DeepEqual(e.Final(), e.At(2)) {
		t.Error("Initial or Final differ from At(0), At(2)")
	}
	if want := [][]float64{{1, 2, 3}, {0.9, 2.1, 3.2}, {1.1, 1.9, 3.1}}; !reflect.DeepEqual(e.Final(), want) {
		t.Errorf("Final = %v", e.Final())
	}
}
