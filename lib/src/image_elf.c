/* SPDX-License-Identifier: MIT */
/* image_elf.c — ELF core files (ELF64 and ELF32, little-endian) as guest-physical images.
 *
 * What it promises: every PT_LOAD is mapped at its p_paddr (never p_vaddr, never the file
 * offset), straight from the caller's mapping (no copy); segments may come in any order
 * with holes between them.  Bytes a segment declares in p_memsz beyond p_filesz are a
 * HOLE, not zeros: the dump did not record them, so the image does not invent them
 * (QEMU's dump-guest-memory never writes such segments).  PT_NOTE notes are read and the
 * lgkit note (name "LGKIT", type LG_NOTE_TYPE) fills img->note.
 *
 * QEMU's dump-guest-memory is the reference producer: ELFCLASS64 even for small guests,
 * e_ehsize 8 in some versions (ignored: libelf does not need it), section headers before
 * the program headers, and PN_XNUM (e_phnum 0xffff, the count in section 0's sh_info)
 * for guests with many memory blocks (read here: libelf would clamp an absurd count).
 *
 * Every rejection is one message naming the file, the field, the index and the values.
 */
#include <gelf.h>
#include <libelf.h>
#include <string.h>

#include "image_priv.h"

/* More program headers than this is not a core anyone wrote (QEMU: one per RAM block). */
#define MAX_PHNUM (1u << 20)

static int read_notes(struct lg_image *img, const char *path, const uint8_t *map, size_t len,
		      size_t idx, uint64_t off, uint64_t size, struct lg_error *err)
{
	uint64_t p = off, end = off + size;
	(void)len;
	while (end - p >= 12) {
		uint32_t namesz = lg_le32(map + p), descsz = lg_le32(map + p + 4);
		uint32_t type = lg_le32(map + p + 8);
		uint64_t name = p + 12;
		uint64_t desc = name + (((uint64_t)namesz + 3) & ~3ull);
		uint64_t next = desc + (((uint64_t)descsz + 3) & ~3ull);
		if (desc > end || desc + descsz > end || next > end + 3)
			return lg_fail(err, LG_ERR_BADFORMAT,
				       "%s: program header %zu (PT_NOTE): note at file offset %#llx "
				       "(namesz %u, descsz %u) runs past the segment's end at %#llx",
				       path, idx, (unsigned long long)p, namesz, descsz,
				       (unsigned long long)end);
		if (namesz == sizeof LG_NOTE_NAME && type == LG_NOTE_TYPE &&
		    memcmp(map + name, LG_NOTE_NAME, sizeof LG_NOTE_NAME) == 0) {
			struct lg_note n;
			int rc = lg_note_decode(map + desc, descsz, &n);
			if (rc < 0)
				return lg_fail(err, LG_ERR_BADFORMAT,
					       "%s: lgkit note at file offset %#llx: %s (descsz %u, "
					       "version %u; expected %u bytes, version %u, a "
					       "page-aligned page address)",
					       path, (unsigned long long)p,
					       rc == LG_ERR_TRUNCATED ? "descriptor too short"
					       : rc == LG_ERR_UNSUPPORTED ? "unknown version"
									  : "page address not page aligned",
					       descsz, descsz >= 4 ? lg_le32(map + desc) : 0,
					       LG_NOTE_DESC_SIZE, LG_NOTE_VERSION);
			img->has_note = true;
			img->note = n;
		}
		if (next >= end)
			break;
		p = next;
	}
	return 0;
}

int lg_image_open_elf(const char *path, const uint8_t *map, size_t len, struct lg_image **out,
		      struct lg_error *err)
{
	*out = NULL;
	if (len < EI_NIDENT)
		return lg_fail(err, LG_ERR_TRUNCATED,
			       "%s: truncated: %zu bytes, an ELF identification needs %d", path, len,
			       EI_NIDENT);
	unsigned cls = map[EI_CLASS];
	if (cls != ELFCLASS32 && cls != ELFCLASS64)
		return lg_fail(err, LG_ERR_BADFORMAT,
			       "%s: ELF class (e_ident[EI_CLASS]) is %u, expected 1 (ELF32) or 2 "
			       "(ELF64)",
			       path, cls);
	if (map[EI_DATA] != ELFDATA2LSB)
		return lg_fail(err, LG_ERR_UNSUPPORTED,
			       "%s: ELF data encoding (e_ident[EI_DATA]) is %u; only little-endian "
			       "(1) cores are supported",
			       path, map[EI_DATA]);
	size_t ehsize = cls == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	if (len < ehsize)
		return lg_fail(err, LG_ERR_TRUNCATED,
			       "%s: truncated: %zu bytes, an ELF%u header needs %zu", path, len,
			       cls == ELFCLASS64 ? 64u : 32u, ehsize);
	/* Our own reading of the header fields the bounds depend on, before libelf. */
	uint64_t phoff = cls == ELFCLASS64 ? lg_le64(map + 32) : lg_le32(map + 28);
	unsigned phentsize = lg_le16(map + (cls == ELFCLASS64 ? 54 : 42));
	unsigned type = lg_le16(map + 16);
	size_t want_ent = cls == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	if (type != ET_CORE)
		return lg_fail(err, LG_ERR_UNSUPPORTED,
			       "%s: ELF type (e_type) is %u, expected 4 (ET_CORE): not a memory dump",
			       path, type);

