/* SPDX-License-Identifier: MIT */
/* be_emu.c — the software-CPU backend: the guest runs on Unicorn (Debian 12's
 * libunicorn 2.0.1, QEMU's TCG as a library) over the core's memory, as QEMU falls back to
 * TCG without /dev/kvm.  Facts measured on 2.0.1, and why this file does what it does:
 *
 *  - Memory: uc_mem_map_ptr() over the core's mapping, so device threads and the dump see
 *    exactly what the guest sees.  An access outside it ends the run (UC_ERR_*_UNMAPPED);
 *    the unmapped hook records the address.
 *  - Port I/O: UC_HOOK_INSN hooks for IN and OUT call lgl_core_pio() at the instruction.
 *    A stop from inside the OUT hook is used only for shutdown (the run ends there).
 *  - Stopping: uc_emu_stop() from another thread rewinds EIP to the start of the current
 *    translation block after part of it ran (a 2.0.1 bug).  So other threads (kick) and the
 *    timeout's signal handler (kick_async) only set atomic flags, and a UC_HOOK_BLOCK hook
 *    on the vCPU thread stops at the start of a block, where nothing of it has run yet:
 *    for a kick or an interrupt window only with IF=1, for the timeout at once.  A flag
 *    set before uc_emu_start entered its loop stays set until a block sees it.
 *  - Interrupts: Unicorn has no interrupt controller and no API to raise one, so an
 *    interrupt is delivered by hand as the CPU would, between runs: read IDTR and the gate
 *    (16 bytes in long mode, 8 in 32-bit mode), push SS, RSP, RFLAGS, CS, RIP (long mode,
 *    RSP aligned down to 16) or EFLAGS, CS, EIP (32-bit, same privilege), clear TF, NT,
 *    RF and, for an interrupt gate, IF; continue at the handler.  Gates that are not
 *    present, not interrupt or trap gates, use an IST or change privilege are refused:
 *    the guest crashed.  Guest-virtual addresses (IDT, stack) go through the guest's page
 *    tables (4-level, PAE or 2-level) when paging is on, for their faults.
 *  - Paging: 2.0.1 walks the guest's page tables for faults and permissions but then maps
 *    every guest-virtual address to the same guest-physical one (its TLB fill ignores the
 *    translation), and it checks an address against the mapped memory before the walk.
 *    So guests must identity-map what they use (the launcher's tables do; lg_hcall.h),
 *    and an access to an unmapped virtual address outside guest memory is reported as an
 *    access outside guest memory, not as a page fault.
 *  - Exceptions: UC_HOOK_INTR gives the vector (RIP at the faulting instruction, or after
 *    `int n`) but no error code; the hook stops the run and the exception is delivered to
 *    the guest's gate like an interrupt, with an error code of 0 where the CPU pushes one.
 *    Without a usable gate the guest crashed (exit 3, vector and address named), where a
 *    CPU would triple-fault.  An invalid instruction ends uc_emu_start with
 *    UC_ERR_INSN_INVALID and is #UD (6).
 *  - hlt: uc_emu_start returns UC_ERR_OK with RIP just past the 0xf4 byte; there is no
 *    HLT hook.  The STI shadow is not modelled: after `sti; hlt` the hlt has run.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "lglaunch.h"

#define RFLAGS_IF 0x200u
#define RFLAGS_TF 0x100u
#define RFLAGS_NT 0x4000u
#define RFLAGS_RF 0x10000u
#define CR0_PG 0x80000000ull
#define CR4_PSE 0x10ull
#define CR4_PAE 0x20ull
#define PTE_P 1ull
#define PTE_PS 0x80ull
#define ADDR_MASK 0x000ffffffffff000ull
#define UNTIL_NEVER UINT64_MAX /* no PC of a 32- or 64-bit guest equals it */

struct emu {
	struct lgl_vm *vm;
	uc_engine *uc;
	enum lgl_mode mode;
	int ip_reg, sp_reg, flags_reg;
	/* Set by other threads or a signal handler, read by the block hook. */
	int kick;  /* stop at the next block start with IF=1 */
	int force; /* stop at the next block start */
	/* vCPU thread only. */
	bool want_window; /* an interrupt waits for IF=1 */
	bool stopped;     /* the block hook stopped the run */
	bool shutdown;    /* the OUT hook stopped the run: the guest shut down */
	int exc;          /* the INTR hook's vector, -1 none */
	uint64_t exc_cr2; /* ... and CR2 at that moment */
	bool bad_access;  /* the unmapped hook's record */
	int bad_type, bad_size;
	uint64_t bad_addr;
	char fault[128]; /* a delivery that failed: reported by the next run */
	int fault_irq;    /* ... while delivering this interrupt vector, or -1 */
};

