package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/openattendance/attendance"
)

// Params are the cost of an argon2id hash and the sizes of its salt and key.
type Params struct {
	Memory      uint32 // KiB
	Iterations  uint32
	Parallelism uint8
	SaltLength  uint32
	KeyLength   uint32
}

// DefaultParams are OWASP's minimum for argon2id: 19 MiB, two passes, one lane.
var DefaultParams = &Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// Hasher hashes passwords with argon2id, a few at a time (NewHasher), so that a
// storm of logins queues for the hash instead of taking every core from the
// other requests.
type Hasher struct {
	params *Params
	slots  chan struct{} // one token per hash that may run now
	dummy  string
	// MaxWait is how long a caller waits for a free slot (DefaultMaxWait).
	MaxWait time.Duration
}

// DefaultSlots is how many hashes run at once unless NewHasher is told
// otherwise: one per two of the cores the process may use (at least one),
// the fewer of the machine's cores and GOMAXPROCS as it was when the program
// started, so that it honours a container's CPU limit. A hash takes a whole
// core while it runs, and a storm of logins must leave the other cores to
// everyone else.
var DefaultSlots = max(1, min(runtime.GOMAXPROCS(0), runtime.NumCPU())/2)

// NewHasher returns a hasher that runs at most limit hashes at once; limit <= 0
// means DefaultSlots.
func NewHasher(params *Params, limit int) *Hasher {
	if params == nil {
		params = DefaultParams
	}
	if limit <= 0 {
		limit = DefaultSlots
	}
	h := &Hasher{params: params, slots: make(chan struct{}, limit), MaxWait: DefaultMaxWait}
	// A hash of nothing, so that an unknown username costs a login as much
	// time as a known one.
	h.dummy = encodeHash(params, "not a password: timing equaliser")
	return h
}

// DefaultMaxWait bounds the wait for a hashing slot: past it, the caller is
// told to come back (429) instead of queueing without end behind a storm of logins.
const DefaultMaxWait = 10 * time.Second

// acquire takes a hashing slot; release gives it back.
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

// Hash returns the argon2id hash of password, in the PHC string format
// ($argon2id$v=19$m=…,t=…,p=…$salt$key) that other argon2 libraries read.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return encodeHash(h.params, password), nil
}

// Verify reports whether password matches hash. An empty hash is checked
// against a dummy, taking the same time, and never matches. A hash this
// package cannot read is an error, never a match.
func (h *Hasher) Verify(ctx context.Context, password, hash string) (bool, error) {
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	if hash == "" {
		_, _ = comparePassword(password, h.dummy)
		return false, nil
	}
	return comparePassword(password, hash)
}

func encodeHash(p *Params, password string) string {
	salt := make([]byte, p.SaltLength)
	rand.Read(salt) // never fails (crypto/rand)
	key := argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLength)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", p.Memory, p.Iterations, p.Parallelism, b64.EncodeToString(salt), b64.EncodeToString(key))
}

func comparePassword(password, hash string) (bool, error) {
	p, salt, key, err := decodeHash(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLength)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// maxMemoryKiB and maxPasses bound the cost a stored hash may ask for
// (256 MiB, 16 passes; the service writes 19 MiB and 2): a damaged or
// foreign row must not take the server down with it.
const (
	maxMemoryKiB = 256 << 10
	maxPasses    = 16
)

var errBadHash = errors.New("auth: not an argon2id hash this service can check")

// decodeHash reads a PHC string of argon2id, version 19, with parameters an
// argon2id implementation accepts.
func decodeHash(hash string) (*Params, []byte, []byte, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v=19" {
		return nil, nil, nil, errBadHash
	}
	var p Params
	var m, t, lanes uint64
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &lanes); err != nil || n != 3 ||
		fmt.Sprintf("m=%d,t=%d,p=%d", m, t, lanes) != parts[3] {
		return nil, nil, nil, errBadHash
	}
	if t < 1 || t > maxPasses || lanes < 1 || lanes > 255 || m < 8*lanes || m > maxMemoryKiB {
		return nil, nil, nil, errBadHash
	}
	p.Memory, p.Iterations, p.Parallelism = uint32(m), uint32(t), uint8(lanes)
	b64 := base64.RawStdEncoding.Strict()
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return nil, nil, nil, errBadHash
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 4 {
		return nil, nil, nil, errBadHash
	}
	p.SaltLength, p.KeyLength = uint32(len(salt)), uint32(len(key))
	return &p, salt, key, nil
}
