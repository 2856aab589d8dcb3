/* SPDX-License-Identifier: MIT */
/* elf.c — load a kernel ELF (ELF32 EM_386 like lguest's vmlinux, or ELF64 EM_X86_64) with
 * libelf.  Every PT_LOAD goes to p_paddr and is checked as Solo5 checks its guests:
 * filesz <= memsz, file bytes inside the file, overflow-safe end inside RAM and above the
 * launcher's boot area, ascending and not overlapping.  One message per rejection, naming
 * the field, the program header's index and the values. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lglaunch.h"

#define ULL(x) ((unsigned long long)(x))

static int check_segments(const char *path, Elf *e, size_t phnum, size_t fsize,
			  const struct lgl_mem *m)
{
	int bad = 0;
	uint64_t prev_end = 0;
	size_t nload = 0;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(e, (int)i, &ph)) {
			fprintf(stderr, "%s: program header %zu: %s\n", path, i, elf_errmsg(-1));
			return -1;
		}
		if (ph.p_type != PT_LOAD)
			continue;
		nload++;
		if (ph.p_filesz > ph.p_memsz) {
			fprintf(stderr, "%s: program header %zu: p_filesz %#llx > p_memsz %#llx\n",
				path, i, ULL(ph.p_filesz), ULL(ph.p_memsz));
			bad = 1;
		}
		if (ph.p_offset > fsize || ph.p_filesz > fsize - ph.p_offset) {
			fprintf(stderr,
				"%s: program header %zu: p_offset %#llx + p_filesz %#llx is beyond the "
				"file's %#zx bytes\n",
				path, i, ULL(ph.p_offset), ULL(ph.p_filesz), fsize);
			bad = 1;
		}
		uint64_t end;
		if (__builtin_add_overflow(ph.p_paddr, ph.p_memsz, &end)) {
			fprintf(stderr, "%s: program header %zu: p_paddr %#llx + p_memsz %#llx overflows\n",
				path, i, ULL(ph.p_paddr), ULL(ph.p_memsz));
			bad = 1;
			continue;
		}
		if (ph.p_paddr < LG_BOOT_RESERVED) {
			fprintf(stderr,
				"%s: program header %zu: p_paddr %#llx is inside the launcher's boot area "
				"[0, %#x)\n",
				path, i, ULL(ph.p_paddr), LG_BOOT_RESERVED);
			bad = 1;
		}
		if (end > m->ram) {
			fprintf(stderr,
				"%s: program header %zu: p_paddr %#llx + p_memsz %#llx = %#llx ends beyond "
				"RAM (%#llx)\n",
				path, i, ULL(ph.p_paddr), ULL(ph.p_memsz), ULL(end), ULL(m->ram));
			bad = 1;
		}
		if (nload > 1 && ph.p_paddr < prev_end) {
			fprintf(stderr,
				"%s: program header %zu: p_paddr %#llx is below the previous PT_LOAD's "
				"end %#llx (not ascending, or overlapping)\n",
				path, i, ULL(ph.p_paddr), ULL(prev_end));
			bad = 1;
		}
		prev_end = end;
	}
	if (!nload) {
		fprintf(stderr, "%s: no PT_LOAD program header\n", path);
		bad = 1;
	}
	return bad ? -1 : 0;
}

int lgl_elf_load(const char *path, struct lgl_mem *m, uint64_t *entry, enum lgl_mode *mode)
{
	int rc = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (elf_version(EV_CURRENT) == EV_NONE) {
		fprintf(stderr, "lglaunch: libelf: %s\n", elf_errmsg(-1));
		close(fd);
		return -1;
	}
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	size_t fsize = 0;
	char *raw = e ? elf_rawfile(e, &fsize) : NULL;
	GElf_Ehdr eh;
	size_t phnum;
	if (!e || elf_kind(e) != ELF_K_ELF || !raw) {
		fprintf(stderr, "%s: not an ELF file\n", path);
		goto out;
	}
	if (!gelf_getehdr(e, &eh)) {
		fprintf(stderr, "%s: ELF header: %s\n", path, elf_errmsg(-1));
		goto out;
	}
	int cls = gelf_getclass(e);
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB) {
		fprintf(stderr, "%s: e_ident[EI_DATA] %u: not little-endian\n", path,
			eh.e_ident[EI_DATA]);
		goto out;
	}
	if (cls == ELFCLASS32 && eh.e_machine == EM_386) {
		*mode = LGL_MODE_32;
	} else if (cls == ELFCLASS64 && eh.e_machine == EM_X86_64) {
		*mode = LGL_MODE_64;
	} else {
		fprintf(stderr,
			"%s: class %s with e_machine %u: expected ELFCLASS32 with EM_386 (3) or "
			"ELFCLASS64 with EM_X86_64 (62)\n",
			path, cls == ELFCLASS32 ? "ELFCLASS32" : cls == ELFCLASS64 ? "ELFCLASS64" : "?",
			eh.e_machine);
		goto out;
	}
	if (eh.e_type != ET_EXEC) {
		fprintf(stderr, "%s: e_type %u: expected ET_EXEC (2)\n", path, eh.e_type);
		goto out;
	}
	if (elf_getphdrnum(e, &phnum) != 0 || phnum == 0 || phnum > 65536 / 32) {
		fprintf(stderr, "%s: e_phnum: expected 1..2048 program headers\n", path);
		goto out;
	}
	if (check_segments(path, e, phnum, fsize, m) < 0)
		goto out;
	bool entry_ok = false;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		gelf_getphdr(e, (int)i, &ph);
		if (ph.p_type != PT_LOAD)
			continue;
		uint8_t *dst = LGL_GPA(m, ph.p_paddr, ph.p_memsz);
		if (!dst)
			goto out;
		memcpy(dst, raw + ph.p_offset, ph.p_filesz);
		memset(dst + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
		if ((ph.p_flags & PF_X) && eh.e_entry >= ph.p_paddr &&
		    eh.e_entry - ph.p_paddr < ph.p_filesz)
			entry_ok = true;
	}
	if (!entry_ok) {
		fprintf(stderr, "%s: e_entry %#llx is not inside an executable PT_LOAD\n", path,
			ULL(eh.e_entry));
		goto out;
	}
	*entry = eh.e_entry;
	rc = 0;
out:
	if (e)
		elf_end(e);
	close(fd);
	return rc;
}
