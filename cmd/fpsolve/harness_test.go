package main

// The one harness of the command's tests: they run the command in-process (run), on configs
// written into the test's temporary directory, and read its outputs back.

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// ensRun runs the command in-process and returns its exit code, stdout and stderr.
func ensRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// ensMustRun runs the command and fails the test on a non-zero exit.
func ensMustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := ensRun(t, args...)
	if code != 0 {
		t.Fatalf("fpsolve %v: exit %d: %s", args, code, errs)
	}
	return out
}

func ensWriteConfig(t *testing.T, dir, body string) string {
	t.Helper()
	p := filepath.Join(dir, "fp.toml")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func ensRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ensSummary(t *testing.T, dir string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(ensRead(t, filepath.Join(dir, "summary.json")), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// ensStripTimes removes the wall-clock figures from a summary.
func ensStripTimes(m map[string]any) map[string]any {
	delete(m, "seconds")
	if r, ok := m["rbm"].(map[string]any); ok {
		delete(r, "updates_per_second")
	}
	return m
}

// runConfig writes cfg into a fresh temporary directory and runs the command on it with output
// directory DIR/out and the extra arguments; it returns that directory, the output and the code.
func runConfig(t *testing.T, cfg string, extra ...string) (dir, stdout, stderr string, code int) {
	t.Helper()
	tmp := t.TempDir()
	dir = filepath.Join(tmp, "out")
	code, stdout, stderr = ensRun(t, append([]string{"-config", ensWriteConfig(t, tmp, cfg), "-out", dir}, extra...)...)
	return dir, stdout, stderr, code
}

// readSummary is ensSummary.
func readSummary(t *testing.T, dir string) map[string]any { t.Helper(); return ensSummary(t, dir) }

// num returns the number at path (map keys and slice indices) inside v.
func num(t *testing.T, v any, path ...any) float64 {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		}
	}
	f, ok := v.(float64)
	if !ok {
		t.Fatalf("%v: %v is not a number", path, v)
	}
	return f
}
