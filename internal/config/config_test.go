package config

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fpsolve"
)

const base = `
[model]
drift = "rbm"
mu2 = 9.0
kappa = [5.0, 5.0]
[noise]
g2 = 0.01
[grid]
points = 100
[time]
t_end = 1.0
dt = 0.1
`

func TestDefaultConfigParses(t *testing.T) {
	t.Parallel()
	c, err := Parse(fpsolve.DefaultConfig, "fp.toml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Modes() != 10 || c.Time.Snapshots < 2 {
		t.Fatalf("default study: %d modes", c.Modes())
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	c, err := Parse([]byte(base), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := c.GridRange()
	if lo != 0 || hi != 9 {
		t.Errorf("rbm grid range %g..%g, want 0..9", lo, hi)
	}
	if c.Time.Snapshots != DefaultSnapshots || !c.CoulombEnabled() || !c.PlotsEnabled() {
		t.Errorf("defaults not filled: %+v", c.Time)
	}
	if g := c.G2(); len(g) != 2 || g[1] != 0.01 {
		t.Errorf("g2 %v", g)
	}
	c, err = Parse([]byte(strings.Replace(base, "g2 = 0.01", "alpha = 0.1\nbatch = 16\ngtilde2 = [0.8, 1.6]", 1)), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	if g := c.G2(); math.Abs(g[0]-0.005) > 1e-15 || math.Abs(g[1]-0.01) > 1e-15 { // rounding only
		t.Errorf("g2 from alpha/batch*gtilde2 = %v", g)
	}
}

// TestRefusals: each bad input is refused with one line naming the file, the key and the cause.
func TestRefusals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, edit, want string
	}{
		{"unknown key", "[grid]\npoints = 100\npointz = 3", "grid.pointz: unknown key"},
		{"kappa above mu2", "kappa = [5.0, 5.0]=>kappa = [5.0, 9.5]", "model.kappa[1]: 9.5 must lie inside (0, mu2 = 9)"},
		{"negative g2", "g2 = 0.01=>g2 = -0.01", "noise.g2[0]: -0.01 must be a positive"},
		{"one grid point", "points = 100=>points = 1", "grid.points: 1 must be at least 3"},
		{"3-mode grid too large", "kappa = [5.0, 5.0]=>kappa = [5.0, 5.0, 5.0]\x00points = 100=>points = 1000000", "grid.points: the run needs about"},
		{"missing table", "drift = \"rbm\"=>drift = \"table\"\x00mu2 = 9.0=>table = \"nope.csv\"\x00kappa = [5.0, 5.0]=>", "model.table: cannot read"},
		{"malformed TOML", "[grid]=>[grid", "t.toml:9:6: malformed TOML"},
		{"list lengths differ", "g2 = 0.01=>g2 = [0.01, 0.02, 0.03]", "noise.g2: has 3 entries"},
		{"NaN value", "g2 = 0.01=>g2 = nan", "noise.g2[0]: NaN must be a positive finite number"},
		{"batch = 0", "g2 = 0.01=>alpha = 0.1\nbatch = 0\ngtilde2 = 1.0", "noise.batch: 0 must be at least 1"},
		{"dt above t_end", "dt = 0.1=>dt = 2.0", "time.dt"},
		{"unknown drift", "drift = \"rbm\"=>drift = \"quartic\"", "model.drift"},
		{"no stage", "[time]\nt_end = 1.0\ndt = 0.1=>", "no stage"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text := base
			for _, e := range strings.Split(tc.edit, "\x00") {
				if strings.Contains(e, "=>") {
					p := strings.SplitN(e, "=>", 2)
					text = strings.Replace(text, p[0], p[1], 1)
				} else {
					text += "\n" + e + "\n"
				}
			}
			if tc.name == "unknown key" {
				text = strings.Replace(base, "points = 100", "points = 100\npointz = 3", 1)
			}
			if tc.name == "no stage" {
				text = strings.Replace(base, "[time]\nt_end = 1.0\ndt = 0.1", "", 1)
			}
			_, err := Parse([]byte(text), "t.toml")
			if err == nil {
				t.Fatalf("accepted:\n%s", text)
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "t.toml") || !strings.Contains(msg, tc.want) {
				t.Errorf("error %q, want one line from t.toml containing %q", msg, tc.want)
			}
		})
	}
}

func TestTableFromFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tab := "mode,x,drift,drift_err,diffusion,diffusion_err,count\n0,1,0.5,0,0.1,0,50\n0,2,-0.5,0,0.1,0,50\n"
	if err := os.WriteFile(filepath.Join(dir, "d.csv"), []byte(tab), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := "[model]\ndrift = \"table\"\ntable = \"d.csv\"\n[grid]\npoints = 10\n[time]\nt_end = 1.0\ndt = 0.5\n"
	path := filepath.Join(dir, "c.toml")
	os.WriteFile(path, []byte(cfg), 0o644)
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Modes() != 1 || len(c.Tables()) != 1 {
		t.Fatalf("modes %d", c.Modes())
	}
	os.WriteFile(filepath.Join(dir, "d.csv"), []byte("mode,x,drift,drift_err,diffusion,diffusion_err,count\n0,x,1,0,1,0,1\n"), 0o644)
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "model.table") || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("malformed table: %v", err)
	}
}
