#include "textflag.h"

// Constants, each in four lanes. Those of the logarithm are the Go runtime's (math/log_amd64.s),
// those of the exponential the runtime's too (math/exp_amd64.s).
DATA mant<>+0(SB)/8, $0x000fffffffffffff
DATA mant<>+8(SB)/8, $0x000fffffffffffff
DATA mant<>+16(SB)/8, $0x000fffffffffffff
DATA mant<>+24(SB)/8, $0x000fffffffffffff
GLOBL mant<>(SB), RODATA|NOPTR, $32
DATA half<>+0(SB)/8, $0x3fe0000000000000
DATA half<>+8(SB)/8, $0x3fe0000000000000
DATA half<>+16(SB)/8, $0x3fe0000000000000
DATA half<>+24(SB)/8, $0x3fe0000000000000
GLOBL half<>(SB), RODATA|NOPTR, $32
DATA hsqrt2<>+0(SB)/8, $0x3fe6a09e667f3bcd
DATA hsqrt2<>+8(SB)/8, $0x3fe6a09e667f3bcd
DATA hsqrt2<>+16(SB)/8, $0x3fe6a09e667f3bcd
DATA hsqrt2<>+24(SB)/8, $0x3fe6a09e667f3bcd
GLOBL hsqrt2<>(SB), RODATA|NOPTR, $32
DATA one<>+0(SB)/8, $0x3ff0000000000000
DATA one<>+8(SB)/8, $0x3ff0000000000000
DATA one<>+16(SB)/8, $0x3ff0000000000000
DATA one<>+24(SB)/8, $0x3ff0000000000000
GLOBL one<>(SB), RODATA|NOPTR, $32
DATA two<>+0(SB)/8, $0x4000000000000000
DATA two<>+8(SB)/8, $0x4000000000000000
DATA two<>+16(SB)/8, $0x4000000000000000
DATA two<>+24(SB)/8, $0x4000000000000000
GLOBL two<>(SB), RODATA|NOPTR, $32
DATA l1<>+0(SB)/8, $0x3fe5555555555593
DATA l1<>+8(SB)/8, $0x3fe5555555555593
DATA l1<>+16(SB)/8, $0x3fe5555555555593
DATA l1<>+24(SB)/8, $0x3fe5555555555593
GLOBL l1<>(SB), RODATA|NOPTR, $32
DATA l2<>+0(SB)/8, $0x3fd999999997fa04
DATA l2<>+8(SB)/8, $0x3fd999999997fa04
DATA l2<>+16(SB)/8, $0x3fd999999997fa04
DATA l2<>+24(SB)/8, $0x3fd999999997fa04
GLOBL l2<>(SB), RODATA|NOPTR, $32
DATA l3<>+0(SB)/8, $0x3fd2492494229359
DATA l3<>+8(SB)/8, $0x3fd2492494229359
DATA l3<>+16(SB)/8, $0x3fd2492494229359
DATA l3<>+24(SB)/8, $0x3fd2492494229359
GLOBL l3<>(SB), RODATA|NOPTR, $32
DATA l4<>+0(SB)/8, $0x3fcc71c51d8e78af
DATA l4<>+8(SB)/8, $0x3fcc71c51d8e78af
DATA l4<>+16(SB)/8, $0x3fcc71c51d8e78af
DATA l4<>+24(SB)/8, $0x3fcc71c51d8e78af
GLOBL l4<>(SB), RODATA|NOPTR, $32
DATA l5<>+0(SB)/8, $0x3fc7466496cb03de
DATA l5<>+8(SB)/8, $0x3fc7466496cb03de
DATA l5<>+16(SB)/8, $0x3fc7466496cb03de
DATA l5<>+24(SB)/8, $0x3fc7466496cb03de
GLOBL l5<>(SB), RODATA|NOPTR, $32
DATA l6<>+0(SB)/8, $0x3fc39a09d078c69f
DATA l6<>+8(SB)/8, $0x3fc39a09d078c69f
DATA l6<>+16(SB)/8, $0x3fc39a09d078c69f
DATA l6<>+24(SB)/8, $0x3fc39a09d078c69f
GLOBL l6<>(SB), RODATA|NOPTR, $32
DATA l7<>+0(SB)/8, $0x3fc2f112df3e5244
DATA l7<>+8(SB)/8, $0x3fc2f112df3e5244
DATA l7<>+16(SB)/8, $0x3fc2f112df3e5244
DATA l7<>+24(SB)/8, $0x3fc2f112df3e5244
GLOBL l7<>(SB), RODATA|NOPTR, $32
DATA ln2hi<>+0(SB)/8, $0x3fe62e42fee00000
DATA ln2hi<>+8(SB)/8, $0x3fe62e42fee00000
DATA ln2hi<>+16(SB)/8, $0x3fe62e42fee00000
DATA ln2hi<>+24(SB)/8, $0x3fe62e42fee00000
GLOBL ln2hi<>(SB), RODATA|NOPTR, $32
DATA ln2lo<>+0(SB)/8, $0x3dea39ef35793c76
DATA ln2lo<>+8(SB)/8, $0x3dea39ef35793c76
DATA ln2lo<>+16(SB)/8, $0x3dea39ef35793c76
DATA ln2lo<>+24(SB)/8, $0x3dea39ef35793c76
GLOBL ln2lo<>(SB), RODATA|NOPTR, $32
DATA magic<>+0(SB)/8, $0x4330000000000000
DATA magic<>+8(SB)/8, $0x4330000000000000
DATA magic<>+16(SB)/8, $0x4330000000000000
DATA magic<>+24(SB)/8, $0x4330000000000000
GLOBL magic<>(SB), RODATA|NOPTR, $32
DATA kbias<>+0(SB)/8, $0x43300000000003fe
DATA kbias<>+8(SB)/8, $0x43300000000003fe
DATA kbias<>+16(SB)/8, $0x43300000000003fe
DATA kbias<>+24(SB)/8, $0x43300000000003fe
GLOBL kbias<>(SB), RODATA|NOPTR, $32
DATA e7fe<>+0(SB)/8, $0x00000000000007fe
DATA e7fe<>+8(SB)/8, $0x00000000000007fe
DATA e7fe<>+16(SB)/8, $0x00000000000007fe
DATA e7fe<>+24(SB)/8, $0x00000000000007fe
GLOBL e7fe<>(SB), RODATA|NOPTR, $32
DATA log2e<>+0(SB)/8, $0x3ff71547652b82fe
DATA log2e<>+8(SB)/8, $0x3ff71547652b82fe
DATA log2e<>+16(SB)/8, $0x3ff71547652b82fe
DATA log2e<>+24(SB)/8, $0x3ff71547652b82fe
GLOBL log2e<>(SB), RODATA|NOPTR, $32
DATA ln2u<>+0(SB)/8, $0x3fe62e42fefa3000
DATA ln2u<>+8(SB)/8, $0x3fe62e42fefa3000
DATA ln2u<>+16(SB)/8, $0x3fe62e42fefa3000
DATA ln2u<>+24(SB)/8, $0x3fe62e42fefa3000
GLOBL ln2u<>(SB), RODATA|NOPTR, $32
DATA ln2l<>+0(SB)/8, $0x3d53de6af278ece6
DATA ln2l<>+8(SB)/8, $0x3d53de6af278ece6
DATA ln2l<>+16(SB)/8, $0x3d53de6af278ece6
DATA ln2l<>+24(SB)/8, $0x3d53de6af278ece6
GLOBL ln2l<>(SB), RODATA|NOPTR, $32
DATA sixteenth<>+0(SB)/8, $0x3fb0000000000000
DATA sixteenth<>+8(SB)/8, $0x3fb0000000000000
DATA sixteenth<>+16(SB)/8, $0x3fb0000000000000
DATA sixteenth<>+24(SB)/8, $0x3fb0000000000000
GLOBL sixteenth<>(SB), RODATA|NOPTR, $32
DATA c3<>+0(SB)/8, $0x3fc5555555555555
DATA c3<>+8(SB)/8, $0x3fc5555555555555
DATA c3<>+16(SB)/8, $0x3fc5555555555555
DATA c3<>+24(SB)/8, $0x3fc5555555555555
GLOBL c3<>(SB), RODATA|NOPTR, $32
DATA c4<>+0(SB)/8, $0x3fa5555555555555
DATA c4<>+8(SB)/8, $0x3fa5555555555555
DATA c4<>+16(SB)/8, $0x3fa5555555555555
DATA c4<>+24(SB)/8, $0x3fa5555555555555
GLOBL c4<>(SB), RODATA|NOPTR, $32
DATA c5<>+0(SB)/8, $0x3f81111111111111
DATA c5<>+8(SB)/8, $0x3f81111111111111
DATA c5<>+16(SB)/8, $0x3f81111111111111
DATA c5<>+24(SB)/8, $0x3f81111111111111
GLOBL c5<>(SB), RODATA|NOPTR, $32
DATA c6<>+0(SB)/8, $0x3f56c16c16c16c17
DATA c6<>+8(SB)/8, $0x3f56c16c16c16c17
DATA c6<>+16(SB)/8, $0x3f56c16c16c16c17
DATA c6<>+24(SB)/8, $0x3f56c16c16c16c17
GLOBL c6<>(SB), RODATA|NOPTR, $32
DATA c7<>+0(SB)/8, $0x3f2a01a01a01a01a
DATA c7<>+8(SB)/8, $0x3f2a01a01a01a01a
DATA c7<>+16(SB)/8, $0x3f2a01a01a01a01a
DATA c7<>+24(SB)/8, $0x3f2a01a01a01a01a
GLOBL c7<>(SB), RODATA|NOPTR, $32
DATA c8<>+0(SB)/8, $0x3efa01a01a01a01a
DATA c8<>+8(SB)/8, $0x3efa01a01a01a01a
DATA c8<>+16(SB)/8, $0x3efa01a01a01a01a
DATA c8<>+24(SB)/8, $0x3efa01a01a01a01a
GLOBL c8<>(SB), RODATA|NOPTR, $32
DATA explo<>+0(SB)/8, $0xc086200000000000
DATA explo<>+8(SB)/8, $0xc086200000000000
DATA explo<>+16(SB)/8, $0xc086200000000000
DATA explo<>+24(SB)/8, $0xc086200000000000
GLOBL explo<>(SB), RODATA|NOPTR, $32
DATA exphi<>+0(SB)/8, $0x4086280000000000
DATA exphi<>+8(SB)/8, $0x4086280000000000
DATA exphi<>+16(SB)/8, $0x4086280000000000
DATA exphi<>+24(SB)/8, $0x4086280000000000
GLOBL exphi<>(SB), RODATA|NOPTR, $32
DATA bias<>+0(SB)/8, $0x00000000000003ff
DATA bias<>+8(SB)/8, $0x00000000000003ff
DATA bias<>+16(SB)/8, $0x00000000000003ff
DATA bias<>+24(SB)/8, $0x00000000000003ff
GLOBL bias<>(SB), RODATA|NOPTR, $32

