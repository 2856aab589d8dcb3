/* SPDX-License-Identifier: MIT */
/* scan.c — rank every page-aligned page of an image as a possible descriptor page
 * (lgkit/scan.h).  A cheap look at the first 16 bytes rejects almost every page; the few
 * that walk like a real page are decoded and checked, and the best are kept. */
#include <string.h>
#include <sys/mman.h>

#include "image_priv.h"
#include "lgkit/scan.h"

#define PROGRESS_PAGES 4096u /* call progress every 16 MiB */

/* A vqconfig by the strict rule (a power-of-two num up to 32768, irq 1..31, pfn non-zero)
 * or the loose one (any num 1..32768, irq 1..255, pfn non-zero). */
static bool vq_plausible_as(const uint8_t *v, bool strict)
{
	uint16_t num = lg_le16(v + LG_VQC_NUM), irq = lg_le16(v + LG_VQC_IRQ);
	if (!num || num > LG_VQ_NUM_MAX || !irq || !lg_le32(v + LG_VQC_PFN))
		return false;
	return strict ? !(num & (num - 1)) && irq < LG_IRQS : irq < LG_SCAN_LOOSE_IRQS;
}

/* A descriptor header at p[off]: a known type, num_vq >= 1, inside the page, and (strict)
 * status bits only in ACKNOWLEDGE|DRIVER|DRIVER_OK|FAILED. */
static bool hdr_plausible_as(const uint8_t *h, bool strict)
{
	return h[0] && lg_type_name(h[0]) && h[1] && (!strict || !(h[4] & ~LG_S_VALID_MASK));
}

/* The first descriptor's header and first vqconfig (16 bytes), by the loose rule. */
static bool head_plausible(const uint8_t *h)
{
	return hdr_plausible_as(h, false) && lg_desc_size(h[1], h[2], h[3]) <= LG_PAGE_SIZE &&
	       vq_plausible_as(h + 5, false);
}

/* The Guest's walk by one rule: returns the number of devices, 0 when implausible. */
static unsigned page_walk(const uint8_t *p, bool strict, unsigned *nvq)
{
	uint32_t off = 0;
	unsigned ndev = 0;
	*nvq = 0;
	while (off < LG_PAGE_SIZE && p[off]) {
		if (off + LG_DESC_HDR_SIZE > LG_PAGE_SIZE || !hdr_plausible_as(p + off, strict))
			return 0;
		uint32_t size = lg_desc_size(p[off + 1], p[off + 2], p[off + 3]);
		if (off + size > LG_PAGE_SIZE)
			return 0;
		for (unsigned q = 0; q < p[off + 1]; q++)
			if (!vq_plausible_as(p + off + LG_DESC_HDR_SIZE + LG_VQC_SIZE * q, strict))
				return 0;
		*nvq += p[off + 1];
		ndev++;
		off += size;
	}
	for (uint32_t i = off; i < LG_PAGE_SIZE; i++)
		if (p[i])
			return 0;
	return ndev;
}

/* A candidate: the page walks by the loose rule (the strict one is checked in rank). */
static unsigned page_plausible(const uint8_t *p, unsigned *nvq)
{
	return page_walk(p, false, nvq);
}

/* Drop the pages of [gpa, gpa+len) of range i from our page tables once looked at: a scan
 * of a mapped file then keeps a few MiB resident instead of the whole dump (the kernel's
 * page cache keeps them warm; a later read simply maps them again). */
