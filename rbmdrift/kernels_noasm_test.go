//go:build !amd64

package rbmdrift

import "testing"

// withoutAVX: without the amd64 kernels every test already runs the Go loops.
func withoutAVX(t *testing.T, f func()) {}
