package auth

import (
	"testing"
	"time"
)

// BenchmarkVerifyToken checks an access token's signature, expiry and use:
// the part of every request's authentication that needs no database.
func BenchmarkVerifyToken(b *testing.B) {
	s := New(nil, nil, Config{Secret: []byte("0123456789abcdef0123456789abcdef")})
	now := time.Now()
	tok, err := s.tokens(42, "session", "refresh", now)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, id, err := s.parse(tok.Access, useAccess); err != nil || id != 42 {
			b.Fatal(id, err)
		}
	}
}

// BenchmarkHash hashes a password at the production cost (argon2id,
// 19 MiB, two passes): the price of every login.
func BenchmarkHash(b *testing.B) {
	h := NewHasher(nil, 0)
	for b.Loop() {
		if _, err := h.Hash(b.Context(), "correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}
