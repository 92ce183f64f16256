package rng

import "math"

// Xoshiro256StarStar is the xoshiro256** generator of Blackman and Vigna: 256 bits of state,
// period 2^256 - 1. Its normal deviates come from the 128-layer, 32-bit ziggurat of Marsaglia
// and Tsang. Make one with NewXoshiro256StarStarStream.
type Xoshiro256StarStar struct {
	s [4]uint64
}

// NewXoshiro256StarStarStream returns a generator whose state depends only on (seed, stream):
// stream r of a given seed is the same sequence whatever else runs. The SplitMix64 counter
// starts at seed xor 0x6a09e667f3bcc909; its first output plus stream*0xd1342543de82ef95 is
// xored into the counter (so that (seed, stream) and (seed+1, stream-1) do not collide), and
// the next four outputs are the state.
func NewXoshiro256StarStarStream(seed, stream uint64) Xoshiro256StarStar {
	var g Xoshiro256StarStar
	g.SeedStream(seed, stream)
	return g
}

// SeedStream resets g to the state NewXoshiro256StarStarStream(seed, stream) returns.
func (g *Xoshiro256StarStar) SeedStream(seed, stream uint64) {
	z := seed ^ 0x6a09e667f3bcc909
	k := splitmix64(&z)
	z ^= k + stream*0xd1342543de82ef95 // the counter after that first output
	for i := range g.s {
		g.s[i] = splitmix64(&z)
	}
	if g.s == [4]uint64{} {
		g.s[0] = 1 // the all-zero state is the one fixed point of xoshiro
	}
}

