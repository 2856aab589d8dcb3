/* dump.c — --dump FILE: guest memory as an ELF64 core.  One PT_LOAD per range (RAM, then
 * the device area up to guest_limit) with p_paddr = guest-physical address, and a PT_NOTE
 * holding the "LGKIT" note (lg_note_encode) that tells lgcheck where the page is. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "lglaunch.h"

int lgl_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Guest memory, page by page: all-zero pages become holes (the file stays sparse, as
 * the guest's untouched RAM is), the length is set at the end. */
static int write_sparse(int fd, const uint8_t *p, uint64_t len)
{
	static const uint8_t zero[4096];
	off_t start = lseek(fd, 0, SEEK_CUR);
	for (uint64_t o = 0; o < len; o += 4096) {
		size_t n = len - o < 4096 ? (size_t)(len - o) : 4096;
		if (memcmp(p + o, zero, n) == 0) {
			if (lseek(fd, (off_t)n, SEEK_CUR) < 0)
				return -1;
		} else if (lgl_write_all(fd, p + o, n) < 0) {
			return -1;
		}
	}
	return start < 0 || ftruncate(fd, start + (off_t)len) < 0 ? -1 : 0;
}

int lgl_dump(const struct lgl_vm *vm, const char *path)
{
	const struct lgl_mem *m = &vm->mem;
	struct {
		uint64_t gpa, len;
	} rng[2] = {{0, m->ram}, {m->ram, m->limit - m->ram}};
	enum { NPH = 3 };
	uint8_t note[12 + 8 + LG_NOTE_DESC_SIZE];
	memset(note, 0, sizeof note);
	lg_put32(note, sizeof LG_NOTE_NAME);     /* namesz, with the NUL: 6 */
	lg_put32(note + 4, LG_NOTE_DESC_SIZE);   /* descsz */
	lg_put32(note + 8, LG_NOTE_TYPE);
	memcpy(note + 12, LG_NOTE_NAME, sizeof LG_NOTE_NAME); /* padded to 8 */
	struct lg_note n = {.page_addr = vm->page_addr, .mem = m->ram,
			    .pfn_limit = m->limit >> LG_PAGE_SHIFT};
	lg_note_encode(&n, note + 20);

	Elf64_Ehdr eh;
	memset(&eh, 0, sizeof eh);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof eh;
	eh.e_ehsize = sizeof eh;
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = NPH;

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
	/* Written beside PATH under a temporary name, then renamed: a failure never leaves a
	 * partial core where the user asked for one. */
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* The rename below would replace a FIFO or a device node (/dev/null as root). */
		fprintf(stderr, "lglaunch: %s: exists and is not a regular file; not replaced\n",
			path);
		return -1;
	}
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path) >= (int)sizeof tmp) {
		fprintf(stderr, "lglaunch: %s: path too long\n", path);
		return -1;
	}
	int fd = mkstemp(tmp);
	if (fd < 0) {
		fprintf(stderr, "lglaunch: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fchmod(fd, 0644);
	static const uint8_t zero[4096];
	size_t pad = (size_t)(ph[1].p_offset - (sizeof eh + sizeof ph + sizeof note));
	int bad = lgl_write_all(fd, &eh, sizeof eh) || lgl_write_all(fd, ph, sizeof ph) ||
		  lgl_write_all(fd, note, sizeof note) || lgl_write_all(fd, zero, pad) ||
		  write_sparse(fd, m->base, m->limit);
	if (close(fd) < 0)
		bad = 1;
	if (!bad && rename(tmp, path) < 0)
		bad = 1;
	if (bad) {
		fprintf(stderr, "lglaunch: writing %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
