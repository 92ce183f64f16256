package par

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// Every iteration is covered exactly once, in chunks of at least minPer where there are several,
// for sizes around the thresholds and at one and several procs.
func TestChunksCover(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2, 3, 8} {
		runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 7, 8, 15, 16, 17, 100, 1001} {
			seen := make([]int32, n)
			var calls, short atomic.Int32
			Chunks(n, 8, func(lo, hi int) {
				calls.Add(1)
				if hi-lo < 8 {
					short.Add(1)
				}
				for i := lo; i < hi; i++ {
					atomic.AddInt32(&seen[i], 1)
				}
			})
			for i, s := range seen {
				if s != 1 {
					t.Fatalf("procs %d, n %d: iteration %d run %d times", procs, n, i, s)
				}
			}
			want := max(1, min(procs, n/8))
			if int(calls.Load()) != want {
				t.Errorf("procs %d, n %d: %d chunks, want %d", procs, n, calls.Load(), want)
			}
			if want > 1 && short.Load() > 0 {
				t.Errorf("procs %d, n %d: %d of %d chunks below 8 iterations", procs, n, short.Load(), want)
			}
		}
	}
}
