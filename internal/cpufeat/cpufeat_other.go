//go:build !amd64

package cpufeat

// AVX2FMA is false off amd64.
const AVX2FMA = false
