package rng

import (
	"math"
	"slices"
	"testing"
)

// The statistical tests draw from fixed streams, so they pass or fail deterministically; the
// tolerances are five standard errors of the statistic under the hypothesis (a false alarm
// about once in 10^6 for a correct sampler on a new stream).

// TestUniformBounds sets states whose next output is 0 and 2^64-1 and checks the ends of
// Float64 ([0, 1)) and Float64Open ((0, 1)).
func TestUniformBounds(t *testing.T) {
	t.Parallel()
	const (
		zero = 0
		ones = math.MaxUint64
	)
	type gen interface {
		Float64() float64
		Float64Open() float64
	}
	// xoshiro256++ returns rotl(s0+s3, 23) + s0; xoshiro256** returns rotl(5 s1, 7) 9.
	pp := func(out uint64) gen {
		return &Xoshiro256PlusPlus{s: [4]uint64{0, 1, 2, out>>23 | out<<41}}
	}
	ss := func(out uint64) gen {
		s1 := inverse(5) * (inverse(9)*out>>7 | inverse(9)*out<<57)
		return &Xoshiro256StarStar{s: [4]uint64{1, s1, 2, 3}}
	}
	for name, mk := range map[string]func(uint64) gen{"++": pp, "**": ss} {
		if got := mk(zero).Float64(); got != 0 {
			t.Errorf("%s: Float64 of 0 = %v, want 0", name, got)
		}
		if got := mk(ones).Float64(); got != 1-0x1p-53 {
			t.Errorf("%s: Float64 of 2^64-1 = %v, want 1-2^-53", name, got)
		}
		if got := mk(zero).Float64Open(); got != 0x1p-54 {
			t.Errorf("%s: Float64Open of 0 = %v, want 2^-54", name, got)
		}
		if got := mk(ones).Float64Open(); got != 1-0x1p-54 {
			t.Errorf("%s: Float64Open of 2^64-1 = %v, want 1-2^-54", name, got)
		}
	}
}

// inverse returns the inverse of the odd a modulo 2^64 (Newton's iteration).
func inverse(a uint64) uint64 {
	x := a
	for i := 0; i < 6; i++ {
		x *= 2 - a*x
	}
	return x
}

// TestUniformMoments checks that the uniforms stay in range and have mean 1/2 and variance 1/12.
func TestUniformMoments(t *testing.T) {
	t.Parallel()
	const n = 1 << 20
	pp := NewXoshiro256PlusPlusWalker(11, 4)
	ss := NewXoshiro256StarStarStream(11, 4)
	for name, f := range map[string]func() float64{
		"++ Float64": pp.Float64, "++ Float64Open": pp.Float64Open,
		"** Float64": ss.Float64, "** Float64Open": ss.Float64Open,
	} {
		open := name[len(name)-4:] == "Open"
		var s, s2 float64
		for i := 0; i < n; i++ {
			u := f()
			if u < 0 || u >= 1 || open && u == 0 {
				t.Fatalf("%s: %v out of range", name, u)
			}
			s += u
			s2 += u * u
		}
		mean := s / n
		v := s2/n - mean*mean
		// Standard errors: sqrt(1/12/n) for the mean, sqrt(1/180/n) for the variance.
		if math.Abs(mean-0.5) > 5*math.Sqrt(1.0/12/n) || math.Abs(v-1.0/12) > 5*math.Sqrt(1.0/180/n) {
			t.Errorf("%s: mean %v, variance %v; want 1/2, 1/12", name, mean, v)
		}
	}
}

// TestNormal checks the normal deviates of both generators on several streams against N(0, 1):
// the first four moments, the mass of the tail beyond the ziggurat's base edge R (drawn by the
// tail sampler alone), and the Kolmogorov-Smirnov distance to the normal distribution function
// (critical value 1.95/sqrt(n) at the 0.1% level).
func TestNormal(t *testing.T) {
	t.Parallel()
	n := 1 << 20
	if testing.Short() {
		n = 1 << 17
	}
	type stream struct {
		name string
		r    float64
		draw func() float64
	}
	var streams []stream
	for _, key := range [][2]uint64{{1, 0}, {2, 7}, {99, 12345}} {
		pp := NewXoshiro256PlusPlusWalker(key[0], int(key[1]))
		ss := NewXoshiro256StarStarStream(key[0], key[1])
		streams = append(streams,
			stream{"++", zig256R, pp.NormFloat64},
			stream{"**", zig128R, ss.NormFloat64})
	}
	x := make([]float64, n)
	for k, st := range streams {
		var m1, m2, m3, m4 float64
		tail := 0
		for i := range x {
			v := st.draw()
			x[i] = v
			m1 += v
			m2 += v * v
			m3 += v * v * v
			m4 += v * v * v * v
			if math.Abs(v) > st.r {
				tail++
			}
		}
		fn := float64(n)
		m1, m2, m3, m4 = m1/fn, m2/fn, m3/fn, m4/fn
		// Standard errors of the raw moments of N(0,1): sqrt(Var X^k / n), Var X^k = 1, 2, 15, 96.
		for j, c := range []struct{ got, want, v float64 }{{m1, 0, 1}, {m2, 1, 2}, {m3, 0, 15}, {m4, 3, 96}} {
			if math.Abs(c.got-c.want) > 5*math.Sqrt(c.v/fn) {
				t.Errorf("%s stream %d: moment %d = %v, want %v +- %v", st.name, k, j+1, c.got, c.want, 5*math.Sqrt(c.v/fn))
			}
		}
		p := math.Erfc(st.r / math.Sqrt2) // P(|X| > R)
		if mu, sd := p*fn, math.Sqrt(p*(1-p)*fn); math.Abs(float64(tail)-mu) > 5*sd {
			t.Errorf("%s stream %d: %d deviates beyond R = %v, want %.1f +- %.1f", st.name, k, tail, st.r, mu, 5*sd)
		}
		slices.Sort(x)
		var d float64
		for i, v := range x {
			f := 0.5 * math.Erfc(-v/math.Sqrt2)
			d = max(d, math.Abs(f-float64(i)/fn), math.Abs(float64(i+1)/fn-f))
		}
		if crit := 1.95 / math.Sqrt(fn); d > crit {
			t.Errorf("%s stream %d: Kolmogorov-Smirnov distance %v > %v", st.name, k, d, crit)
		}
	}
}

