// Package par runs the independent iterations of a loop on up to GOMAXPROCS goroutines.
package par

import (
	"runtime"
	"sync"
)

// Chunks calls f(lo, hi) on consecutive chunks of [0, n) that together cover it, on up to
// GOMAXPROCS goroutines with at least minPer iterations each: one chunk, on the calling
// goroutine, when n < 2 minPer or GOMAXPROCS is 1. It returns when every call has returned.
func Chunks(n, minPer int, f func(lo, hi int)) {
	g := min(runtime.GOMAXPROCS(0), n/max(minPer, 1))
	if g <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < g; w++ {
		lo, hi := w*n/g, (w+1)*n/g
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(lo, hi)
		}()
	}
	wg.Wait()
}

// Both calls a on the calling goroutine and b on a new one, and returns when both have
// returned. For short tasks that follow each other closely a Pair is faster.
func Both(a, b func()) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		b()
	}()
	a()
	wg.Wait()
}
