/* SPDX-License-Identifier: MIT */
/* mkcore KIND OUT SRC — write a memory dump of SRC (a raw guest memory image from the ring
 * corpus: zero page and buffers in [0, 0xa0000), the device area at [0x100000, 0x105000))
 * in one of the formats lgcheck reads, well formed or broken in exactly one way.
 *
 *   elf64 elf32        PT_LOADs in reverse order with a hole between them, section headers
 *                      before the program headers, e_ehsize 8 (QEMU's habits), the lgkit note
 *   elf64-area         the note and the area only (a small seed for the fuzzers)
 *   elf-hole           the area's PT_LOAD has p_filesz 4096 < p_memsz: the rings are a hole
 *   elf-trunc          the file cut in the middle of the last segment
 *   elf-trunc-hdr      the file cut inside the ELF header
 *   elf-past-eof       a PT_LOAD whose p_offset + p_filesz is past the end of the file
 *   elf-overlap        two PT_LOADs covering the same addresses
 *   elf-phnum          e_phnum 65520: the program headers would run far past the file
 *   elf-filesz         p_filesz larger than p_memsz
 *   elf-badnote        the lgkit note with version 7
 *   elf-note-nomem     elf64 with an lgkit note whose mem is 0 (unknown)
 *   kdump kdump-flat   diskdump (plain, as makedumpfile -R writes it) and QEMU's flattened
 *                      stream (records out of order), zlib pages, raw pages, a shared zero page
 *   kdump-lie-bitmap   the 2nd bitmap marks a page the 1st does not
 *   kdump-lie-count    the bitmaps mark 65536 pages; the file holds far fewer descriptors
 *   kdump-badzlib      the descriptor page's zlib data is damaged (flattened)
 *   kdump-badring      the zlib data of a ring page (pfn 0x102, device[0]'s used ring) is damaged
 *   kdump32            QEMU's 32-bit header and sub header (10-byte timestamp, packed)
 *   kdump-lzo kdump-snappy kdump-zstd
 *                      every page in that codec (lzo1x_1, snappy, zstd level 1), plain file
 *   kdump-mixed        the four codecs in turn by pfn, flattened
 *   kdump-bad-CODEC    the descriptor page's data in CODEC (zlib lzo snappy zstd) is damaged
 *   kdump-short-CODEC  ... decompresses to 4095 bytes
 *   kdump-long-CODEC   ... decompresses to 8192 bytes (the page twice)
 *   kdump-badzero-CODEC  page 0's data is damaged
 *   kdump-flags        the descriptor page's flags are 0x8 (no codec)
 *   recode-CODEC recode-CODEC-flat
 *                      SRC is a kdump file (QEMU's): the same dump, its pages in CODEC
 *                      (see recode() below)
 * For a kind that damages a page, mkcore prints the start of the message lgcheck must give
 * about it (pfn, size, codec, offset; the reason too when it is a wrong length).
 *   kdump-trunc-flat   a flattened stream without its end record
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include "elfcore.h"
#include "lgkit/lgkit.h"

#define LOW_END 0xa0000u
#define AREA 0x100000u
#define AREA_LEN 0x5000u

static uint8_t *src;
static size_t src_len;

struct buf {
	uint8_t *p;
	size_t n, cap;
};

static void put(struct buf *b, size_t off, const void *d, size_t n)
{
	if (off + n > b->cap) {
		size_t cap = (off + n) * 2;
		b->p = realloc(b->p, cap);
		if (!b->p)
			exit(2);
		memset(b->p + b->cap, 0, cap - b->cap);
		b->cap = cap;
	}
	memcpy(b->p + off, d, n);
	if (off + n > b->n)
		b->n = off + n;
}

static int save(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		return 2;
	}
	return 0;
}

/* ---------------------------------------------------------------- ELF */

struct seg {
	uint32_t type;
	uint64_t paddr, filesz, memsz, offset;
	const uint8_t *data;
};

