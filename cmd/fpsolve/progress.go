package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progress reports long work on stderr: a redrawn bar on a terminal, plain lines (one per 10%)
// otherwise.
type progress struct {
	w        io.Writer
	terminal bool

	mu       sync.Mutex
	stage    string
	total    float64
	start    time.Time
	lastPct  int
	lastDraw time.Time
}

func newProgress(w *os.File) *progress {
	p := &progress{w: w}
	if fi, err := w.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		p.terminal = true
	}
	return p
}

// begin starts a new task of the given total amount of work.
func (p *progress) begin(stage string, total float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stage, p.total, p.start, p.lastPct = stage, total, time.Now(), -1
	if !p.terminal {
		fmt.Fprintf(p.w, "%s: started\n", stage)
	}
}

// update reports that done of total is finished. It is safe for concurrent use.
func (p *progress) update(done float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.total <= 0 {
		return
	}
	frac := min(done/p.total, 1)
	pct := int(100 * frac)
	if p.terminal {
		if time.Since(p.lastDraw) < 100*time.Millisecond && frac < 1 {
			return
		}
		p.lastDraw = time.Now()
		const width = 30
		n := int(frac * width)
		eta := ""
		if frac > 0.01 && frac < 1 {
			el := time.Since(p.start)
			eta = fmt.Sprintf(" eta %s", (time.Duration(float64(el)/frac) - el).Round(time.Second))
		}
		fmt.Fprintf(p.w, "\r%-12s [%s%s] %3d%%%s   ", p.stage, strings.Repeat("#", n), strings.Repeat(".", width-n), pct, eta)
		return
	}
	if pct/10 > p.lastPct/10 || (p.lastPct < 0 && pct >= 10) {
		p.lastPct = pct
		fmt.Fprintf(p.w, "%s: %d%% (%.1fs)\n", p.stage, pct/10*10, time.Since(p.start).Seconds())
	}
}

// end closes the current task.
func (p *progress) end() {
	p.mu.Lock()
	defer p.mu.Unlock()
	el := time.Since(p.start).Seconds()
	if p.terminal {
		fmt.Fprintf(p.w, "\r%-12s done in %.1fs%s\n", p.stage, el, strings.Repeat(" ", 40))
		return
	}
	fmt.Fprintf(p.w, "%s: done in %.1fs\n", p.stage, el)
}
