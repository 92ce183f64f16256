package model

import (
	"strings"
	"testing"
)

// TestReadTablesRefusesNonFinite: a row with enough increments whose drift or diffusion is NaN
// or infinite is refused with its line and column (it was silently dropped); an empty bin's NaN
// is still skipped.
func TestReadTablesRefusesNonFinite(t *testing.T) {
	t.Parallel()
	head := "mode,x,drift,drift_err,diffusion,diffusion_err,count\n"
	good := "0,1,0.5,0,0.1,0,50\n0,2,-0.5,0,0.1,0,50\n"
	for _, tc := range []struct{ row, want string }{
		{"0,1.5,NaN,0,0.1,0,50\n", `line 3: column drift: "NaN" is not finite`},
		{"0,1.5,0.1,0,+Inf,0,50\n", `line 3: column diffusion: "+Inf" is not finite`},
		{"0,1.5,0.1,0,0.1,0,NaN\n", `line 3: column count: "NaN" is not finite`},
	} {
		text := head + good[:19] + tc.row + good[19:]
		_, err := ReadTables(strings.NewReader(text))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.row, err, tc.want)
		}
	}
	if _, err := ReadTables(strings.NewReader(head + good + "0,3,NaN,0,NaN,0,1\n")); err != nil {
		t.Errorf("an empty bin's NaN row: %v", err)
	}
}

// TestReadTablesBOM: a table saved with a UTF-8 byte order mark reads like one without.
func TestReadTablesBOM(t *testing.T) {
	t.Parallel()
	text := "\uFEFFmode,x,drift,drift_err,diffusion,diffusion_err,count\n0,1,0.5,0,0.1,0,50\n0,2,-0.5,0,0.1,0,50\n"
	tabs, err := ReadTables(strings.NewReader(text))
	if err != nil || len(tabs) != 1 {
		t.Fatalf("%d tables, %v", len(tabs), err)
	}
}

// TestReadTablesTinyDiffusionLine: a diffusion too small for its drift is reported at its own
// line and x (it was reported at the domain end, x = 4.5).
func TestReadTablesTinyDiffusionLine(t *testing.T) {
	t.Parallel()
	text := "mode,x,drift,drift_err,diffusion,diffusion_err,count\n0,3,-0.2,0,0.1,0,50\n0,1,0.5,0,0.1,0,50\n0,2,0.2,0,1e-300,0,50\n0,4,-0.5,0,0.1,0,50\n"
	_, err := ReadTables(strings.NewReader(text))
	if err == nil || !strings.Contains(err.Error(), "drift table line 4: mode 0: table: the potential overflows between x = 1 and 2: diffusion 1e-300 at x = 2 is too small") {
		t.Errorf("error %v", err)
	}
}
