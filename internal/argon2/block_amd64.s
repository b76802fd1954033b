//go:build !purego

#include "textflag.h"

// Byte shuffles that rotate each 64-bit word right by 16 and by 24 bits.
DATA ·rotr16<>+0x00(SB)/8, $0x0100070605040302
DATA ·rotr16<>+0x08(SB)/8, $0x09080f0e0d0c0b0a
DATA ·rotr16<>+0x10(SB)/8, $0x0100070605040302
DATA ·rotr16<>+0x18(SB)/8, $0x09080f0e0d0c0b0a
GLOBL ·rotr16<>(SB), (NOPTR+RODATA), $32

DATA ·rotr24<>+0x00(SB)/8, $0x0201000706050403
DATA ·rotr24<>+0x08(SB)/8, $0x0a09080f0e0d0c0b
DATA ·rotr24<>+0x10(SB)/8, $0x0201000706050403
DATA ·rotr24<>+0x18(SB)/8, $0x0a09080f0e0d0c0b
GLOBL ·rotr24<>(SB), (NOPTR+RODATA), $32

// a += b + 2*lo32(a)*lo32(b) in each of the four words, and the same for
// e, f with scratch u: two independent chains, interleaved so that the
// multiplier's latency of one is spent on the other.
#define BLAMKA2(a, b, t, e, f, u) \
	VPMULUDQ b, a, t; \
	VPMULUDQ f, e, u; \
	VPADDQ   b, a, a; \
	VPADDQ   f, e, e; \
	VPADDQ   t, t, t; \
	VPADDQ   u, u, u; \
	VPADDQ   t, a, a; \
	VPADDQ   u, e, e

// GB of RFC 9106 on four columns at once (word i of a, b, c, d), twice:
// on a-d and on e-h. Y14 and Y15 hold the rotr16 and rotr24 shuffles.
#define GB2(a, b, c, d, t, e, f, g, h, u) \
	BLAMKA2(a, b, t, e, f, u); \
	VPXOR    a, d, d; \
	VPXOR    e, h, h; \
	VPSHUFD  $0xb1, d, d; \
	VPSHUFD  $0xb1, h, h; \
	BLAMKA2(c, d, t, g, h, u); \
	VPXOR    c, b, b; \
	VPXOR    g, f, f; \
	VPSHUFB  Y15, b, b; \
	VPSHUFB  Y15, f, f; \
	BLAMKA2(a, b, t, e, f, u); \
	VPXOR    a, d, d; \
	VPXOR    e, h, h; \
	VPSHUFB  Y14, d, d; \
	VPSHUFB  Y14, h, h; \
	BLAMKA2(c, d, t, g, h, u); \
	VPXOR    c, b, b; \
	VPXOR    g, f, f; \
	VPADDQ   b, b, t; \
	VPADDQ   f, f, u; \
	VPSRLQ   $63, b, b; \
	VPSRLQ   $63, f, f; \
	VPXOR    t, b, b; \
	VPXOR    u, f, f

// Rotates the lanes of b and f, c and g, d and h by the VPERMQ orders ib, ic
// and id: 0x39, 0x4e, 0x93 line the diagonals up as columns, and 0x93,
// 0x4e, 0x39 put them back.
#define LANES(ib, ic, id, b, c, d, f, g, h) \
	VPERMQ ib, b, b; \
	VPERMQ ib, f, f; \
	VPERMQ ic, c, c; \
	VPERMQ ic, g, g; \
	VPERMQ id, d, d; \
	VPERMQ id, h, h

// P on two sets of 16 words: a (v0-v3), b (v4-v7), c (v8-v11), d (v12-v15),
// and e-h. The columns, then the diagonals.
#define ROUND2(a, b, c, d, t, e, f, g, h, u) \
	GB2(a, b, c, d, t, e, f, g, h, u); \
	LANES($0x39, $0x4e, $0x93, b, c, d, f, g, h); \
	GB2(a, b, c, d, t, e, f, g, h, u); \
	LANES($0x93, $0x4e, $0x39, b, c, d, f, g, h)

// Two 16-byte pieces, 128 bytes apart, into one register, and back.
#define LOAD2(off, base, x, y) \
	VMOVDQU     off(base), x; \
	VINSERTI128 $1, off+128(base), y, y

#define STORE2(y, x, off, base) \
	VMOVDQU      x, off(base); \
	VEXTRACTI128 $1, y, off+128(base)