static int write_elf(const char *kind, const char *out)
{
	bool is32 = strcmp(kind, "elf32") == 0;
	uint8_t note[LG_NOTE_SIZE];
	struct lg_note n = {AREA, AREA, (AREA + AREA_LEN) >> 12};
	if (strcmp(kind, "elf-note-nomem") == 0) /* a note that does not know mem */
		n.mem = 0;
	lg_note_record(&n, note);
	if (strcmp(kind, "elf-badnote") == 0)
		lg_put32(note + 20, 7); /* the descriptor's version */

	struct seg s[4] = {
		{PT_NOTE, 0, sizeof note, 0, 0, note},
		{PT_LOAD, AREA, AREA_LEN, AREA_LEN, 0, src + AREA},
		{PT_LOAD, 0, LOW_END, LOW_END, 0, src},
	};
	int ns = 3;
	if (strcmp(kind, "elf64-area") == 0) /* small: the note and the area only */
		ns = 2;
	if (strcmp(kind, "elf-hole") == 0)
		s[1].filesz = 4096;
	if (strcmp(kind, "elf-filesz") == 0)
		s[1].memsz = 4096;
	if (strcmp(kind, "elf-overlap") == 0) {
		s[3] = (struct seg){PT_LOAD, AREA + 0x1000, 0x1000, 0x1000, 0, src + AREA};
		ns = 4;
	}
	size_t ehsz = is32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr);
	size_t shsz = is32 ? sizeof(Elf32_Shdr) : sizeof(Elf64_Shdr);
	size_t phsz = is32 ? sizeof(Elf32_Phdr) : sizeof(Elf64_Phdr);
	size_t shoff = ehsz, phoff = shoff + shsz, off = phoff + ns * phsz;
	struct buf b = {0};
	for (int i = 0; i < ns; i++) {
		s[i].offset = off;
		put(&b, off, s[i].data, s[i].filesz);
		off += s[i].filesz;
	}
	if (strcmp(kind, "elf-past-eof") == 0)
		s[2].offset = off - 0x1000;
	uint16_t phnum = strcmp(kind, "elf-phnum") == 0 ? 65520 : (uint16_t)ns;
	if (is32) {
		Elf32_Ehdr e = {0};
		lgt_elf_ident(e.e_ident, ELFCLASS32);
		e.e_type = ET_CORE;
		e.e_machine = EM_386;
		e.e_version = EV_CURRENT;
		e.e_phoff = (uint32_t)phoff;
		e.e_shoff = (uint32_t)shoff;
		e.e_ehsize = 8;
		e.e_phentsize = sizeof(Elf32_Phdr);
		e.e_phnum = phnum;
		e.e_shentsize = sizeof(Elf32_Shdr);
		e.e_shnum = 1;
		put(&b, 0, &e, sizeof e);
		Elf32_Shdr sh = {0};
		put(&b, shoff, &sh, sizeof sh);
		for (int i = 0; i < ns; i++) {
			Elf32_Phdr p = {s[i].type, (uint32_t)s[i].offset, (uint32_t)s[i].paddr,
					(uint32_t)s[i].paddr, (uint32_t)s[i].filesz,
					(uint32_t)s[i].memsz, 0, 0};
			put(&b, phoff + i * sizeof p, &p, sizeof p);
		}
	} else {
		Elf64_Ehdr e;
		lgt_elf64_core_header(&e, phnum);
		e.e_phoff = phoff;
		e.e_shoff = shoff;
		e.e_ehsize = 8;
		e.e_shentsize = sizeof(Elf64_Shdr);
		e.e_shnum = 1;
		put(&b, 0, &e, sizeof e);
		Elf64_Shdr sh = {0};
		put(&b, shoff, &sh, sizeof sh);
		for (int i = 0; i < ns; i++) {
			/* p_vaddr deliberately differs from p_paddr: only p_paddr counts. */
			Elf64_Phdr p = {s[i].type, 0, s[i].offset, 0xffff800000000000ull + s[i].paddr,
					s[i].paddr, s[i].filesz, s[i].memsz, 0};
			put(&b, phoff + i * sizeof p, &p, sizeof p);
		}
	}
	size_t len = b.n;
	if (strcmp(kind, "elf-trunc") == 0)
		len -= 0x800;
	if (strcmp(kind, "elf-trunc-hdr") == 0)
		len = 40;
	int rc = save(out, b.p, len);
	free(b.p);
	return rc;
}

/* ---------------------------------------------------------------- kdump page codecs */

/* The compression flags of a page descriptor (makedumpfile's DUMP_DH_COMPRESSED_*). */
static const struct codec {
	const char *name;
	uint32_t flag;
} codecs[] = {{"zlib", 1}, {"lzo", 2}, {"snappy", 4}, {"zstd", 0x20}};

static const struct codec *codec_named(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof codecs / sizeof *codecs; i++)
		if (strlen(codecs[i].name) == len && strncmp(codecs[i].name, name, len) == 0)
			return &codecs[i];
	return NULL;
}

