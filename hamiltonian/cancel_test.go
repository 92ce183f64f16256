package hamiltonian

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"fpsolve/fokkerplanck"
	"fpsolve/model"
)

// TestLowestContextCancel: Lowest on a three-mode grid (a factorisation of seconds to minutes)
// and on a long one-mode grid (cheap factorisation, many solves) returns ctx.Err() within a
// fraction of a second of the cancellation.
func TestLowestContextCancel(t *testing.T) {
	t.Parallel()
	mode := model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.01}
	h3, _ := sgOperator(t, []model.Mode{mode, mode, mode}, true, fokkerplanck.Axis{Lo: 0, Hi: 9, N: 48})
	h1, err := FD(model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.001}, fokkerplanck.Axis{Lo: 0, Hi: 9, N: 400000})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		k     int
		after time.Duration
	}{{"3 modes", 8, 100 * time.Millisecond}, {"1 mode", 40, 30 * time.Millisecond}} {
		h := h3
		if tc.name == "1 mode" {
			h = h1
		}
		ctx, cancel := context.WithCancel(context.Background())
		go func() { time.Sleep(tc.after); cancel() }()
		t0 := time.Now()
		_, err := Lowest(h, tc.k, &Options{Context: ctx})
		d := time.Since(t0)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("%s: err = %v after %v, want context.Canceled", tc.name, err, d)
		}
		if d > tc.after+time.Second {
			t.Fatalf("%s: stopped after %v", tc.name, d)
		}
		t.Logf("%s: stopped %v after the cancellation", tc.name, d-tc.after)
	}
}

// TestLowestContextSame: a context that is not cancelled changes no bit of the result.
func TestLowestContextSame(t *testing.T) {
	t.Parallel()
	mode := model.Mode{Drift: model.RBM{Mu2: 9, Kappa: 5}, G2: 0.01}
	h, _ := sgOperator(t, []model.Mode{mode, mode}, true, fokkerplanck.Axis{Lo: 0, Hi: 9, N: 64})
	want := lowest(t, h, 6, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := lowest(t, h, 6, &Options{Context: ctx})
	for i := range want.Values {
		if math.Float64bits(got.Values[i]) != math.Float64bits(want.Values[i]) || math.Float64bits(got.Residuals[i]) != math.Float64bits(want.Residuals[i]) {
			t.Fatalf("E_%d = %v (residual %v), want %v (%v)", i, got.Values[i], got.Residuals[i], want.Values[i], want.Residuals[i])
		}
	}
	if got.Solves != want.Solves || got.Restarts != want.Restarts {
		t.Fatalf("solves %d restarts %d, want %d %d", got.Solves, got.Restarts, want.Solves, want.Restarts)
	}
}
