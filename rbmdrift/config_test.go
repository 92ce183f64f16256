package rbmdrift

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"fpsolve/model"
)

func TestDefaultConfig(t *testing.T) {
	t.Parallel()
	d := DefaultConfig()
	want := Config{Data: DataExact, Sampler: SamplerDirect, MeasureEvery: 1, Measure: MeasurePerturbative, Bins: 60, DriftWindows: 1}
	if d != want {
		t.Errorf("DefaultConfig() = %+v, want %+v", d, want)
	}
	// The Go API's zero shortcuts stand for the same defaults; MeasureEvery 0 stays off.
	if got := (Config{}).WithDefaults(); got != (Config{Data: d.Data, Sampler: d.Sampler, Measure: d.Measure, Bins: d.Bins, DriftWindows: d.DriftWindows}) {
		t.Errorf("WithDefaults of the zero Config = %+v", got)
	}
	c := reference()
	if c.bins() != d.Bins || c.driftWindows() != 1 {
		t.Errorf("zero Bins, DriftWindows: %d bins, %d windows", c.bins(), c.driftWindows())
	}
}

func TestValidateStrict(t *testing.T) {
	t.Parallel()
	c := reference().WithDefaults()
	c.Runs = 3
	if err := c.ValidateStrict(Strict{}); err != nil {
		t.Fatal(err)
	}
	// Each refusal is a *KeyError naming the [rbm] key; the trainer itself runs all of these
	// (Validate accepts them).
	for key, f := range map[string]func(*Config){
		"steps":         func(c *Config) { c.Steps = 0 },
		"runs":          func(c *Config) { c.Runs = 0 },
		"record_every":  func(c *Config) { c.RecordEvery = 0 },
		"bins":          func(c *Config) { c.Bins = 0 },
		"drift_windows": func(c *Config) { c.DriftWindows = 0 },
		"hidden":        func(c *Config) { c.Hidden = 11 },
		"mu2":           func(c *Config) { c.Mu2 = 8 },
		"log_floor":     func(c *Config) { c.LogFloor = math.Inf(1) },
	} {
		bad := c
		f(&bad)
		var ke *KeyError
		if err := bad.ValidateStrict(Strict{}); !errors.As(err, &ke) || ke.Key != key || err.Error() != key+": "+ke.Msg {
			t.Errorf("%s: strict error %v", key, err)
		}
		if err := bad.Validate(); err != nil {
			t.Errorf("%s: Validate refuses what the trainer can run: %v", key, err)
		}
	}
	if err := c.ValidateStrict(Strict{MaxBytes: 1000}); err == nil || !strings.HasPrefix(err.Error(), "visible: the run needs about") {
		t.Errorf("memory limit: %v", err)
	}
	c.MeasureEvery = 0
	if err := c.ValidateStrict(Strict{DriftNeededBy: "the table"}); err == nil || err.Error() != "measure_every: 0 turns the drift measurement off, but the table needs it" {
		t.Errorf("drift needed: %v", err)
	}
}

func TestConfigJSON(t *testing.T) {
	t.Parallel()
	// One window is written the same way whether it is spelled 0 or 1; Runs is never written.
	c := reference()
	c.Runs = 9
	a, _ := json.Marshal(c)
	c.DriftWindows, c.Runs = 1, 0
	b, _ := json.Marshal(c)
	want := `{"Visible":10,"Hidden":10,"TargetM2":4,"Mu2":9,"SigmaH":1,"InitSigma":0.1,"Alpha":0.1,"Batch":16,` +
		`"GibbsSteps":3,"Steps":1000,"RecordEvery":100,"Data":"","Sampler":"","Seed":1,"MeasureEvery":0,"Bins":0,` +
		`"DriftLo":0,"DriftHi":0}`
	if string(a) != want || string(b) != want {
		t.Errorf("JSON\n%s\n%s, want\n%s", a, b, want)
	}
	c.DriftWindows = 4
	if b, _ := json.Marshal(c); !strings.Contains(string(b), `"DriftWindows":4`) {
		t.Errorf("4 windows: %s", b)
	}
}

func TestModeKappa(t *testing.T) {
	t.Parallel()
	// Eigenvalue i (ascending) learns the (Hidden-1-i)-th smallest kappa; extra hidden units
	// learn none.
	c := Config{Visible: 6, Hidden: 4, TargetM2: 0.5, Mu2: 9, SigmaH: 1.5}
	kap := model.FreeFieldKappa(0.5, 6)
	got := c.ModeKappa()
	for i, k := range got {
		if k != kap[3-i] {
			t.Errorf("mode %d: kappa %g, want %g", i, k, kap[3-i])
		}
	}
	c.Hidden = 8
	got, x := c.ModeKappa(), c.TargetSpectrum()
	for i := 0; i < 8; i++ {
		switch {
		case i < 2 && (got[i] != 0 || x[i] != 0):
			t.Errorf("extra mode %d: kappa %g, target %g", i, got[i], x[i])
		case i >= 2 && (got[i] != kap[7-i] || x[i] != (9-kap[7-i])/2.25):
			t.Errorf("mode %d: kappa %g, target %g", i, got[i], x[i])
		}
	}
}

// TestMeasureJSON: the run store's form writes Measure only for a perturbatively measured run,
// so that exactly measured and unmeasured runs stored before the key keep their tags, and the
// perturbative ones (whose increments differ in the last digits) never reuse them.
func TestMeasureJSON(t *testing.T) {
	t.Parallel()
	form := func(c Config) string {
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	c := reference()
	c.MeasureEvery = 1
	pert, def := c, c
	pert.Measure = MeasurePerturbative
	exact := c
	exact.Measure = MeasureExact
	if form(def) != form(pert) || !strings.Contains(form(pert), `"Measure":"perturbative"`) {
		t.Errorf("default and perturbative forms differ or lack the key:\n%s\n%s", form(def), form(pert))
	}
	if strings.Contains(form(exact), `"Measure":`) {
		t.Errorf("exact form names the key: %s", form(exact))
	}
	off := c
	off.MeasureEvery = 0
	if strings.Contains(form(off), `"Measure":`) {
		t.Errorf("unmeasured form names the key: %s", form(off))
	}
}
