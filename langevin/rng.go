package langevin

import "fpsolve/rng"

// Source is the walkers' pseudo-random generator, xoshiro256++ with a 256-layer ziggurat for the
// normal deviates (rng.Xoshiro256PlusPlus). It implements math/rand/v2's Source, so rand.New(&src)
// gives a *rand.Rand that shares its stream. The zero value is not usable; make one with
// NewSource.
type Source = rng.Xoshiro256PlusPlus

// NewSource returns the random stream of walker number walker under seed
// (rng.NewXoshiro256PlusPlusWalker). The stream depends on (seed, walker) alone, so an ensemble
// gives the same results however its walkers are spread over goroutines, shards or machines.
func NewSource(seed uint64, walker int) Source { return rng.NewXoshiro256PlusPlusWalker(seed, walker) }
