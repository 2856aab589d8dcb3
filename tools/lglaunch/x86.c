/* x86.c — the vCPU's first state: flat 32-bit protected mode (lguest's vmlinux) or long
 * mode on identity page tables the launcher builds.  Layout in lg_hcall.h. */
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "lglaunch.h"

#define CR0_PE 0x1ull
#define CR0_ET 0x10ull
#define CR0_NE 0x20ull
#define CR0_PG 0x80000000ull
#define CR4_PAE 0x20ull
#define EFER_LME 0x100ull
#define EFER_LMA 0x400ull
#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_PS 0x80ull

/* A GDT entry from its parts (base, limit in granules, access byte, flags nibble). */
static uint64_t gdt_entry(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
	return (uint64_t)(limit & 0xffff) | (uint64_t)(base & 0xffffff) << 16 |
	       (uint64_t)access << 40 | (uint64_t)((limit >> 16) & 0xf) << 48 |
	       (uint64_t)(flags & 0xf) << 52 | (uint64_t)(base >> 24) << 56;
}

static struct kvm_segment seg_from(uint16_t sel, uint8_t type, bool code64, bool db)
{
	struct kvm_segment s = {
		.base = 0,
		.limit = 0xffffffff,
		.selector = sel,
		.type = type,
		.present = 1,
		.dpl = 0,
		.db = db,
		.s = 1,
		.l = code64,
		.g = 1,
	};
	return s;
}

int lgl_x86_setup(struct lgl_vm *vm, enum lgl_mode mode, uint64_t entry)
{
	struct lgl_mem *m = &vm->mem;
	uint8_t *gdt = LGL_GPA(m, LG_BOOT_GDT, 48);
	if (!gdt)
		return -1;
	/* 0 null, 0x08 64-bit code, 0x10 32-bit code, 0x18 data, 0x20 TSS (16 bytes). */
	lg_put64(gdt + 0x00, 0);
	lg_put64(gdt + LG_BOOT_CS64, gdt_entry(0, 0xfffff, 0x9b, 0xa));
	lg_put64(gdt + LG_BOOT_CS32, gdt_entry(0, 0xfffff, 0x9b, 0xc));
	lg_put64(gdt + LG_BOOT_DS, gdt_entry(0, 0xfffff, 0x93, 0xc));
	lg_put64(gdt + LG_BOOT_TSS, gdt_entry(0, 0x67, 0x8b, 0x0));
	lg_put64(gdt + LG_BOOT_TSS + 8, 0);

	struct kvm_sregs s;
	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &s) < 0) {
		fprintf(stderr, "lglaunch: KVM_GET_SREGS: %s\n", strerror(errno));
		return -1;
	}
	bool lm = mode == LGL_MODE_64;
	s.cs = seg_from(lm ? LG_BOOT_CS64 : LG_BOOT_CS32, 0xb, lm, !lm);
	s.ds = s.es = s.fs = s.gs = s.ss = seg_from(LG_BOOT_DS, 0x3, false, true);
	s.tr = (struct kvm_segment){.base = 0, .limit = 0x67, .selector = LG_BOOT_TSS,
				    .type = 0xb, .present = 1, .s = 0};
	s.ldt = (struct kvm_segment){.selector = 0, .type = 0x2, .present = 1, .unusable = 1};
	s.gdt.base = LG_BOOT_GDT;
	s.gdt.limit = 0x2f;
	s.idt.base = 0;
	s.idt.limit = 0;
	s.cr0 = CR0_PE | CR0_ET | CR0_NE;
	s.cr4 = 0;
	s.efer = 0;
	if (lm) {
		/* PML4[0] -> PDPT; PDPT[0..3] -> four PDs of 2 MiB pages: 0..4 GiB identity. */
		uint8_t *pml4 = LGL_GPA(m, LG_BOOT_PML4, 6 * 4096);
		if (!pml4)
			return -1;
		uint8_t *pdpt = pml4 + 4096, *pd = pml4 + 2 * 4096;
		memset(pml4, 0, 6 * 4096);
		lg_put64(pml4, (LG_BOOT_PML4 + 4096) | PTE_P | PTE_W);
		for (uint64_t i = 0; i < 4; i++)
			lg_put64(pdpt + 8 * i, (LG_BOOT_PML4 + (2 + i) * 4096) | PTE_P | PTE_W);
		for (uint64_t i = 0; i < 4 * 512; i++)
			lg_put64(pd + 8 * i, (i << 21) | PTE_P | PTE_W | PTE_PS);
		s.cr3 = LG_BOOT_PML4;
		s.cr4 = CR4_PAE;
		s.cr0 |= CR0_PG;
		s.efer = EFER_LME | EFER_LMA;
	}
	if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &s) < 0) {
		fprintf(stderr, "lglaunch: KVM_SET_SREGS: %s\n", strerror(errno));
		return -1;
	}
	struct kvm_regs r;
	memset(&r, 0, sizeof r);
	r.rip = entry;
	r.rsi = 0; /* the zero page, as lguest's Host left it */
	r.rflags = 0x2;
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &r) < 0) {
		fprintf(stderr, "lglaunch: KVM_SET_REGS: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}
