//go:build !amd64

package vmath

var useAVX = false

func log4(dst, x *float64, n int) int { panic("vmath: no kernel on this architecture") }
func exp4(dst, x *float64, n int) int { panic("vmath: no kernel on this architecture") }
