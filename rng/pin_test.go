package rng

import (
	"math"
	"testing"
)

// The pins below are regression pins of the historical streams, not correctness checks: they
// were generated from the generators as they stood in langevin/rng.go (xoshiro256++, then
// langevin.NewSource, Float64 on (0, 1) and Normal) and rbmdrift/rng.go (xoshiro256**, then
// rbmdrift.NewSource, Float64, open and Norm) before those files were replaced by this package,
// by printing their outputs with strconv's shortest round-trip format. Stored results and
// Examples of langevin and rbmdrift depend on these exact streams: a failure here means that
// every one of them has changed. Correctness is checked by the statistical tests.

type indexed struct {
	i int
	x float64
}

// streamPin is the start of the stream (seed, stream): the first Uint64 draws, the first
// uniforms and normal deviates (each from a fresh generator), the first normal deviates from
// the tail beyond the ziggurat's base edge within the first pinDraws deviates (index, value),
// and an FNV-1a hash of the bits of all pinDraws deviates (which pins the wedge and tail paths).
type streamPin struct {
	seed, stream uint64
	u64          [4]uint64
	f64, open    [4]float64
	norm         [6]float64
	tail         []indexed
	hash         uint64
}

const pinDraws = 200000

// plusPlusPins: langevin.NewSource(seed, int(stream)); open is its Float64, norm its Normal.
var plusPlusPins = []streamPin{
	{seed: 0, stream: 0,
		u64:  [...]uint64{0x3eb0102600ffeb86, 0xe4d649afb5af5a8a, 0x6c3fe484faf73ded, 0xad9316dda58cbf78},
		open: [...]float64{0.24487400939779008, 0.8938947729090478, 0.4228499245318433, 0.6780256549005115},
		norm: [...]float64{0.7320917527813681, -0.3115203754319899, 0.5704243983586432, -1.02386545474318, -2.301404870067111, -0.6026826673370805},
		tail: []indexed{{8220, -3.9915369453148277}, {9773, 3.8222018566944684}, {16728, -3.656883624888171}},
		hash: 0x826e970dc65e4aa9},
	{seed: 1, stream: 0,
		u64:  [...]uint64{0x5528b61d5d01c49b, 0xa72c4dec0f57c515, 0x034400566806643f, 0xcde728378aa37d83},
		open: [...]float64{0.33265245644452707, 0.6530197812383838, 0.012756367774295507, 0.804308427391005},
		norm: [...]float64{0.9009860624970415, -1.7970632847348427, 0.05192056893573261, -0.5929641898606153, 1.8611740543067692, 0.39429239765759033},
		tail: []indexed{{11333, 3.9070176596205375}, {12660, 3.824467923925761}, {13803, 3.795274672741542}},
		hash: 0xa884a35346e3434a},
	{seed: 1, stream: 1,
		u64:  [...]uint64{0xc19b885d590f9b23, 0xd4a42d683e7f4b75, 0xd137badde3f2fdb5, 0x550837106e149d59},
		open: [...]float64{0.7562794902706274, 0.8306301478864928, 0.8172566215252566, 0.3321566023933706},
		norm: [...]float64{-1.1464453030465256, -0.5456119785557251, -0.42980789852685053, 1.2055312825614328, 1.1757091869323049, -2.6225572480606165},
		tail: []indexed{{3507, -3.780048156564938}, {3559, 4.035635255844353}, {4384, 4.006197972900561}},
		hash: 0x3dea37dd7bf9e9d3},
	{seed: 7, stream: 3,
		u64:  [...]uint64{0x6fea4deb3a1ae145, 0x349ef142d59738d7, 0x0d6c8ce349be41e0, 0x9df6cba40361b920},
		open: [...]float64{0.4371689509663202, 0.20555026895234801, 0.05243759678864374, 0.6170470500395657},
		norm: [...]float64{1.7313279754075719, 0.37409653716684765, 0.08647087749899866, -1.8349137901346988, 0.3634656191701739, 0.9991738285269315},
		tail: []indexed{{6430, -4.051948233146408}, {9908, -3.806807718555649}, {10418, -3.8997269251351687}},
		hash: 0xdb15416d6f19ea43},
	{seed: 12345, stream: 678,
		u64:  [...]uint64{0x014f1682a6ad9044, 0x7b3c2694da8da8c2, 0x719181d9f7682d19, 0xd3adf8447745587e},
		open: [...]float64{0.0051130360576990275, 0.4813865769779599, 0.4436265141625035, 0.8268733184006769},
		norm: [...]float64{0.020340741479048123, 1.0408679300129906, 2.2283754116049233, -0.5363205201872695, -0.9846770107392332, 1.2690872245978748},
		tail: []indexed{{8429, -3.815804671137987}, {10054, 4.055500602603233}, {13543, -3.7744174435753}},
		hash: 0x7f357e4f883aaa32},
	{seed: 18446744073709551615, stream: 1099511627776,
		u64:  [...]uint64{0x6aa7f0f4cb5eab9f, 0x367387b1dc03bb2e, 0x3510385d2c185c43, 0x4a4f829002f42c25},
		open: [...]float64{0.4166250798838244, 0.2127003487803582, 0.2072787501784616, 0.29027572647005745},
		norm: [...]float64{1.106030079376274, 0.9408828187167825, 0.8283408027075785, 1.3493803974351193, 0.20859647396281078, -0.05755930963935103},
		tail: []indexed{{5197, 3.9078994312927016}, {6690, -3.766286162888699}, {8940, 4.185723220731902}},
		hash: 0x9f991f751bf1573a},
}

