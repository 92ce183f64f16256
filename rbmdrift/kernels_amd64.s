#include "textflag.h"

// gemm4x8 adds alpha times the product of rows i..i+3 of a (k columns) and columns j..j+7 of
// b (k rows) to the 4 x 8 block of c at its first argument (see kernels_gemm.go): eight
// AVX2 accumulators of four lanes, one fused multiply-add per product in ascending l, then
// c = alpha acc + c, also fused.
//
// func gemm4x8(k int, alpha float64, a *float64, lda int, b *float64, ldb int, c *float64, ldc int)
TEXT ·gemm4x8(SB), NOSPLIT, $0-64
	MOVQ k+0(FP), CX
	MOVQ a+16(FP), SI
	MOVQ lda+24(FP), R8
	SHLQ $3, R8
	MOVQ b+32(FP), DX
	MOVQ ldb+40(FP), R13
	SHLQ $3, R13
	LEAQ (SI)(R8*1), R10
	LEAQ (R10)(R8*1), R11
	LEAQ (R11)(R8*1), R12
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	TESTQ CX, CX
	JE done
loop:
	VMOVUPD (DX), Y12
	VMOVUPD 32(DX), Y13
	VBROADCASTSD (SI), Y14
	VFMADD231PD Y12, Y14, Y0
	VFMADD231PD Y13, Y14, Y1
	VBROADCASTSD (R10), Y15
	VFMADD231PD Y12, Y15, Y2
	VFMADD231PD Y13, Y15, Y3
	VBROADCASTSD (R11), Y14
	VFMADD231PD Y12, Y14, Y4
	VFMADD231PD Y13, Y14, Y5
	VBROADCASTSD (R12), Y15
	VFMADD231PD Y12, Y15, Y6
	VFMADD231PD Y13, Y15, Y7
	ADDQ $8, SI
	ADDQ $8, R10
	ADDQ $8, R11
	ADDQ $8, R12
	ADDQ R13, DX
	DECQ CX
	JNE loop
done:
	VBROADCASTSD alpha+8(FP), Y14
	MOVQ c+48(FP), DI
	MOVQ ldc+56(FP), R9
	SHLQ $3, R9
	VMOVUPD (DI), Y12
	VMOVUPD 32(DI), Y13
	VFMADD231PD Y0, Y14, Y12
	VFMADD231PD Y1, Y14, Y13
	VMOVUPD Y12, (DI)
	VMOVUPD Y13, 32(DI)
	ADDQ R9, DI
	VMOVUPD (DI), Y12
	VMOVUPD 32(DI), Y13
	VFMADD231PD Y2, Y14, Y12
	VFMADD231PD Y3, Y14, Y13
	VMOVUPD Y12, (DI)
	VMOVUPD Y13, 32(DI)
	ADDQ R9, DI
	VMOVUPD (DI), Y12
	VMOVUPD 32(DI), Y13
	VFMADD231PD Y4, Y14, Y12
	VFMADD231PD Y5, Y14, Y13
	VMOVUPD Y12, (DI)
	VMOVUPD Y13, 32(DI)
	ADDQ R9, DI
	VMOVUPD (DI), Y12
	VMOVUPD 32(DI), Y13
	VFMADD231PD Y6, Y14, Y12
	VFMADD231PD Y7, Y14, Y13
	VMOVUPD Y12, (DI)
	VMOVUPD Y13, 32(DI)
	VZEROUPPER
	RET

// Ten-entry rows for comb2avx's m = 10 path and comb2pair10: d1 (DI) in Y0, Y1, X2 and d2
// (R10) in Y3, Y4, X5; TERM10 adds the row of b at R8 weighted by (SI) to d1 and by (DX) to
// d2, one rounded product and one rounded sum per entry.
#define LOAD10 \
	VMOVUPD 0(DI), Y0; \
	VMOVUPD 32(DI), Y1; \
	VMOVUPD 64(DI), X2; \
	VMOVUPD 0(R10), Y3; \
	VMOVUPD 32(R10), Y4; \
	VMOVUPD 64(R10), X5