/* Compress n bytes with codec c, as makedumpfile does (zlib level 6, lzo1x_1, snappy,
 * zstd level 1), into out (PACK_MAX bytes).  Returns the compressed size; exits on error. */
#define PACK_MAX (2 * 65536 + 4096)
static size_t pack(const struct codec *c, const uint8_t *in, size_t n, uint8_t *out)
{
	size_t got = 0;
	bool ok = false;
	if (c->flag == 1) {
		uLongf zl = PACK_MAX;
		ok = compress2(out, &zl, in, n, 6) == Z_OK;
		got = zl;
	} else if (c->flag == 2) {
		static uint64_t wrk[LZO1X_1_MEM_COMPRESS / 8 + 1];
		lzo_uint ll = PACK_MAX;
		/* lzo takes non-const input pointers: compress a copy. */
		static uint8_t tmp[PACK_MAX];
		memcpy(tmp, in, n);
		ok = lzo_init() == LZO_E_OK && lzo1x_1_compress(tmp, n, out, &ll, wrk) == LZO_E_OK;
		got = ll;
	} else if (c->flag == 4) {
		got = PACK_MAX;
		ok = snappy_compress((const char *)in, n, (char *)out, &got) == SNAPPY_OK;
	} else {
		got = ZSTD_compress(out, PACK_MAX, in, n, 1);
		ok = !ZSTD_isError(got);
	}
	if (!ok || got > PACK_MAX) {
		fprintf(stderr, "mkcore: %s compression of %zu bytes failed\n", c->name, n);
		exit(2);
	}
	return got;
}

/* ---------------------------------------------------------------- kdump */

static void be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static bool page_dumped(uint64_t pfn)
{
	return pfn < LOW_END / 4096 || (pfn >= AREA / 4096 && pfn < (AREA + AREA_LEN) / 4096);
}

