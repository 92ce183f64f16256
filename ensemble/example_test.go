package ensemble_test

import (
	"fmt"
	"strings"

	"fpsolve/ensemble"
)

// A 3-member ensemble of 2 degenerate modes (equal targets), recorded at steps 0 and 100: the
// spacing of the pair at the last step.
func ExampleTrained_FinalPairs() {
	e := &ensemble.Trained{
		Source: "example", Alpha: 0.01, Batch: 16,
		Runs:  []int{0, 1, 2},
		Steps: []int{0, 100},
		Spectra: [][][]float64{
			{{0.1, 0.2}, {1.0, 1.5}},
			{{0.1, 0.3}, {1.25, 2.0}},
			{{0.0, 0.2}, {0.75, 1.0}},
		},
		Targets: []float64{2, 2},
		Fixed:   []float64{1.2, 1.2},
	}
	if err := e.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("t at the last step:", e.Time(len(e.Steps)-1))
	for _, p := range e.FinalPairs() {
		fmt.Printf("modes %v: S = %v, <S> = %.3f +- %.3f\n", p.Modes, p.Spacing, p.MeanSpacing, p.MeanSpacingErr)
	}
	// Output:
	// t at the last step: 1
	// modes [0 1]: S = [0.5 0.75 0.25], <S> = 0.500 +- 0.144
}

// A spectra table in fpsolve's layout (run,step,x0,...), read into members and steps.
func ExampleReadSpectraCSV() {
	table := "run,step,x0,x1\n0,0,0.1,0.2\n0,100,1.9,2.05\n1,0,0.15,0.3\n1,100,1.95,2.02\n"
	rec, err := ensemble.ReadSpectraCSV(strings.NewReader(table))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("runs", rec.Runs, "steps", rec.Steps, "last spectrum of run 1:", rec.Spectra[1][1])
	// Output:
	// runs [0 1] steps [0 100] last spectrum of run 1: [1.95 2.02]
}