// Uint64 returns 64 uniformly random bits.
func (g *Xoshiro256StarStar) Uint64() uint64 {
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

// rotl rotates x left by k bits. (bits.RotateLeft64 gives the same values, but the generated
// code of Uint64 is kept as it was in rbmdrift.)
func rotl(x uint64, k uint) uint64 { return (x << k) | (x >> (64 - k)) }

// Float64 returns a uniform value in [0, 1): the top 53 bits of one draw times 2^-53.
func (g *Xoshiro256StarStar) Float64() float64 { return float64(g.Uint64()>>11) * 0x1p-53 }

// Float64Open returns a uniform value in the open interval (0, 1): the top 53 bits of one draw
// plus one half, times 2^-53.
func (g *Xoshiro256StarStar) Float64Open() float64 {
	return (float64(g.Uint64()>>11) + 0.5) * 0x1p-53
}

// NormFloat64 returns a standard normal deviate. The fast path (about 99% of draws) costs one
// Uint64, a table look-up and a multiply, and is small enough to be inlined.
func (g *Xoshiro256StarStar) NormFloat64() float64 {
	u := g.Uint64()
	hz := int32(u >> 32)
	iz := u & 127
	if m := hz >> 31; uint32((hz^m)-m) < zig128K[iz] { // |hz| < k_i: inside the layer's rectangle
		return float64(hz) * zig128W[iz]
	}
	return g.normSlow(hz, iz)
}

// FillNormal sets dst[i] = scale * x_i for the next len(dst) standard normal deviates x_i of
// the stream: exactly the values and the final state of len(dst) calls of scale *
// g.NormFloat64() in order (with scale = 1, the deviates themselves).
//
// It is written out rather than calling NormFloat64 in a loop because it keeps the state in
// registers across the loop instead of loading and storing it through g on every draw: 3.0-3.1
// ns per deviate against 5.0-5.5 ns for the loop of calls (BenchmarkFillNormal, amd64), and
// 2.5 against 4.4 ns once the wedge tests went through lines (normSlow).
func (g *Xoshiro256StarStar) FillNormal(dst []float64, scale float64) {
	s0, s1, s2, s3 := g.s[0], g.s[1], g.s[2], g.s[3]
	for i := range dst {
		u := rotl(s1*5, 7) * 9 // Uint64, on the local copy of the state
		t := s1 << 17
		s2 ^= s0
		s3 ^= s1
		s1 ^= s2
		s0 ^= s3
		s2 ^= t
		s3 = rotl(s3, 45)
		hz := int32(u >> 32)
		iz := u & 127
		if m := hz >> 31; uint32((hz^m)-m) < zig128K[iz] {
			dst[i] = scale * (float64(hz) * zig128W[iz])
			continue
		}
		g.s = [4]uint64{s0, s1, s2, s3}
		dst[i] = scale * g.normSlow(hz, iz)
		s0, s1, s2, s3 = g.s[0], g.s[1], g.s[2], g.s[3]
	}
	g.s = [4]uint64{s0, s1, s2, s3}
}

// normSlow finishes a draw (hz, iz) that fell outside its layer's rectangle: the wedge test,
// the tail beyond zig128R for the base layer (Marsaglia's method), or a new draw.
func (g *Xoshiro256StarStar) normSlow(hz int32, iz uint64) float64 {
	for {
		x := float64(hz) * zig128W[iz]
		if iz == 0 {
			for {
				xt := -math.Log(g.Float64Open()) / zig128R
				y := -math.Log(g.Float64Open())
				if y+y >= xt*xt {
					if hz > 0 {
						return zig128R + xt
					}
					return -zig128R - xt
				}
			}
		}
		// The wedge test y < exp(-x^2/2), decided first against the layer's two lines where
		// they settle it (zig128Lo, zig128Hi): the same decisions, with exp for the rest.
		y := zig128F[iz] + g.Float64()*(zig128F[iz-1]-zig128F[iz])
		ax := math.Abs(x)
		if y < zig128Lo[iz][0]+zig128Lo[iz][1]*ax-zigMargin {
			return x
		}
		if y <= zig128Hi[iz][0]+zig128Hi[iz][1]*ax+zigMargin && y < math.Exp(-0.5*x*x) {
			return x
		}
		u := g.Uint64()
		hz = int32(u >> 32)
		iz = u & 127
		if m := hz >> 31; uint32((hz^m)-m) < zig128K[iz] {
			return float64(hz) * zig128W[iz]
		}
	}
}

// Ziggurat tables (Marsaglia and Tsang, J. Stat. Softw. 5(8), 2000), 128 layers of area
// zig128V, 32-bit variant with the sign in the draw: zig128K[i] is the rectangle test of layer i
// on |hz|, zig128W[i] its abscissa per unit of hz, zig128F[i] the density at its edge.
const (
	zig128R = 3.442619855899
	zig128V = 9.91256303526217e-3
)

var (
	zig128K [128]uint32
	zig128W [128]float64
	zig128F [128]float64
	// zig128Lo[i] and zig128Hi[i] are lines c0 + c1 |x| below and above exp(-x^2/2) on layer
	// i's wedge, x_{i-1} <= |x| <= x_i (x_0 = 0): on a convex stretch (x_{i-1} >= 1) the
	// tangent at the midpoint below and the chord above, on a concave one (x_i <= 1) the chord
	// below and the tangent above; the layer that spans |x| = 1 gets lines that decide nothing.
	zig128Lo, zig128Hi [128][2]float64
)

// zigMargin is the slack of the line tests of the wedge: the decision y < exp(-x^2/2) is
// taken from a line only when y is farther than this from it. The computed exp(-x^2/2) is
// within about 1e-15 of the density (the rounding of x^2/2, below 6.6e-16 relative for
// |x| < 3.45, and of math.Exp, below one ulp), a line's value within a few 1e-16, so 1e-12
// leaves a factor of 100 and gives the very decisions of comparing with the computed exp.
const zigMargin = 1e-12

func init() {
	const m1 = 2147483648.0 // 2^31
	dn, tn := zig128R, zig128R
	q := zig128V / math.Exp(-0.5*dn*dn)
	zig128K[0] = uint32((dn / q) * m1)
	zig128K[1] = 0
	zig128W[0] = q / m1
	zig128W[127] = dn / m1
	zig128F[0] = 1
	zig128F[127] = math.Exp(-0.5 * dn * dn)
	for i := 126; i >= 1; i-- {
		dn = math.Sqrt(-2 * math.Log(zig128V/dn+math.Exp(-0.5*dn*dn)))
		zig128K[i+1] = uint32((dn / tn) * m1)
		tn = dn
		zig128F[i] = math.Exp(-0.5 * dn * dn)
		zig128W[i] = dn / m1
	}
	f := func(x float64) float64 { return math.Exp(-0.5 * x * x) }
	for i := 1; i < 128; i++ {
		a, b := 0.0, zig128W[i]*m1 // the wedge's |x| range: x_{i-1} (0 for the top layer), x_i
		if i > 1 {
			a = zig128W[i-1] * m1
		}
		slope := (f(b) - f(a)) / (b - a)
		chord := [2]float64{f(a) - slope*a, slope}
		m := (a + b) / 2
		tangent := [2]float64{f(m) + m*m*f(m), -m * f(m)} // f(m) + f'(m)(x - m), f'(m) = -m f(m)
		switch {
		case a >= 1:
			zig128Lo[i], zig128Hi[i] = tangent, chord
		case b <= 1:
			zig128Lo[i], zig128Hi[i] = chord, tangent
		default:
			zig128Lo[i], zig128Hi[i] = [2]float64{-1, 0}, [2]float64{2, 0}
		}
	}
}
