// Package argon2 derives keys with argon2id (RFC 9106, version 0x13), the
// password hash of every login.
//
// golang.org/x/crypto/argon2 computes the same function; this package exists
// because a login is the most expensive request the service answers and that
// one allocates its memory (19 MiB at OWASP's minimum) afresh for every hash
// and mixes each block in three passes over memory with SSE. Here the memory
// of finished hashes is reused, and on amd64 with AVX2 a block is mixed in one
// pass: the same hash in about half the time, without a 19 MiB garbage
// per login for the collector (BENCHMARKS.md, "Logins beside the clock
// traffic"). The tests check every result against golang.org/x/crypto/argon2
// and RFC 9106's test vector.
package argon2

import (
	"encoding/binary"

	"golang.org/x/crypto/blake2b"
)

const (
	version    = 0x13
	typeID     = 2 // argon2id
	syncPoints = 4 // slices per pass
	blockWords = 128
	blockBytes = blockWords * 8
)

// block is one 1 KiB block of argon2's memory, as little-endian words.
type block [blockWords]uint64

// IDKey returns the argon2id key of keyLen bytes for password and salt, with
// time passes over memory KiB in threads lanes: the same bytes as
// golang.org/x/crypto/argon2.IDKey for the same arguments. threads only sets
// the lanes (part of the result); they are filled one after the other. It
// panics if time or threads is zero, as x/crypto does. It allocates the
// memory for this hash alone; Memory.IDKey reuses it.
func IDKey(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
	var m Memory
	return m.IDKey(password, salt, time, memory, threads, keyLen)
}

// Memory is the memory argon2 fills, kept from one hash to the next: a
// service that hashes a password at every login allocates it once instead
// of leaving the collector 19 MiB a login. The zero Memory is empty and
// ready; it is not safe for concurrent use.
type Memory struct{ b []block }

// IDKey is the package's IDKey in m, which it grows as needed.
func (m *Memory) IDKey(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
	return m.deriveKey(password, salt, nil, nil, time, memory, threads, keyLen)
}

// Bytes is how much memory m holds.
func (m *Memory) Bytes() int { return len(m.b) * blockBytes }

// Free lets the collector have m's memory; the next hash allocates it again.
func (m *Memory) Free() { m.b = nil }

func (m *Memory) deriveKey(password, salt, secret, data []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
	if time < 1 {
		panic("argon2: number of rounds too small")
	}
	if threads < 1 {
		panic("argon2: parallelism degree too low")
	}
	lanes := uint32(threads)
	h0 := initHash(password, salt, secret, data, time, memory, lanes, keyLen)

	// The memory actually used: a whole number of segments, at least two blocks each.
	blocks := max(memory/(syncPoints*lanes)*(syncPoints*lanes), 2*syncPoints*lanes)
	if uint32(len(m.b)) < blocks {
		m.b = nil // the old memory can go before the new comes
		m.b = make([]block, blocks)
	}
	f := filler{
		b:       m.b[:blocks],
		laneLen: blocks / lanes,
		segLen:  blocks / lanes / syncPoints,
		lanes:   lanes,
		time:    time,
	}
	f.initBlocks(&h0)
	for pass := range time {
		for slice := range uint32(syncPoints) {
			// The lanes of a slice never read each other's blocks of that
			// slice, so filling them in turn gives what filling them at once would.
			for lane := range lanes {
				f.fillSegment(pass, slice, lane)
			}
		}
	}
	return f.finalize(keyLen)
}

// initHash is H0 of RFC 9106 (section 3.2): every parameter and input, hashed.
func initHash(password, salt, secret, data []byte, time, memory, lanes, keyLen uint32) [blake2b.Size + 8]byte {
	h, _ := blake2b.New512(nil)
	var n [4]byte
	word := func(v uint32) {
		binary.LittleEndian.PutUint32(n[:], v)
		h.Write(n[:])
	}
	field := func(b []byte) {
		word(uint32(len(b)))
		h.Write(b)
	}
	word(lanes)
	word(keyLen)
	word(memory)
	word(time)
	word(version)
	word(typeID)
	field(password)
	field(salt)
	field(secret)
	field(data)
	var h0 [blake2b.Size + 8]byte // room for the block and lane numbers of initBlocks
	h.Sum(h0[:0])
	return h0
}

// blake2bLong is H' of RFC 9106 (section 3.3): out filled from a chain of
// BLAKE2b hashes of in.
func blake2bLong(out, in []byte) {
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(out)))
	if len(out) <= blake2b.Size {
		h, _ := blake2b.New(len(out), nil)
		h.Write(n[:])
		h.Write(in)
		h.Sum(out[:0])
		return
	}
	var v [blake2b.Size]byte
	h, _ := blake2b.New512(nil)
	h.Write(n[:])
	h.Write(in)
	h.Sum(v[:0])
	// Each hash but the last gives its first half; the last gives what is left.
	for len(out) > blake2b.Size {
		copy(out, v[:blake2b.Size/2])
		out = out[blake2b.Size/2:]
		if len(out) > blake2b.Size {
			h.Reset()
			h.Write(v[:])
			h.Sum(v[:0])
		}
	}
	last, _ := blake2b.New(len(out), nil)
	last.Write(v[:])
	last.Sum(out[:0])
}

