package rbmdrift

import "fpsolve/rng"

// Source is the trainer's pseudo-random generator, xoshiro256** with the 128-layer
// Marsaglia-Tsang ziggurat for standard normal deviates (rng.Xoshiro256StarStar). Its methods
// are concrete so the trainer's hot loop can inline them. A Source is not safe for concurrent
// use; give every goroutine its own. It implements math/rand/v2's Source interface, so
// rand.New(src) gives the rest of the standard distributions.
type Source = rng.Xoshiro256StarStar

// NewSource returns a generator whose state depends only on (seed, stream)
// (rng.NewXoshiro256StarStarStream): stream r of a given seed is the same sequence whatever else
// runs.
func NewSource(seed, stream uint64) *Source {
	src := rng.NewXoshiro256StarStarStream(seed, stream)
	return &src
}