static struct emu *E(struct lgl_vm *vm)
{
	return vm->be_priv;
}

static int emu_probe(char *why, size_t len)
{
	if (!uc_arch_supported(UC_ARCH_X86)) {
		snprintf(why, len, "this libunicorn has no x86 support");
		return -1;
	}
	return 0;
}

static uint64_t rreg(struct emu *e, int id)
{
	uint64_t v = 0; /* 32-bit registers fill the low half */
	uc_reg_read(e->uc, id, &v);
	return v;
}

static int wreg(struct emu *e, int id, uint64_t v)
{
	if (e->mode == LGL_MODE_32 && (id == UC_X86_REG_EIP || id == UC_X86_REG_ESP ||
				       id == UC_X86_REG_EFLAGS || id == UC_X86_REG_ESI)) {
		uint32_t v32 = (uint32_t)v;
		return uc_reg_write(e->uc, id, &v32) == UC_ERR_OK ? 0 : -1;
	}
	if (id == UC_X86_REG_CS || id == UC_X86_REG_DS || id == UC_X86_REG_ES || id == UC_X86_REG_FS ||
	    id == UC_X86_REG_GS || id == UC_X86_REG_SS) {
		uint16_t s = (uint16_t)v;
		return uc_reg_write(e->uc, id, &s) == UC_ERR_OK ? 0 : -1;
	}
	return uc_reg_write(e->uc, id, &v) == UC_ERR_OK ? 0 : -1;
}

/* ---------------------------------------------------------------- guest-virtual memory */

static bool phys_ptr(struct emu *e, uint64_t pa, uint64_t len, uint8_t **p)
{
	*p = lgl_gpa_ptr(&e->vm->mem, pa, len);
	return *p != NULL;
}

/* The guest's page tables, as its CPU walks them (present bits only: the launcher reads
 * and writes where the CPU itself would on an interrupt). */
static bool xlate(struct emu *e, uint64_t va, uint64_t *pa)
{
	uint64_t cr0 = rreg(e, UC_X86_REG_CR0);
	if (!(cr0 & CR0_PG)) {
		*pa = e->mode == LGL_MODE_32 ? (uint32_t)va : va;
		return true;
	}
	uint64_t cr3 = rreg(e, UC_X86_REG_CR3), cr4 = rreg(e, UC_X86_REG_CR4);
	uint8_t *p;
	if (e->mode == LGL_MODE_64 || (cr4 & CR4_PAE)) {
		int levels = e->mode == LGL_MODE_64 ? 4 : 3;
		uint64_t table = levels == 4 ? cr3 & ADDR_MASK : cr3 & 0xffffffe0u;
		for (int l = levels; l >= 1; l--) {
			unsigned shift = 12 + 9 * (unsigned)(l - 1);
			uint64_t idx = (va >> shift) & (l == 3 && levels == 3 ? 3 : 511);
			if (!phys_ptr(e, table + 8 * idx, 8, &p))
				return false;
			uint64_t ent = lg_le64(p);
			if (!(ent & PTE_P))
				return false;
			bool pdpte32 = levels == 3 && l == 3;
			if ((l == 2 || l == 3) && !pdpte32 && (ent & PTE_PS)) {
				uint64_t span = 1ull << shift;
				*pa = (ent & ADDR_MASK & ~(span - 1)) | (va & (span - 1));
				return true;
			}
			table = ent & ADDR_MASK;
		}
		*pa = table | (va & 0xfff);
		return true;
	}
	/* Two levels of 4-byte entries: the directory (a 4 MiB page with PSE), the table. */
	uint64_t table = cr3 & 0xfffff000u;
	for (unsigned shift = 22; shift >= 12; shift -= 10) {
		if (!phys_ptr(e, table + 4 * ((va >> shift) & 1023), 4, &p))
			return false;
		uint32_t ent = lg_le32(p);
		if (!(ent & PTE_P))
			return false;
		if (shift == 22 && (ent & PTE_PS) && (cr4 & CR4_PSE)) {
			*pa = (ent & 0xffc00000u) | (va & 0x3fffff);
			return true;
		}
		table = ent & 0xfffff000u;
	}
	*pa = table | (va & 0xfff);
	return true;
}

