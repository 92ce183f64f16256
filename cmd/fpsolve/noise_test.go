package main

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"testing"

	"fpsolve/ensemble"
	"fpsolve/rbmdrift"
)

// TestNoiseLines: the printed [noise] lines are gtilde2 = d2 |B| / (2 alpha) and the slope, to 3
// digits; with a mode that has no estimate there are no lines (NaN is not TOML) and that mode
// is named instead.
func TestNoiseLines(t *testing.T) {
	t.Parallel()
	o := &rbmOutcome{cfg: rbmdrift.Config{Mu2: 9, SigmaH: 1, Alpha: 0.1, Batch: 16}}
	fits := []ensemble.Noise{{Mode: 0, D2: 0.004, Slope: 1.5}, {Mode: 1, D2: 0.002, Slope: -0.25}}
	lines, missing := o.noiseLines(fits)
	want := []string{fmt.Sprintf("gtilde2 = [%.3g, %.3g]", 0.004*16/0.2, 0.002*16/0.2), "slope = [1.5, -0.25]"}
	if !reflect.DeepEqual(lines, want) || missing != nil {
		t.Errorf("noise lines %q (missing %v), want %q", lines, missing, want)
	}
	fits[1].D2, fits[1].Slope = math.NaN(), math.NaN()
	if lines, missing := o.noiseLines(fits); lines != nil || !reflect.DeepEqual(missing, []int{1}) {
		t.Errorf("with mode 1 unestimated: lines %q, missing %v; want none and [1]", lines, missing)
	}
}

// TestJnum: summary numbers are JSON numbers in the shortest exact form, and null where JSON
// has none (NaN, infinities).
func TestJnum(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(struct {
		A, B, C, D jnum
	}{jnum(0.1), jnum(math.NaN()), jnum(math.Inf(-1)), jnum(1e-300)})
	if err != nil || string(b) != `{"A":0.1,"B":null,"C":null,"D":1e-300}` {
		t.Errorf("%s, %v", b, err)
	}
}
