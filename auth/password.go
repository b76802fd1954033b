package auth

import (
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/openattendance/attendance"
)

// Params are OWASP's minimum for argon2id: 19 MiB, two passes, one lane.
var Params = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// Hasher hashes passwords with argon2id, at most Limit at a time, so that a
// storm of logins queues for the hash instead of taking every core from the
// other requests.
type Hasher struct {
	params  *argon2id.Params
	slots   chan struct{}
	dummy   string
	collect bool // collect each hash's memory when it is done
	// MaxWait is how long a caller waits for a free slot (DefaultMaxWait).
	MaxWait time.Duration
}

// DefaultSlots is how many hashes run at once unless NewHasher is told
// otherwise: one per two of the cores the process may use (at least one),
// the fewer of the machine's cores and GOMAXPROCS as it was when the program
// started, so that it honours a container's CPU limit. A hash takes a core for
// some 25 ms, and a storm of logins must leave the other cores to everyone else.
var DefaultSlots = max(1, min(runtime.GOMAXPROCS(0), runtime.NumCPU())/2)

// NewHasher returns a hasher that runs at most limit hashes at once; limit <= 0
// means DefaultSlots.
func NewHasher(params *argon2id.Params, limit int) *Hasher {
	if params == nil {
		params = Params
	}
	if limit <= 0 {
		limit = DefaultSlots
	}
	h := &Hasher{params: params, slots: make(chan struct{}, limit), MaxWait: DefaultMaxWait, collect: params.Memory >= collectFromKiB}
	// A hash of nothing, so that an unknown username costs a login as much time as a known one.
	h.dummy, _ = argon2id.CreateHash("not a password: timing equaliser", params)
	return h
}

// DefaultMaxWait bounds the wait for a hashing slot: past it, the caller is
// told to come back (429) instead of queueing without end behind a storm of logins.
const DefaultMaxWait = 10 * time.Second

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(h.MaxWait)
	defer t.Stop()
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return attendance.ErrBusy("the server is busy checking passwords")
	}
}

func (h *Hasher) release() { <-h.slots }

// collectFromKiB is the argon2 memory from which a hash's memory is collected
// as soon as it is done; the cheap hashes of tests are left to the collector.
const collectFromKiB = 1024

// done frees the slot and, after a hash of real cost, asks for a collection.
// argon2 allocates its 19 MiB afresh for every hash. Left to the collector's
// pace, a burst of logins fills the heap with the memory of finished hashes up
// to its soft limit before one collection frees them all, and the process
// stays that large; collected after each hash, a burst holds about one hash's
// memory at a time. Measured: 10 MB less at the peak of 200 logins in a row,
// and no change in the latency of the other requests during a storm of logins
// (BENCHMARKS.md).
func (h *Hasher) done() {
	h.release()
	if h.collect {
		collectSoon()
	}
}

var (
	collections     = make(chan struct{}, 1)
	startCollecting sync.Once
)

// collectSoon asks one background goroutine for a collection and returns at
// once: the login does not wait for it, and the requests of a burst that
// arrive while one runs make one more, not one each.
func collectSoon() {
	startCollecting.Do(func() {
		go func() {
			for range collections {
				runtime.GC()
			}
		}()
	})
	select {
	case collections <- struct{}{}:
	default: // one is asked for already
	}
}

// Hash returns the argon2id hash of password.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.done()
	return argon2id.CreateHash(password, h.params)
}

// Verify reports whether password matches hash. An empty hash is checked
// against a dummy, taking the same time, and never matches.
func (h *Hasher) Verify(ctx context.Context, password, hash string) (bool, error) {
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.done()
	if hash == "" {
		_, _ = argon2id.ComparePasswordAndHash(password, h.dummy)
		return false, nil
	}
	return argon2id.ComparePasswordAndHash(password, hash)
}