// a-d (one column, two rows a register) ^= the column at off in the block at base.
#define XORCOLUMN(off, base, a, b, c, d) \
	LOAD2(off, base, X4, Y4); \
	LOAD2(off+256, base, X9, Y9); \
	LOAD2(off+512, base, X10, Y10); \
	LOAD2(off+768, base, X11, Y11); \
	VPXOR Y4, a, a; \
	VPXOR Y9, b, b; \
	VPXOR Y10, c, c; \
	VPXOR Y11, d, d

// The two columns in Y0-Y3 and Y5-Y8 ^= the same two of the block at base.
#define XORCOLUMNS(base) \
	XORCOLUMN(0, base, Y0, Y1, Y2, Y3); \
	XORCOLUMN(16, base, Y5, Y6, Y7, Y8)

// func compressAVX2(out, prev, ref *block, tmp *[2]block, xor bool)
TEXT ·compressAVX2(SB), NOSPLIT, $0-33
	MOVQ    out+0(FP), DI
	MOVQ    prev+8(FP), SI
	MOVQ    ref+16(FP), DX
	MOVQ    tmp+24(FP), BX
	MOVBLZX xor+32(FP), R8
	LEAQ    1024(BX), CX
	VMOVDQU ·rotr16<>(SB), Y14
	VMOVDQU ·rotr24<>(SB), Y15

	// Rows, two at a time: R = prev^ref into tmp[0], P(R) into tmp[1],
	// 128 bytes a row.
	MOVQ BX, R9
	MOVQ CX, R10
	MOVQ $4, R11

rows:
	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y1
	VMOVDQU 64(SI), Y2
	VMOVDQU 96(SI), Y3
	VMOVDQU 128(SI), Y5
	VMOVDQU 160(SI), Y6
	VMOVDQU 192(SI), Y7
	VMOVDQU 224(SI), Y8
	VPXOR   (DX), Y0, Y0
	VPXOR   32(DX), Y1, Y1
	VPXOR   64(DX), Y2, Y2
	VPXOR   96(DX), Y3, Y3
	VPXOR   128(DX), Y5, Y5
	VPXOR   160(DX), Y6, Y6
	VPXOR   192(DX), Y7, Y7
	VPXOR   224(DX), Y8, Y8
	VMOVDQU Y0, (R9)
	VMOVDQU Y1, 32(R9)
	VMOVDQU Y2, 64(R9)
	VMOVDQU Y3, 96(R9)
	VMOVDQU Y5, 128(R9)
	VMOVDQU Y6, 160(R9)
	VMOVDQU Y7, 192(R9)
	VMOVDQU Y8, 224(R9)
	ROUND2(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9)
	VMOVDQU Y0, (R10)
	VMOVDQU Y1, 32(R10)
	VMOVDQU Y2, 64(R10)
	VMOVDQU Y3, 96(R10)
	VMOVDQU Y5, 128(R10)
	VMOVDQU Y6, 160(R10)
	VMOVDQU Y7, 192(R10)
	VMOVDQU Y8, 224(R10)
	ADDQ    $256, SI
	ADDQ    $256, DX
	ADDQ    $256, R9
	ADDQ    $256, R10
	DECQ    R11
	JNZ     rows

	// Columns, two at a time: a column is the 16-byte piece at the same
	// offset in each of the eight rows, two rows a register.
	// out = P(column) ^ R, or out ^= P(column) ^ R.
	MOVQ $4, R11

columns:
	LOAD2(0, CX, X0, Y0)
	LOAD2(256, CX, X1, Y1)
	LOAD2(512, CX, X2, Y2)
	LOAD2(768, CX, X3, Y3)
	LOAD2(16, CX, X5, Y5)
	LOAD2(272, CX, X6, Y6)
	LOAD2(528, CX, X7, Y7)
	LOAD2(784, CX, X8, Y8)
	ROUND2(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9)
	XORCOLUMNS(BX)
	TESTQ R8, R8
	JZ    store
	XORCOLUMNS(DI)

store:
	STORE2(Y0, X0, 0, DI)
	STORE2(Y1, X1, 256, DI)
	STORE2(Y2, X2, 512, DI)
	STORE2(Y3, X3, 768, DI)
	STORE2(Y5, X5, 16, DI)
	STORE2(Y6, X6, 272, DI)
	STORE2(Y7, X7, 528, DI)
	STORE2(Y8, X8, 784, DI)
	ADDQ $32, CX
	ADDQ $32, BX
	ADDQ $32, DI
	DECQ R11
	JNZ  columns

	VZEROUPPER
	RET
