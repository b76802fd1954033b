package auth

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/openattendance/attendance"
)

func TestHashAtOWASPCost(t *testing.T) {
	h := NewHasher(nil, 0)
	hash, err := h.Hash(context.Background(), "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	p, _, _, err := argon2id.DecodeHash(hash)
	if err != nil {
		t.Fatal(err)
	}
	if p.Memory < 19*1024 || p.Iterations < 2 || p.Parallelism != 1 {
		t.Fatalf("params %+v are below OWASP's argon2id minimum (m=19 MiB, t=2, p=1)", p)
	}
	for _, tc := range []struct {
		password string
		want     bool
	}{{"correct horse battery staple", true}, {"Correct horse battery staple", false}, {"", false}} {
		if ok, err := h.Verify(context.Background(), tc.password, hash); err != nil || ok != tc.want {
			t.Errorf("Verify(%q) = %v, %v; want %v", tc.password, ok, err, tc.want)
		}
	}
	if ok, _ := h.Verify(context.Background(), "anything", ""); ok {
		t.Error("an empty hash (unknown user) matched")
	}
}

// TestHashMemoryIsCollected: soon after a hash of real cost returns, its
// 19 MiB are no longer in the heap, collected or not yet (an idle process
// would otherwise keep them for up to two minutes, until the forced periodic
// collection).
func TestHashMemoryIsCollected(t *testing.T) {
	h := NewHasher(nil, 0)
	hash, err := h.Hash(context.Background(), "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		name string
		run  func() error
	}{
		{"Hash", func() error { _, err := h.Hash(context.Background(), "password"); return err }},
		{"Verify", func() error { _, err := h.Verify(context.Background(), "password", hash); return err }},
		{"Verify of an unknown user", func() error { _, err := h.Verify(context.Background(), "password", ""); return err }},
	} {
		if err := step.run(); err != nil {
			t.Fatal(err)
		}
		// HeapAlloc counts what the collector has not freed yet, reachable or
		// not; the collection runs in the background, soon after the hash.
		limit := uint64(Params.Memory) << 10
		var m runtime.MemStats
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc < limit || time.Now().After(deadline) {
				break
			}
		}
		if m.HeapAlloc >= limit {
			t.Errorf("10 s after %s the heap still holds %d MiB, a hash's %d MiB not collected", step.name, m.HeapAlloc>>20, limit>>20)
		}
	}
}

// TestHashSlotsAreBounded: no more hashes run at once than the limit, and a
// caller that cannot get a slot in time is told to retry, not queued forever.
func TestHashSlotsAreBounded(t *testing.T) {
	h := NewHasher(&argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}, 1)
	h.MaxWait = 50 * time.Millisecond
	if err := h.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := h.Hash(context.Background(), "password")
	if attendance.ErrorCode(err) != "busy" || attendance.ErrorKind(err) != attendance.KindRateLimited {
		t.Fatalf("second hash while the only slot is taken: %v, want busy", err)
	}
	if waited := time.Since(start); waited < h.MaxWait {
		t.Fatalf("gave up after %s, before MaxWait", waited)
	}
	h.release()
	if _, err := h.Hash(context.Background(), "password"); err != nil {
		t.Fatalf("after the slot was freed: %v", err)
	}
	if got := cap(NewHasher(nil, 0).slots); got < 1 {
		t.Fatalf("default slots = %d", got)
	}
}
