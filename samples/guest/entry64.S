/* SPDX-License-Identifier: MIT */
/* entry64.S — 64-bit entry of the sample guest: lglaunch enters here in long mode on its
 * identity page tables with %rsi = 0 (the zero page) and interrupts off. */
	.section .text.entry, "ax"
	.code64
	.globl _start
_start:
	lea	stack_top(%rip), %rsp
	mov	%rsi, %rdi		/* guest_main(zero page) */
	call	guest_main
1:	cli
	hlt
	jmp	1b

/* Vectors 0..63, 16 bytes each: exceptions report and stop; vector 32+irq sets bit irq of
 * irq_seen and returns with iretq (which works in long mode on our KVM). */
	.balign 16
	.globl isr_stubs
isr_stubs:
	.set vec, 0
	.rept 64
	.balign 16
	.if vec < 32
	push	$vec
	jmp	exc_common
	.else
	orl	$(1 << (vec - 32)), irq_seen(%rip)
	jmp	irq_ret
	.endif
	.set vec, vec + 1
	.endr
irq_ret:
	iretq
exc_common:
	pop	%rdi
	and	$-16, %rsp
	call	guest_exception
	jmp	1b

	.section .bss
	.balign 16
	.skip	16384
stack_top:
	.section .note.GNU-stack, "", @progbits