// starStarPins: rbmdrift.NewSource(seed, stream); f64 is its Float64, open its open, norm its Norm.
var starStarPins = []streamPin{
	{seed: 0, stream: 0,
		u64:  [...]uint64{0x6383891c20a0ef98, 0x01180425d5c444a9, 0x1deac199ea26d503, 0x6f7f079f53873cac},
		f64:  [...]float64{0.38872582375245524, 0.004272708165232508, 0.11686334617311478, 0.4355320705394917},
		open: [...]float64{0.3887258237524553, 0.004272708165232564, 0.11686334617311483, 0.4355320705394918},
		norm: [...]float64{0.7509056226740837, 0.01044044935090093, 0.09969564979612124, 1.1003438683980837, -0.3917796895460122, 2.45472963844815},
		tail: []indexed{{1159, 3.753210752788218}, {1424, 3.48063102557971}, {3242, 3.515738345757803}},
		hash: 0xe5836c45149966fe},
	{seed: 1, stream: 0,
		u64:  [...]uint64{0x890f2dda8ce48e89, 0xb7ebb4f234190c4a, 0xcf814dcb355ecd4f, 0x8d64488e319832d0},
		f64:  [...]float64{0.5353878649301739, 0.7184403506581455, 0.8105667706598708, 0.5523114535477311},
		open: [...]float64{0.535387864930174, 0.7184403506581456, 0.8105667706598709, 0.5523114535477311},
		norm: [...]float64{-0.6072282113024792, -0.9415696793624481, -0.6610636736698254, -1.5756579483093147, 0.031713972557710635, 0.25995000604228496},
		tail: []indexed{{4511, 3.4812639921151436}, {5801, 3.7600974781452217}, {6906, -3.672931300849508}},
		hash: 0x07781b904171d37e},
	{seed: 1, stream: 1,
		u64:  [...]uint64{0xb595d1e31a86c0a3, 0x8691514aaf68a930, 0x7db36b590e880363, 0x0992e1b3e4fa4def},
		f64:  [...]float64{0.7093173198177523, 0.5256548697792903, 0.49101897167432185, 0.03739748613313865},
		open: [...]float64{0.7093173198177523, 0.5256548697792904, 0.4910189716743219, 0.0373974861331387},
		norm: [...]float64{-0.6607158324210596, -1.250082310105149, 2.04505104101619, 0.17695528252812404, -0.34174185376066224, -1.5075389647599577},
		tail: []indexed{{1392, 3.5052224655296187}, {2505, 3.4483969004234085}, {3968, 3.4910004267480925}},
		hash: 0x0295d398ccfaa5a7},
	{seed: 7, stream: 3,
		u64:  [...]uint64{0x9f840a432751f9d2, 0x0ef593d164d6da12, 0xc5b7062f4231f930, 0xf9bf34b9cf00a8a1},
		f64:  [...]float64{0.6231085218381124, 0.058434713956411755, 0.7723239770295506, 0.9755738214144026},
		open: [...]float64{0.6231085218381125, 0.05843471395641181, 0.7723239770295507, 0.9755738214144027},
		norm: [...]float64{-1.3493069066306043, 0.10032735999444624, -0.6000141049146249, -0.054085600278879896, 1.7427169997410017, -1.474686230248742},
		tail: []indexed{{193, -3.445284161383321}, {832, 3.5105737979667215}, {6302, -3.498079569681563}},
		hash: 0x8e2229e55a749505},
	{seed: 12345, stream: 678,
		u64:  [...]uint64{0x85e2c2729ec1fe39, 0xf25a07696ae8765d, 0xf492e0966b666b9c, 0x051901c3c172d757},
		f64:  [...]float64{0.5229913263162941, 0.9466862327925882, 0.955366169665831, 0.01991282490912316},
		open: [...]float64{0.5229913263162942, 0.9466862327925882, 0.9553661696658311, 0.019912824909123217},
		norm: [...]float64{-1.3725116695883601, -0.2100672536306158, -0.09201980392138077, 0.07442064357266524, 0.7951858890105552, -0.435979027933547},
		tail: []indexed{{36, -3.8885301119019076}, {323, 3.779022288404988}, {396, 4.148264875799251}},
		hash: 0x1c3c2e674f7b5743},
	{seed: 18446744073709551615, stream: 1099511627776,
		u64:  [...]uint64{0x3b0babca48eedff6, 0x905ec6a8319c4551, 0xf0114d95366baa76, 0xc43b100fb2f8ed52},
		f64:  [...]float64{0.23064683617206627, 0.563946167052209, 0.9377640237129713, 0.7665262258842379},
		open: [...]float64{0.23064683617206633, 0.563946167052209, 0.9377640237129714, 0.766526225884238},
		norm: [...]float64{1.2044249765213608, -1.5478466822459251, -0.32499281413745007, -0.8358580503269891, -2.388224739155081, 0.6497601523486403},
		tail: []indexed{{284, 3.579524585038539}, {1484, -4.320112044533635}, {2240, -3.8480243026616074}},
		hash: 0xc6d39b02d59822d9},
}

