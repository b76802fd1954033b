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
// service still verify, at the production cost and at others: those made
// with github.com/alexedwards/argon2id (sessions 1 to 3) and those made by the
// service's own argon2id (internal/argon2, session 4), which filled several
// lanes one after the other where x/crypto fills them at once.
func TestHashesOfEarlierVersions(t *testing.T) {
	h := NewHasher(nil, 0)
	for _, hash := range []string{
		// alexedwards/argon2id
		"$argon2id$v=19$m=19456,t=2,p=1$hljsrjIDRkFO1DffiBWXmg$4hqD5y41suDiu/wJJJqUA7Qx0eDdk3GlKowKP+ot8fQ",
		"$argon2id$v=19$m=64,t=3,p=2$pepAShJbYaIJATIf$55SWhIXmubpgAH0zVehIOQ5Lys8",
		// internal/argon2
		"$argon2id$v=19$m=19456,t=2,p=1$AXdvvIrlFQySymv/R0hXxQ$vTSx0uddQEevunUCbRhQ4LT6s6Rc3DjMJmazxPcXmG4",
		"$argon2id$v=19$m=256,t=3,p=2$lfeqMFRqFwYYnyJPqVJ0AQ$8Q9kjBmHGBljiLMLN1eSKRPyJpA4pJi4+Ol/pfvSAFQ",
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
		"negative number":   "$argon2id$v=19$m=64,t=-1,p=1$" + salt + "$" + key,
		"huge number":       "$argon2id$v=19$m=18446744073709551617,t=1,p=1$" + salt + "$" + key,
		"leading zero":      "$argon2id$v=19$m=064,t=1,p=1$" + salt + "$" + key,
		"missing parameter": "$argon2id$v=19$m=64,t=1$" + salt + "$" + key,
		"trailing text":     "$argon2id$v=19$m=64,t=1,p=1,x=2$" + salt + "$" + key,
		"padded salt":       "$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key,
		"padded key":        "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key + "=",
		"not base64":        "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key[:20] + "!" + key[21:],
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
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Verify(ctx, "password", ""); err != context.Canceled {
		t.Fatalf("a caller gone while waiting: %v, want %v", err, context.Canceled)
	}
	h.release()
	if _, err := h.Hash(context.Background(), "password"); err != nil {
		t.Fatalf("after the slot was freed: %v", err)
	}
	if got := cap(NewHasher(nil, 0).slots); got < 1 || got > runtime.NumCPU() {
		t.Fatalf("default slots = %d, want 1 to the %d cores", got, runtime.NumCPU())
	}
}
