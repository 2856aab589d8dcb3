/* SPDX-License-Identifier: MIT */
/* emit.c — the layout model to bytes: descriptor page, device area, raw memory image.
 *
 * The page is rebuilt from the devices every time (never copied from l->page), so what
 * is written is exactly what the model says.  Everything the Launcher left zero is simply
 * not delivered: the sink sees only the non-zero parts, in increasing offset order.
 */
#include <string.h>

#include "lgkit/emit.h"

/* E0 (2.6.23): each device in its slot of the fixed array; the end is that of the array. */
static int64_t build_page_e0(const struct lg_layout *l, uint8_t page[LG_PAGE_SIZE])
{
	for (size_t d = 0; d < l->ndev; d++) {
		const struct lg_e0_slot *s = &l->dev[d].e0;
		if (s->slot >= LG_E0_SLOTS)
			return LG_ERR_LAYOUT;
		uint8_t *p = page + s->slot * LG_E0_SLOT_SIZE;
		lg_put16(p + LG_E0_TYPE, s->type);
		lg_put16(p + LG_E0_FEATURES, s->features);
		lg_put16(p + LG_E0_STATUS, s->status);
		lg_put16(p + LG_E0_NUM_PAGES, s->num_pages);
		lg_put32(p + LG_E0_PFN, s->pfn);
	}
	return LG_E0_SLOTS * LG_E0_SLOT_SIZE;
}

/* E1 (2.6.24): {type, config_len, status} and the config's fields (the vqs among them). */
static int64_t build_page_e1(const struct lg_layout *l, uint8_t page[LG_PAGE_SIZE])
{
	uint32_t off = 0;
	for (size_t d = 0; d < l->ndev; d++) {
		const struct lg_device *dv = &l->dev[d];
		uint32_t size = LG_E1_HDR_SIZE + dv->config_len;
		if (size > LG_PAGE_SIZE - off)
			return LG_ERR_LAYOUT;
		page[off] = dv->type;
		page[off + 1] = dv->config_len;
		page[off + 2] = dv->status;
		memcpy(page + off + LG_E1_HDR_SIZE, dv->config, dv->config_len);
		off += size;
	}
	return off;
}

/* Build the page bytes of l's devices into page; returns the end offset, or
 * LG_ERR_LAYOUT when they need more than a page. */
static int64_t build_page(const struct lg_layout *l, uint8_t page[LG_PAGE_SIZE])
{
	uint32_t off = 0;
	memset(page, 0, LG_PAGE_SIZE);
	if (l->era == LG_ERA_E0)
		return build_page_e0(l, page);
	if (l->era == LG_ERA_E1)
		return build_page_e1(l, page);
	for (size_t d = 0; d < l->ndev; d++) {
		const struct lg_device *dv = &l->dev[d];
		uint32_t size = lg_desc_size(dv->num_vq, dv->feature_len, dv->config_len);
		if (size > LG_PAGE_SIZE - off)
			return LG_ERR_LAYOUT;
		uint8_t *p = page + off;
		p[LG_DESC_TYPE] = dv->type;
		p[LG_DESC_NUM_VQ] = dv->num_vq;
		p[LG_DESC_FEATURE_LEN] = dv->feature_len;
		p[LG_DESC_CONFIG_LEN] = dv->config_len;
		p[LG_DESC_STATUS] = dv->status;
		p += LG_DESC_HDR_SIZE;
		for (unsigned q = 0; q < dv->num_vq; q++, p += LG_VQC_SIZE) {
			lg_put16(p + LG_VQC_NUM, dv->vq[q].num);
			lg_put16(p + LG_VQC_IRQ, dv->vq[q].irq);
			lg_put32(p + LG_VQC_PFN, dv->vq[q].pfn);
		}
		memcpy(p, dv->host_features, dv->feature_len);
		p += dv->feature_len;
		memcpy(p, dv->guest_features, dv->feature_len);
		p += dv->feature_len;
		memcpy(p, dv->config, dv->config_len);
		off += size;
	}
	return off;
}

/* Bytes of a descriptor in l's era (E0: a slot). */
static uint32_t desc_size(const struct lg_layout *l, const struct lg_device *dv)
{
	if (l->era == LG_ERA_E0)
		return LG_E0_SLOT_SIZE;
	if (l->era == LG_ERA_E1)
		return LG_E1_HDR_SIZE + dv->config_len;
	return lg_desc_size(dv->num_vq, dv->feature_len, dv->config_len);
}

