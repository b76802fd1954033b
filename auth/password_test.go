package auth

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

func TestHashAtOWASPCost(t *testing.T) {
	h := NewHasher(nil, 0)
	hash, err := h.Hash(context.Background(), "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	p, _, _, err := decodeHash(hash)
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

// TestHashesOfEarlierVersions: hashes stored by earlier versions of the
// service (made with github.com/alexedwards/argon2id on golang.org/x/crypto)
// still verify, at the production cost and at another.
func TestHashesOfEarlierVersions(t *testing.T) {
	h := NewHasher(nil, 0)
	for _, hash := range []string{
		"$argon2id$v=19$m=19456,t=2,p=1$hljsrjIDRkFO1DffiBWXmg$4hqD5y41suDiu/wJJJqUA7Qx0eDdk3GlKowKP+ot8fQ",
		"$argon2id$v=19$m=64,t=3,p=2$pepAShJbYaIJATIf$55SWhIXmubpgAH0zVehIOQ5Lys8",
	} {
		for password, want := range map[string]bool{"correct horse battery staple": true, "correct horse battery stapler": false} {
			if ok, err := h.Verify(context.Background(), password, hash); err != nil || ok != want {
				t.Errorf("Verify(%q, %s) = %v, %v; want %v", password, hash, ok, err, want)
			}
		}
	}
}

// TestUnreadableHashes: a stored hash that is damaged, of another kind, or
// asks for a cost no login should pay is an error, never a match or a panic.
func TestUnreadableHashes(t *testing.T) {
	h := NewHasher(nil, 0)
	const salt, key = "hljsrjIDRkFO1DffiBWXmg", "4hqD5y41suDiu/wJJJqUA7Qx0eDdk3GlKowKP+ot8fQ"
	for name, hash := range map[string]string{
		"bcrypt":            "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":           "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"version 16":        "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
		"no passes":         "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key,
		"no lanes":          "$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key,
		"too little memory": "$argon2id$v=19$m=7,t=1,p=1$" + salt + "$" + key,
		"too much memory":   "$argon2id$v=19$m=262145,t=1,p=1$" + salt + "$" + key,
		"too many passes":   "$argon2id$v=19$m=64,t=17,p=1$" + salt + "$" + key,
		"signed number":     "$argon2id$v=19$m=+64,t=1,p=1$" + salt + "$" + key,
		"trailing text":     "$argon2id$v=19$m=64,t=1,p=1,x=2$" + salt + "$" + key,
		"padded salt":       "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key,
		"short salt":        "$argon2id$v=19$m=64,t=1,p=1$AAAA$" + key,
		"no key":            "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$",
		"extra field":       "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key + "$",
		"plain text":        "correct horse battery staple",
	} {
		ok, err := h.Verify(context.Background(), "correct horse battery staple", hash)
		if ok || err == nil {
			t.Errorf("%s: Verify = %v, %v; want an error", name, ok, err)
		}
	}
}

// TestHashSlotsAreBounded: no more hashes run at once than the limit, and a
// caller that cannot get a slot in time is told to retry, not queued forever.
func TestHashSlotsAreBounded(t *testing.T) {
	h := NewHasher(&Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}, 1)
	h.MaxWait = 50 * time.Millisecond
	s, err := h.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = h.Hash(context.Background(), "password")
	if attendance.ErrorCode(err) != "busy" || attendance.ErrorKind(err) != attendance.KindRateLimited {
		t.Fatalf("second hash while the only slot is taken: %v, want busy", err)
	}
	if waited := time.Since(start); waited < h.MaxWait {
		t.Fatalf("gave up after %s, before MaxWait", waited)
	}
	h.release(s)
	if _, err := h.Hash(context.Background(), "password"); err != nil {
		t.Fatalf("after the slot was freed: %v", err)
	}
	if got := cap(NewHasher(nil, 0).slots); got < 1 {
		t.Fatalf("default slots = %d", got)
	}
}

// TestHashMemoryIsKeptWhileUsed: a slot keeps its hash's memory for the next
// login (a burst allocates it once, not once a login) and gives it back once
// it has been idle for IdleFree.
func TestHashMemoryIsKeptWhileUsed(t *testing.T) {
	const kib = 1024
	h := NewHasher(&Params{Memory: kib, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}, 1)
	h.IdleFree = time.Hour
	held := func() int {
		s := <-h.slots
		defer func() { h.slots <- s }()
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.mem.Bytes()
	}
	if got := held(); got != kib<<10 {
		t.Fatalf("a new hasher holds %d bytes, want the %d of the dummy hash it made", got, kib<<10)
	}
	hash, err := h.Hash(context.Background(), "password")
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 10 {
		if ok, err := h.Verify(context.Background(), "password", hash); !ok || err != nil {
			t.Fatalf("Verify = %v, %v", ok, err)
		}
	}
	runtime.ReadMemStats(&after)
	if got := (after.TotalAlloc - before.TotalAlloc) >> 10; got >= kib {
		t.Errorf("10 logins allocated %d KiB; want less than one hash's %d KiB", got, kib)
	}
	if got := held(); got != kib<<10 {
		t.Errorf("after the logins the slot holds %d bytes, want %d", got, kib<<10)
	}

	h.IdleFree = 20 * time.Millisecond
	if _, err := h.Verify(context.Background(), "password", hash); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for held() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := held(); got != 0 {
		t.Errorf("idle for %s, the slot still holds %d bytes", h.IdleFree, got)
	}
	if ok, err := h.Verify(context.Background(), "password", hash); !ok || err != nil {
		t.Errorf("Verify after the memory was given back = %v, %v", ok, err)
	}
}
