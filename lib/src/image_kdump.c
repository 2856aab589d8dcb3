/* SPDX-License-Identifier: MIT */
/* image_kdump.c — kdump-compressed (diskdump) files as guest-physical images: the plain
 * file that `makedumpfile -R` writes and the flattened stream that QEMU's
 * dump-guest-memory writes for -format kdump-zlib/lzo/snappy.
 *
 * What it promises: the file is never copied.  A flattened stream is indexed at open time
 * (one small entry per record, sorted by the offset it stands for); gaps between records
 * read as zeros, as `makedumpfile -R` would write them.  Pages are decoded on demand, through
 * the image's read() callback, with a small cache keyed by the page data's offset (so the
 * shared zero page QEMU writes is inflated once): memory use does not grow with the dump.
 * Pages may be uncompressed or compressed with zlib, lzo (lzo1x), snappy or zstd, each page
 * on its own (a dump may mix them); one table of codecs decodes them, and a page that does
 * not decode to exactly one block is refused naming its pfn, its codec and its offset.
 *
 * The layout (makedumpfile's diskdump format, as QEMU writes it):
 *   block 0             disk_dump_header ("KDUMP   ", header_version, utsname, …,
 *                       block_size, sub_hdr_size, bitmap_blocks, max_mapnr)
 *   block 1             kdump_sub_header (max_mapnr_64 from header_version 6), notes
 *   1 + sub_hdr_size    1st bitmap (pages that exist), then the 2nd (pages dumped), each
 *                       bitmap_blocks/2 blocks; bit pfn is byte pfn/8, bit pfn%8
 *   then                one 24-byte page descriptor per set bit of the 2nd bitmap, in pfn
 *                       order: u64 offset, u32 size, u32 flags (1 zlib, 2 lzo, 4 snappy,
 *                       0x20 zstd; 0 = raw page), u64 page_flags
 *   then                page data (QEMU: a shared zero page first)
 * Multi-byte fields are little-endian (x86 dumps), except the flattened stream's own
 * headers, which are big-endian.
 *
 * Not thread-safe: reads of one image update its cache.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "image_priv.h"

#define FLAT_HDR_SIZE 4096u
#define PD_SIZE 24u
#define F_ZLIB 0x1u
#define F_LZO 0x2u
#define F_SNAPPY 0x4u
#define F_ZSTD 0x20u
#define CACHE_PAGES 16u
#define MAX_RANGES (1u << 20)
#define CHUNK (64u * 1024u)

struct rec {
	uint64_t off;  /* offset in the reassembled file */
	uint64_t len;
	uint64_t foff; /* where the bytes are in the flattened stream */
};

struct cache_ent {
	uint64_t key; /* data offset + 1 (0: empty) */
	uint8_t *page;
};

struct kdump {
	const char *path; /* the caller's; only used during open */
	const uint8_t *map;
	size_t len;
	bool flat;
	struct rec *recs;
	size_t nrecs;
	uint64_t vsize; /* size of the reassembled file */
	uint32_t block;
	uint64_t pd_off; /* first page descriptor */
	uint64_t ndesc;
	struct cache_ent cache[CACHE_PAGES];
	unsigned next_victim;
	uint8_t *zbuf; /* compressed bytes of one page */
	ZSTD_DCtx *zstd; /* made at the first zstd page */
	uint64_t touched; /* file bytes read since the mapping was last released */
};

/* Drop the file's pages from our page tables now and then (every 4 MiB read, counted by
 * each scan thread on its own): a scan of a large dump, or indexing a flattened stream,
 * then keeps a few MiB resident instead of the whole file; the page cache keeps it warm
 * and a later read maps the pages again.
 * This is why the map handed to lg_image_open_kdump() must be a private mapping of the
 * file (lg_image_open's), never a buffer whose contents matter elsewhere. */
