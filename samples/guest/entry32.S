/* SPDX-License-Identifier: MIT */
/* entry32.S — 32-bit entry of the sample guest: lglaunch enters here in flat protected
 * mode with %esi = 0 (the zero page) and interrupts off, as lguest's Host did. */
	.section .text.entry, "ax"
	.code32
	.globl _start
_start:
	mov	$stack_top, %esp
	push	%esi			/* guest_main(zero page) */
	call	guest_main
1:	cli
	hlt
	jmp	1b

/* Vectors 0..63, 16 bytes each.  Vector 32+irq sets bit irq of irq_seen.  `iret` fails
 * emulation in 32-bit mode on our KVM, so the handler returns with the same-privilege
 * sequence measured there (tools/lglaunch/README.md): rebuild the frame as {eflags, eip},
 * popf, ret $4. */
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
	orl	$(1 << (vec - 32)), irq_seen
	jmp	irq_ret
	.endif
	.set vec, vec + 1
	.endr
irq_ret:
	push	%eax
	mov	12(%esp), %eax		/* eflags */
	xchg	%eax, 4(%esp)		/* eflags where eip was; eax = eip */
	mov	%eax, 8(%esp)		/* eip where cs was */
	pop	%eax
	popf
	ret	$4
exc_common:
	call	guest_exception		/* the vector is its argument */
	jmp	1b

	.section .bss
	.balign 16
	.skip	16384
stack_top:
	.section .note.GNU-stack, "", @progbits
