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

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv() (eax, edx uint32)
TEXT ·xgetbv(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET
