package rbmdrift

import "testing"

// reference is the paper's setting (docs/REFERENCES.md R12).
func reference() Config {
	return Config{Visible: 10, Hidden: 10, TargetM2: 4, Mu2: 9, SigmaH: 1, InitSigma: 0.1,
		Alpha: 0.1, Batch: 16, GibbsSteps: 3, Steps: 1000, RecordEvery: 100, Seed: 1}
}

func benchStep(b *testing.B, cfg Config) {
	tr, err := NewTrainer(cfg, 0)
	if err != nil {
		b.Fatal(err)
	}
	// Move away from the initial W (near 0) to a typical trained W.
	for i := 0; i < 2000; i++ {
		if err := tr.Step(); err != nil {
			b.Fatal(err)
		}
	}
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
