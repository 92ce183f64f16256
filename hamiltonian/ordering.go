package hamiltonian

import (
	"runtime"
	"sync"
)

// nestedDissectionSplit returns a fill-reducing ordering (perm[new] = old) of the graph of the
// symmetric pattern a: recursive bisection by the middle level of a breadth-first level
// structure rooted at a pseudo-peripheral vertex, separators ordered last. It needs no
// coordinates, so it serves any grid (square, chamber) or random sparse matrix. When done (nil:
// never) closes it stops bisecting and returns a meaningless ordering: the caller looks at its
// context. It also returns the top-level split: perm holds the first part at [0, split[0]),
// the second at [split[0], split[1]) and the top separator after (split = {0, 0} if the graph
// was not split).
//
// On more than one CPU the two parts of the top split are ordered on two goroutines (from
// ndParallel vertices): they share no edge, so the orderings are the serial one's.
func nestedDissectionSplit(done <-chan struct{}, a csrPattern) ([]int, [2]int) {
	return nestedDissection(done, a, runtime.GOMAXPROCS(0) > 1 && a.n >= ndParallel)
}

// ndParallel is the least count of vertices for which nestedDissectionSplit orders the two
// parts of the top split at once (the 256^2 chamber, 32,896 vertices, takes 15-25 ms).
const ndParallel = 4096

func nestedDissection(done <-chan struct{}, a csrPattern, parallel bool) ([]int, [2]int) {
	n := a.n
	nd := ndState{
		done:     done,
		a:        a,
		tag:      make([]int, n),
		dist:     make([]int, n),
		queue:    make([]int, 0, n),
		perm:     make([]int, 0, n),
		parallel: parallel,
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
		nd.tag[i] = -1
	}
	nd.rec(all)
	return nd.perm, nd.split
}

const ndLeaf = 16

type ndState struct {
	done  <-chan struct{} // nil: never; closed: stop (perm is then incomplete)
	a     csrPattern
	tag   []int
	dist  []int
	queue []int
	perm  []int
	id    int
	split [2]int // the top-level split (see nestedDissectionSplit)

	parallel bool // order the two parts of the top split on two goroutines
}

// bfs runs a breadth-first search from s over the vertices tagged g and returns the visit
// order (in nd.queue) and sets dist; vertices of the group must have dist = -1 beforehand.
func (nd *ndState) bfs(s, g int) []int {
	q := nd.queue[:0]
	q = append(q, s)
	nd.dist[s] = 0
	for h := 0; h < len(q); h++ {
		v := q[h]
		for p := nd.a.indptr[v]; p < nd.a.indptr[v+1]; p++ {
			w := nd.a.ind[p]
			if nd.tag[w] == g && nd.dist[w] < 0 {
				nd.dist[w] = nd.dist[v] + 1
				q = append(q, w)
			}
		}
	}
	nd.queue = q
	return q
}

func (nd *ndState) rec(verts []int) {
	if len(verts) <= ndLeaf || cancelled(nd.done) {
		nd.perm = append(nd.perm, verts...)
		return
	}
	nd.id++
	g := nd.id
	for _, v := range verts {
		nd.tag[v] = g
		nd.dist[v] = -1
	}
	q := nd.bfs(verts[0], g)
	if len(q) < len(verts) {
		// Disconnected: order the component of verts[0], then the rest.
		comp := append([]int(nil), q...)
		rest := make([]int, 0, len(verts)-len(comp))
		for _, v := range verts {
			if nd.dist[v] < 0 {
				rest = append(rest, v)
			}
		}
		nd.rec(comp)
		nd.rec(rest)
		return
	}
	// Pseudo-peripheral root: the last vertex reached from verts[0], then once more.
	root := q[len(q)-1]
	for it := 0; it < 2; it++ {
		ecc := nd.dist[root]
		for _, v := range verts {
			nd.dist[v] = -1
		}
		q = nd.bfs(root, g)
		last := q[len(q)-1]
		if it == 1 || nd.dist[last] <= ecc {
			break
		}
		root = last
	}
	nlev := nd.dist[q[len(q)-1]] + 1
	if nlev < 3 {
		nd.perm = append(nd.perm, verts...)
		return
	}
	// Separator: the level at which the cumulative count passes half.
	m := 0
	for c := 0; c < len(q); c++ {
		if 2*(c+1) >= len(q) {
			m = nd.dist[q[c]]
			break
		}
	}
	if m == 0 {
		m = 1
	}
	if m == nlev-1 {
		m = nlev - 2
	}
	var left, right, sep []int
	for _, v := range q {
		switch d := nd.dist[v]; {
		case d < m:
			left = append(left, v)
		case d > m:
			right = append(right, v)
		default:
			// A separator vertex with no neighbour beyond the separator joins the left part.
			beyond := false
			for p := nd.a.indptr[v]; p < nd.a.indptr[v+1]; p++ {
				w := nd.a.ind[p]
				if nd.tag[w] == g && nd.dist[w] > m {
					beyond = true
					break
				}
			}
			if beyond {
				sep = append(sep, v)
			} else {
				left = append(left, v)
			}
		}
	}
	top := len(nd.perm) == 0 && len(verts) == nd.a.n
	if top && nd.parallel {
		// The right part on a second state sharing tag and dist: the parts are disjoint and
		// not adjacent (a vertex of level < m or a left vertex of level m has no neighbour
		// beyond m), so neither goroutine reads what the other writes, except the tags of
		// the separator, set above. Its group ids start above any the left part can use.
		other := &ndState{done: nd.done, a: nd.a, tag: nd.tag, dist: nd.dist,
			queue: make([]int, 0, len(right)), perm: make([]int, 0, len(right)), id: nd.a.n + 1}
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			other.rec(right)
		}()
		nd.rec(left)
		wg.Wait()
		nd.split[0] = len(nd.perm)
		nd.perm = append(nd.perm, other.perm...)
		nd.split[1] = len(nd.perm)
		nd.perm = append(nd.perm, sep...)
		return
	}
	nd.rec(left)
	if top {
		nd.split[0] = len(nd.perm)
	}
	nd.rec(right)
	if top {
		nd.split[1] = len(nd.perm)
	}
	nd.perm = append(nd.perm, sep...)
}
