package config

import (
	"strings"
	"testing"
)

// rbmBase is a small [rbm] stage for the drift_windows key.
const rbmBase = `
[rbm]
visible = 4
hidden = 4
target_m2 = 4.0
mu2 = 9.0
alpha = 0.1
batch = 4
gibbs_steps = 1
sigma_h = 1.0
init_sigma = 0.1
steps = 10
runs = 2
record_every = 5
`

func TestDriftWindows(t *testing.T) {
	t.Parallel()
	// Default 1 (one window, the behaviour before the key existed); accepted up to steps;
	// refused below 1 and above steps, naming the key.
	c, err := Parse([]byte(rbmBase), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	if c.RBM.DriftWindows != 1 {
		t.Errorf("default drift_windows = %d, want 1", c.RBM.DriftWindows)
	}
	c, err = Parse([]byte(rbmBase+"drift_windows = 10\n"), "t.toml")
	if err != nil || c.RBM.DriftWindows != 10 {
		t.Errorf("drift_windows = 10 with 10 steps: %v", err)
	}
	for _, tc := range []struct{ value, want string }{
		{"0", "rbm.drift_windows: 0 must be at least 1"},
		{"11", "rbm.drift_windows: 11 exceeds steps = 10"},
	} {
		_, err := Parse([]byte(rbmBase+"drift_windows = "+tc.value+"\n"), "t.toml")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("drift_windows = %s: err = %v, want %q", tc.value, err, tc.want)
		}
	}
}
