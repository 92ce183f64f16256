package par

import (
	"runtime"
	"sync/atomic"
	"time"
)

// Pair runs two functions at once, one on the calling goroutine and one on a helper goroutine
// that waits for the next one by spinning before it sleeps.
//
// It exists because handing work to a new or sleeping goroutine costs tens of microseconds on
// the virtual machines the project runs on (the idle processor's thread has to be woken by
// the operating system): measured here, two halves of 68 us of work took 148 us with a go
// statement and a WaitGroup, more than the 136 us of running them one after the other, and 70
// us on a Pair. Where the parallel phases are short and follow each other closely, as in the
// sparse triangular solves and the orthogonalisation of a Lanczos step, the helper is then
// always awake. It spins for at most Spin after a task, yielding the processor to other
// goroutines as it spins, then sleeps until the next Run; Close stops it.
type Pair struct {
	posted, finished atomic.Uint64
	task             func()
	sleeping         atomic.Bool
	wake             chan struct{}
	closed           atomic.Bool
}

// Spin is how long a Pair's helper waits for the next task before it sleeps.
const Spin = 200 * time.Microsecond

// NewPair starts a helper goroutine (none where GOMAXPROCS is 1: Run then calls both functions
// in turn).
func NewPair() *Pair {
	p := &Pair{wake: make(chan struct{}, 1)}
	if runtime.GOMAXPROCS(0) > 1 {
		go p.helper()
	} else {
		p.closed.Store(true)
	}
	return p
}

// Run calls a on the calling goroutine and b on the helper and returns when both have
// returned. It must not be called concurrently with itself or Close.
func (p *Pair) Run(a, b func()) {
	if p == nil || p.closed.Load() {
		a()
		b()
		return
	}
	p.task = b
	n := p.posted.Add(1)
	if p.sleeping.CompareAndSwap(true, false) {
		p.wake <- struct{}{}
	}
	a()
	for i := 0; p.finished.Load() < n; i++ {
		if i%64 == 63 {
			runtime.Gosched()
		}
	}
}

// Close stops the helper. Run after Close calls both functions on the calling goroutine.
func (p *Pair) Close() {
	if p == nil || p.closed.Swap(true) {
		return
	}
	p.posted.Add(1) // a task-less post wakes the helper, which then sees closed
	if p.sleeping.CompareAndSwap(true, false) {
		p.wake <- struct{}{}
	}
}

func (p *Pair) helper() {
	for {
		start := time.Now()
		for i := 0; p.posted.Load() == p.finished.Load(); i++ {
			if i%64 != 63 {
				continue
			}
			runtime.Gosched()
			if time.Since(start) < Spin {
				continue
			}
			p.sleeping.Store(true)
			if p.posted.Load() != p.finished.Load() {
				// A task arrived: take it, unless Run has already claimed the wake-up.
				if !p.sleeping.CompareAndSwap(true, false) {
					<-p.wake
				}
				break
			}
			<-p.wake
			start = time.Now()
		}
		if p.closed.Load() {
			return
		}
		p.task()
		p.finished.Add(1)
	}
}