// func log4(dst, x *float64, n int) int
//
// math/log_amd64.s on four lanes: f1, k = frexp(x); if f1 <= sqrt(2)/2 { f1 *= 2; k-- };
// f = f1 - 1; s = f/(2+f); the same polynomial in s^2 and s^4 and the same final sum. k is
// formed exactly as a double from the exponent field (2^52 + e, less 2^52 + 1022). A lane is in
// range when its sign bit is clear and its exponent field lies in [1, 0x7fe]; the first block
// with a lane out of range is left unwritten and its offset returned.
TEXT ·log4(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ AX, AX
	VPXOR Y14, Y14, Y14

logloop:
	CMPQ AX, CX
	JGE  logdone
	VMOVUPD (SI)(AX*8), Y0

	// Range: e12 = bits >> 52 (sign and exponent) in [1, 0x7fe].
	VPSRLQ   $52, Y0, Y1
	VPCMPEQQ Y14, Y1, Y2
	VPCMPGTQ e7fe<>(SB), Y1, Y3
	VPOR     Y3, Y2, Y2
	VPTEST   Y2, Y2
	JNE      logdone

	// k = e - 1022, exactly.
	VPOR  magic<>(SB), Y1, Y5
	VSUBPD kbias<>(SB), Y5, Y5

	// f1 = mantissa with exponent of 0.5; if f1 <= sqrt(2)/2 { k -= 1; f1 *= 2 }.
	VANDPD mant<>(SB), Y0, Y2
	VORPD  half<>(SB), Y2, Y2
	VCMPPD $2, hsqrt2<>(SB), Y2, Y3
	VANDPD one<>(SB), Y3, Y3
	VSUBPD Y3, Y5, Y5
	VADDPD one<>(SB), Y3, Y3
	VMULPD Y3, Y2, Y2

	// f = f1 - 1; s = f / (2 + f); s2 = s*s; s4 = s2*s2.
	VSUBPD one<>(SB), Y2, Y2
	VADDPD two<>(SB), Y2, Y3
	VDIVPD Y3, Y2, Y3
	VMULPD Y3, Y3, Y4
	VMULPD Y4, Y4, Y6

	// t1 = s2 * (L1 + s4*(L3 + s4*(L5 + s4*L7))).
	VMULPD l7<>(SB), Y6, Y7
	VADDPD l5<>(SB), Y7, Y7
	VMULPD Y6, Y7, Y7
	VADDPD l3<>(SB), Y7, Y7
	VMULPD Y6, Y7, Y7
	VADDPD l1<>(SB), Y7, Y7
	VMULPD Y7, Y4, Y4

	// t2 = s4 * (L2 + s4*(L4 + s4*L6)); R = t1 + t2.
	VMULPD l6<>(SB), Y6, Y8
	VADDPD l4<>(SB), Y8, Y8
	VMULPD Y6, Y8, Y8
	VADDPD l2<>(SB), Y8, Y8
	VMULPD Y8, Y6, Y6
	VADDPD Y6, Y4, Y4

	// hfsq = 0.5*f*f; k*Ln2Hi - ((hfsq - (s*(hfsq+R) + k*Ln2Lo)) - f).
	VMULPD half<>(SB), Y2, Y9
	VMULPD Y2, Y9, Y9
	VADDPD Y9, Y4, Y4
	VMULPD Y4, Y3, Y3
	VMULPD ln2lo<>(SB), Y5, Y4
	VADDPD Y4, Y3, Y3
	VSUBPD Y3, Y9, Y9
	VSUBPD Y2, Y9, Y9
	VMULPD ln2hi<>(SB), Y5, Y5
	VSUBPD Y9, Y5, Y5
	VMOVUPD Y5, (DI)(AX*8)

	ADDQ $4, AX
	JMP  logloop

logdone:
	MOVQ AX, ret+24(FP)
	VZEROUPPER
	RET

// func exp4(dst, x *float64, n int) int
//
// The FMA path of math/exp_amd64.s on four lanes: k = round(x log2(e)); r = (x - k ln2u -
// k ln2l)/16 by fused multiply-adds; the degree-8 Taylor polynomial by fused multiply-adds;
// four squarings of the form y = y (y + 2) (the last fused with the + 1); the result times
// 2^k. A lane is in range when -708 <= x <= 709 (then 2^k is normal, as on the runtime's
// main path); the first block with a lane out of range is left unwritten and its offset
// returned.
TEXT ·exp4(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ AX, AX

exploop:
	CMPQ AX, CX
	JGE  expdone
	VMOVUPD (SI)(AX*8), Y0

	VCMPPD   $2, exphi<>(SB), Y0, Y1
	VMOVUPD  explo<>(SB), Y2
	VCMPPD   $2, Y0, Y2, Y2
	VANDPD   Y2, Y1, Y1
	VMOVMSKPD Y1, BX
	CMPQ     BX, $15
	JNE      expdone

	VMULPD     log2e<>(SB), Y0, Y1
	VCVTPD2DQY Y1, X2
	VCVTDQ2PD  X2, Y1
	VFNMADD231PD ln2u<>(SB), Y1, Y0
	VFNMADD231PD ln2l<>(SB), Y1, Y0
	VMULPD     sixteenth<>(SB), Y0, Y0

	VMOVUPD     c8<>(SB), Y1
	VFMADD213PD c7<>(SB), Y0, Y1
	VFMADD213PD c6<>(SB), Y0, Y1
	VFMADD213PD c5<>(SB), Y0, Y1
	VFMADD213PD c4<>(SB), Y0, Y1
	VFMADD213PD c3<>(SB), Y0, Y1
	VFMADD213PD half<>(SB), Y0, Y1
	VFMADD213PD one<>(SB), Y0, Y1
	VMULPD      Y1, Y0, Y0
	VADDPD      two<>(SB), Y0, Y1
	VMULPD      Y1, Y0, Y0
	VADDPD      two<>(SB), Y0, Y1
	VMULPD      Y1, Y0, Y0
	VADDPD      two<>(SB), Y0, Y1
	VMULPD      Y1, Y0, Y0
	VADDPD      two<>(SB), Y0, Y1
	VFMADD213PD one<>(SB), Y1, Y0

	// 2^k: (k + 0x3ff) << 52.
	VPMOVSXDQ X2, Y3
	VPADDQ    bias<>(SB), Y3, Y3
	VPSLLQ    $52, Y3, Y3
	VMULPD    Y3, Y0, Y0
	VMOVUPD   Y0, (DI)(AX*8)

	ADDQ $4, AX
	JMP  exploop

expdone:
	MOVQ AX, ret+24(FP)
	VZEROUPPER
	RET
