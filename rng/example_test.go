package rng_test

import (
	"fmt"
	"math/rand/v2"

	"fpsolve/rng"
)

// Each walker of an ensemble has its own stream, fixed by (seed, walker) alone.
func ExampleNewXoshiro256PlusPlusWalker() {
	for w := 0; w < 2; w++ {
		g := rng.NewXoshiro256PlusPlusWalker(1, w)
		fmt.Printf("walker %d: %.6f %.6f\n", w, g.NormFloat64(), g.Float64Open())
	}
	// Output:
	// walker 0: 0.900986 0.653020
	// walker 1: -1.146445 0.830630
}

// A generator is a math/rand/v2 Source: rand.New gives the other distributions from its stream.
func ExampleNewXoshiro256StarStarStream() {
	g := rng.NewXoshiro256StarStarStream(1, 0)
	r := rand.New(&g)
	fmt.Printf("%d %d %.6f\n", r.IntN(100), r.IntN(100), g.NormFloat64())
	// Output: 53 71 -0.661064
}
