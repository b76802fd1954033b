//go:build !purego

package argon2

import "golang.org/x/sys/cpu"

func init() {
	if cpu.X86.HasAVX2 {
		compress = compressAVX2
		hasAssembly = true
	}
}

// compressAVX2 is compress in one pass over the block with AVX2: the rows
// of prev^ref are kept in tmp[0] for the final XOR and permuted into tmp[1];
// each column of tmp[1] is then permuted and written to out.
//
//go:noescape
func compressAVX2(out, prev, ref *block, tmp *[2]block, xor bool)
