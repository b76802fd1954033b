package argon2

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	xargon2 "golang.org/x/crypto/argon2"
)

// TestRFC9106 checks the argon2id test vector of RFC 9106 (section 5.3),
// which also has a secret and associated data.
func TestRFC9106(t *testing.T) {
	forEachCompress(t, func(t *testing.T) {
		var m Memory
		got := m.deriveKey(bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 16),
			bytes.Repeat([]byte{3}, 8), bytes.Repeat([]byte{4}, 12), 3, 32, 4, 32)
		want := "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"
		if hex.EncodeToString(got) != want {
			t.Errorf("tag = %x, want %s", got, want)
		}
	})
}

// TestSameAsXCrypto compares with golang.org/x/crypto/argon2 over the
// parameters that change the work: memory below, at and around the segment
// boundaries and past one address block per segment, one to four passes,
// one to three lanes, keys shorter and longer than one BLAKE2b hash.
func TestSameAsXCrypto(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		time, memory uint32
		threads      uint8
		keyLen       uint32
	}{
		{1, 8, 1, 32}, {2, 8, 1, 32}, {1, 16, 1, 16}, {2, 64, 1, 32}, {3, 64, 2, 32},
		{2, 1024, 1, 32}, {1, 1000, 3, 64}, {2, 2052, 1, 65}, {4, 96, 3, 97}, {1, 4, 1, 4},
		{2, 513, 2, 128}, {2, 19 * 1024, 1, 32},
	}
	forEachCompress(t, func(t *testing.T) {
		// One Memory for all, as a service has: it grows and shrinks, and
		// holds the previous hash's blocks when the next starts.
		var m Memory
		for _, tc := range cases {
			password := make([]byte, rng.IntN(40))
			salt := make([]byte, 8+rng.IntN(24))
			for _, b := range [][]byte{password, salt} {
				for i := range b {
					b[i] = byte(rng.Uint32())
				}
			}
			t.Run(fmt.Sprintf("t=%d,m=%d,p=%d,len=%d", tc.time, tc.memory, tc.threads, tc.keyLen), func(t *testing.T) {
				for range 2 {
					got := m.IDKey(password, salt, tc.time, tc.memory, tc.threads, tc.keyLen)
					want := xargon2.IDKey(password, salt, tc.time, tc.memory, tc.threads, tc.keyLen)
					if !bytes.Equal(got, want) {
						t.Fatalf("IDKey(%x, %x) = %x, want %x", password, salt, got, want)
					}
				}
			})
		}
	})
}

// TestCompressSameAsGeneric gives the assembly random blocks, with and
// without XOR, and with the output being the second input.
func TestCompressSameAsGeneric(t *testing.T) {
	if !hasAssembly {
		t.Skip("no assembly on this machine: compress is compressGeneric")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var tmp [2]block
	for range 200 {
		var prev, ref, out block
		for _, b := range []*block{&prev, &ref, &out} {
			for i := range b {
				b[i] = rng.Uint64()
			}
		}
		for _, xor := range []bool{false, true} {
			got, want := out, out
			compress(&got, &prev, &ref, &tmp, xor)
			compressGeneric(&want, &prev, &ref, &tmp, xor)
			if got != want {
				t.Fatalf("xor=%v: compress differs from compressGeneric", xor)
			}
		}
		got, want := ref, ref
		compress(&got, &prev, &got, &tmp, false)
		compressGeneric(&want, &prev, &want, &tmp, false)
		if got != want {
			t.Fatal("compress into its own input differs from compressGeneric")
		}
	}
}

// forEachCompress runs f with the assembly (where there is some) and with
// the Go version of the mixing.
func forEachCompress(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	t.Run("default", f)
	saved := compress
	t.Cleanup(func() { compress = saved })
	compress = compressGeneric
	t.Run("generic", f)
	compress = saved
}

// FuzzIDKey compares with golang.org/x/crypto/argon2 on any password and
// salt, at small costs (3,000 inputs in .ci/fuzz).
func FuzzIDKey(f *testing.F) {
	f.Add([]byte("password"), []byte("somesalt"), uint8(1), uint16(8), uint8(1), uint8(32))
	f.Add([]byte(""), []byte("0123456789abcdef"), uint8(3), uint16(300), uint8(3), uint8(100))
	f.Fuzz(func(t *testing.T, password, salt []byte, time uint8, memory uint16, threads, keyLen uint8) {
		// Costs a fuzzer can run thousands of: up to 4 passes over 512 KiB in up to 4 lanes.
		tc, mc, pc, kc := uint32(time%4)+1, uint32(memory%512), threads%4+1, uint32(keyLen)%130+4
		got := IDKey(password, salt, tc, mc, pc, kc)
		want := xargon2.IDKey(password, salt, tc, mc, pc, kc)
		if !bytes.Equal(got, want) {
			t.Fatalf("IDKey(t=%d, m=%d, p=%d, len=%d) = %x, want %x", tc, mc, pc, kc, got, want)
		}
	})
}

// TestMemoryIsReused: a hash after a hash in the same Memory allocates
// nothing of the size of its memory (19 MiB a login), and a Memory freed or
// too small for the next hash gets what that hash needs.
func TestMemoryIsReused(t *testing.T) {
	var m Memory
	hash := func(kib uint32) []byte { return m.IDKey([]byte("password"), []byte("somesalt"), 1, kib, 1, 32) }
	hash(1024)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 10 {
		hash(1024)
		hash(64) // a smaller hash in bigger memory
	}
	runtime.ReadMemStats(&after)
	if got := (after.TotalAlloc - before.TotalAlloc) >> 10; got >= 1024 {
		t.Errorf("20 hashes in one Memory allocated %d KiB; want less than one hash's 1024 KiB", got)
	}
	if got := m.Bytes(); got != 1024<<10 {
		t.Errorf("Bytes() = %d, want %d", got, 1024<<10)
	}
	want := xargon2.IDKey([]byte("password"), []byte("somesalt"), 1, 2048, 1, 32)
	if got := hash(2048); !bytes.Equal(got, want) || m.Bytes() != 2048<<10 {
		t.Errorf("hash in grown memory = %x (memory %d), want %x (%d)", got, m.Bytes(), want, 2048<<10)
	}
	m.Free()
	if m.Bytes() != 0 {
		t.Errorf("Bytes() after Free = %d", m.Bytes())
	}
	if got := hash(2048); !bytes.Equal(got, want) {
		t.Errorf("hash after Free = %x, want %x", got, want)
	}
}

func BenchmarkIDKey(b *testing.B) {
	password, salt := []byte("correct horse battery staple"), []byte("0123456789abcdef")
	b.Run("this", func(b *testing.B) {
		var m Memory
		for b.Loop() {
			m.IDKey(password, salt, 2, 19*1024, 1, 32)
		}
	})
	b.Run("this-portable", func(b *testing.B) {
		saved := compress
		defer func() { compress = saved }()
		compress = compressGeneric
		var m Memory
		for b.Loop() {
			m.IDKey(password, salt, 2, 19*1024, 1, 32)
		}
	})
	b.Run("x-crypto", func(b *testing.B) {
		for b.Loop() {
			xargon2.IDKey(password, salt, 2, 19*1024, 1, 32)
		}
	})
}