static int write_kdump(const char *kind, const char *out)
{
	const uint32_t B = 4096;
	uint64_t max_mapnr = (AREA + AREA_LEN) / B;
	bool lie_count = strcmp(kind, "kdump-lie-count") == 0;
	if (lie_count)
		max_mapnr = 65536;
	uint32_t bm_bytes = (uint32_t)((max_mapnr + 7) / 8);
	uint32_t bm_blocks = (bm_bytes + B - 1) / B; /* per bitmap */
	struct buf b = {0};
	uint8_t h[464] = {0};
	memcpy(h, "KDUMP   ", 8);
	lg_put32(h + 8, 6); /* header_version */
	memcpy(h + 12, "Linux", 5);
	bool h32 = strcmp(kind, "kdump32") == 0;
	unsigned base = h32 ? 412 : 424; /* after the timestamp */
	lg_put32(h + base + 4, B);
	lg_put32(h + base + 8, 1);             /* sub_hdr_size */
	lg_put32(h + base + 12, 2 * bm_blocks); /* bitmap_blocks */
	lg_put32(h + base + 16, (uint32_t)max_mapnr);
	lg_put32(h + 460, 1);
	put(&b, 0, h, sizeof h);
	uint8_t sub[104] = {0};
	lg_put32(sub + 8, 1);          /* dump_level */
	lg_put64(sub + (h32 ? 72 : 96), max_mapnr); /* max_mapnr_64 */
	put(&b, B, sub, sizeof sub);

	uint8_t *bm = calloc(bm_blocks, B);
	uint64_t ndesc = 0;
	for (uint64_t pfn = 0; pfn < max_mapnr; pfn++)
		if (page_dumped(pfn) || lie_count) {
			bm[pfn / 8] |= (uint8_t)(1u << (pfn % 8));
			ndesc++;
		}
	uint64_t bm_off = 2ull * B;
	put(&b, bm_off, bm, (size_t)bm_blocks * B);
	if (strcmp(kind, "kdump-lie-bitmap") == 0)
		bm[0xa0 / 8] |= 1u << (0xa0 % 8); /* in the 2nd bitmap only */
	put(&b, bm_off + (size_t)bm_blocks * B, bm, (size_t)bm_blocks * B);
	free(bm);
	uint64_t pd_off = bm_off + 2ull * bm_blocks * B;
	if (lie_count) /* the descriptors of the real pages only */
		ndesc = LOW_END / B + AREA_LEN / B;
	uint64_t data = pd_off + ndesc * 24;
	/* The shared zero page first, as QEMU writes it. */
	static const uint8_t zero[4096];
	uint64_t zero_off = data;
	put(&b, data, zero, B);
	data += B;
	uint64_t i = 0;
	/* The page codec: the kind's last word when it names one (kdump-lzo, kdump-bad-zstd…),
	 * zlib otherwise; kdump-mixed cycles through all four by pfn. */
	const char *dash = strrchr(kind, '-');
	const struct codec *codec = dash ? codec_named(dash + 1, strlen(dash + 1)) : NULL;
	if (!codec)
		codec = &codecs[0];
	bool mixed = strcmp(kind, "kdump-mixed") == 0;
	/* One page's data made wrong: damaged, a byte short, or a page too long. */
	uint64_t fault_pfn = UINT64_MAX;
	const char *fault = "";
	if (strncmp(kind, "kdump-bad-", 10) == 0 || strcmp(kind, "kdump-badzlib") == 0)
		fault_pfn = AREA / B, fault = "bad";
	else if (strncmp(kind, "kdump-short-", 12) == 0)
		fault_pfn = AREA / B, fault = "short";
	else if (strncmp(kind, "kdump-long-", 11) == 0)
		fault_pfn = AREA / B, fault = "long";
	else if (strncmp(kind, "kdump-badzero-", 14) == 0)
		fault_pfn = 0, fault = "bad";
	else if (strcmp(kind, "kdump-badring") == 0)
		fault_pfn = AREA / B + 2, fault = "bad";
	uint64_t fault_off = 0;
	size_t fault_len = 0;
	static uint8_t z[PACK_MAX], two[2 * 4096];
	for (uint64_t pfn = 0; pfn < (AREA + AREA_LEN) / B; pfn++) {
		if (!page_dumped(pfn))
			continue;
		const uint8_t *pg = src + pfn * B;
		uint8_t pd[24] = {0};
		const struct codec *c = mixed ? &codecs[pfn % 4] : codec;
		if (memcmp(pg, zero, B) == 0) {
			lg_put64(pd, zero_off);
			lg_put32(pd + 8, B);
		} else {
			size_t zl;
			if (pfn == fault_pfn && strcmp(fault, "short") == 0) {
				zl = pack(c, pg, B - 1, z);
			} else if (pfn == fault_pfn && strcmp(fault, "long") == 0) {
				memcpy(two, pg, B);
				memcpy(two + B, pg, B);
				zl = pack(c, two, 2 * B, z);
			} else {
				zl = pack(c, pg, B, z);
			}
			bool use_z = zl < B || pfn == fault_pfn;
			if (pfn == fault_pfn && strcmp(fault, "bad") == 0)
				memset(z + 2, 0xa5, zl > 8 ? zl - 8 : 0);
			if (pfn == fault_pfn) {
				fault_off = data;
				fault_len = zl;
			}
			lg_put64(pd, data);
			lg_put32(pd + 8, use_z ? (uint32_t)zl : B);
			lg_put32(pd + 12, use_z ? c->flag : 0);
			if (pfn == AREA / B && strcmp(kind, "kdump-flags") == 0)
				lg_put32(pd + 12, 0x8);
			put(&b, data, use_z ? z : pg, use_z ? zl : B);
			data += use_z ? zl : B;
		}
		put(&b, pd_off + i * 24, pd, sizeof pd);
		i++;
	}
	int rc;
	bool flat = strncmp(kind, "kdump-flat", 10) == 0 || strcmp(kind, "kdump-trunc-flat") == 0 ||
		    strcmp(kind, "kdump-badzlib") == 0 || mixed;
	size_t cut = (size_t)(pd_off + 24 * 3);
	if (fault_len) {
		/* What lgcheck must say about the page (tests/dumps/cores.sh reads it). */
		const struct codec *c = mixed ? &codecs[fault_pfn % 4] : codec;
		printf("page at pfn %#llx: the %zu %s bytes at offset %#llx", (unsigned long long)fault_pfn,
		       fault_len, c->name, (unsigned long long)fault_off);
		if (flat) /* the first record (after the 4096-byte header) starts at cut */
			printf(" (%#llx in the flattened file)",
			       (unsigned long long)(4096 + 16 + fault_off - cut));
		printf(" do not decompress to a 4096-byte page (%s\n",
		       strcmp(fault, "short") == 0	 ? "only 4095 bytes)"
		       : strcmp(fault, "long") == 0 ? "more than 4096 bytes)"
						    : "");
	}
	if (flat) {
		/* Flattened: header, then the plain file in three records, the last part first,
		 * the gap between the dump header and the sub header never written. */
		struct buf f = {0};
		uint8_t fh[4096] = {0};
		memcpy(fh, "makedumpfile", 12);
		be64(fh + 16, 1);
		be64(fh + 24, 1);
		put(&f, 0, fh, sizeof fh);
		struct {
			uint64_t off, len;
		} rec[] = {{cut, b.n - cut}, {0, sizeof h}, {B, cut - B}};
		size_t pos = sizeof fh;
		for (size_t r = 0; r < 3; r++) {
			uint8_t dh[16];
			be64(dh, rec[r].off);
			be64(dh + 8, rec[r].len);
			put(&f, pos, dh, 16);
			put(&f, pos + 16, b.p + rec[r].off, (size_t)rec[r].len);
			pos += 16 + (size_t)rec[r].len;
		}
		if (strcmp(kind, "kdump-trunc-flat") != 0) {
			uint8_t end[16];
			memset(end, 0xff, sizeof end);
			put(&f, pos, end, 16);
		}
		rc = save(out, f.p, f.n);
		free(f.p);
	} else {
		rc = save(out, b.p, b.n);
	}
	free(b.p);
	return rc;
}