#define STORE10 \
	VMOVUPD Y0, 0(DI); \
	VMOVUPD Y1, 32(DI); \
	VMOVUPD X2, 64(DI); \
	VMOVUPD Y3, 0(R10); \
	VMOVUPD Y4, 32(R10); \
	VMOVUPD X5, 64(R10)

#define TERM10 \
	VMOVUPD 0(R8), Y6; \
	VMOVUPD 32(R8), Y7; \
	VMOVUPD 64(R8), X8; \
	VBROADCASTSD (SI), Y9; \
	VBROADCASTSD (DX), Y10; \
	VMULPD Y6, Y9, Y11; \
	VADDPD Y11, Y0, Y0; \
	VMULPD Y7, Y9, Y12; \
	VADDPD Y12, Y1, Y1; \
	VMULPD X8, X9, X11; \
	VADDPD X11, X2, X2; \
	VMULPD Y6, Y10, Y12; \
	VADDPD Y12, Y3, Y3; \
	VMULPD Y7, Y10, Y11; \
	VADDPD Y11, Y4, Y4; \
	VMULPD X8, X10, X12; \
	VADDPD X12, X5, X5


// NEXTROW steps comb2avx to the next row of b and the next weights, counting the rows down
// (the JNE after it loops).
#define NEXTROW \
	ADDQ $8, SI; \
	ADDQ $8, DX; \
	ADDQ R9, R8; \
	DECQ CX

// comb2avx adds to two rows d1, d2 of m <= 12 entries the rows l < k of b (stride ld
// elements) weighted by p[l] and q[l]: d1[j] = (...((d1[j] + p[0] b[0][j]) + p[1] b[1][j]) ...),
// one VMULPD and one VADDPD per term (no fused multiply-add), so every lane is the scalar
// loop's sum to the bit. The entries are three masked YMM chunks (mask: 12 lanes, -1 for the
// m used), so lanes beyond m are neither read nor written. Six accumulators (two rows x three
// chunks) run at once, which hides the add's latency.
//
// The stores are plain where a chunk is full (and, for m = 10, two lanes of an XMM register):
// masked stores are slow on some CPUs. The widths 10, 8, 6, 4 and 2 (rowDotsT's at n = 10)
// have loops of their own on whole YMM chunks and at most one XMM pair, with plain loads and
// stores and no work on unused lanes.
//
// func comb2avx(k int, p, q, b *float64, ld int, d1, d2 *float64, mask *[12]int64, m int)
TEXT ·comb2avx(SB), NOSPLIT, $0-72
	MOVQ k+0(FP), CX
	MOVQ p+8(FP), SI
	MOVQ q+16(FP), DX
	MOVQ b+24(FP), R8
	MOVQ ld+32(FP), R9
	SHLQ $3, R9
	MOVQ d1+40(FP), DI
	MOVQ d2+48(FP), R10
	MOVQ mask+56(FP), R11
	MOVQ m+64(FP), R12
	TESTQ CX, CX
	JE comb2done
	CMPQ R12, $10
	JNE comb2general
	// m = 10 (the paper's N): plain loads, the last two lanes through XMM registers.
	LOAD10
comb2loop10:
	TERM10
	NEXTROW
	JNE comb2loop10
	JMP comb2store
comb2general:
	// m = 2, 4, 6, 8 (the upper-triangle widths of rowDotsT at n = 10): whole YMM chunks and
	// at most one XMM pair, plain loads and stores.
	CMPQ R12, $2
	JE comb2w2
	CMPQ R12, $4
	JE comb2w4
	CMPQ R12, $6
	JE comb2w6
	CMPQ R12, $8
	JE comb2w8
	VMOVDQU 0(R11), Y13
	VMOVDQU 32(R11), Y14
	VMOVDQU 64(R11), Y15
	VMASKMOVPD 0(DI), Y13, Y0
	VMASKMOVPD 32(DI), Y14, Y1
	VMASKMOVPD 64(DI), Y15, Y2
	VMASKMOVPD 0(R10), Y13, Y3
	VMASKMOVPD 32(R10), Y14, Y4
	VMASKMOVPD 64(R10), Y15, Y5