// filler fills argon2's memory: lanes rows of laneLen blocks, each lane cut
// into syncPoints segments of segLen blocks.
type filler struct {
	b                      []block
	laneLen, segLen, lanes uint32
	time                   uint32
	tmp                    [2]block // the mixing's scratch space
	addresses, input       block    // argon2i-style references of the first half pass
}

// initBlocks makes the first two blocks of every lane from H0.
func (f *filler) initBlocks(h0 *[blake2b.Size + 8]byte) {
	var buf [blockBytes]byte
	for lane := range f.lanes {
		for i := range uint32(2) {
			binary.LittleEndian.PutUint32(h0[blake2b.Size:], i)
			binary.LittleEndian.PutUint32(h0[blake2b.Size+4:], lane)
			blake2bLong(buf[:], h0[:])
			b := &f.b[lane*f.laneLen+i]
			for w := range b {
				b[w] = binary.LittleEndian.Uint64(buf[w*8:])
			}
		}
	}
}

var zero block

// fillSegment computes the blocks of one segment (RFC 9106, section 3.4).
// argon2id picks the blocks it mixes in from a pseudo-random stream for the
// first half of the first pass, and from the previous block afterwards.
func (f *filler) fillSegment(pass, slice, lane uint32) {
	independent := pass == 0 && slice < syncPoints/2
	index := uint32(0)
	if pass == 0 && slice == 0 {
		index = 2 // the two blocks initBlocks made
	}
	if independent {
		f.input = zero
		f.input[0] = uint64(pass)
		f.input[1] = uint64(lane)
		f.input[2] = uint64(slice)
		f.input[3] = uint64(len(f.b))
		f.input[4] = uint64(f.time)
		f.input[5] = typeID
		if index != 0 {
			f.nextAddresses()
		}
	}
	start := lane * f.laneLen
	cur := start + slice*f.segLen + index
	for ; index < f.segLen; index, cur = index+1, cur+1 {
		prev := cur - 1
		if cur == start {
			prev = start + f.laneLen - 1 // a lane's first block follows its last
		}
		var random uint64
		if independent {
			if index%blockWords == 0 {
				f.nextAddresses()
			}
			random = f.addresses[index%blockWords]
		} else {
			random = f.b[prev][0]
		}
		// In the first pass the block is new (and the memory may hold an
		// earlier hash's); later passes mix into what is there.
		compress(&f.b[cur], &f.b[prev], &f.b[f.reference(random, pass, slice, lane, index)], &f.tmp, pass > 0)
	}
}

// nextAddresses makes the next 128 pseudo-random reference words:
// G(0, G(0, input)) with input's counter advanced.
func (f *filler) nextAddresses() {
	f.input[6]++
	compress(&f.addresses, &zero, &f.input, &f.tmp, false)
	compress(&f.addresses, &zero, &f.addresses, &f.tmp, false)
}

// reference maps the pseudo-random word of the block at index of a segment to
// the block it mixes in (RFC 9106, section 3.4.1.2): a lane from the high
// half, and from the low half a position among the blocks that lane may
// offer, skewed towards the most recent.
func (f *filler) reference(random uint64, pass, slice, lane, index uint32) uint32 {
	refLane := uint32(random>>32) % f.lanes
	if pass == 0 && slice == 0 {
		refLane = lane
	}
	var area uint32 // how many blocks may be chosen
	if pass == 0 {
		area = slice * f.segLen // the finished slices
	} else {
		area = f.laneLen - f.segLen // everything but this slice
	}
	if refLane == lane {
		area += index - 1 // and this segment's blocks so far, but the previous one
	} else if index == 0 {
		area-- // the other lane's newest block may still be in the making
	}
	x := random & 0xffffffff
	x = x * x >> 32
	rel := uint64(area) - 1 - uint64(area)*x>>32
	var first uint64
	if pass > 0 && slice != syncPoints-1 {
		first = uint64(slice+1) * uint64(f.segLen)
	}
	return refLane*f.laneLen + uint32((first+rel)%uint64(f.laneLen))
}

// finalize XORs the last block of every lane and hashes it to the key.
func (f *filler) finalize(keyLen uint32) []byte {
	c := f.b[f.laneLen-1]
	for lane := uint32(1); lane < f.lanes; lane++ {
		last := &f.b[(lane+1)*f.laneLen-1]
		for w := range c {
			c[w] ^= last[w]
		}
	}
	var buf [blockBytes]byte
	for w, v := range c {
		binary.LittleEndian.PutUint64(buf[w*8:], v)
	}
	key := make([]byte, keyLen)
	blake2bLong(key, buf[:])
	return key
}
