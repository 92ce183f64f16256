package rbmdrift

import (
	"fmt"
	"testing"
)

// reference is the paper's setting (docs/REFERENCES.md R12).
func reference() Config {
	return Config{Visible: 10, Hidden: 10, TargetM2: 4, Mu2: 9, SigmaH: 1, InitSigma: 0.1,
		Alpha: 0.1, Batch: 16, GibbsSteps: 3, Steps: 1000, RecordEvery: 100, Seed: 1}
}

// warmTrainer is a trainer of cfg (run 0) after 2000 updates: moved away from the initial W
// (near 0) to a typical trained W.
func warmTrainer(b *testing.B, cfg Config) *Trainer {
	tr, err := NewTrainer(cfg, 0)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 2000; i++ {
		if err := tr.Step(); err != nil {
			b.Fatal(err)
		}
	}
	return tr
}

func benchStep(b *testing.B, cfg Config) {
	tr := warmTrainer(b, cfg)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := tr.Step(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
}

// BenchmarkStepDirect: reference setting, direct k-step sampler, exact data (the default).
func BenchmarkStepDirect(b *testing.B) { benchStep(b, reference()) }

// BenchmarkStepGibbs: reference setting with explicit Gibbs steps.
func BenchmarkStepGibbs(b *testing.B) {
	c := reference()
	c.Sampler = SamplerGibbs
	benchStep(b, c)
}

// BenchmarkStepSamples: reference setting, target covariance from mini-batches of samples.
func BenchmarkStepSamples(b *testing.B) {
	c := reference()
	c.Data = DataSamples
	benchStep(b, c)
}

// BenchmarkNorm: one standard normal deviate from the ziggurat.
func BenchmarkNorm(b *testing.B) {
	src := NewSource(1, 0)
	var s float64
	for i := 0; i < b.N; i++ {
		s += src.NormFloat64()
	}
	if s == 0.5 {
		b.Log(s)
	}
}

// BenchmarkTrainRunMeasure: reference setting with the drift measured at every step (two
// warm-started spectra and the exact-gradient drift per update); reported per update.
func BenchmarkTrainRunMeasure(b *testing.B) {
	c := reference()
	c.Steps, c.RecordEvery, c.MeasureEvery = 10000, 0, 1
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := TrainRun(c, i); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*c.Steps)/b.Elapsed().Seconds(), "updates/s")
}

// BenchmarkTrainRun: reference setting, no drift measurement, record every 1000; per update.
func BenchmarkTrainRun(b *testing.B) {
	c := reference()
	c.Steps, c.RecordEvery = 10000, 1000
	for i := 0; i < b.N; i++ {
		if _, err := TrainRun(c, i); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*c.Steps)/b.Elapsed().Seconds(), "updates/s")
}

// BenchmarkEnsemble2: 8 runs of 10^4 updates on two goroutines; updates per second of wall time.
func BenchmarkEnsemble2(b *testing.B) {
	c := reference()
	c.Steps, c.RecordEvery = 10000, 1000
	runs := []int{0, 1, 2, 3, 4, 5, 6, 7}
	for i := 0; i < b.N; i++ {
		if _, err := TrainEnsemble(c, runs, 2, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*c.Steps*len(runs))/b.Elapsed().Seconds(), "updates/s")
}

// largeSizes are the N_v = N_h of the large-N benchmarks (the suite's N = 64 rows and the
// sizes between; the reference's N = 10 is the benchmarks above).
var largeSizes = []int{16, 32, 64}

// sized is the reference setting at N_v = N_h = n with the given sampler.
func sized(n int, sampler string) Config {
	c := reference()
	c.Visible, c.Hidden, c.Sampler = n, n, sampler
	return c
}

// BenchmarkStepN: one update at N_v = N_h = 16, 32, 64 with either sampler, after 2000 updates
// from the start (as BenchmarkStepDirect).
func BenchmarkStepN(b *testing.B) {
	for _, sampler := range []string{SamplerDirect, SamplerGibbs} {
		for _, n := range largeSizes {
			b.Run(fmt.Sprintf("%s/N=%d", sampler, n), func(b *testing.B) { benchStep(b, sized(n, sampler)) })
		}
	}
}

// BenchmarkTrainRunN: TrainRun at N_v = N_h = 16, 32, 64 with either sampler and
// measure_every 0, 1, 10 (the suite's TrainRun rows), one run from scratch per op with spectra
// recorded at the first and last step only; reported per update.
func BenchmarkTrainRunN(b *testing.B) {
	for _, sampler := range []string{SamplerDirect, SamplerGibbs} {
		for _, n := range largeSizes {
			for _, m := range []int{0, 1, 10} {
				b.Run(fmt.Sprintf("%s/N=%d/measure_every=%d", sampler, n, m), func(b *testing.B) {
					c := sized(n, sampler)
					c.Steps, c.RecordEvery, c.MeasureEvery = 20000/n/10*10, 0, m
					for i := 0; i < b.N; i++ {
						if _, err := TrainRun(c, i); err != nil {
							b.Fatal(err)
						}
					}
					b.ReportMetric(float64(b.N*c.Steps)/b.Elapsed().Seconds(), "updates/s")
				})
			}
		}
	}
}

// BenchmarkTrainRunEvery: TrainRun of 20,000 updates at the reference setting with the drift
// measured every 0 (never), 1 and 10 updates, spectra recorded at the first and last step only;
// reported per update. For before/after comparisons on a noisy machine, build the test binary
// of both commits and alternate them (benchmarks/README.md).
func BenchmarkTrainRunEvery(b *testing.B) {
	for _, m := range []int{0, 1, 10} {
		b.Run(fmt.Sprintf("measure_every=%d", m), func(b *testing.B) {
			c := reference()
			c.Steps, c.RecordEvery, c.MeasureEvery = 20000, 0, m
			for i := 0; i < b.N; i++ {
				if _, err := TrainRun(c, i); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*c.Steps)/b.Elapsed().Seconds(), "updates/s")
		})
	}
}