static void release(const struct lg_image *img, size_t i, uint64_t gpa, uint64_t len)
{
	const struct lg_range *r = &img->ranges[i];
	if (!r->data || !img->map)
		return;
	uintptr_t lo = (uintptr_t)(r->data + (gpa - r->gpa)), hi = lo + (uintptr_t)len;
	uintptr_t base = (uintptr_t)img->map, end = base + img->map_len;
	lo = (lo + LG_PAGE_SIZE - 1) & ~(uintptr_t)(LG_PAGE_SIZE - 1);
	hi &= ~(uintptr_t)(LG_PAGE_SIZE - 1);
	if (lo < base || hi > end || lo >= hi)
		return;
	madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

static bool better(const struct lg_scan_candidate *a, const struct lg_scan_candidate *b)
{
	return a->score > b->score || (a->score == b->score && a->page_addr < b->page_addr);
}

static int rank(const struct lg_image *img, const struct lg_scan_opts *o, uint64_t a,
		const uint8_t *page, unsigned ndev, unsigned nvq, struct lg_scan_candidate *c)
{
	struct lg_layout l;
	struct lg_check_stats st;
	int rc = lg_decode_page(page, LG_PAGE_SIZE, a, &l);
	if (rc < 0)
		return rc;
	rc = lg_check_layout(&l, img, o->cfg, NULL, NULL, &st);
	memset(c, 0, sizeof *c);
	c->page_addr = a;
	c->ndev = ndev;
	c->nvq = nvq;
	c->rings_checked = st.rings_checked;
	c->errors = st.errors;
	c->warnings = st.warnings;
	c->notes = st.notes;
	c->score = 100L * ndev + 100L * st.rings_checked - 200L * st.errors - 20L * st.warnings -
		   (long)st.notes;
	if (l.ndev && l.dev[0].vqs_present && l.dev[0].vq[0].pfn == (a >> LG_PAGE_SHIFT) + 1)
		c->score += 50;
	/* Clean candidates first: a strict page's score stays above -LG_SCAN_LOOSE / 2, a page
	 * that walks only by the loose rule loses LG_SCAN_LOOSE. */
	unsigned strict_vq;
	if (c->score < -LG_SCAN_LOOSE / 2 + 1)
		c->score = -LG_SCAN_LOOSE / 2 + 1;
	if (!page_walk(page, true, &strict_vq))
		c->score -= LG_SCAN_LOOSE;
	lg_layout_free(&l);
	return rc;
}

int lg_scan(const struct lg_image *img, const struct lg_scan_opts *opts,
	    struct lg_scan_candidate *out, size_t max)
{
	struct lg_scan_opts none = {0};
	uint8_t page[LG_PAGE_SIZE];
	if (!img || (!out && max))
		return LG_ERR_PARAM;
	if (!opts)
		opts = &none;
	uint64_t total = 0, done = 0;
	size_t nr = lg_image_range_count(img);
	for (size_t i = 0; i < nr; i++) {
		uint64_t g, len;
		lg_image_range(img, i, &g, &len);
		total += len;
	}
	size_t kept = 0;
	int found = 0;
	unsigned tick = 0;
	for (size_t i = 0; i < nr; i++) {
		uint64_t g, len;
		lg_image_range(img, i, &g, &len);
		uint64_t end = g + len;
		uint64_t a = (g + LG_PAGE_SIZE - 1) & ~(uint64_t)(LG_PAGE_SIZE - 1);
		uint64_t kept_from = g;
		for (; a >= g && a < end && end - a >= LG_PAGE_SIZE; a += LG_PAGE_SIZE) {
			/* A hole of the file holds no page: go on where its data resumes. */
			uint64_t data = lg_image_data_from(img, i, a) & ~(uint64_t)(LG_PAGE_SIZE - 1);
			if (data > a) {
				a = data;
				if (a >= end || end - a < LG_PAGE_SIZE)
					break;
			}
			if (++tick == PROGRESS_PAGES) {
				tick = 0;
				release(img, i, kept_from, a - kept_from);
				kept_from = a;
				if (opts->progress &&
				    opts->progress(opts->ctx, done + (a - g), total))
					return found;
			}
			uint8_t h[16];
			int rc = lg_image_read(img, a, h, sizeof h);
			if (rc < 0)
				return rc;
			if (!head_plausible(h))
				continue;
			if ((rc = lg_image_read(img, a, page, sizeof page)) < 0)
				return rc;
			unsigned nvq, ndev = page_plausible(page, &nvq);
			if (!ndev)
				continue;
			found++;
			struct lg_scan_candidate c;
			if ((rc = rank(img, opts, a, page, ndev, nvq, &c)) < 0)
				return rc;
			/* Insert into the best-first list of at most max. */
			size_t pos = kept;
			while (pos > 0 && better(&c, &out[pos - 1]))
				pos--;
			if (pos >= max)
				continue;
			if (kept < max)
				kept++;
			memmove(&out[pos + 1], &out[pos], (kept - 1 - pos) * sizeof *out);
			out[pos] = c;
		}
		release(img, i, kept_from, end - kept_from);
		done += len;
	}
	if (opts->progress)
		opts->progress(opts->ctx, total, total);
	return found;
}
