package rbmdrift

import "math"

// Source is a fast seeded pseudo-random generator: xoshiro256** for the uniform bits and the
// Marsaglia-Tsang ziggurat (128 layers) for standard normal deviates. Its methods are concrete
// (no interface dispatch) so the trainer's hot loop can inline them. A Source is not safe for
// concurrent use; give every goroutine its own.
//
// Source implements math/rand/v2's Source interface, so rand.New(src) gives the rest of the
// standard distributions.
type Source struct {
	s [4]uint64
}

// NewSource returns a generator whose state depends only on (seed, stream): stream r of a given
// seed is the same sequence whatever else runs. The 256-bit state is filled by SplitMix64 from
// a mix of both words, so neighbouring seeds and streams give unrelated sequences.
func NewSource(seed, stream uint64) *Source {
	var src Source
	src.Seed(seed, stream)
	return &src
}

// Seed resets the generator to the state NewSource(seed, stream) would have.
func (g *Source) Seed(seed, stream uint64) {
	z := seed ^ 0x6a09e667f3bcc909
	next := func() uint64 {
		z += 0x9e3779b97f4a7c15
		x := z
		x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
		x = (x ^ (x >> 27)) * 0x94d049bb133111eb
		return x ^ (x >> 31)
	}
	// Mix the stream into the SplitMix64 counter through one extra round so that (seed, stream)
	// and (seed+1, stream-1) do not collide.
	z ^= next() + stream*0xd1342543de82ef95
	for i := range g.s {
		g.s[i] = next()
	}
	if g.s == [4]uint64{} {
		g.s[0] = 1
	}
}

// Uint64 returns 64 uniformly random bits (xoshiro256**).
func (g *Source) Uint64() uint64 {
	s := &g.s
	r := rotl(s[1]*5, 7) * 9
	t := s[1] << 17
	s[2] ^= s[0]
	s[3] ^= s[1]
	s[1] ^= s[2]
	s[0] ^= s[3]
	s[2] ^= t
	s[3] = rotl(s[3], 45)
	return r
}

func rotl(x uint64, k uint) uint64 { return (x << k) | (x >> (64 - k)) }

// Float64 returns a uniform deviate in [0, 1) with 53 random bits.
func (g *Source) Float64() float64 { return float64(g.Uint64()>>11) * (1.0 / (1 << 53)) }

// open returns a uniform deviate in (0, 1).
func (g *Source) open() float64 { return (float64(g.Uint64()>>11) + 0.5) * (1.0 / (1 << 53)) }

// Ziggurat tables (Marsaglia and Tsang, J. Stat. Softw. 5(8), 2000), 128 layers, 32-bit variant
// with the sign in the draw.
const (
	zigR = 3.442619855899
	zigV = 9.91256303526217e-3
)

var (
	zigK [128]uint32
	zigW [128]float64
	zigF [128]float64
)

func init() {
	const m1 = 2147483648.0 // 2^31
	dn, tn := zigR, zigR
	q := zigV / math.Exp(-0.5*dn*dn)
	zigK[0] = uint32((dn / q) * m1)
	zigK[1] = 0
	zigW[0] = q / m1
	zigW[127] = dn / m1
	zigF[0] = 1
	zigF[127] = math.Exp(-0.5 * dn * dn)
	for i := 126; i >= 1; i-- {
		dn = math.Sqrt(-2 * math.Log(zigV/dn+math.Exp(-0.5*dn*dn)))
		zigK[i+1] = uint32((dn / tn) * m1)
		tn = dn
		zigF[i] = math.Exp(-0.5 * dn * dn)
		zigW[i] = dn / m1
	}
}

// Norm returns a standard normal deviate. The fast path (about 99% of draws) costs one
// Uint64, a table look-up and a multiply.
func (g *Source) Norm() float64 {
	u := g.Uint64()
	hz := int32(u >> 32)
	iz := u & 127
	if m := hz >> 31; uint32((hz^m)-m) < zigK[iz] { // |hz| < k_i: inside the layer's rectangle
		return float64(hz) * zigW[iz]
	}
	return g.normTail(hz, iz)
}

func (g *Source) normTail(hz int32, iz uint64) float64 {
	for {
		x := float64(hz) * zigW[iz]
		if iz == 0 {
			for {
				xt := -math.Log(g.open()) / zigR
				y := -math.Log(g.open())
				if y+y >= xt*xt {
					if hz > 0 {
						return zigR + xt
					}
					return -zigR - xt
				}
			}
		}
		if zigF[iz]+g.Float64()*(zigF[iz-1]-zigF[iz]) < math.Exp(-0.5*x*x) {
			return x
		}
		u := g.Uint64()
		hz = int32(u >> 32)
		iz = u & 127
		if m := hz >> 31; uint32((hz^m)-m) < zigK[iz] {
			return float64(hz) * zigW[iz]
		}
	}
}