	/* libelf refuses a section header table outside the file with a bare "invalid ELF
	 * file"; name the fields instead.  (A core needs no sections; PN_XNUM uses one.) */
	uint64_t shoff = cls == ELFCLASS64 ? lg_le64(map + 40) : lg_le32(map + 32);
	unsigned shnum = lg_le16(map + (cls == ELFCLASS64 ? 60 : 48));
	size_t shent = cls == ELFCLASS64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	uint64_t nsh = shnum ? shnum : shoff ? 1 : 0;
	if (nsh && (shoff > len || nsh * shent > len - shoff))
		return lg_fail(err, LG_ERR_TRUNCATED,
			       "%s: e_shnum %u section headers at e_shoff %#llx end at %#llx, past "
			       "the file's end at %#zx (truncated file?)",
			       path, shnum, (unsigned long long)shoff,
			       (unsigned long long)(shoff + nsh * shent), len);

	if (elf_version(EV_CURRENT) == EV_NONE)
		return lg_fail(err, LG_ERR_INTERNAL, "%s: libelf: %s", path, elf_errmsg(-1));
	/* ELF_C_READ_MMAP semantics: libelf never writes to the (read-only) mapping. */
	Elf *e = elf_memory((char *)(uintptr_t)map, len);
	if (!e)
		return lg_fail(err, LG_ERR_BADFORMAT, "%s: libelf cannot read the ELF header: %s",
			       path, elf_errmsg(-1));
	size_t phnum = 0;
	int rc = 0;
	struct lg_image *img = NULL;
	/* The count as the file states it (libelf's elf_getphdrnum quietly clamps it to
	 * what fits in the file, which would hide an absurd e_phnum). */
	phnum = lg_le16(map + (cls == ELFCLASS64 ? 56 : 44));
	if (phnum == PN_XNUM) {
		if (!nsh) {
			rc = lg_fail(err, LG_ERR_BADFORMAT,
				     "%s: e_phnum is PN_XNUM (0xffff) but there is no section 0 to "
				     "hold the count (e_shoff 0)",
				     path);
			goto out;
		}
		phnum = lg_le32(map + shoff + (cls == ELFCLASS64 ? 44 : 28));
	}
	if (phnum == 0) {
		rc = lg_fail(err, LG_ERR_BADFORMAT, "%s: e_phnum is 0: the core has no program "
			     "headers, so no memory", path);
		goto out;
	}
	if (phentsize != want_ent) {
		rc = lg_fail(err, LG_ERR_BADFORMAT, "%s: e_phentsize is %u, expected %zu", path,
			     phentsize, want_ent);
		goto out;
	}
	if (phnum > MAX_PHNUM || phoff > len || (uint64_t)phnum * want_ent > len - phoff) {
		rc = lg_fail(err, phoff > len || phnum <= MAX_PHNUM ? LG_ERR_TRUNCATED
								     : LG_ERR_BADFORMAT,
			     "%s: e_phnum %zu program headers of %zu bytes at e_phoff %#llx end at "
			     "%#llx, past the file's end at %#zx",
			     path, phnum, want_ent, (unsigned long long)phoff,
			     (unsigned long long)(phoff + (uint64_t)phnum * want_ent), len);
		goto out;
	}
	img = lg_image_new(LG_IMAGE_ELF);
	if (!img) {
		rc = LG_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(e, (int)i, &ph)) {
			rc = lg_fail(err, LG_ERR_BADFORMAT, "%s: program header %zu: %s", path, i,
				     elf_errmsg(-1));
			goto out;
		}
		if (ph.p_type != PT_LOAD && ph.p_type != PT_NOTE)
			continue;
		if (ph.p_offset > len || ph.p_filesz > len - ph.p_offset) {
			rc = lg_fail(err, LG_ERR_TRUNCATED,
				     "%s: program header %zu (%s): p_offset %#llx + p_filesz %#llx = "
				     "%#llx is past the file's end at %#zx (truncated file?)",
				     path, i, ph.p_type == PT_LOAD ? "PT_LOAD" : "PT_NOTE",
				     (unsigned long long)ph.p_offset, (unsigned long long)ph.p_filesz,
				     (unsigned long long)(ph.p_offset + ph.p_filesz), len);
			goto out;
		}
		if (ph.p_type == PT_NOTE) {
			rc = read_notes(img, path, map, len, i, ph.p_offset, ph.p_filesz, err);
			if (rc < 0)
				goto out;
			continue;
		}
		if (ph.p_filesz > ph.p_memsz) {
			rc = lg_fail(err, LG_ERR_BADFORMAT,
				     "%s: program header %zu (PT_LOAD at p_paddr %#llx): p_filesz "
				     "%#llx is larger than p_memsz %#llx",
				     path, i, (unsigned long long)ph.p_paddr,
				     (unsigned long long)ph.p_filesz, (unsigned long long)ph.p_memsz);
			goto out;
		}
		if (ph.p_paddr + ph.p_filesz < ph.p_paddr) {
			rc = lg_fail(err, LG_ERR_OVERFLOW,
				     "%s: program header %zu (PT_LOAD): p_paddr %#llx + p_filesz "
				     "%#llx wraps past the end of the address space",
				     path, i, (unsigned long long)ph.p_paddr,
				     (unsigned long long)ph.p_filesz);
			goto out;
		}
		rc = lg_image_add_range(img, ph.p_paddr, ph.p_filesz, map + ph.p_offset, ph.p_offset);
		if (rc < 0) {
			lg_fail(err, rc, "%s: program header %zu: %s", path, i, lg_strerror(rc));
			goto out;
		}
	}
	if (img->nranges == 0) {
		rc = lg_fail(err, LG_ERR_BADFORMAT,
			     "%s: none of the %zu program headers is a PT_LOAD with file bytes: the "
			     "core holds no memory",
			     path, phnum);
		goto out;
	}
	rc = lg_image_finish(img, path, err);
out:
	elf_end(e);
	if (rc < 0) {
		lg_image_close(img);
		return rc;
	}
	*out = img;
	return 0;
}