// TestStreamsDiffer checks that neighbouring keys give unrelated streams.
func TestStreamsDiffer(t *testing.T) {
	t.Parallel()
	a, b := NewXoshiro256PlusPlusWalker(1, 0), NewXoshiro256PlusPlusWalker(1, 1)
	c, d := NewXoshiro256StarStarStream(1, 0), NewXoshiro256StarStarStream(2, 0)
	same := 0
	for i := 0; i < 1000; i++ {
		if a.Uint64() == b.Uint64() {
			same++
		}
		if c.Uint64() == d.Uint64() {
			same++
		}
	}
	if same != 0 {
		t.Errorf("%d equal draws in neighbouring streams", same)
	}
}

// TestFillNormal: FillNormal gives exactly the values and the final state of the loop of scaled
// NormFloat64 calls, over enough draws that the slow path (the wedges and the tail beyond
// zig128R, which writes the state back and reloads it) runs many times: a tail deviate is
// about 1 in 1,800 draws, so 200,000 draws give about 110 of them, and the test asks for 20.
func TestFillNormal(t *testing.T) {
	for _, scale := range []float64{1, 0.37, -2.5} {
		a, b := NewXoshiro256StarStarStream(11, 3), NewXoshiro256StarStarStream(11, 3)
		buf := make([]float64, 200000)
		// Uneven pieces, so the state is carried from one call to the next.
		for lo, n := 0, 1; lo < len(buf); lo, n = lo+n, n*3%1001+1 {
			a.FillNormal(buf[lo:min(lo+n, len(buf))], scale)
		}
		tails := 0
		for i, got := range buf {
			want := scale * b.NormFloat64()
			if got != want {
				t.Fatalf("scale %v: deviate %d = %v, want %v", scale, i, got, want)
			}
			if math.Abs(got/scale) > zig128R {
				tails++
			}
		}
		if ga, gb := a.Uint64(), b.Uint64(); ga != gb {
			t.Fatalf("scale %v: state after FillNormal gives %#x, after the calls %#x", scale, ga, gb)
		}
		if tails < 20 {
			t.Fatalf("scale %v: %d tail deviates in %d draws, so the slow path was hardly tested", scale, tails, len(buf))
		}
	}
}

// TestZigguratLines: on every wedge of the 128-layer ziggurat the line below is below the
// computed density and the line above is above it, at 2001 points across the wedge and its
// ends, up to 1e-14 (the rounding where a chord meets the density at a wedge's end; a line on
// the wrong side is off by 1e-5 or more, and zigMargin is 1e-12); all but the layer that spans
// |x| = 1 have working lines.
func TestZigguratLines(t *testing.T) {
	working := 0
	for i := 1; i < 128; i++ {
		a, b := 0.0, zig128W[i]*(1<<31)
		if i > 1 {
			a = zig128W[i-1] * (1 << 31)
		}
		lo, hi := zig128Lo[i], zig128Hi[i]
		if lo[0] > -1 {
			working++
		}
		for k := 0; k <= 2000; k++ {
			x := a + (b-a)*float64(k)/2000
			f := math.Exp(-0.5 * x * x)
			if l := lo[0] + lo[1]*x; l > f+1e-14 {
				t.Fatalf("layer %d, |x| = %v: line below %v > density %v", i, x, l, f)
			}
			if h := hi[0] + hi[1]*x; h < f-1e-14 {
				t.Fatalf("layer %d, |x| = %v: line above %v < density %v", i, x, h, f)
			}
		}
	}
	if working < 120 {
		t.Fatalf("%d of 127 wedges have lines, want at least 120", working)
	}
}

// refNorm is the xoshiro256** normal deviate with the wedge decided by exp alone (NormFloat64
// before the line tests), the reference of TestWedgeDecisions.
func refNorm(g *Xoshiro256StarStar) float64 {
	u := g.Uint64()
	hz := int32(u >> 32)
	iz := u & 127
	for {
		if m := hz >> 31; uint32((hz^m)-m) < zig128K[iz] {
			return float64(hz) * zig128W[iz]
		}
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
		if zig128F[iz]+g.Float64()*(zig128F[iz-1]-zig128F[iz]) < math.Exp(-0.5*x*x) {
			return x
		}
		u = g.Uint64()
		hz = int32(u >> 32)
		iz = u & 127
	}
}

// TestWedgeDecisions: NormFloat64 and FillNormal, whose wedge tests go through the lines,
// give the bits of refNorm over 4e6 draws each (about 110,000 wedge tests).
func TestWedgeDecisions(t *testing.T) {
	n := 4000000
	if testing.Short() {
		n = 1000000
	}
	a, b, c := NewXoshiro256StarStarStream(21, 0), NewXoshiro256StarStarStream(21, 0), NewXoshiro256StarStarStream(21, 0)
	buf := make([]float64, 1000)
	for done := 0; done < n; done += len(buf) {
		c.FillNormal(buf, 1)
		for i, v := range buf {
			want := refNorm(&b)
			if got := a.NormFloat64(); got != want || v != want {
				t.Fatalf("draw %d: NormFloat64 %v, FillNormal %v, reference %v", done+i, got, v, want)
			}
		}
	}
}
