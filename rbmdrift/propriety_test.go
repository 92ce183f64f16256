package rbmdrift

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestProprietyBound: the bound that certifies the large-N Gibbs updates (propriety.go) holds
// at every update of a run: whenever one is carried, lambda_max(T) from the exact solve lies
// below it. It certifies most updates of a trained run (at least 80%; 95% measured), and the
// weights are the same to the bit as those of a trainer that decides every update by prepare.
func TestProprietyBound(t *testing.T) {
	t.Parallel()
	steps := 1500
	if testing.Short() {
		steps = 400
	}
	cfg := sized(32, SamplerGibbs)
	with, err := NewTrainer(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	without, err := NewTrainer(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !with.pb.on {
		t.Fatal("the bound is off on the large-N Gibbs trainer with exact data")
	}
	without.pb.on = false
	n := cfg.Visible
	s, lam, tt := newSymEigen(n), make([]float64, n), make([]float64, n*n)
	var carried int
	for st := 0; st < steps; st++ {
		if err := with.Step(); err != nil {
			t.Fatal(err)
		}
		if err := without.Step(); err != nil {
			t.Fatal(err)
		}
		if b := with.pb.bound; b > 0 {
			carried++
			transpose(with.wt, with.w, n, with.nh)
			gemm(tt, with.w, with.wt, n, with.nh, n, with.s2/with.mu2, 0)
			if !s.values(lam, tt) {
				t.Fatal("symEigen failed")
			}
			// The exact solve's own error (1e-15 here) is far below any slack that matters.
			if lam[n-1] > b {
				t.Fatalf("step %d: lambda_max(T) = %.17g above the carried bound %.17g", st, lam[n-1], b)
			}
		}
	}
	for i := range with.w {
		if math.Float64bits(with.w[i]) != math.Float64bits(without.w[i]) {
			t.Fatalf("weight %d: %v with the bound, %v without", i, with.w[i], without.w[i])
		}
	}
	if frac := float64(with.pb.certified) / float64(steps); frac < 0.8 {
		t.Errorf("the bound certified %d of %d updates (%d new certificates), want at least 80%%", with.pb.certified, steps, with.pb.refreshed)
	}
	t.Logf("certified %d of %d updates, %d new certificates; a bound carried after %d", with.pb.certified, steps, with.pb.refreshed, carried)
}

// TestProprietyBoundImproper: weights set to an improper model (lambda_max(T) = 1.01) are
// refused by the next update even after the bound had certified the weights before them, and
// weights at lambda_max(T) = 0.99 are accepted.
func TestProprietyBoundImproper(t *testing.T) {
	t.Parallel()
	cfg := sized(16, SamplerGibbs)
	tr := bigTrainer(t, 16, 16, SamplerGibbs, 300)
	// Up to the next update that carries a bound that certifies, so that SetWeights meets one.
	for st := 0; !(tr.pb.bound > 0 && tr.pb.bound < boundMax); st++ {
		if st == 100 {
			t.Fatal("no bound carried in 100 updates")
		}
		if err := tr.Step(); err != nil {
			t.Fatal(err)
		}
	}
	n := cfg.Visible
	// W = c I: T = (sigma_h^2/mu^2) c^2 I, lambda = s2 c^2 / mu2.
	for _, c := range []struct {
		lambda float64
		proper bool
	}{{1.01, false}, {0.99, true}} {
		w := mat.NewDense(n, cfg.Hidden, nil)
		for i := 0; i < n; i++ {
			w.Set(i, i, math.Sqrt(c.lambda*tr.mu2/tr.s2))
		}
		tr.SetWeights(w)
		err := tr.Step()
		if (err == nil) != c.proper {
			t.Errorf("lambda_max(T) = %g: Step returned %v", c.lambda, err)
		}
	}
}