int lg_layout_pack(struct lg_layout *l)
{
	uint8_t page[LG_PAGE_SIZE];
	if (!l || (l->ndev && !l->dev))
		return LG_ERR_PARAM;
	int64_t end = build_page(l, page);
	if (end < 0)
		return (int)end;
	uint32_t off = 0;
	for (size_t d = 0; d < l->ndev; d++) {
		struct lg_device *dv = &l->dev[d];
		if (l->era == LG_ERA_E0)
			off = dv->e0.slot * LG_E0_SLOT_SIZE;
		dv->offset = off;
		dv->vqs_present = dv->num_vq;
		dv->truncated = false;
		if (l->era != LG_ERA_E2)
			dv->size = desc_size(l, dv);
		off += desc_size(l, dv);
	}
	memcpy(l->page, page, LG_PAGE_SIZE);
	l->page_len = LG_PAGE_SIZE;
	l->end = (uint32_t)end;
	l->terminated = l->era == LG_ERA_E0 || end < LG_PAGE_SIZE;
	l->overflowed = false;
	return 0;
}

int lg_emit_size(const struct lg_layout *l, enum lg_emit_kind kind, uint64_t *size)
{
	if (!l || !size)
		return LG_ERR_PARAM;
	if (kind == LG_EMIT_PAGE) {
		*size = LG_PAGE_SIZE;
		return 0;
	}
	if (kind != LG_EMIT_AREA && kind != LG_EMIT_IMAGE)
		return LG_ERR_PARAM;
	if (l->page_addr % LG_PAGE_SIZE || l->page_addr > UINT64_MAX - LG_PAGE_SIZE)
		return LG_ERR_PARAM;
	if (l->pfn_limit > (UINT64_MAX >> LG_PAGE_SHIFT))
		return LG_ERR_OVERFLOW;
	uint64_t end = lg_layout_area_end(l);
	if (end < l->page_addr + LG_PAGE_SIZE)
		return LG_ERR_PARAM;
	if (kind == LG_EMIT_AREA) {
		*size = end - l->page_addr;
		return 0;
	}
	if (l->page_addr != l->mem || l->mem < 2 * LG_PAGE_SIZE)
		return LG_ERR_PARAM;
	*size = end;
	return 0;
}

/* The zero page (struct boot_params) as the 3.x Launcher filled it: one e820 RAM entry
 * [0, mem), boot protocol 2.07, KEEP_SEGMENTS, the command line at 0x1000, 16 MiB kernel
 * alignment, hardware_subarch 1 (lguest); every other field zero. */
void lg_emit_zero_page(uint8_t zp[LG_PAGE_SIZE], uint64_t mem)
{
	memset(zp, 0, LG_PAGE_SIZE);
	zp[LG_BP_E820_ENTRIES] = 1;
	lg_put64(zp + LG_BP_E820_MAP, 0);
	lg_put64(zp + LG_BP_E820_MAP + 8, mem);
	lg_put32(zp + LG_BP_E820_MAP + 16, LG_E820_RAM);
	lg_put16(zp + LG_BP_HDR_VERSION, 0x0207);
	zp[LG_BP_LOADFLAGS] = 0x40; /* KEEP_SEGMENTS: the Guest runs in ring 1 */
	lg_put32(zp + LG_BP_CMD_LINE_PTR, LG_BOOT_CMDLINE_ADDR);
	lg_put32(zp + LG_BP_KERNEL_ALIGNMENT, 0x1000000);
	lg_put32(zp + LG_BP_HARDWARE_SUBARCH, LG_SUBARCH_LGUEST);
}

/* E0: the first bytes of each device's memory (the block page's num_sectors, the net
 * page's MAC), for outputs that start at guest-physical base and hold size bytes; only
 * memory after the descriptor page, in address order, each device once (a device whose
 * memory overlaps an earlier one's is left out: the checks report the overlap). */
static int emit_e0_memory(const struct lg_layout *l, uint64_t base, uint64_t size, lg_emit_fn fn,
			  void *ctx)
{
	uint64_t done = l->page_addr + LG_PAGE_SIZE; /* the lowest address not yet written */
	if (l->era != LG_ERA_E0)
		return 0;
	for (;;) {
		const struct lg_e0_slot *next = NULL;
		uint64_t at = 0;
		for (size_t d = 0; d < l->ndev; d++) {
			const struct lg_e0_slot *s = &l->dev[d].e0;
			uint64_t a = (uint64_t)s->pfn << LG_PAGE_SHIFT;
			if (s->page_read && s->num_pages && a >= done && (!next || a < at)) {
				next = s;
				at = a;
			}
		}
		if (!next)
			return 0;
		size_t n = LG_E0_PAGE_HEAD;
		while (n && !next->page_head[n - 1])
			n--;
		if (n && at - base <= size && n <= size - (at - base)) {
			int rc = fn(ctx, at - base, next->page_head, n);
			if (rc < 0)
				return rc;
		}
		done = at + LG_PAGE_SIZE;
	}
}