#define RELEASE_EVERY (4u << 20)
static void release_map(struct kdump *k, uint64_t n)
{
	k->touched += n;
	if (k->touched < RELEASE_EVERY)
		return;
	k->touched = 0;
	uintptr_t lo = (uintptr_t)k->map & ~(uintptr_t)(LG_PAGE_SIZE - 1);
	madvise((void *)lo, (uintptr_t)k->map + k->len - lo, MADV_DONTNEED);
}

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Copy [off, off+n) of the reassembled file.  Errors: LG_ERR_TRUNCATED past its end. */
static int vread(const struct kdump *k, uint64_t off, void *buf, size_t n)
{
	uint8_t *out = buf;
	if (off + n < off || off + n > k->vsize)
		return LG_ERR_TRUNCATED;
	if (!k->flat) {
		memcpy(out, k->map + off, n);
		return 0;
	}
	/* The last record starting at or before off. */
	size_t lo = 0, hi = k->nrecs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (k->recs[mid].off <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t i = lo ? lo - 1 : 0;
	while (n) {
		const struct rec *r = i < k->nrecs ? &k->recs[i] : NULL;
		uint64_t take;
		if (r && off >= r->off && off < r->off + r->len) {
			take = r->off + r->len - off;
			if (take > n)
				take = n;
			memcpy(out, k->map + r->foff + (off - r->off), (size_t)take);
			i++;
		} else {
			/* A gap: zeros up to the next record. */
			while (r && r->off + r->len <= off)
				r = ++i < k->nrecs ? &k->recs[i] : NULL;
			if (r && off >= r->off)
				continue;
			take = r ? r->off - off : n;
			if (take > n)
				take = n;
			memset(out, 0, (size_t)take);
		}
		out += take;
		off += take;
		n -= (size_t)take;
	}
	return 0;
}

static int rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* Index the flattened stream: a 4096-byte header, then {be64 offset, be64 size, data}
 * records, ended by offset -1. */
static int index_flat(struct kdump *k, struct lg_error *err)
{
	if (k->len < FLAT_HDR_SIZE)
		return lg_fail(err, LG_ERR_TRUNCATED,
			       "%s: truncated: %zu bytes, the flattened header needs 4096", k->path,
			       k->len);
	uint64_t type = be64(k->map + 16), version = be64(k->map + 24);
	if (type != 1 || version != 1)
		return lg_fail(err, LG_ERR_UNSUPPORTED,
			       "%s: makedumpfile flattened header type %llu version %llu, expected "
			       "1 and 1",
			       k->path, (unsigned long long)type, (unsigned long long)version);
	size_t cap = 0;
	uint64_t p = FLAT_HDR_SIZE;
	bool ended = false;
	while (p + 16 <= k->len) {
		uint64_t off = be64(k->map + p), size = be64(k->map + p + 8);
		if (off == UINT64_MAX) {
			ended = true;
			break;
		}
		if (off >> 62 || size > k->len - p - 16)
			return lg_fail(err, off >> 62 ? LG_ERR_BADFORMAT : LG_ERR_TRUNCATED,
				       "%s: flattened record at file offset %#llx: offset %#llx size "
				       "%#llx %s",
				       k->path, (unsigned long long)p, (unsigned long long)off,
				       (unsigned long long)size,
				       off >> 62 ? "is not a file offset"
						 : "runs past the end of the file (truncated?)");
		if (size) {
			if (k->nrecs == cap) {
				cap = cap ? cap * 2 : 64;
				struct rec *n = realloc(k->recs, cap * sizeof *n);
				if (!n)
					return LG_ERR_NOMEM;
				k->recs = n;
			}
			k->recs[k->nrecs++] = (struct rec){off, size, p + 16};
			if (off + size > k->vsize)
				k->vsize = off + size;
		}
		p += 16 + size;
		release_map(k, 64u << 10); /* a header read maps its neighbourhood */
	}
	if (!ended)
		return lg_fail(err, LG_ERR_TRUNCATED,
			       "%s: the flattened stream stops at file offset %#llx without its end "
			       "record (truncated?)",
			       k->path, (unsigned long long)p);
	if (k->nrecs)
		qsort(k->recs, k->nrecs, sizeof *k->recs, rec_cmp);
	for (size_t i = 1; i < k->nrecs; i++)
		if (k->recs[i].off < k->recs[i - 1].off + k->recs[i - 1].len)
			return lg_fail(err, LG_ERR_BADFORMAT,
				       "%s: flattened records overlap: [%#llx, +%#llx) and [%#llx, "
				       "+%#llx)",
				       k->path, (unsigned long long)k->recs[i - 1].off,
				       (unsigned long long)k->recs[i - 1].len,
				       (unsigned long long)k->recs[i].off,
				       (unsigned long long)k->recs[i].len);
	return 0;
}

static bool valid_block(uint32_t b)
{
	return b >= 4096 && b <= 65536 && !(b & (b - 1));
}

static void kdump_destroy(struct lg_image *img)
{
	struct kdump *k = img->priv;
	if (!k)
		return;
	for (unsigned i = 0; i < CACHE_PAGES; i++)
		free(k->cache[i].page);
	free(k->zbuf);
	ZSTD_freeDCtx(k->zstd);
	free(k->recs);
	free(k);
	img->priv = NULL;
}

/* ---------------------------------------------------------------- codecs
 * One decoder per compression flag of a page descriptor.  Each decodes the n bytes in
 * k->zbuf into dst, which holds k->block bytes, and says how it went: DEC_OK with *got the
 * bytes produced (the caller insists on exactly one block), DEC_MORE when the data holds
 * more than a block, DEC_BAD with *why the library's reason.  The libraries are the ones
 * makedumpfile and QEMU compress with (zlib's compress2, lzo1x_1, snappy, zstd); each is
 * called through its bounds-checked decoder, which never writes past dst nor reads past
 * the n bytes. */
enum dec { DEC_OK, DEC_MORE, DEC_BAD };

static enum dec dec_zlib(struct kdump *k, uint8_t *dst, size_t n, size_t *got, const char **why)
{
	uLongf out = k->block;
	int r = uncompress(dst, &out, k->zbuf, n);
	*got = out;
	/* zlib >= 1.2.9: Z_BUF_ERROR only when dst is full and the data goes on. */
	if (r == Z_BUF_ERROR)
		return DEC_MORE;
	*why = zError(r);
	return r == Z_OK ? DEC_OK : DEC_BAD;
}

static const char *lzo_reason(int r)
{
	switch (r) {
	case LZO_E_INPUT_OVERRUN:
		return "the data ends in the middle of an instruction";
	case LZO_E_LOOKBEHIND_OVERRUN:
		return "a match refers to bytes before the page";
	case LZO_E_EOF_NOT_FOUND:
		return "no end-of-stream marker";
	case LZO_E_INPUT_NOT_CONSUMED:
		return "bytes follow the end-of-stream marker";
	default:
		return "lzo error";
	}
}

static enum dec dec_lzo(struct kdump *k, uint8_t *dst, size_t n, size_t *got, const char **why)
{
	lzo_uint out = k->block;
	int r = lzo1x_decompress_safe(k->zbuf, n, dst, &out, NULL);
	*got = out;
	if (r == LZO_E_OUTPUT_OVERRUN)
		return DEC_MORE;
	*why = lzo_reason(r);
	return r == LZO_E_OK ? DEC_OK : DEC_BAD;
}

static enum dec dec_snappy(struct kdump *k, uint8_t *dst, size_t n, size_t *got,
			   const char **why)
{
	const char *src = (const char *)k->zbuf;
	size_t want;
	*why = "invalid snappy data";
	if (snappy_uncompressed_length(src, n, &want) != SNAPPY_OK)
		return DEC_BAD;
	if (want > k->block)
		return DEC_MORE;
	*got = want;
	return snappy_uncompress(src, n, (char *)dst, got) == SNAPPY_OK ? DEC_OK : DEC_BAD;
}

static enum dec dec_zstd(struct kdump *k, uint8_t *dst, size_t n, size_t *got, const char **why)
{
	if (!k->zstd && !(k->zstd = ZSTD_createDCtx())) {
		*why = "out of memory";
		return DEC_BAD;
	}
	size_t r = ZSTD_decompressDCtx(k->zstd, dst, k->block, k->zbuf, n);
	if (ZSTD_getErrorCode(r) == ZSTD_error_dstSize_tooSmall)
		return DEC_MORE;
	*why = ZSTD_getErrorName(r);
	*got = r;
	return ZSTD_isError(r) ? DEC_BAD : DEC_OK;
}

static const struct codec {
	uint32_t flag; /* the page descriptor's flags, exactly */
	const char *name;
	enum dec (*decode)(struct kdump *k, uint8_t *dst, size_t n, size_t *got, const char **why);
} codecs[] = {
	{F_ZLIB, "zlib", dec_zlib},
	{F_LZO, "lzo", dec_lzo},
	{F_SNAPPY, "snappy", dec_snappy},
	{F_ZSTD, "zstd", dec_zstd},
};

static const struct codec *codec_of(uint32_t flags)
{
	for (size_t i = 0; i < sizeof codecs / sizeof *codecs; i++)
		if (codecs[i].flag == flags)
			return &codecs[i];
	return NULL;
}

/* " (0x… in the flattened file)" for a flattened stream, else "": where a reader of the
 * file itself (xxd, not makedumpfile -R's output) finds reassembled offset off. */
static const char *stream_where(const struct kdump *k, uint64_t off, char *buf, size_t len)
{
	buf[0] = 0;
	if (!k->flat)
		return buf;
	for (size_t i = 0; i < k->nrecs; i++)
		if (off >= k->recs[i].off && off - k->recs[i].off < k->recs[i].len) {
			snprintf(buf, len, " (%#llx in the flattened file)",
				 (unsigned long long)(k->recs[i].foff + (off - k->recs[i].off)));
			break;
		}
	return buf;
}

/* Decode the page whose descriptor is number idx (pfn for messages) into the cache. */
static int load_page(struct kdump *k, uint64_t idx, uint64_t pfn, const uint8_t **page,
		     struct lg_error *err)
{
	uint8_t pd[PD_SIZE];
	char where[64];
	uint64_t pda = k->pd_off + idx * PD_SIZE;
	int rc = vread(k, pda, pd, sizeof pd);
	if (rc < 0)
		return lg_fail(err, LG_ERR_TRUNCATED,
			       "page descriptor %llu for pfn %#llx at offset %#llx is past the end "
			       "of the file",
			       (unsigned long long)idx, (unsigned long long)pfn,
			       (unsigned long long)pda);
	uint64_t off = lg_le64(pd);
	uint32_t size = lg_le32(pd + 8), flags = lg_le32(pd + 12);
	for (unsigned i = 0; i < CACHE_PAGES; i++)
		if (k->cache[i].key == off + 1 && k->cache[i].page) {
			*page = k->cache[i].page;
			return 0;
		}
	struct cache_ent *ce = &k->cache[k->next_victim];
	k->next_victim = (k->next_victim + 1) % CACHE_PAGES;
	if (!ce->page && !(ce->page = malloc(k->block)))
		return lg_fail(err, LG_ERR_NOMEM, "page at pfn %#llx: out of memory",
			       (unsigned long long)pfn);
	ce->key = 0;
	const struct codec *c = flags ? codec_of(flags) : NULL;
	if ((flags && !c) || size == 0 || size > k->block || (!c && size != k->block))
		return lg_fail(err, LG_ERR_BADFORMAT,
			       "page at pfn %#llx: descriptor at offset %#llx has size %u and flags "
			       "%#x; expected one codec (0x1 zlib, 0x2 lzo, 0x4 snappy, 0x20 zstd) "
			       "and 1..%u bytes, or flags 0 and %u bytes",
			       (unsigned long long)pfn, (unsigned long long)pda, size, flags,
			       k->block, k->block);
	if (vread(k, off, c ? k->zbuf : ce->page, size) < 0)
		return lg_fail(err, LG_ERR_TRUNCATED,
			       "page at pfn %#llx: its %u bytes at offset %#llx run past the end of "
			       "the file",
			       (unsigned long long)pfn, size, (unsigned long long)off);
	release_map(k, PD_SIZE + size);
	if (c) {
		size_t got = 0;
		const char *why = "";
		char more[40];
		enum dec d = c->decode(k, ce->page, size, &got, &why);
		if (d != DEC_OK || got != k->block) {
			if (d == DEC_MORE)
				snprintf(more, sizeof more, "more than %u bytes", k->block);
			else if (d == DEC_OK)
				snprintf(more, sizeof more, "only %zu bytes", got);
			return lg_fail(err, LG_ERR_BADFORMAT,
				       "page at pfn %#llx: the %u %s bytes at offset %#llx%s do not "
				       "decompress to a %u-byte page (%s)",
				       (unsigned long long)pfn, size, c->name, (unsigned long long)off,
				       stream_where(k, off, where, sizeof where), k->block,
				       d == DEC_BAD ? why : more);
		}
	}
	ce->key = off + 1;
	*page = ce->page;
	return 0;
}

static int read_pages(struct kdump *k, const struct lg_range *r, uint64_t off, void *buf,
		      size_t len, struct lg_error *err)
{
	uint8_t *out = buf;
	while (len) {
		uint64_t gpa = r->gpa + off;
		uint64_t pfn = gpa / k->block, in = gpa % k->block;
		uint64_t idx = r->aux + (pfn - r->gpa / k->block);
		const uint8_t *page = NULL;
		int rc = load_page(k, idx, pfn, &page, err);
		if (rc < 0 || !page)
			return rc < 0 ? rc : LG_ERR_INTERNAL;
		size_t n = (size_t)(k->block - in);
		if (n > len)
			n = len;
		memcpy(out, page + in, n);
		out += n;
		off += n;
		len -= n;
	}
	return 0;
}

static int kdump_read(const struct lg_image *img, const struct lg_range *r, uint64_t off,
		      void *buf, size_t len, struct lg_error *err)
{
	return read_pages(img->priv, r, off, buf, len, err);
}

/* ---------------------------------------------------------------- sequential readers
 * A reader (lg_seq) of a kdump image has its own copy of the state pages are decoded with
 * (cache, buffers, codec contexts), sharing only what open() built and nobody changes (the
 * map, the flattened index): two threads may then read one image at once.  A read of the
 * head of a zlib page inflates only as far as the bytes asked for. */
struct kseq {
	struct kdump k;
	z_stream z;
	bool z_ready;
};

static void *kdump_seq_new(const struct lg_image *img)
{
	const struct kdump *k = img->priv;
	struct kseq *q = calloc(1, sizeof *q);
	if (!q)
		return NULL;
	q->k = *k;
	memset(q->k.cache, 0, sizeof q->k.cache);
	q->k.next_victim = 0;
	q->k.zstd = NULL;
	q->k.touched = 0;
	if (!(q->k.zbuf = malloc(k->block))) {
		free(q);
		return NULL;
	}
	return q;
}

static void kdump_seq_free(void *st)
{
	struct kseq *q = st;
	for (unsigned i = 0; i < CACHE_PAGES; i++)
		free(q->k.cache[i].page);
	free(q->k.zbuf);
	ZSTD_freeDCtx(q->k.zstd);
	if (q->z_ready)
		inflateEnd(&q->z);
	free(q);
}

/* The first n bytes of the page whose descriptor is idx when it is stored as it is (read
 * no more) or with zlib (inflate no further): 0, or 1 when only the whole page can tell
 * (the caller then decodes it, with its message). */
static int page_head(struct kseq *q, uint64_t idx, uint8_t *buf, size_t n)
{
	struct kdump *k = &q->k;
	uint8_t pd[PD_SIZE];
	if (vread(k, k->pd_off + idx * PD_SIZE, pd, sizeof pd) < 0)
		return 1;
	uint64_t off = lg_le64(pd);
	uint32_t size = lg_le32(pd + 8), flags = lg_le32(pd + 12);
	if (flags == 0 && size == k->block && vread(k, off, buf, n) == 0) {
		release_map(k, PD_SIZE + k->block); /* the page is mapped whole */
		return 0;
	}
	if (flags != F_ZLIB || size == 0 || size > k->block || vread(k, off, k->zbuf, size) < 0)
		return 1;
	release_map(k, PD_SIZE + size);
	if (!q->z_ready) {
		if (inflateInit(&q->z) != Z_OK)
			return 1;
		q->z_ready = true;
	} else if (inflateReset(&q->z) != Z_OK) {
		return 1;
	}
	q->z.next_in = k->zbuf;
	q->z.avail_in = size;
	q->z.next_out = buf;
	q->z.avail_out = (uInt)n;
	int r = inflate(&q->z, Z_SYNC_FLUSH);
	return (r == Z_OK || r == Z_STREAM_END) && q->z.avail_out == 0 ? 0 : 1;
}

static int kdump_seq_read(const struct lg_image *img, void *st, const struct lg_range *r,
			  uint64_t off, void *buf, size_t len, bool head, struct lg_error *err)
{
	struct kseq *q = st;
	struct kdump *k = &q->k;
	(void)img;
	uint64_t gpa = r->gpa + off;
	if (head && gpa % k->block == 0 && len <= 64) {
		uint64_t idx = r->aux + (gpa / k->block - r->gpa / k->block);
		if (page_head(q, idx, buf, len) == 0)
			return 0;
	}
	return read_pages(k, r, off, buf, len, err);
}

/* Walk both bitmaps: ranges of dumped pages, with the rank of their first descriptor. */
static int scan_bitmaps(struct lg_image *img, struct kdump *k, uint64_t bm_off, uint64_t bm_half,
			uint64_t max_mapnr, struct lg_error *err)
{
	uint8_t *b1 = malloc(CHUNK), *b2 = malloc(CHUNK);
	int rc = b1 && b2 ? 0 : LG_ERR_NOMEM;
	uint64_t rank = 0, run_start = 0, run_rank = 0;
	bool in_run = false;
	for (uint64_t pos = 0; rc == 0 && pos < bm_half; pos += CHUNK) {
		size_t n = bm_half - pos < CHUNK ? (size_t)(bm_half - pos) : CHUNK;
		release_map(k, 2ull * n);
		if (vread(k, bm_off + pos, b1, n) < 0 || vread(k, bm_off + bm_half + pos, b2, n) < 0) {
			rc = lg_fail(err, LG_ERR_TRUNCATED,
				     "%s: the bitmaps (%#llx bytes each at offset %#llx) run past the "
				     "end of the file at %#llx",
				     k->path, (unsigned long long)bm_half, (unsigned long long)bm_off,
				     (unsigned long long)k->vsize);
			break;
		}
		for (size_t i = 0; i < n && rc == 0; i++) {
			if (!b1[i] && !b2[i] && !in_run)
				continue;
			for (unsigned bit = 0; bit < 8; bit++) {
				uint64_t pfn = (pos + i) * 8 + bit;
				bool on = b2[i] >> bit & 1;
				if (on && !(b1[i] >> bit & 1)) {
					rc = lg_fail(err, LG_ERR_BADFORMAT,
						     "%s: the bitmaps lie: pfn %#llx is dumped (2nd "
						     "bitmap) but not present (1st bitmap)",
						     k->path, (unsigned long long)pfn);
					break;
				}
				if ((on || b1[i] >> bit & 1) && pfn >= max_mapnr) {
					rc = lg_fail(err, LG_ERR_BADFORMAT,
						     "%s: the bitmaps lie: pfn %#llx is marked but "
						     "max_mapnr is %#llx",
						     k->path, (unsigned long long)pfn,
						     (unsigned long long)max_mapnr);
					break;
				}
				if (on && !in_run) {
					in_run = true;
					run_start = pfn;
					run_rank = rank;
				} else if (!on && in_run) {
					in_run = false;
					if (img->nranges >= MAX_RANGES)
						rc = LG_ERR_UNSUPPORTED;
					else
						rc = lg_image_add_range(img, run_start * k->block,
									(pfn - run_start) * k->block,
									NULL, run_rank);
					if (rc < 0) {
						lg_fail(err, rc, "%s: %s: more than %u runs of dumped "
							"pages", k->path, lg_strerror(rc), MAX_RANGES);
						break;
					}
				}
				rank += on;
			}
		}
	}
	if (rc == 0 && in_run)
		rc = lg_image_add_range(img, run_start * k->block,
					(bm_half * 8 - run_start) * k->block, NULL, run_rank);
	free(b1);
	free(b2);
	if (rc < 0)
		return rc;
	k->ndesc = rank;
	if (rank && (rank > k->len / PD_SIZE || k->pd_off + rank * PD_SIZE > k->vsize))
		return lg_fail(err, LG_ERR_BADFORMAT,
			       "%s: the bitmaps lie: the 2nd bitmap marks %llu pages dumped, but their "
			       "descriptors at offset %#llx would end at %#llx, past the end of the "
			       "file at %#llx",
			       k->path, (unsigned long long)rank, (unsigned long long)k->pd_off,
			       (unsigned long long)(k->pd_off + rank * PD_SIZE),
			       (unsigned long long)k->vsize);
	return 0;
}

/* Every descriptor must point inside the file with a size and flags we understand. */
static int check_descriptors(struct kdump *k, struct lg_error *err)
{
	uint8_t *buf = malloc(CHUNK / PD_SIZE * PD_SIZE);
	if (!buf)
		return LG_ERR_NOMEM;
	int rc = 0;
	const uint64_t per = CHUNK / PD_SIZE;
	for (uint64_t i = 0; rc == 0 && i < k->ndesc; i += per) {
		uint64_t n = k->ndesc - i < per ? k->ndesc - i : per;
		release_map(k, n * PD_SIZE);
		if (vread(k, k->pd_off + i * PD_SIZE, buf, (size_t)(n * PD_SIZE)) < 0) {
			rc = LG_ERR_TRUNCATED;
			break;
		}
		for (uint64_t j = 0; j < n; j++) {
			const uint8_t *pd = buf + j * PD_SIZE;
			uint64_t off = lg_le64(pd);
			uint32_t size = lg_le32(pd + 8);
			uint64_t data0 = k->pd_off + k->ndesc * PD_SIZE;
			if (size == 0 || off < data0) {
				rc = lg_fail(err, LG_ERR_BADFORMAT,
					     "%s: page descriptor %llu (at offset %#llx) says %u bytes "
					     "at offset %#llx; page data must be non-empty and start "
					     "after the descriptors at %#llx (a bitmap that lies?)",
					     k->path, (unsigned long long)(i + j),
					     (unsigned long long)(k->pd_off + (i + j) * PD_SIZE), size,
					     (unsigned long long)off, (unsigned long long)data0);
				break;
			}
			if (size > k->block || off + size < off || off + size > k->vsize) {
				rc = lg_fail(err, LG_ERR_BADFORMAT,
					     "%s: page descriptor %llu (at offset %#llx) says %u bytes "
					     "at offset %#llx; %s",
					     k->path, (unsigned long long)(i + j),
					     (unsigned long long)(k->pd_off + (i + j) * PD_SIZE), size,
					     (unsigned long long)off,
					     size > k->block ? "more than a page"
							     : "that is past the end of the file");
				break;
			}
		}
	}
	free(buf);
	return rc;
}

int lg_image_open_kdump(const char *path, const uint8_t *map, size_t len, struct lg_image **out,
			struct lg_error *err)
{
	*out = NULL;
	struct lg_image *img = lg_image_new(LG_IMAGE_KDUMP);
	struct kdump *k = calloc(1, sizeof *k);
	int rc = 0;
	if (!img || !k) {
		free(k);
		lg_image_close(img);
		return lg_fail(err, LG_ERR_NOMEM, "%s: out of memory", path);
	}
	img->priv = k;
	img->destroy = kdump_destroy;
	img->read = kdump_read;
	img->seq_new = kdump_seq_new;
	img->seq_free = kdump_seq_free;
	img->seq_read = kdump_seq_read;
	k->path = path;
	k->map = map;
	k->len = len;
	k->vsize = len;
	if (len >= 12 && memcmp(map, "makedumpfile", 12) == 0) {
		k->flat = true;
		k->vsize = 0;
		if ((rc = index_flat(k, err)) < 0)
			goto fail;
	}

	uint8_t h[464];
	if (vread(k, 0, h, sizeof h) < 0) {
		rc = lg_fail(err, LG_ERR_TRUNCATED,
			     "%s: truncated: the kdump header needs 464 bytes, the file has %#llx",
			     path, (unsigned long long)k->vsize);
		goto fail;
	}
	if (memcmp(h, "KDUMP   ", 8) != 0) {
		rc = lg_fail(err, LG_ERR_UNSUPPORTED,
			     "%s: signature is not \"KDUMP   \" (a diskdump/kdump-compressed file)",
			     path);
		goto fail;
	}
	uint32_t version = lg_le32(h + 8);
	/* QEMU's 64-bit header has a 22-byte timestamp, the 32-bit one 10 bytes. */
	unsigned base = valid_block(lg_le32(h + 428)) ? 424 : valid_block(lg_le32(h + 416)) ? 412 : 0;
	bool is64 = base == 424;
	if (!base) {
		rc = lg_fail(err, LG_ERR_BADFORMAT,
			     "%s: block_size is %u (64-bit header) or %u (32-bit header), expected "
			     "a power of two from 4096 to 65536",
			     path, lg_le32(h + 428), lg_le32(h + 416));
		goto fail;
	}
	k->block = lg_le32(h + base + 4);
	uint32_t sub_blocks = lg_le32(h + base + 8), bitmap_blocks = lg_le32(h + base + 12);
	uint64_t max_mapnr = lg_le32(h + base + 16);
	if (version >= 6) {
		uint8_t sub[104];
		unsigned mo = is64 ? 96 : 72;
		if (vread(k, k->block, sub, mo + 8) < 0) {
			rc = lg_fail(err, LG_ERR_TRUNCATED,
				     "%s: truncated: the kdump sub header at offset %#x is past the "
				     "end of the file",
				     path, k->block);
			goto fail;
		}
		max_mapnr = lg_le64(sub + mo);
	}
	if (bitmap_blocks == 0 || bitmap_blocks % 2) {
		rc = lg_fail(err, LG_ERR_BADFORMAT,
			     "%s: bitmap_blocks is %u, expected a non-zero even number (two bitmaps)",
			     path, bitmap_blocks);
		goto fail;
	}
	uint64_t bm_off = (1ull + sub_blocks) * k->block;
	uint64_t bm_half = (uint64_t)bitmap_blocks / 2 * k->block;
	k->pd_off = bm_off + 2 * bm_half;
	if (k->pd_off > k->vsize) {
		rc = lg_fail(err, LG_ERR_TRUNCATED,
			     "%s: sub_hdr_size %u and bitmap_blocks %u of %u bytes put the page "
			     "descriptors at %#llx, past the end of the file at %#llx",
			     path, sub_blocks, bitmap_blocks, k->block, (unsigned long long)k->pd_off,
			     (unsigned long long)k->vsize);
		goto fail;
	}
	/* The bitmaps are written in full: they cannot be larger than the file itself (a
	 * flattened stream's offsets could otherwise claim terabytes of zeros). */
	if (2 * bm_half > len) {
		rc = lg_fail(err, LG_ERR_BADFORMAT,
			     "%s: bitmap_blocks %u of %u bytes (%#llx bytes) do not fit in a file of "
			     "%#zx bytes",
			     path, bitmap_blocks, k->block, (unsigned long long)(2 * bm_half), len);
		goto fail;
	}
	if (max_mapnr > bm_half * 8 || max_mapnr > UINT64_MAX / k->block) {
		rc = lg_fail(err, LG_ERR_BADFORMAT,
			     "%s: max_mapnr %#llx is more pages than a bitmap of %#llx bytes holds",
			     path, (unsigned long long)max_mapnr, (unsigned long long)bm_half);
		goto fail;
	}
	k->zbuf = malloc(k->block);
	if (!k->zbuf) {
		rc = lg_fail(err, LG_ERR_NOMEM, "%s: out of memory", path);
		goto fail;
	}
	if (lzo_init() != LZO_E_OK) { /* checks liblzo2's types; cheap, and idempotent */
		rc = lg_fail(err, LG_ERR_INTERNAL, "%s: lzo_init() failed: liblzo2 does not match "
			     "its header", path);
		goto fail;
	}
	if ((rc = scan_bitmaps(img, k, bm_off, bm_half, max_mapnr, err)) < 0)
		goto fail;
	if ((rc = check_descriptors(k, err)) < 0)
		goto fail;
	if (img->nranges == 0) {
		rc = lg_fail(err, LG_ERR_BADFORMAT, "%s: the 2nd bitmap marks no page as dumped",
			     path);
		goto fail;
	}
	if ((rc = lg_image_finish(img, path, err)) < 0)
		goto fail;
	k->path = NULL;
	*out = img;
	return 0;
fail:
	lg_image_close(img);
	return rc;
}