/* ---------------------------------------------------------------- recode
 * recode-CODEC[-flat] OUT IN: rewrite a kdump file (QEMU's flattened kdump-zlib stream, or a
 * plain one) page by page in CODEC, the rest unchanged but the header's status (the codec):
 * headers, notes and bitmaps byte for byte, one descriptor per dumped page in the same
 * order with the same page_flags, pages that share data (QEMU's zero page) still shared.
 * A page the codec cannot shrink is stored raw, as makedumpfile does.  Written plain, or
 * with -flat as a flattened stream of one record per page, as QEMU writes.  This reads the
 * input with its own code (not liblgkit's), so lgcheck reading the output back the same as
 * the input tests lgkit's decoders against zlib and an independent writer. */

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* The plain file in a flattened stream: records {be64 offset, be64 size, data}. */
static int unflatten(const uint8_t *f, size_t n, struct buf *out)
{
	size_t p = 4096;
	while (p + 16 <= n) {
		uint64_t off = 0, len = 0;
		for (int i = 0; i < 8; i++) {
			off = off << 8 | f[p + i];
			len = len << 8 | f[p + 8 + i];
		}
		if (off == UINT64_MAX)
			return 0;
		if (len > n - p - 16 || off > (1ull << 40))
			break;
		put(out, (size_t)off, f + p + 16, (size_t)len);
		p += 16 + (size_t)len;
	}
	fprintf(stderr, "mkcore: bad flattened record at %#zx\n", p);
	return 2;
}

/* Source data offset -> where its recoded copy went (open addressing). */
struct shared {
	uint64_t src; /* + 1; 0: empty */
	uint8_t pd[16];
};

