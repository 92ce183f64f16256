package rng

import (
	"math"
	"math/bits"
)

// Xoshiro256PlusPlus is the xoshiro256++ generator of Blackman and Vigna: 256 bits of state,
// period 2^256 - 1, about a nanosecond per draw. Its normal deviates come from a 256-layer
// ziggurat. Make one with NewXoshiro256PlusPlusWalker.
type Xoshiro256PlusPlus struct {
	s [4]uint64
}

// splitmix64 advances x and returns the next output of the SplitMix64 generator.
func splitmix64(x *uint64) uint64 {
	*x += 0x9e3779b97f4a7c15
	z := *x
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// NewXoshiro256PlusPlusWalker returns the stream of walker number walker under seed: the
// SplitMix64 counter starts at seed, its first output xor walker*0xd1b54a32d192ed03 becomes the
// new counter, one more output is discarded (it decorrelates neighbouring walkers), and the next
// four outputs are the state. The stream depends on (seed, walker) alone, so an ensemble gives
// the same results however its walkers are spread over goroutines, shards or machines.
func NewXoshiro256PlusPlusWalker(seed uint64, walker int) Xoshiro256PlusPlus {
	var g Xoshiro256PlusPlus
	g.SeedWalker(seed, walker)
	return g
}

// SeedWalker resets g to the state NewXoshiro256PlusPlusWalker(seed, walker) returns.
func (g *Xoshiro256PlusPlus) SeedWalker(seed uint64, walker int) {
	st := seed
	k := splitmix64(&st)
	st = k ^ (uint64(walker) * 0xd1b54a32d192ed03)
	_ = splitmix64(&st)
	for i := range g.s {
		g.s[i] = splitmix64(&st)
	}
	if g.s == [4]uint64{} {
		g.s[0] = 1 // the all-zero state is the one fixed point of xoshiro
	}
}

// Uint64 returns a uniformly distributed 64-bit value.
func (g *Xoshiro256PlusPlus) Uint64() uint64 {
	s := &g.s
	res := bits.RotateLeft64(s[0]+s[3], 23) + s[0]
	t := s[1] << 17
	s[2] ^= s[0]
	s[3] ^= s[1]
	s[1] ^= s[2]
	s[0] ^= s[3]
	s[2] ^= t
	s[3] = bits.RotateLeft64(s[3], 45)
	return res
}

// Float64 returns a uniform value in [0, 1): the top 53 bits of one draw times 2^-53.
func (g *Xoshiro256PlusPlus) Float64() float64 {
	return float64(g.Uint64()>>11) * 0x1p-53
}

// Float64Open returns a uniform value in the open interval (0, 1): the top 53 bits of one draw
// plus one half, times 2^-53.
func (g *Xoshiro256PlusPlus) Float64Open() float64 {
	return (float64(g.Uint64()>>11) + 0.5) * 0x1p-53
}

// NormFloat64 returns a standard normal deviate, by the 256-layer ziggurat of Marsaglia and
// Tsang (one 64-bit draw and no transcendental function in about 99% of the calls).
func (g *Xoshiro256PlusPlus) NormFloat64() float64 {
	for {
		b := g.Uint64()
		i := b & 0xff
		u := float64(int64(b)>>11) * 0x1p-52 // uniform in [-1, 1), independent of i
		x := u * zig256X[i]
		if math.Abs(x) < zig256X[i+1] {
			return x
		}
		if i == 0 {
			return zig256Tail(g, u)
		}
		if zig256F[i+1]+(zig256F[i]-zig256F[i+1])*g.Float64Open() < math.Exp(-0.5*x*x) {
			return x
		}
	}
}

// zig256Tail samples the normal tail beyond zig256R (Marsaglia's method), with the sign of u.
func zig256Tail(g *Xoshiro256PlusPlus, u float64) float64 {
	for {
		x := math.Log(g.Float64Open()) / zig256R
		y := math.Log(g.Float64Open())
		if -2*y >= x*x {
			if u < 0 {
				return x - zig256R
			}
			return zig256R - x
		}
	}
}

// Ziggurat of 256 layers of equal area zig256V under exp(-x^2/2); zig256R is the base layer's
// edge. zig256X[i] is the right edge of layer i (zig256X[0] the base's pseudo-width, V/f(R)),
// zig256F[i] = exp(-zig256X[i]^2/2).
const (
	zig256R = 3.6541528853610088
	zig256V = 0.00492867323399
)

var zig256X, zig256F [257]float64

func init() {
	f := func(x float64) float64 { return math.Exp(-0.5 * x * x) }
	zig256X[0] = zig256V / f(zig256R)
	zig256X[1] = zig256R
	for i := 1; i < 255; i++ {
		zig256X[i+1] = math.Sqrt(-2 * math.Log(zig256V/zig256X[i]+f(zig256X[i])))
	}
	zig256X[256] = 0
	for i := range zig256F {
		zig256F[i] = f(zig256X[i])
	}
}
