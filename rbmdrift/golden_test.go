package rbmdrift

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
)

// runDigest is a SHA-256 of every float of a run (spectra, weights, drift sums), printed with
// %v (the shortest decimal that reads back to the same bits), so that equal digests mean runs
// equal to the bit.
func runDigest(r RunResult) string {
	h := sha256.New()
	fmt.Fprintf(h, "%v %v %v %v", r.Run, r.Steps, r.Spectra, r.Weights)
	if r.Drift != nil {
		fmt.Fprintf(h, " %+v", *r.Drift)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestGoldenN10 pins runs in the paper's setting (N = 10, below the large-N kernels' threshold)
// to the bits they had before the large-N kernels existed: both samplers, exact and sampled
// data, the perturbative and the exact drift measurement. The digests were computed with the
// hand-written loops alone; any change of the N = 10 arithmetic changes them.
func TestGoldenN10(t *testing.T) {
	t.Parallel()
	goldenN10(t)
}

// TestGoldenN10Loops is TestGoldenN10 with the AVX kernels of the N = 10 loops switched off
// (withoutAVX): both paths must give the pinned bits. Not parallel: it changes fmaKernel.
func TestGoldenN10Loops(t *testing.T) {
	withoutAVX(t, func() { goldenN10(t) })
}

func goldenN10(t *testing.T) {
	for _, c := range []struct {
		sampler, data, measure string
		every                  int
		want                   string
	}{
		{SamplerDirect, DataExact, MeasurePerturbative, 1, "c52f431cb806b421d515e3ba0ee330899e242f00181b626d7c783b9007647c4c"},
		{SamplerGibbs, DataExact, MeasurePerturbative, 3, "5067f43fda29a035ee2e546edef5d076b516bae94466be33d90f0c4f455c7362"},
		{SamplerDirect, DataSamples, MeasureExact, 2, "aeede9890a81f35051442a5c40129f27e3d61a4aff0e8ad82b8e6afd76a9c761"},
		{SamplerGibbs, DataSamples, MeasurePerturbative, 0, "e4c3500bde16a129e0912242437f2e6e25b839571e1a2aced25c089c76c7a29d"},
	} {
		cfg := reference()
		cfg.Sampler, cfg.Data, cfg.Measure, cfg.MeasureEvery = c.sampler, c.data, c.measure, c.every
		cfg.Steps, cfg.RecordEvery, cfg.Bins = 300, 100, 20
		if cfg.kernels() != kernelsLoops {
			t.Fatalf("N = 10 is on the large-N kernels")
		}
		res, err := TrainRun(cfg, 2)
		if err != nil {
			t.Fatal(err)
		}
		if got := runDigest(res); got != c.want {
			t.Errorf("%s/%s/%s/every %d: digest %s, want %s", c.sampler, c.data, c.measure, c.every, got, c.want)
		}
	}
}
