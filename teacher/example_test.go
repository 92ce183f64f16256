package teacher_test

import (
	"fmt"
	"log"

	"fpsolve/teacher"
)

// A small online ensemble of the paper's model: the mean spacing of the degenerate pair of
// singular values against the exact stationary theory.
func Example() {
	cfg := teacher.DefaultConfig()
	cfg.Steps, cfg.RecordEvery, cfg.MeasureEvery, cfg.Seed = 20000, 10, 0, 1
	var sum float64
	var n int
	var results []teacher.RunResult
	for r := 0; r < 4; r++ {
		res, err := teacher.TrainRun(cfg, r)
		if err != nil {
			log.Fatal(err)
		}
		results = append(results, res)
		for s, st := range res.Steps {
			if st >= 1000 {
				sum += res.Spectra[s][1] - res.Spectra[s][0]
				n++
			}
		}
	}
	e, err := teacher.Trained(cfg, results)
	if err != nil {
		log.Fatal(err)
	}
	exact := teacher.ExactSpacing(cfg.Alpha, cfg.Batch, cfg.Noise, cfg.Size)
	fmt.Printf("targets %v, %d members\n", e.Targets, e.Members())
	fmt.Printf("exact <S> = %.4f, leading %.4f\n", exact, teacher.LeadingSpacing(cfg.Alpha, cfg.Batch, cfg.Noise))
	fmt.Printf("measured within 3%%: %v\n", sum/float64(n)/exact > 0.97 && sum/float64(n)/exact < 1.03)
	// Output:
	// targets [2 2], 4 members
	// exact <S> = 0.0144, leading 0.0144
	// measured within 3%: true
}