comb2loop:
	VMASKMOVPD 0(R8), Y13, Y6
	VMASKMOVPD 32(R8), Y14, Y7
	VMASKMOVPD 64(R8), Y15, Y8
	VBROADCASTSD (SI), Y9
	VBROADCASTSD (DX), Y10
	VMULPD Y6, Y9, Y11
	VADDPD Y11, Y0, Y0
	VMULPD Y7, Y9, Y12
	VADDPD Y12, Y1, Y1
	VMULPD Y8, Y9, Y11
	VADDPD Y11, Y2, Y2
	VMULPD Y6, Y10, Y12
	VADDPD Y12, Y3, Y3
	VMULPD Y7, Y10, Y11
	VADDPD Y11, Y4, Y4
	VMULPD Y8, Y10, Y12
	VADDPD Y12, Y5, Y5
	NEXTROW
	JNE comb2loop
comb2store:
	CMPQ R12, $4
	JL comb2mask0
	VMOVUPD Y0, 0(DI)
	VMOVUPD Y3, 0(R10)
	CMPQ R12, $8
	JL comb2mask1
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y4, 32(R10)
	CMPQ R12, $12
	JE comb2full2
	CMPQ R12, $10
	JE comb2two2
	VMASKMOVPD Y2, Y15, 64(DI)
	VMASKMOVPD Y5, Y15, 64(R10)
	JMP comb2done
comb2full2:
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y5, 64(R10)
	JMP comb2done
comb2two2:
	VMOVUPD X2, 64(DI)
	VMOVUPD X5, 64(R10)
	JMP comb2done
comb2w2:
	VMOVUPD 0(DI), X0
	VMOVUPD 0(R10), X3
comb2loopw2:
	VMOVUPD 0(R8), X6
	VBROADCASTSD (SI), Y9
	VBROADCASTSD (DX), Y10
	VMULPD X6, X9, X11
	VADDPD X11, X0, X0
	VMULPD X6, X10, X12
	VADDPD X12, X3, X3
	NEXTROW
	JNE comb2loopw2
	VMOVUPD X0, 0(DI)
	VMOVUPD X3, 0(R10)
	JMP comb2done
comb2w4:
	VMOVUPD 0(DI), Y0
	VMOVUPD 0(R10), Y3
comb2loopw4:
	VMOVUPD 0(R8), Y6
	VBROADCASTSD (SI), Y9
	VBROADCASTSD (DX), Y10
	VMULPD Y6, Y9, Y11
	VADDPD Y11, Y0, Y0
	VMULPD Y6, Y10, Y12
	VADDPD Y12, Y3, Y3
	NEXTROW
	JNE comb2loopw4
	VMOVUPD Y0, 0(DI)
	VMOVUPD Y3, 0(R10)
	JMP comb2done
comb2w6:
	VMOVUPD 0(DI), Y0
	VMOVUPD 32(DI), X1
	VMOVUPD 0(R10), Y3
	VMOVUPD 32(R10), X4
comb2loopw6:
	VMOVUPD 0(R8), Y6
	VMOVUPD 32(R8), X7
	VBROADCASTSD (SI), Y9
	VBROADCASTSD (DX), Y10
	VMULPD Y6, Y9, Y11
	VADDPD Y11, Y0, Y0
	VMULPD X7, X9, X12
	VADDPD X12, X1, X1
	VMULPD Y6, Y10, Y11
	VADDPD Y11, Y3, Y3
	VMULPD X7, X10, X12
	VADDPD X12, X4, X4
	NEXTROW
	JNE comb2loopw6
	VMOVUPD Y0, 0(DI)
	VMOVUPD X1, 32(DI)
	VMOVUPD Y3, 0(R10)
	VMOVUPD X4, 32(R10)
	JMP comb2done
comb2w8:
	VMOVUPD 0(DI), Y0
	VMOVUPD 32(DI), Y1
	VMOVUPD 0(R10), Y3
	VMOVUPD 32(R10), Y4