/* A host pointer to len bytes at guest-virtual va (not crossing a page), or NULL. */
static uint8_t *vptr(struct emu *e, uint64_t va, uint64_t len)
{
	uint64_t pa;
	uint8_t *p;
	if ((va & 0xfff) + len > 0x1000 || !xlate(e, va, &pa) || !phys_ptr(e, pa, len, &p))
		return NULL;
	return p;
}

/* ---------------------------------------------------------------- delivery by hand */

static bool has_error_code(int vector)
{
	return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21;
}

/* Deliver vector through the guest's IDT; 0, or -1 with e->fault saying why not. */
static int deliver(struct emu *e, int vector, bool errcode)
{
	bool lm = e->mode == LGL_MODE_64;
	unsigned gsz = lm ? 16 : 8, wsz = lm ? 8 : 4;
	uc_x86_mmr idtr;
	memset(&idtr, 0, sizeof idtr);
	uc_reg_read(e->uc, UC_X86_REG_IDTR, &idtr);
	uint64_t ip = rreg(e, e->ip_reg), sp = rreg(e, e->sp_reg);
	uint64_t fl = rreg(e, e->flags_reg), cs = rreg(e, UC_X86_REG_CS);
	uint64_t ss = rreg(e, UC_X86_REG_SS);
	if (!errcode) {
		/* An interrupt at a hlt right after sti (the STI shadow, which 2.0.1 does not
		 * model, ends a translation block there): the CPU would run the hlt first and
		 * wake from it, so the handler returns past it, not into it. */
		const uint8_t *at = vptr(e, ip, 1);
		if (at && *at == 0xf4)
			ip++;
	}
	if ((uint64_t)vector * gsz + gsz - 1 > idtr.limit) {
		snprintf(e->fault, sizeof e->fault, "the IDT has no gate for it (IDT limit %#x)",
			 idtr.limit);
		return -1;
	}
	const uint8_t *g = vptr(e, idtr.base + (uint64_t)vector * gsz, gsz);
	if (!g) {
		snprintf(e->fault, sizeof e->fault,
			 "its IDT gate at %#llx is outside guest memory",
			 (unsigned long long)(idtr.base + (uint64_t)vector * gsz));
		return -1;
	}
	uint64_t off = lg_le16(g) | (uint64_t)lg_le16(g + 6) << 16;
	if (lm)
		off |= (uint64_t)lg_le32(g + 8) << 32;
	uint16_t sel = lg_le16(g + 2);
	unsigned type = g[5] & 0xf, ist = g[4] & 7;
	const char *bad = NULL;
	if (!(g[5] & 0x80))
		bad = "is not present";
	else if (type != 0xe && type != 0xf)
		bad = "is not an interrupt or trap gate";
	else if (lm && ist)
		bad = "uses an interrupt stack (IST), which the emulator does not switch to";
	else if ((sel & 3) || (cs & 3) || !(sel & ~3u))
		bad = "would change privilege or has a null selector";
	if (bad) {
		snprintf(e->fault, sizeof e->fault, "its IDT gate %s", bad);
		return -1;
	}
	uint64_t frame[6];
	unsigned n = 0;
	if (lm) {
		frame[n++] = ss;
		frame[n++] = sp;
		sp &= ~0xfull;
	}
	frame[n++] = fl;
	frame[n++] = cs;
	frame[n++] = ip;
	if (errcode && has_error_code(vector))
		frame[n++] = 0; /* Unicorn does not say; see the top of this file */
	for (unsigned i = 0; i < n; i++) {
		sp -= wsz;
		if (!lm)
			sp = (uint32_t)sp;
		uint8_t *p = vptr(e, sp, wsz);
		if (!p) {
			snprintf(e->fault, sizeof e->fault,
				 "the stack at %#llx cannot take its frame",
				 (unsigned long long)sp);
			return -1;
		}
		if (lm)
			lg_put64(p, frame[i]);
		else
			lg_put32(p, (uint32_t)frame[i]);
	}
	fl &= ~(uint64_t)(RFLAGS_TF | RFLAGS_NT | RFLAGS_RF | (type == 0xe ? RFLAGS_IF : 0));
	if (wreg(e, e->sp_reg, sp) < 0 || wreg(e, e->flags_reg, fl) < 0 ||
	    wreg(e, UC_X86_REG_CS, sel) < 0 || wreg(e, e->ip_reg, off) < 0) {
		snprintf(e->fault, sizeof e->fault, "cannot load its handler (cs %#x)", sel);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- hooks (vCPU thread) */

static void stop(struct emu *e)
{
	e->stopped = true;
	uc_emu_stop(e->uc);
}

static void on_block(uc_engine *uc, uint64_t addr, uint32_t size, void *ud)
{
	(void)uc, (void)addr, (void)size;
	struct emu *e = ud;
	if (__atomic_exchange_n(&e->force, 0, __ATOMIC_ACQ_REL)) {
		stop(e);
		return;
	}
	if ((__atomic_load_n(&e->kick, __ATOMIC_ACQUIRE) || e->want_window) &&
	    (rreg(e, e->flags_reg) & RFLAGS_IF)) {
		__atomic_store_n(&e->kick, 0, __ATOMIC_RELEASE);
		e->want_window = false;
		stop(e);
	}
}

static uint32_t on_in(uc_engine *uc, uint32_t port, int size, void *ud)
{
	(void)uc;
	struct emu *e = ud;
	struct lgl_pio io = {.port = (uint16_t)port, .size = (uint8_t)size, .in = true};
	lgl_core_pio(e->vm, &io);
	return io.value;
}

static void on_out(uc_engine *uc, uint32_t port, int size, uint32_t value, void *ud)
{
	struct emu *e = ud;
	struct lgl_pio io = {.port = (uint16_t)port, .size = (uint8_t)size, .value = value};
	if (lgl_core_pio(e->vm, &io) && !e->shutdown) {
		e->shutdown = true;
		uc_emu_stop(uc);
	}
}

static void on_intr(uc_engine *uc, uint32_t intno, void *ud)
{
	struct emu *e = ud;
	if (e->exc < 0) {
		e->exc = (int)intno;
		/* CR2 as the fault left it: 2.0.1 changes it again before uc_emu_start returns. */
		e->exc_cr2 = rreg(e, UC_X86_REG_CR2);
	}
	uc_emu_stop(uc); /* the state is at the faulting instruction; deliver between runs */
}

static bool on_unmapped(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
			void *ud)
{
	(void)uc, (void)value;
	struct emu *e = ud;
	if (!e->bad_access) {
		e->bad_access = true;
		e->bad_type = (int)type;
		e->bad_size = size;
		e->bad_addr = addr;
	}
	return false;
}

/* ---------------------------------------------------------------- the backend */

static int emu_create(struct lgl_vm *vm, enum lgl_mode mode)
{
	struct emu *e = calloc(1, sizeof *e);
	if (!e)
		return -1;
	vm->be_priv = e;
	e->vm = vm;
	e->mode = mode;
	e->exc = -1;
	bool lm = mode == LGL_MODE_64;
	e->ip_reg = lm ? UC_X86_REG_RIP : UC_X86_REG_EIP;
	e->sp_reg = lm ? UC_X86_REG_RSP : UC_X86_REG_ESP;
	e->flags_reg = lm ? UC_X86_REG_RFLAGS : UC_X86_REG_EFLAGS;
	uc_err err = uc_open(UC_ARCH_X86, lm ? UC_MODE_64 : UC_MODE_32, &e->uc);
	if (err != UC_ERR_OK) {
		fprintf(stderr, "lglaunch: uc_open: %s\n", uc_strerror(err));
		e->uc = NULL;
		return -1;
	}
	err = uc_mem_map_ptr(e->uc, 0, vm->mem.size, UC_PROT_ALL, vm->mem.base);
	uc_hook h;
	if (err == UC_ERR_OK)
		err = uc_hook_add(e->uc, &h, UC_HOOK_BLOCK, (void *)on_block, e, 1, 0);
	if (err == UC_ERR_OK)
		err = uc_hook_add(e->uc, &h, UC_HOOK_INSN, (void *)on_in, e, 1, 0, UC_X86_INS_IN);
	if (err == UC_ERR_OK)
		err = uc_hook_add(e->uc, &h, UC_HOOK_INSN, (void *)on_out, e, 1, 0, UC_X86_INS_OUT);
	if (err == UC_ERR_OK)
		err = uc_hook_add(e->uc, &h, UC_HOOK_INTR, (void *)on_intr, e, 1, 0);
	if (err == UC_ERR_OK)
		err = uc_hook_add(e->uc, &h, UC_HOOK_MEM_UNMAPPED, (void *)on_unmapped, e, 1, 0);
	if (err != UC_ERR_OK) {
		fprintf(stderr, "lglaunch: setting up the emulator: %s\n", uc_strerror(err));
		return -1;
	}
	return 0;
}

static int emu_load_cpu(struct lgl_vm *vm, const struct lgl_boot_cpu *b)
{
	struct emu *e = E(vm);
	uc_x86_mmr gdtr = {.base = b->gdt_base, .limit = b->gdt_limit};
	uc_x86_mmr idtr = {.base = 0, .limit = 0};
	uc_x86_mmr tr = {.selector = b->tr, .base = 0, .limit = 0x67, .flags = 0x8b00};
	int bad = 0;
	bad |= uc_reg_write(e->uc, UC_X86_REG_GDTR, &gdtr) != UC_ERR_OK;
	bad |= uc_reg_write(e->uc, UC_X86_REG_IDTR, &idtr) != UC_ERR_OK;
	bad |= uc_reg_write(e->uc, UC_X86_REG_TR, &tr) != UC_ERR_OK;
	if (b->mode == LGL_MODE_64) {
		/* 2.0.1 has no EFER register of its own: the MSR, then CR4, CR3, CR0. */
		uc_x86_msr efer = {.rid = 0xc0000080u, .value = b->efer};
		bad |= uc_reg_write(e->uc, UC_X86_REG_MSR, &efer) != UC_ERR_OK;
		bad |= wreg(e, UC_X86_REG_CR4, b->cr4) < 0;
		bad |= wreg(e, UC_X86_REG_CR3, b->cr3) < 0;
		bad |= wreg(e, UC_X86_REG_CR0, b->cr0) < 0;
		bad |= wreg(e, UC_X86_REG_RSI, b->rsi) < 0;
	} else {
		bad |= wreg(e, UC_X86_REG_CR0, b->cr0) < 0;
		bad |= wreg(e, UC_X86_REG_ESI, b->rsi) < 0;
	}
	/* Segment writes load the descriptor from the GDT (32-bit) or the selector (64-bit). */
	bad |= wreg(e, UC_X86_REG_CS, b->cs) < 0;
	bad |= wreg(e, UC_X86_REG_DS, b->ds) < 0;
	bad |= wreg(e, UC_X86_REG_ES, b->ds) < 0;
	bad |= wreg(e, UC_X86_REG_FS, b->ds) < 0;
	bad |= wreg(e, UC_X86_REG_GS, b->ds) < 0;
	bad |= wreg(e, UC_X86_REG_SS, b->ds) < 0;
	bad |= wreg(e, e->flags_reg, b->rflags) < 0;
	bad |= wreg(e, e->ip_reg, b->rip) < 0;
	if (bad) {
		fprintf(stderr, "lglaunch: the emulator refused the boot CPU state\n");
		return -1;
	}
	return 0;
}

static void regs_of(struct emu *e, struct lgl_event *ev)
{
	bool lm = e->mode == LGL_MODE_64;
	snprintf(ev->regs, sizeof ev->regs,
		 "%s %#llx %s %#llx %s %#llx cr0 %#llx cr2 %#llx cr3 %#llx cs %#llx",
		 lm ? "rip" : "eip", (unsigned long long)rreg(e, e->ip_reg), lm ? "rsp" : "esp",
		 (unsigned long long)rreg(e, e->sp_reg), lm ? "rflags" : "eflags",
		 (unsigned long long)rreg(e, e->flags_reg),
		 (unsigned long long)rreg(e, UC_X86_REG_CR0),
		 (unsigned long long)rreg(e, UC_X86_REG_CR2),
		 (unsigned long long)rreg(e, UC_X86_REG_CR3),
		 (unsigned long long)rreg(e, UC_X86_REG_CS));
}

/* ev (what filled in): a crash at the current instruction. */
static void at_ip(struct emu *e, struct lgl_event *ev)
{
	ev->kind = LGL_EV_FAULT;
	ev->ip = rreg(e, e->ip_reg);
	regs_of(e, ev);
}

static void emu_run(struct lgl_vm *vm, struct lgl_event *ev)
{
	struct emu *e = E(vm);
	for (;;) {
		if (e->fault[0]) {
			snprintf(ev->what, sizeof ev->what, "cannot take interrupt vector %d: %s",
				 e->fault_irq, e->fault);
			at_ip(e, ev);
			return;
		}
		e->stopped = e->shutdown = e->bad_access = false;
		e->exc = -1;
		uc_err err = uc_emu_start(e->uc, rreg(e, e->ip_reg), UNTIL_NEVER, 0, 0);
		if (e->shutdown) {
			ev->kind = LGL_EV_SHUTDOWN;
			return;
		}
		if (e->bad_access) {
			const char *how = e->bad_type == UC_MEM_WRITE_UNMAPPED   ? "wrote"
					  : e->bad_type == UC_MEM_FETCH_UNMAPPED ? "fetched"
										 : "read";
			lgl_fault_access(ev, vm, how, (unsigned)e->bad_size, e->bad_addr);
			at_ip(e, ev);
			return;
		}
		int vector = e->exc;
		if (vector < 0 && err == UC_ERR_INSN_INVALID)
			vector = 6;
		if (vector >= 0) {
			/* As the CPU: the guest's own handler takes it, if it has one (with the
			 * fault's CR2 back in place for a page fault). */
			if (vector == 14)
				wreg(e, UC_X86_REG_CR2, e->exc_cr2);
			if (deliver(e, vector, true) == 0)
				continue;
			lgl_fault_exception(ev, vector, vector == 14, e->exc_cr2, e->fault);
			e->fault[0] = 0;
			at_ip(e, ev);
			return;
		}
		if (err != UC_ERR_OK) {
			snprintf(ev->what, sizeof ev->what, "the emulator stopped: %s", uc_strerror(err));
			at_ip(e, ev);
			return;
		}
		if (e->stopped) {
			ev->kind = LGL_EV_STOP;
			return;
		}
		uint64_t ip = rreg(e, e->ip_reg);
		const uint8_t *p = ip ? vptr(e, ip - 1, 1) : NULL;
		if (p && *p == 0xf4) {
			ev->kind = LGL_EV_HALT;
			ev->if_flag = (rreg(e, e->flags_reg) & RFLAGS_IF) != 0;
			return;
		}
		ev->kind = LGL_EV_STOP; /* a stop whose flag the hook had not set: look again */
		return;
	}
}

static int emu_interrupt(struct lgl_vm *vm, unsigned vector)
{
	struct emu *e = E(vm);
	if (!(rreg(e, e->flags_reg) & RFLAGS_IF)) {
		e->want_window = true;
		return 1;
	}
	/* A refused gate is the guest's crash, reported by the next run. */
	if (deliver(e, (int)vector, false) < 0)
		e->fault_irq = (int)vector;
	return 0;
}

static void emu_kick(struct lgl_vm *vm)
{
	__atomic_store_n(&E(vm)->kick, 1, __ATOMIC_RELEASE);
}

static void emu_kick_async(struct lgl_vm *vm)
{
	struct emu *e = vm->be_priv;
	if (e)
		__atomic_store_n(&e->force, 1, __ATOMIC_RELEASE);
}

static void emu_destroy(struct lgl_vm *vm)
{
	struct emu *e = vm->be_priv;
	if (!e)
		return;
	if (e->uc)
		uc_close(e->uc);
	free(e);
	vm->be_priv = NULL;
}

const struct lgl_backend lgl_backend_emu = {
	.name = "emu",
	.probe = emu_probe,
	.create = emu_create,
	.load_cpu = emu_load_cpu,
	.attach_kick = NULL, /* every kick comes through lgl_core_pio */
	.run = emu_run,
	.interrupt = emu_interrupt,
	.kick = emu_kick,
	.kick_async = emu_kick_async,
	.destroy = emu_destroy,
};
