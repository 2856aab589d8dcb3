/* SPDX-License-Identifier: MIT */
/* dump.c — --dump FILE: guest memory as an ELF64 core.  One PT_LOAD per range (RAM, then
 * the device area up to guest_limit) with p_paddr = guest-physical address, and a PT_NOTE
 * holding the "LGKIT" note (lg_note_record) that tells lgcheck where the page is. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "elfcore.h"
#include "lglaunch.h"
#include "output.h"

/* Guest memory at file offset off, page by page: all-zero pages are not written (a hole in
 * a file, zeros on standard output), as the guest's untouched RAM is. */
static int write_sparse(struct lgt_out *o, uint64_t off, const uint8_t *p, uint64_t len)
{
	static const uint8_t zero[4096];
	for (uint64_t i = 0; i < len; i += 4096) {
		size_t n = len - i < 4096 ? (size_t)(len - i) : 4096;
		if (memcmp(p + i, zero, n) != 0 && lgt_out_write(o, off + i, p + i, n) < 0)
			return -1;
	}
	return 0;
}

int lgl_dump(const struct lgl_vm *vm, const char *path)
{
	const struct lgl_mem *m = &vm->mem;
	struct {
		uint64_t gpa, len;
	} rng[2] = {{0, m->ram}, {m->ram, m->limit - m->ram}};
	enum { NPH = 3 };
	uint8_t note[LG_NOTE_SIZE];
	struct lg_note n = {.page_addr = vm->page_addr, .mem = m->ram,
			    .pfn_limit = m->limit >> LG_PAGE_SHIFT};
	lg_note_record(&n, note);

	Elf64_Ehdr eh;
	lgt_elf64_core_header(&eh, NPH);

	Elf64_Phdr ph[NPH];
	memset(ph, 0, sizeof ph);
	uint64_t off = sizeof eh + sizeof ph;
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = off;
	ph[0].p_filesz = sizeof note;
	ph[0].p_align = 4;
	off = (off + sizeof note + 4095) & ~4095ull;
	for (int i = 0; i < 2; i++) {
		ph[1 + i].p_type = PT_LOAD;
		ph[1 + i].p_flags = PF_R | PF_W;
		ph[1 + i].p_offset = off;
		ph[1 + i].p_vaddr = rng[i].gpa;
		ph[1 + i].p_paddr = rng[i].gpa;
		ph[1 + i].p_filesz = ph[1 + i].p_memsz = rng[i].len;
		ph[1 + i].p_align = 4096;
		off += rng[i].len;
	}
	/* Through the one output helper (tools/common/output.h): written beside PATH under a
	 * temporary name, then renamed, so a failure never leaves a partial core; a link is
	 * written through; a FIFO or device is not replaced; "-" is standard output. */
	struct lgt_out o;
	if (lgt_out_open(&o, "lglaunch", path, NULL) < 0)
		return -1;
	uint64_t hdr = sizeof eh + sizeof ph;
	if (lgt_out_write(&o, 0, &eh, sizeof eh) < 0 || lgt_out_write(&o, sizeof eh, ph, sizeof ph) < 0 ||
	    lgt_out_write(&o, hdr, note, sizeof note) < 0 ||
	    write_sparse(&o, ph[1].p_offset, m->base, m->limit) < 0 ||
	    lgt_out_commit(&o, ph[1].p_offset + m->limit) < 0) {
		lgt_out_abort(&o);
		return -1;
	}
	return 0;
}
