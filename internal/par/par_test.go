package par

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
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

// Pair runs both functions every time, the second on the helper (concurrently: each waits for
// the other to start), through the helper's spinning and sleeping states and after Close.
func TestPair(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		p := NewPair()
		var a, b int
		for i := 0; i < 2000; i++ {
			p.Run(func() { a++ }, func() { b++ })
			if i%500 == 0 {
				time.Sleep(2 * Spin) // the helper goes to sleep; the next Run must wake it
			}
		}
		if a != 2000 || b != 2000 {
			t.Fatalf("procs %d: a ran %d times, b %d, want 2000 each", procs, a, b)
		}
		if procs > 1 {
			// Concurrency: each side waits until the other has started.
			var sa, sb atomic.Bool
			deadline := time.Now().Add(5 * time.Second)
			wait := func(other *atomic.Bool) {
				for !other.Load() && time.Now().Before(deadline) {
					runtime.Gosched()
				}
			}
			p.Run(func() { sa.Store(true); wait(&sb) }, func() { sb.Store(true); wait(&sa) })
			if time.Now().After(deadline) {
				t.Fatal("the two sides of Run did not run at once")
			}
		}
		p.Close()
		p.Close() // idempotent
		p.Run(func() { a++ }, func() { b++ })
		if a != 2001 || b != 2001 {
			t.Fatalf("procs %d: after Close a ran %d times, b %d", procs, a, b)
		}
	}
	var nilPair *Pair
	ran := 0
	nilPair.Run(func() { ran++ }, func() { ran++ })
	if ran != 2 {
		t.Fatalf("nil Pair ran %d functions, want 2", ran)
	}
}

// Both runs both functions, at once where GOMAXPROCS > 1 (each side waits for the other).
func TestBoth(t *testing.T) {
	var sa, sb atomic.Bool
	deadline := time.Now().Add(5 * time.Second)
	wait := func(other *atomic.Bool) {
		for !other.Load() && time.Now().Before(deadline) {
			runtime.Gosched()
		}
	}
	Both(func() { sa.Store(true); wait(&sb) }, func() { sb.Store(true); wait(&sa) })
	if !sa.Load() || !sb.Load() || time.Now().After(deadline) {
		t.Fatalf("Both: a ran %v, b ran %v, within the deadline %v", sa.Load(), sb.Load(), time.Now().Before(deadline))
	}
}
