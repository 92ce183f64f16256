package langevin

import (
	"math"
	"math/bits"
)

// Source is a xoshiro256++ pseudo-random generator: 256 bits of state, period 2^256 - 1, about
// a nanosecond per draw. It implements math/rand/v2's Source, so rand.New(src) gives a *rand.Rand
// that shares its stream. The zero value is not usable; make one with NewSource.
type Source struct {
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

// NewSource returns the random stream of walker number walker under seed. The stream depends on
// (seed, walker) alone, so an ensemble gives the same results however its walkers are spread
// over goroutines, shards or machines.
func NewSource(seed uint64, walker int) Source {
	st := seed
	k := splitmix64(&st)
	st = k ^ (uint64(walker) * 0xd1b54a32d192ed03)
	_ = splitmix64(&st) // decorrelate neighbouring walker indices
	var r Source
	for i := range r.s {
		r.s[i] = splitmix64(&st)
	}
	if r.s == [4]uint64{} {
		r.s[0] = 1 // the all-zero state is the one fixed point of xoshiro
	}
	return r
}

// Uint64 returns a uniformly distributed 64-bit value.
func (r *Source) Uint64() uint64 {
	s := &r.s
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

// Float64 returns a uniform value in the open interval (0, 1).
func (r *Source) Float64() float64 {
	return (float64(r.Uint64()>>11) + 0.5) * 0x1p-53
}

// Normal returns a standard normal deviate, by the 256-layer ziggurat of Marsaglia and Tsang
// (one 64-bit draw and no transcendental function in about 99% of the calls).
func (r *Source) Normal() float64 {
	for {
		b := r.Uint64()
		i := b & 0xff
		u := float64(int64(b)>>11) * 0x1p-52 // uniform in [-1, 1), independent of i
		x := u * zigX[i]
		if math.Abs(x) < zigX[i+1] {
			return x
		}
		if i == 0 {
			return zigTail(r, u)
		}
		if zigF[i+1]+(zigF[i]-zigF[i+1])*r.Float64() < math.Exp(-0.5*x*x) {
			return x
		}
	}
}

// zigTail samples the normal tail beyond zigR (Marsaglia's method), with the sign of u.
func zigTail(r *Source, u float64) float64 {
	for {
		x := math.Log(r.Float64()) / zigR
		y := math.Log(r.Float64())
		if -2*y >= x*x {
			if u < 0 {
				return x - zigR
			}
			return zigR - x
		}
	}
}

// Ziggurat of 256 layers of equal area zigV under exp(-x^2/2); zigR is the base layer's edge.
const (
	zigR = 3.6541528853610088
	zigV = 0.00492867323399
)

var zigX, zigF [257]float64

func init() {
	f := func(x float64) float64 { return math.Exp(-0.5 * x * x) }
	zigX[0] = zigV / f(zigR)
	zigX[1] = zigR
	for i := 1; i < 255; i++ {
		zigX[i+1] = math.Sqrt(-2 * math.Log(zigV/zigX[i]+f(zigX[i])))
	}
	zigX[256] = 0
	for i := range zigF {
		zigF[i] = f(zigX[i])
	}
}
