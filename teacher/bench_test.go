package teacher

import "testing"

// BenchmarkTrainRun: the paper's setting (N = 2, d = (2, 2), |B| = 16, online), 1e5 updates
// per run, spectrum recorded every 100 updates, no drift measurement; reports updates/s.
func BenchmarkTrainRun(b *testing.B) {
	cfg := DefaultConfig()
	cfg.Steps, cfg.RecordEvery, cfg.MeasureEvery = 100000, 100, 0
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := TrainRun(cfg, i); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*float64(cfg.Steps)/b.Elapsed().Seconds(), "updates/s")
}

// BenchmarkStep: one online update at N = 2, |B| = 16; must not allocate.
func BenchmarkStep(b *testing.B) {
	t, err := newTrainer(DefaultConfig(), 0)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		t.step()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
}

// BenchmarkTrainRunMeasured: as BenchmarkTrainRun with the drift measured at every update
// (two spectra per update).
func BenchmarkTrainRunMeasured(b *testing.B) {
	cfg := DefaultConfig()
	cfg.Steps, cfg.RecordEvery = 100000, 100
	for i := 0; i < b.N; i++ {
		if _, err := TrainRun(cfg, i); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*float64(cfg.Steps)/b.Elapsed().Seconds(), "updates/s")
}
