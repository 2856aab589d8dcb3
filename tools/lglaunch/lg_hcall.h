/* SPDX-License-Identifier: MIT */
/* lg_hcall.h — the guest ABI of lglaunch, shared by the launcher and the sample guest.
 *
 * lguest guests called the Host with `int $0x1f` (LHCALL_* in eax, arguments in ebx…).
 * KVM does not hand software interrupts to user space (and on our PVM backend `int $n`
 * fails and `vmcall` livelocks), so lglaunch keeps lguest's call numbers and meanings but
 * carries each call as port I/O: the guest writes ONE 32-bit value with `outl` to port
 * LG_HCALL_PORT(call).  This header must stay freestanding (no libc includes).
 *
 *   LHCALL_NOTIFY   (17)  outl(gpa, LG_PORT_NOTIFY)
 *       gpa = vqconfig.pfn << 12  : kick of that ring.  Absorbed by a KVM_IOEVENTFD
 *                                   with this gpa as data match (what LHREQ_EVENTFD meant),
 *                                   registered while the device is started.
 *       gpa = page + descriptor offset : the device's status byte changed (3.x Guests):
 *                                   0 = reset, FAILED = warn + reset, anything else =
 *                                   features finalised, start the device.
 *       anything else             : reported as a bad notify; the guest broke the protocol.
 *   LHCALL_SHUTDOWN (2)   outl(status, LG_PORT_SHUTDOWN)
 *       The guest powers off; status & 0xff becomes lglaunch's exit code (unless the guest
 *       broke a device, see README.md).
 *   LG_PORT_DEBUG         outb(ch, LG_PORT_DEBUG)
 *       Early/debug console (Bochs' port 0xe9 convention): the byte goes to stderr.
 *
 * Boot state (both flavours): entered at e_entry with %esi/%rsi = 0 (the zero page),
 * interrupts disabled (EFLAGS = 0x2), flat 4 GiB segments from the launcher's GDT at
 * LG_BOOT_GDT: LG_BOOT_CS32 (32-bit code) or LG_BOOT_CS64 (64-bit code), LG_BOOT_DS for
 * data.  Long mode runs on identity page tables at LG_BOOT_PML4 (2 MiB pages, 0..4 GiB).
 * No stack is given: the guest sets %esp/%rsp first.  Memory below LG_BOOT_RESERVED is the
 * launcher's (zero page, command line, GDT, page tables); kernels must load above it.
 *
 * Interrupts: the interrupt of a vqconfig with irq N arrives as vector LG_IRQ_VECTOR(N)
 * (injected with KVM_INTERRUPT when the guest has IF=1); install an IDT gate for it.
 */
#ifndef LG_HCALL_H
#define LG_HCALL_H

#define LHCALL_SHUTDOWN 2
#define LHCALL_NOTIFY 17

#define LG_HCALL_PORT_BASE 0x4c00 /* 'L' << 8 */
#define LG_HCALL_PORT(call) (LG_HCALL_PORT_BASE + (call))
#define LG_PORT_NOTIFY LG_HCALL_PORT(LHCALL_NOTIFY)     /* 0x4c11 */
#define LG_PORT_SHUTDOWN LG_HCALL_PORT(LHCALL_SHUTDOWN) /* 0x4c02 */
#define LG_PORT_DEBUG 0xe9

#define LG_IRQ_VECTOR_BASE 32
#define LG_IRQ_VECTOR(irq) (LG_IRQ_VECTOR_BASE + (irq))

#define LG_BOOT_GDT 0x2000
#define LG_BOOT_CS64 0x08
#define LG_BOOT_CS32 0x10
#define LG_BOOT_DS 0x18
#define LG_BOOT_TSS 0x20
#define LG_BOOT_PML4 0x3000 /* then the PDPT at 0x4000 and four PDs at 0x5000..0x8fff */
#define LG_BOOT_RESERVED 0x10000

#endif
