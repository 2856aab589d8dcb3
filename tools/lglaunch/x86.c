/* SPDX-License-Identifier: MIT */
/* x86.c — the vCPU's first state: flat 32-bit protected mode (lguest's vmlinux) or long
 * mode on identity page tables the launcher builds.  The GDT and the page tables go into
 * guest memory here; the registers are handed to the backend as struct lgl_boot_cpu.
 * Layout in lg_hcall.h. */
#include <string.h>

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

int lgl_x86_setup(struct lgl_mem *m, enum lgl_mode mode, uint64_t entry, struct lgl_boot_cpu *b)
{
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

	bool lm = mode == LGL_MODE_64;
	memset(b, 0, sizeof *b);
	b->mode = mode;
	b->rip = entry;
	b->rsi = 0; /* the zero page, as lguest's Host left it */
	b->rflags = 0x2;
	b->gdt_base = LG_BOOT_GDT;
	b->gdt_limit = 0x2f;
	b->cs = lm ? LG_BOOT_CS64 : LG_BOOT_CS32;
	b->ds = LG_BOOT_DS;
	b->tr = LG_BOOT_TSS;
	b->cr0 = CR0_PE | CR0_ET | CR0_NE;
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
		b->cr3 = LG_BOOT_PML4;
		b->cr4 = CR4_PAE;
		b->cr0 |= CR0_PG;
		b->efer = EFER_LME | EFER_LMA;
	}
	return 0;
}