type generator interface {
	Uint64() uint64
	Float64() float64
	Float64Open() float64
	NormFloat64() float64
}

func checkPins(t *testing.T, pins []streamPin, zigR float64, checkF64 bool, fresh func(seed, stream uint64) generator) {
	t.Helper()
	for _, p := range pins {
		g := fresh(p.seed, p.stream)
		for i, want := range p.u64 {
			if got := g.Uint64(); got != want {
				t.Errorf("(%d, %d): Uint64 #%d = %#016x, want %#016x", p.seed, p.stream, i, got, want)
			}
		}
		if checkF64 {
			g = fresh(p.seed, p.stream)
			for i, want := range p.f64 {
				if got := g.Float64(); got != want {
					t.Errorf("(%d, %d): Float64 #%d = %v, want %v", p.seed, p.stream, i, got, want)
				}
			}
		}
		g = fresh(p.seed, p.stream)
		for i, want := range p.open {
			if got := g.Float64Open(); got != want {
				t.Errorf("(%d, %d): Float64Open #%d = %v, want %v", p.seed, p.stream, i, got, want)
			}
		}
		g = fresh(p.seed, p.stream)
		for i, want := range p.norm {
			if got := g.NormFloat64(); got != want {
				t.Errorf("(%d, %d): NormFloat64 #%d = %v, want %v", p.seed, p.stream, i, got, want)
			}
		}
		g = fresh(p.seed, p.stream)
		h := uint64(14695981039346656037)
		var tail []indexed
		for i := 0; i < pinDraws; i++ {
			x := g.NormFloat64()
			if math.Abs(x) > zigR && len(tail) < len(p.tail) {
				tail = append(tail, indexed{i, x})
			}
			b := math.Float64bits(x)
			for k := 0; k < 8; k++ {
				h ^= (b >> (8 * k)) & 0xff
				h *= 1099511628211
			}
		}
		if len(tail) != len(p.tail) {
			t.Errorf("(%d, %d): %d tail draws, want %d", p.seed, p.stream, len(tail), len(p.tail))
		} else {
			for i, want := range p.tail {
				if tail[i] != want {
					t.Errorf("(%d, %d): tail draw %d = %v, want %v", p.seed, p.stream, i, tail[i], want)
				}
			}
		}
		if h != p.hash {
			t.Errorf("(%d, %d): hash of %d deviates = %#016x, want %#016x", p.seed, p.stream, pinDraws, h, p.hash)
		}
	}
}

func TestXoshiro256PlusPlusPins(t *testing.T) {
	t.Parallel()
	checkPins(t, plusPlusPins, zig256R, false, func(seed, stream uint64) generator {
		g := NewXoshiro256PlusPlusWalker(seed, int(stream))
		return &g
	})
}

func TestXoshiro256StarStarPins(t *testing.T) {
	t.Parallel()
	checkPins(t, starStarPins, zig128R, true, func(seed, stream uint64) generator {
		g := NewXoshiro256StarStarStream(seed, stream)
		return &g
	})
}

// TestReseed checks that the Seed methods reproduce the constructors' states.
func TestReseed(t *testing.T) {
	t.Parallel()
	a := NewXoshiro256PlusPlusWalker(3, 5)
	a.Uint64()
	a.SeedWalker(9, 2)
	if b := NewXoshiro256PlusPlusWalker(9, 2); a != b {
		t.Errorf("SeedWalker: state %v, want %v", a, b)
	}
	c := NewXoshiro256StarStarStream(3, 5)
	c.Uint64()
	c.SeedStream(9, 2)
	if d := NewXoshiro256StarStarStream(9, 2); c != d {
		t.Errorf("SeedStream: state %v, want %v", c, d)
	}
}
