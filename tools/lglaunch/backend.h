/* SPDX-License-Identifier: MIT */
/* backend.h — the seam between lglaunch's core and the CPU that runs the guest.
 *
 * Split as Solo5's hvt is: the core (core.c, device.c, virtq.c, x86.c, ...) owns guest
 * memory, the boot state written into it (zero page, GDT, page tables), the run loop's
 * policy (port dispatch, halts, which interrupt to deliver when), the devices and their
 * threads.  A backend (one file each: be_kvm.c, be_emu.c) only
 *   - creates the machine over the core's memory (create),
 *   - loads the entry registers for a 32- or 64-bit guest (load_cpu),
 *   - runs the guest until the next event and returns it as a neutral record (run),
 *   - delivers one interrupt vector when the guest can take it (interrupt),
 *   - lets a device thread, or the timeout's signal handler, make run() return (kick).
 * No core file includes <linux/kvm.h> or <unicorn/unicorn.h>.
 *
 * Port I/O is the one event a backend hands over while the instruction executes, through
 * lgl_core_pio(): Unicorn 2.0.1 cannot leave its loop in the middle of a translation block
 * without running part of the block again (uc_emu_stop rewinds EIP: the top of be_emu.c), and KVM
 * completes an IN from the data the handler filled before the next KVM_RUN anyway.  The
 * record (struct lgl_pio) is the same on both; lgl_core_pio() returns 1 when the guest
 * shut down, and run() then returns LGL_EV_SHUTDOWN.
 */
#ifndef LGL_BACKEND_H
#define LGL_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lgl_vm;
struct lgl_vq;

enum lgl_mode { LGL_MODE_32 = 32, LGL_MODE_64 = 64 };

/* The vCPU's first state, as x86.c decided it (the GDT and page tables it names are in
 * guest memory already).  Segment selectors index that GDT; every segment is flat. */
struct lgl_boot_cpu {
	enum lgl_mode mode;
	uint64_t rip, rsi, rflags;
	uint64_t gdt_base;
	uint16_t gdt_limit;
	uint16_t cs, ds, tr; /* ds also for es, fs, gs and ss */
	uint64_t cr0, cr3, cr4, efer;
};

/* One port access, in either direction (size 1, 2 or 4 bytes). */
struct lgl_pio {
	uint16_t port;
	uint8_t size;
	bool in;
	uint32_t value; /* out: what the guest wrote; in: what the core answers */
};

enum lgl_event_kind {
	LGL_EV_HALT,     /* the guest executed hlt; if_flag says whether an irq can wake it */
	LGL_EV_STOP,     /* a kick (irq pending, interrupt window, timeout) ended the run */
	LGL_EV_SHUTDOWN, /* lgl_core_pio() said the guest shut down */
	LGL_EV_FAULT,    /* the guest crashed: exception without a handler, bad access, ... */
	LGL_EV_FAIL,     /* the backend itself failed (what says how) */
};

struct lgl_event {
	enum lgl_event_kind kind;
	bool if_flag;    /* HALT: interrupts enabled */
	int vector;      /* FAULT: exception vector, or -1 when the backend cannot tell */
	uint64_t ip;     /* FAULT: the instruction's address (guest-virtual) */
	bool has_addr;   /* FAULT: addr is meaningful */
	uint64_t addr;   /* FAULT: the guest address involved (CR2, the access) */
	char what[224];  /* FAULT/FAIL: one phrase, e.g. "wrote 4 bytes at 0x... outside ..." */
	char regs[256];  /* FAULT/FAIL: register summary, for -v */
};

struct lgl_backend {
	const char *name;
	/* Can it run on this machine?  0, or -1 with the reason in why. */
	int (*probe)(char *why, size_t len);
	/* Create the machine over vm->mem for a guest of this mode; 0 or -1 (printed). */
	int (*create)(struct lgl_vm *vm, enum lgl_mode mode);
	int (*load_cpu)(struct lgl_vm *vm, const struct lgl_boot_cpu *b);
	/* Optional: have a 4-byte write of vq's notify value (pfn << 12) to LG_PORT_NOTIFY
	 * signal the eventfd fd without a trip through lgl_core_pio (KVM_IOEVENTFD).  A
	 * backend without it hands every kick to lgl_core_pio, which signals the same fd. */
	int (*attach_kick)(struct lgl_vm *vm, const struct lgl_vq *vq, int fd, bool on);
	void (*run)(struct lgl_vm *vm, struct lgl_event *ev);
	/* Deliver vector now (0); or 1: not now, and run() returns LGL_EV_STOP once the guest
	 * can take it; -1: failed (printed). */
	int (*interrupt)(struct lgl_vm *vm, unsigned vector);
	/* Another thread: make run() return LGL_EV_STOP soon (when the guest can take an
	 * interrupt), or at once if it is not running. */
	void (*kick)(struct lgl_vm *vm);
	/* From a signal handler on the vCPU thread (atomics only): stop now, interrupts
	 * enabled or not (the timeout). */
	void (*kick_async)(struct lgl_vm *vm);
	void (*destroy)(struct lgl_vm *vm);
};

extern const struct lgl_backend lgl_backend_kvm, lgl_backend_emu;

/* core.c: port dispatch, called by the backend on the vCPU thread while the instruction
 * executes.  Returns 1 when the guest shut down (vm->shutdown_status holds its status). */
int lgl_core_pio(struct lgl_vm *vm, struct lgl_pio *io);

/* Fill ev as a FAULT, in the same words on every backend: an access outside guest memory
 * (how: "read", "wrote", "fetched"), or an exception the guest has no handler for (why:
 * what stopped its delivery; addr: CR2 of a page fault, or has_addr false). */
void lgl_fault_access(struct lgl_event *ev, const struct lgl_vm *vm, const char *how,
		      unsigned size, uint64_t addr);
void lgl_fault_exception(struct lgl_event *ev, int vector, bool has_addr, uint64_t addr,
			 const char *why);

#endif
