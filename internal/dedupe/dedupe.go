// Package dedupe remembers the most recent ids seen, so that a consumer of an
// at-least-once stream can drop the repeats.
package dedupe

// Window remembers the last Size ids added. It grows as ids arrive, so that
// many idle windows (one per open WebSocket) cost next to nothing. It is not
// safe for concurrent use.
type Window[T comparable] struct {
	size int
	ids  map[T]struct{}
	ring []T
	next int
}

// New returns a window of the last size ids.
func New[T comparable](size int) *Window[T] {
	return &Window[T]{size: max(1, size), ids: map[T]struct{}{}}
}

// Add records id and reports whether it is new; the oldest id is forgotten
// once the window is full.
func (w *Window[T]) Add(id T) bool {
	if _, seen := w.ids[id]; seen {
		return false
	}
	if len(w.ring) < w.size {
		w.ring = append(w.ring, id)
	} else {
		delete(w.ids, w.ring[w.next])
		w.ring[w.next] = id
		w.next = (w.next + 1) % w.size
	}
	w.ids[id] = struct{}{}
	return true
}