int lg_emit(const struct lg_layout *l, enum lg_emit_kind kind, const char *cmdline,
	    lg_emit_fn fn, void *ctx)
{
	uint8_t page[LG_PAGE_SIZE];
	uint64_t size;
	int rc = lg_emit_size(l, kind, &size);
	if (rc < 0)
		return rc;
	if (!fn || (l->ndev && !l->dev))
		return LG_ERR_PARAM;
	int64_t end = build_page(l, page);
	if (end < 0)
		return (int)end;
	if (kind == LG_EMIT_PAGE)
		return end ? fn(ctx, 0, page, (size_t)end) : 0;
	if (kind == LG_EMIT_AREA) {
		rc = end ? fn(ctx, 0, page, (size_t)end) : 0;
		return rc < 0 ? rc : emit_e0_memory(l, l->page_addr, size, fn, ctx);
	}

	uint8_t zp[LG_PAGE_SIZE];
	lg_emit_zero_page(zp, l->mem);
	rc = fn(ctx, 0, zp, sizeof zp);
	if (rc < 0)
		return rc;
	/* The command line at 0x1000, NUL-terminated; it must end below RAM's top. */
	size_t clen = cmdline ? strlen(cmdline) : 0;
	if (clen >= l->mem - LG_BOOT_CMDLINE_ADDR)
		return LG_ERR_PARAM;
	if (clen) {
		rc = fn(ctx, LG_BOOT_CMDLINE_ADDR, (const uint8_t *)cmdline, clen);
		if (rc < 0)
			return rc;
	}
	rc = end ? fn(ctx, l->page_addr, page, (size_t)end) : 0;
	return rc < 0 ? rc : emit_e0_memory(l, 0, size, fn, ctx);
}

struct bufsink {
	uint8_t *buf;
	size_t len;
};

static int to_buf(void *ctx, uint64_t off, const uint8_t *bytes, size_t len)
{
	struct bufsink *b = ctx;
	if (off > b->len || len > b->len - off)
		return LG_ERR_INTERNAL;
	memcpy(b->buf + off, bytes, len);
	return 0;
}

int lg_emit_buf(const struct lg_layout *l, enum lg_emit_kind kind, const char *cmdline,
		uint8_t *buf, size_t len)
{
	uint64_t size;
	int rc = lg_emit_size(l, kind, &size);
	if (rc < 0)
		return rc;
	if (!buf || size != len)
		return LG_ERR_PARAM;
	memset(buf, 0, len);
	struct bufsink b = {buf, len};
	return lg_emit(l, kind, cmdline, to_buf, &b);
}

int lg_emit_lhreq(const struct lg_layout *l, const struct lg_lhreq_opts *o, uint32_t *words,
		  size_t max, size_t *n)
{
	static const struct lg_lhreq_opts dflt;
	uint64_t w[5];
	size_t k = 0;
	if (!l || !n || (l->ndev && !l->dev))
		return LG_ERR_PARAM;
	if (!o)
		o = &dflt;
	uint64_t limit = l->pfn_limit ? l->pfn_limit : lg_layout_area_end(l) >> LG_PAGE_SHIFT;
	if (l->era != LG_ERA_E2 && l->era != LG_ERA_E0 && l->era != LG_ERA_E1)
		return LG_ERR_PARAM;
	bool with_pgdir = l->era != LG_ERA_E2 || l->early_e2;
	if (with_pgdir && !o->pgdir && l->mem < LG_PAGE_SIZE)
		return LG_ERR_PARAM;
	uint64_t pgdir = o->pgdir ? o->pgdir : l->mem - LG_PAGE_SIZE;
	uint64_t start = o->start ? o->start
			 : l->era == LG_ERA_E0			 ? LG_E0_START
			 : l->era == LG_ERA_E1 || l->early_e2	 ? LG_E1_START
								 : LG_E2_START;
	w[k++] = LG_LHREQ_INITIALIZE;
	if (l->era == LG_ERA_E0) {
		w[k++] = limit;
		w[k++] = pgdir;
		w[k++] = start;
		w[k++] = LG_E0_PAGE_OFFSET;
	} else {
		w[k++] = o->guest_base;
		w[k++] = limit;
		if (with_pgdir)
			w[k++] = pgdir;
		w[k++] = start;
	}
	size_t need = k;
	bool eventfds = o->eventfd && l->era == LG_ERA_E2 && !l->early_e2;
	for (size_t d = 0; eventfds && d < l->ndev; d++)
		need += 3u * l->dev[d].num_vq;
	*n = need;
	for (size_t i = 0; i < k; i++)
		if (w[i] > UINT32_MAX)
			return LG_ERR_OVERFLOW;
	for (size_t d = 0; eventfds && d < l->ndev; d++)
		for (unsigned q = 0; q < l->dev[d].num_vq; q++)
			if (l->dev[d].vq[q].pfn > (UINT32_MAX >> LG_PAGE_SHIFT))
				return LG_ERR_OVERFLOW;
	if (!words || max < need)
		return words || max ? LG_ERR_PARAM : 0;
	for (size_t i = 0; i < k; i++)
		words[i] = (uint32_t)w[i];
	for (size_t d = 0; eventfds && d < l->ndev; d++)
		for (unsigned q = 0; q < l->dev[d].num_vq; q++) {
			words[k++] = LG_LHREQ_EVENTFD;
			words[k++] = l->dev[d].vq[q].pfn << LG_PAGE_SHIFT;
			words[k++] = o->eventfd_fd;
		}
	return 0;
}
