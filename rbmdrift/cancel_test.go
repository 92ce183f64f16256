package rbmdrift

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"
)

// TestTrainRunContextCancel: a run of 10^8 updates stops within a fraction of a second of its
// context's cancellation and returns ctx.Err().
func TestTrainRunContextCancel(t *testing.T) {
	t.Parallel()
	c := reference()
	c.Steps, c.RecordEvery = 100_000_000, 0
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	t0 := time.Now()
	_, err := TrainRunContext(ctx, c, 0)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(t0); d > 2*time.Second {
		t.Fatalf("stopped after %v", d)
	}
	// Cancelled before the start: no update at all.
	res, err := TrainRunContext(ctx, c, 0)
	if !errors.Is(err, context.Canceled) || len(res.Spectra) != 1 {
		t.Fatalf("pre-cancelled: err = %v, %d spectra", err, len(res.Spectra))
	}
}

// TestTrainRunContextSame: with a context that is not cancelled the result is TrainRun's, bit
// for bit (with and without drift measurement).
func TestTrainRunContextSame(t *testing.T) {
	t.Parallel()
	for _, measure := range []int{0, 3} {
		c := reference()
		c.Steps, c.RecordEvery, c.MeasureEvery = 500, 50, measure
		want, err := TrainRun(c, 2)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		got, err := TrainRunContext(ctx, c, 2)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("measure %d: TrainRunContext differs from TrainRun", measure)
		}
	}
}

// BenchmarkTrainRunContext is BenchmarkTrainRun with a context that can be cancelled (the
// checked path): compare the two for the cost of the checks.
func BenchmarkTrainRunContext(b *testing.B) {
	c := reference()
	c.Steps, c.RecordEvery = 10000, 1000
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for i := 0; i < b.N; i++ {
		if _, err := TrainRunContext(ctx, c, i); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*c.Steps)/b.Elapsed().Seconds(), "updates/s")
}
