package config

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"fpsolve/teacher"
)

const teacherBase = "[teacher]\nruns = 4\nsteps = 100\n"

// TestTeacherSection: [teacher] alone is a config; it decodes over teacher.DefaultConfig; its bad
// keys are one line naming teacher.<key>; it is refused with [rbm] or [sweep].
func TestTeacherSection(t *testing.T) {
	t.Parallel()
	c, err := Parse([]byte(teacherBase), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	want := teacher.DefaultConfig()
	want.Runs, want.Steps = 4, 100
	if got, _ := json.Marshal(c.Teacher.Config); string(got) != string(must(json.Marshal(want))) {
		t.Errorf("resolved [teacher] %s, want %s", got, must(json.Marshal(want)))
	}
	if c.RBM != nil || c.Model != nil {
		t.Errorf("sections that the file does not have: rbm %v, model %v", c.RBM, c.Model)
	}
	for _, tc := range []struct{ extra, want string }{
		{"alpha = -1.0\n", "t.toml: teacher.alpha: -1 must be a positive finite number"},
		{"batch = 0\n", "t.toml: teacher.batch: 0 must be at least 1"},
		{"teacher = [1.0]\n", "t.toml: teacher.teacher: 1 eigenvalues for size = 2"},
		{"data = \"stream\"\n", "t.toml: teacher.data:"},
		{"spectrum = \"x\"\n", "t.toml: teacher.spectrum:"},
		{"seed = -1\n", "teacher.seed: -1 must be >= 0"},
		{"drift_lo = 1.0\n", "teacher.drift_lo: unknown key"},
		{"alpha = 1.9\n", "teacher.alpha: 1.9 is beyond the stability limit"},
	} {
		_, err := Parse([]byte(teacherBase+tc.extra), "t.toml")
		if err == nil {
			t.Errorf("%q: accepted", tc.extra)
			continue
		}
		var ce *Error
		if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, tc.want) || !errors.As(err, &ce) {
			t.Errorf("%q: error %q, want one line containing %q", tc.extra, msg, tc.want)
		}
	}
	for _, text := range []string{"[teacher]\nruns = 0\nsteps = 10\n", "[teacher]\nruns = 2\n"} {
		if _, err := Parse([]byte(text), "t.toml"); err == nil || !strings.Contains(err.Error(), "teacher.") {
			t.Errorf("%q: %v, want a teacher.runs or teacher.steps error", text, err)
		}
	}
	_, err = Parse([]byte(rbmBase+"\n"+teacherBase), "t.toml")
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "[rbm]") || !strings.Contains(err.Error(), "teacher") {
		t.Errorf("[teacher] with [rbm]: %v", err)
	}
}

// TestTeacherJSON: every [teacher] key, and the run count, reach the section's JSON form (the
// output directory's fingerprint).
func TestTeacherJSON(t *testing.T) {
	t.Parallel()
	a, err := Parse([]byte(teacherBase), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	ja := string(must(json.Marshal(a.Teacher)))
	for _, extra := range []string{"runs = 5\n", "alpha = 0.2\n", "noise = 0.2\n", "seed = 3\n", "record_every = 10\n", "bins = 30\n", "spectrum = \"gram\"\n"} {
		b, err := Parse([]byte(strings.Replace(teacherBase, "runs = 4\n", "", 1)+map[bool]string{true: "", false: "runs = 4\n"}[strings.HasPrefix(extra, "runs")]+extra), "t.toml")
		if err != nil {
			t.Fatalf("%q: %v", extra, err)
		}
		if string(must(json.Marshal(b.Teacher))) == ja {
			t.Errorf("%q does not change the section's JSON form", extra)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
