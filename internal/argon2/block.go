package argon2

import "math/bits"

// compress sets out to G(prev, ref) of RFC 9106 (section 3.5), or, when xor
// is set, XORs G(prev, ref) into it. out may be ref. tmp is scratch space.
var compress = compressGeneric

// hasAssembly reports whether compress is in assembly on this machine.
var hasAssembly bool

// compressGeneric is compress in Go: R = prev ^ ref, the permutation P on
// each row of R and then on each column, and the result XORed with R.
func compressGeneric(out, prev, ref *block, tmp *[2]block, xor bool) {
	r, q := &tmp[0], &tmp[1]
	for i := range r {
		r[i] = prev[i] ^ ref[i]
	}
	*q = *r
	for row := 0; row < blockWords; row += 16 {
		permute(q, row, row+1, row+2, row+3, row+4, row+5, row+6, row+7,
			row+8, row+9, row+10, row+11, row+12, row+13, row+14, row+15)
	}
	for col := 0; col < 16; col += 2 {
		permute(q, col, col+1, col+16, col+17, col+32, col+33, col+48, col+49,
			col+64, col+65, col+80, col+81, col+96, col+97, col+112, col+113)
	}
	if xor {
		for i := range q {
			out[i] ^= q[i] ^ r[i]
		}
		return
	}
	for i := range q {
		out[i] = q[i] ^ r[i]
	}
}

// permute is P: BLAKE2b's round with its additions made multiplications too,
// on the 4×4 words v0…v15 of b: columns, then diagonals.
func permute(b *block, v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15 int) {
	mix(b, v0, v4, v8, v12)
	mix(b, v1, v5, v9, v13)
	mix(b, v2, v6, v10, v14)
	mix(b, v3, v7, v11, v15)
	mix(b, v0, v5, v10, v15)
	mix(b, v1, v6, v11, v12)
	mix(b, v2, v7, v8, v13)
	mix(b, v3, v4, v9, v14)
}

// mix is GB of RFC 9106 on four words of b.
func mix(b *block, i, j, k, l int) {
	x, y, z, w := b[i], b[j], b[k], b[l]
	x += y + 2*uint64(uint32(x))*uint64(uint32(y))
	w = bits.RotateLeft64(w^x, -32)
	z += w + 2*uint64(uint32(z))*uint64(uint32(w))
	y = bits.RotateLeft64(y^z, -24)
	x += y + 2*uint64(uint32(x))*uint64(uint32(y))
	w = bits.RotateLeft64(w^x, -16)
	z += w + 2*uint64(uint32(z))*uint64(uint32(w))
	y = bits.RotateLeft64(y^z, -63)
	b[i], b[j], b[k], b[l] = x, y, z, w
}
