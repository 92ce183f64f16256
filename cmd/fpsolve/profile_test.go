package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCPUProfile checks that -cpuprofile writes a pprof profile (gzip-compressed protobuf, so it
// starts with the gzip magic bytes) and that an unwritable path is refused with one line, exit
// code 2, before the output directory is claimed.
func TestCPUProfile(t *testing.T) {
	t.Parallel()
	const cfg = `
[model]
drift = "harmonic"
kappa = [0.5]
omega = [2.0]
[noise]
g2 = 0.1
[grid]
points = 200
lo = -3.0
hi = 4.0
[initial]
kind = "gaussian"
mean = [1.5]
var = [0.05]
[time]
t_end = 0.05
dt = 0.01
snapshots = 2
`
	prof := filepath.Join(t.TempDir(), "cpu.prof")
	_, _, stderr, code := runConfig(t, cfg, "-cpuprofile", prof)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(prof)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
		t.Errorf("profile %s is not gzip data (%d bytes)", prof, len(b))
	}

	bad := filepath.Join(t.TempDir(), "missing", "cpu.prof")
	dir, _, stderr, code := runConfig(t, cfg, "-cpuprofile", bad)
	if code != 2 || !strings.Contains(stderr, "-cpuprofile") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("unwritable profile path: exit %d, stderr %q; want 2 and one line naming -cpuprofile", code, stderr)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("output directory %s was created although the profile path was refused", dir)
	}
}