static int recode(const char *kind, const char *out, const char *in)
{
	const char *name = kind + strlen("recode-");
	bool flat = strlen(name) > 5 && strcmp(name + strlen(name) - 5, "-flat") == 0;
	const struct codec *c = codec_named(name, strlen(name) - (flat ? 5 : 0));
	FILE *f = fopen(in, "rb");
	if (!c || !f) {
		fprintf(stderr, "mkcore: %s: %s\n", kind, c ? in : "unknown codec");
		return 2;
	}
	struct buf raw = {0}, p = {0}, o = {0};
	uint8_t chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		put(&raw, raw.n, chunk, got);
	fclose(f);
	if (raw.n >= 12 && memcmp(raw.p, "makedumpfile", 12) == 0) {
		if (unflatten(raw.p, raw.n, &p))
			return 2;
		free(raw.p);
	} else {
		p = raw;
	}
	const uint8_t *h = p.p;
	if (p.n < 4096 || memcmp(h, "KDUMP   ", 8) != 0 || le(h + 428, 4) != 4096) {
		fprintf(stderr, "mkcore: %s: not a 64-bit kdump file with 4096-byte blocks\n", in);
		return 2;
	}
	const uint64_t B = 4096;
	uint64_t sub = le(h + 432, 4), bmb = le(h + 436, 4);
	uint64_t bm2 = (1 + sub + bmb / 2) * B, pd_off = (1 + sub + bmb) * B, ndesc = 0;
	if (pd_off > p.n) {
		fprintf(stderr, "mkcore: %s: bitmaps past the end\n", in);
		return 2;
	}
	for (uint64_t i = 0; i < bmb / 2 * B; i++)
		ndesc += (uint64_t)__builtin_popcount(p.p[bm2 + i]);
	put(&o, 0, p.p, (size_t)pd_off);
	lg_put32(o.p + 424, c->flag); /* status: the codec */
	uint64_t data = pd_off + ndesc * 24;
	size_t cap = 1;
	while (cap < 2 * ndesc + 2)
		cap *= 2;
	struct shared *seen = calloc(cap, sizeof *seen);
	static uint8_t pg[4096], z[PACK_MAX];
	unsigned long packed = 0, stored_raw = 0, shared = 0;
	for (uint64_t i = 0; i < ndesc; i++) {
		const uint8_t *pd = p.p + pd_off + i * 24;
		uint64_t off = le(pd, 8), size = le(pd + 8, 4), flags = le(pd + 12, 4);
		uint8_t npd[24];
		memcpy(npd + 16, pd + 16, 8); /* page_flags */
		size_t slot = (size_t)(off * 0x9e3779b97f4a7c15ull >> 20) & (cap - 1);
		while (seen[slot].src && seen[slot].src != off + 1)
			slot = (slot + 1) & (cap - 1);
		if (seen[slot].src) {
			memcpy(npd, seen[slot].pd, 16);
			shared++;
		} else {
			uLongf pl = B;
			if (off + size > p.n || (flags == 0 && size != B) ||
			    (flags == 1 && (uncompress(pg, &pl, p.p + off, size) != Z_OK || pl != B)) ||
			    flags > 1) {
				fprintf(stderr, "mkcore: %s: descriptor %llu: cannot read its page\n",
					in, (unsigned long long)i);
				return 2;
			}
			if (flags == 0)
				memcpy(pg, p.p + off, B);
			size_t zl = pack(c, pg, B, z);
			bool use_z = zl < B;
			lg_put64(npd, data);
			lg_put32(npd + 8, use_z ? (uint32_t)zl : (uint32_t)B);
			lg_put32(npd + 12, use_z ? c->flag : 0);
			put(&o, (size_t)data, use_z ? z : pg, use_z ? zl : B);
			data += use_z ? zl : B;
			if (use_z)
				packed++;
			else
				stored_raw++;
			seen[slot].src = off + 1;
			memcpy(seen[slot].pd, npd, 16);
		}
		put(&o, (size_t)(pd_off + i * 24), npd, 24);
	}
	free(seen);
	free(p.p);
	int rc;
	if (flat) {
		/* The header, then one record for the headers and bitmaps, one for the
		 * descriptors, one per page of data: QEMU's way. */
		struct buf s = {0};
		uint8_t fh[4096] = {0}, dh[16];
		memcpy(fh, "makedumpfile", 12);
		be64(fh + 16, 1);
		be64(fh + 24, 1);
		put(&s, 0, fh, sizeof fh);
		uint64_t at = 0;
		while (at < o.n) {
			uint64_t len = at == 0 ? pd_off : at == pd_off ? ndesc * 24 : B;
			if (len > o.n - at)
				len = o.n - at;
			be64(dh, at);
			be64(dh + 8, len);
			put(&s, s.n, dh, 16);
			put(&s, s.n, o.p + at, (size_t)len);
			at += len;
		}
		memset(dh, 0xff, sizeof dh);
		put(&s, s.n, dh, 16);
		rc = save(out, s.p, s.n);
		free(s.p);
	} else {
		rc = save(out, o.p, o.n);
	}
	free(o.p);
	printf("%llu pages: %lu %s, %lu raw, %lu sharing another's data\n",
	       (unsigned long long)ndesc, packed, c->name, stored_raw, shared);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: mkcore KIND OUT SRC\n");
		return 2;
	}
	if (strncmp(argv[1], "recode-", 7) == 0)
		return recode(argv[1], argv[2], argv[3]);
	FILE *f = fopen(argv[3], "rb");
	if (!f) {
		perror(argv[3]);
		return 2;
	}
	src_len = AREA + AREA_LEN;
	src = calloc(1, src_len);
	if (!src || fread(src, 1, src_len, f) != src_len) {
		fprintf(stderr, "mkcore: %s: expected at least %zu bytes\n", argv[3], src_len);
		return 2;
	}
	fclose(f);
	int rc = strncmp(argv[1], "elf", 3) == 0 ? write_elf(argv[1], argv[2])
						: write_kdump(argv[1], argv[2]);
	free(src);
	return rc;
}