comb2loopw8:
	VMOVUPD 0(R8), Y6
	VMOVUPD 32(R8), Y7
	VBROADCASTSD (SI), Y9
	VBROADCASTSD (DX), Y10
	VMULPD Y6, Y9, Y11
	VADDPD Y11, Y0, Y0
	VMULPD Y7, Y9, Y12
	VADDPD Y12, Y1, Y1
	VMULPD Y6, Y10, Y11
	VADDPD Y11, Y3, Y3
	VMULPD Y7, Y10, Y12
	VADDPD Y12, Y4, Y4
	NEXTROW
	JNE comb2loopw8
	VMOVUPD Y0, 0(DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y3, 0(R10)
	VMOVUPD Y4, 32(R10)
	JMP comb2done
comb2mask1:
	VMASKMOVPD Y1, Y14, 32(DI)
	VMASKMOVPD Y4, Y14, 32(R10)
	JMP comb2done
comb2mask0:
	VMASKMOVPD Y0, Y13, 0(DI)
	VMASKMOVPD Y3, Y13, 0(R10)
comb2done:
	VZEROUPPER
	RET

// comb2pair10 is comb2avx for rows of exactly 10 entries with the terms taken in pairs, as
// the trainer's G W loop sums them: d1[j] = (...(d1[j] + (p[0] b[0][j] + p[1] b[1][j])) + ...)
// + p[k-1] b[k-1][j] for odd k; each pair is two rounded products and their rounded sum,
// then added to the row: the Go loop's operations in its order, to the bit.
//
// func comb2pair10(k int, p, q, b *float64, ld int, d1, d2 *float64)
TEXT ·comb2pair10(SB), NOSPLIT, $0-56
	MOVQ k+0(FP), CX
	MOVQ p+8(FP), SI
	MOVQ q+16(FP), DX
	MOVQ b+24(FP), R8
	MOVQ ld+32(FP), R9
	SHLQ $3, R9
	MOVQ d1+40(FP), DI
	MOVQ d2+48(FP), R10
	LOAD10
	MOVQ CX, R11
	SHRQ $1, R11
	JE pair10tail
pair10loop:
	VMOVUPD 0(R8), Y6
	VMOVUPD 32(R8), Y7
	VMOVUPD 64(R8), X8
	VMOVUPD 0(R8)(R9*1), Y9
	VMOVUPD 32(R8)(R9*1), Y10
	VMOVUPD 64(R8)(R9*1), X11
	VBROADCASTSD 0(SI), Y12
	VBROADCASTSD 8(SI), Y13
	VMULPD Y6, Y12, Y14
	VMULPD Y9, Y13, Y15
	VADDPD Y15, Y14, Y14
	VADDPD Y14, Y0, Y0
	VMULPD Y7, Y12, Y14
	VMULPD Y10, Y13, Y15
	VADDPD Y15, Y14, Y14
	VADDPD Y14, Y1, Y1
	VMULPD X8, X12, X14
	VMULPD X11, X13, X15
	VADDPD X15, X14, X14
	VADDPD X14, X2, X2
	VBROADCASTSD 0(DX), Y12
	VBROADCASTSD 8(DX), Y13
	VMULPD Y6, Y12, Y14
	VMULPD Y9, Y13, Y15
	VADDPD Y15, Y14, Y14
	VADDPD Y14, Y3, Y3
	VMULPD Y7, Y12, Y14
	VMULPD Y10, Y13, Y15
	VADDPD Y15, Y14, Y14
	VADDPD Y14, Y4, Y4
	VMULPD X8, X12, X14
	VMULPD X11, X13, X15
	VADDPD X15, X14, X14
	VADDPD X14, X5, X5
	ADDQ $16, SI
	ADDQ $16, DX
	LEAQ (R8)(R9*2), R8
	DECQ R11
	JNE pair10loop
pair10tail:
	TESTQ $1, CX
	JE pair10store
	TERM10
pair10store:
	STORE10
	VZEROUPPER
	RET

// rank2x10 adds to the 10 x 10 row-major matrix c the pair update c[i][j] += (a[i] a[j] +
// b[i] b[j]) for every i, j: two rounded products, their rounded sum, then added, as the
// direct sampler's C_model loop computes its upper triangle (the lower one is scratch).
//
// func rank2x10(c, a, b *float64)
TEXT ·rank2x10(SB), NOSPLIT, $0-24
	MOVQ c+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	VMOVUPD 0(SI), Y0
	VMOVUPD 32(SI), Y1
	VMOVUPD 64(SI), X2
	VMOVUPD 0(DX), Y3
	VMOVUPD 32(DX), Y4
	VMOVUPD 64(DX), X5
	MOVQ $10, CX
rank2loop:
	VBROADCASTSD (SI), Y6
	VBROADCASTSD (DX), Y7
	VMULPD Y0, Y6, Y8
	VMULPD Y3, Y7, Y9
	VADDPD Y9, Y8, Y8
	VADDPD 0(DI), Y8, Y8
	VMOVUPD Y8, 0(DI)
	VMULPD Y1, Y6, Y10
	VMULPD Y4, Y7, Y11
	VADDPD Y11, Y10, Y10
	VADDPD 32(DI), Y10, Y10
	VMOVUPD Y10, 32(DI)
	VMULPD X2, X6, X12
	VMULPD X5, X7, X13
	VADDPD X13, X12, X12
	VADDPD 64(DI), X12, X12
	VMOVUPD X12, 64(DI)
	ADDQ $8, SI
	ADDQ $8, DX
	ADDQ $80, DI
	DECQ CX
	JNE rank2loop
	VZEROUPPER
	RET

// mgs10 orthonormalises the columns of the 10 x 10 row-major matrix v by modified Gram-Schmidt
// in column order, right-looking: column i is normalised (1/sqrt of its dot product with
// itself, rows in order), then its dot products with the later columns j > i are summed row
// by row in the lanes j and removed from them, lanes j <= i kept by a blend. Each column sees
// its projections in the order i = 0, 1, ... and each sum runs over the rows in order from
// zero, with unfused multiplications and additions: orthonormalise's operations to the bit.
// gt[i] has -1 in the lanes j > i.
//
// func mgs10(v *float64, gt *[10][12]int64)
TEXT ·mgs10(SB), NOSPLIT, $0-16
	MOVQ v+0(FP), DI
	MOVQ gt+8(FP), R11
	MOVQ $0x3FF0000000000000, AX
	MOVQ AX, X12
	XORQ BX, BX
mgsi:
	LEAQ (DI)(BX*8), SI
	VXORPD X9, X9, X9
	MOVQ SI, R8
	MOVQ $10, CX
mgsnorm:
	VMOVSD (R8), X10
	VMULSD X10, X10, X11
	VADDSD X11, X9, X9
	ADDQ $80, R8
	DECQ CX
	JNE mgsnorm
	VSQRTSD X9, X9, X9
	VDIVSD X9, X12, X9
	MOVQ SI, R8
	MOVQ $10, CX
mgsscale:
	VMOVSD (R8), X10
	VMULSD X9, X10, X10
	VMOVSD X10, (R8)
	ADDQ $80, R8
	DECQ CX
	JNE mgsscale
	CMPQ BX, $9
	JE mgsdone
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	MOVQ DI, R8
	MOVQ SI, R9
	MOVQ $10, CX
mgsdots:
	VBROADCASTSD (R9), Y6
	VMULPD 0(R8), Y6, Y7
	VADDPD Y7, Y0, Y0
	VMULPD 32(R8), Y6, Y8
	VADDPD Y8, Y1, Y1
	VMOVUPD 64(R8), X10
	VMULPD X10, X6, X7
	VADDPD X7, X2, X2
	ADDQ $80, R8
	ADDQ $80, R9
	DECQ CX
	JNE mgsdots
	MOVQ BX, AX
	IMULQ $96, AX
	ADDQ R11, AX
	VMOVDQU 0(AX), Y13
	VMOVDQU 32(AX), Y14
	VMOVDQU 64(AX), X15
	MOVQ DI, R8
	MOVQ SI, R9
	MOVQ $10, CX
mgsupd:
	VBROADCASTSD (R9), Y6
	VMOVUPD 0(R8), Y3
	VMULPD Y0, Y6, Y7
	VSUBPD Y7, Y3, Y7
	VBLENDVPD Y13, Y7, Y3, Y3
	VMOVUPD Y3, 0(R8)
	VMOVUPD 32(R8), Y4
	VMULPD Y1, Y6, Y8
	VSUBPD Y8, Y4, Y8
	VBLENDVPD Y14, Y8, Y4, Y4
	VMOVUPD Y4, 32(R8)
	VMOVUPD 64(R8), X5
	VMULPD X2, X6, X7
	VSUBPD X7, X5, X7
	VBLENDVPD X15, X7, X5, X5
	VMOVUPD X5, 64(R8)
	ADDQ $80, R8
	ADDQ $80, R9
	DECQ CX
	JNE mgsupd
	INCQ BX
	JMP mgsi
mgsdone:
	VZEROUPPER
	RET

// rot4avx applies the plane rotation (c, s) to the first 4 floor(n/4) entries of the rows x and
// y: x <- c x - s y, y <- s x + c y, four lanes at a time, each entry two rounded products and
// their rounded difference or sum (rotRows' operations, unfused).
//
// func rot4avx(n int, x, y *float64, c, s float64)
TEXT ·rot4avx(SB), NOSPLIT, $0-40
	MOVQ n+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DI
	VBROADCASTSD c+24(FP), Y0
	VBROADCASTSD s+32(FP), Y1
	SHRQ $2, CX
	JE rotdone
rotloop:
	VMOVUPD (SI), Y2
	VMOVUPD (DI), Y3
	VMULPD Y2, Y0, Y4
	VMULPD Y3, Y1, Y5
	VSUBPD Y5, Y4, Y4
	VMULPD Y2, Y1, Y6
	VMULPD Y3, Y0, Y7
	VADDPD Y7, Y6, Y6
	VMOVUPD Y4, (SI)
	VMOVUPD Y6, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNE rotloop
rotdone:
	VZEROUPPER
	RET

// trans4strip transposes the blocks 4 x 4 of a strip of four rows: for b < nb, the block at
// src + 4b (rows at stride lds elements) goes, transposed, to dst + 4b ldd (rows at stride ldd):
// dst[4b+c][r] = src[r][4b+c] for r, c < 4.
//
// func trans4strip(nb int, dst *float64, ldd int, src *float64, lds int)
TEXT ·trans4strip(SB), NOSPLIT, $0-40
	MOVQ nb+0(FP), CX
	MOVQ dst+8(FP), DI
	MOVQ ldd+16(FP), R8
	SHLQ $3, R8
	MOVQ src+24(FP), SI
	MOVQ lds+32(FP), R9
	SHLQ $3, R9
	TESTQ CX, CX
	JE trdone
trloop:
	MOVQ SI, R10
	VMOVUPD (R10), Y0
	ADDQ R9, R10
	VMOVUPD (R10), Y1
	ADDQ R9, R10
	VMOVUPD (R10), Y2
	ADDQ R9, R10
	VMOVUPD (R10), Y3
	VUNPCKLPD Y1, Y0, Y4
	VUNPCKHPD Y1, Y0, Y5
	VUNPCKLPD Y3, Y2, Y6
	VUNPCKHPD Y3, Y2, Y7
	VPERM2F128 $0x20, Y6, Y4, Y8
	VPERM2F128 $0x20, Y7, Y5, Y9
	VPERM2F128 $0x31, Y6, Y4, Y10
	VPERM2F128 $0x31, Y7, Y5, Y11
	MOVQ DI, R11
	VMOVUPD Y8, (R11)
	ADDQ R8, R11
	VMOVUPD Y9, (R11)
	ADDQ R8, R11
	VMOVUPD Y10, (R11)
	ADDQ R8, R11
	VMOVUPD Y11, (R11)
	ADDQ R8, R11
	MOVQ R11, DI
	ADDQ $32, SI
	DECQ CX
	JNE trloop
trdone:
	VZEROUPPER
	RET

// The kernels of tridiagonalise and accumulateQ (householder.go) run on square blocks of m4
// rows and columns, m4 a multiple of 4 and at least 4, at a row stride of ld elements; the
// caller pads the blocks with zeros to that size.

// symv4avx sets w[i] = sum_j b[i][j] v[j] for i, j < m4: four rows at a time, each row's sum in
// four lanes by fused multiply-adds in ascending j, the lanes then added pairwise
// ((l0 + l1) + (l2 + l3)).
//
// func symv4avx(m4 int, b *float64, ld int, v, w *float64)
TEXT ·symv4avx(SB), NOSPLIT, $0-40
	MOVQ m4+0(FP), CX
	MOVQ b+8(FP), SI
	MOVQ ld+16(FP), R8
	SHLQ $3, R8
	MOVQ v+24(FP), DI
	MOVQ w+32(FP), DX
	MOVQ CX, BX
	SHLQ $3, BX
	LEAQ (R8)(R8*2), R12
svrow:
	LEAQ (SI)(R8*1), R9
	LEAQ (SI)(R8*2), R10
	LEAQ (SI)(R12*1), R11
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	XORQ AX, AX
svcol:
	VMOVUPD (DI)(AX*1), Y4
	VFMADD231PD (SI)(AX*1), Y4, Y0
	VFMADD231PD (R9)(AX*1), Y4, Y1
	VFMADD231PD (R10)(AX*1), Y4, Y2
	VFMADD231PD (R11)(AX*1), Y4, Y3
	ADDQ $32, AX
	CMPQ AX, BX
	JLT svcol
	VHADDPD Y1, Y0, Y4
	VHADDPD Y3, Y2, Y5
	VPERM2F128 $0x20, Y5, Y4, Y6
	VPERM2F128 $0x31, Y5, Y4, Y7
	VADDPD Y7, Y6, Y6
	VMOVUPD Y6, (DX)
	ADDQ $32, DX
	LEAQ (SI)(R8*4), SI
	SUBQ $4, CX
	JNE svrow
	VZEROUPPER
	RET

// rank2avx sets b[i][j] -= x[i] w[j] + w[i] x[j] for i, j < m4, each entry two rounded products,
// their rounded sum and the rounded difference (unfused), so that entries (i, j) and (j, i)
// receive the same value.
//
// func rank2avx(m4 int, b *float64, ld int, x, w *float64)
TEXT ·rank2avx(SB), NOSPLIT, $0-40
	MOVQ m4+0(FP), CX
	MOVQ b+8(FP), SI
	MOVQ ld+16(FP), R8
	SHLQ $3, R8
	MOVQ x+24(FP), DI
	MOVQ w+32(FP), DX
	MOVQ CX, BX
	SHLQ $3, BX
	XORQ R10, R10
r2row:
	VBROADCASTSD (DI)(R10*1), Y0
	VBROADCASTSD (DX)(R10*1), Y1
	XORQ AX, AX
r2col:
	VMULPD (DX)(AX*1), Y0, Y2
	VMULPD (DI)(AX*1), Y1, Y3
	VADDPD Y3, Y2, Y2
	VMOVUPD (SI)(AX*1), Y4
	VSUBPD Y2, Y4, Y4
	VMOVUPD Y4, (SI)(AX*1)
	ADDQ $32, AX
	CMPQ AX, BX
	JLT r2col
	ADDQ R8, SI
	ADDQ $8, R10
	DECQ CX
	JNE r2row
	VZEROUPPER
	RET

// rank1avx sets b[i][j] = fma(-t x[i], y[j], b[i][j]) for i, j < m4.
//
// func rank1avx(m4 int, b *float64, ld int, x, y *float64, t float64)
TEXT ·rank1avx(SB), NOSPLIT, $0-48
	MOVQ m4+0(FP), CX
	MOVQ b+8(FP), SI
	MOVQ ld+16(FP), R8
	SHLQ $3, R8
	MOVQ x+24(FP), DI
	MOVQ y+32(FP), DX
	MOVSD t+40(FP), X5
	MOVQ CX, BX
	SHLQ $3, BX
	XORQ R10, R10
r1row:
	MOVSD (DI)(R10*1), X0
	MULSD X5, X0
	VBROADCASTSD X0, Y0
	XORQ AX, AX
r1col:
	VMOVUPD (SI)(AX*1), Y2
	VFNMADD231PD (DX)(AX*1), Y0, Y2
	VMOVUPD Y2, (SI)(AX*1)
	ADDQ $32, AX
	CMPQ AX, BX
	JLT r1col
	ADDQ R8, SI
	ADDQ $8, R10
	DECQ CX
	JNE r1row
	VZEROUPPER
	RET
