/* SPDX-License-Identifier: MIT */
/* emit.c — the layout model to bytes: descriptor page, device area, raw memory image.
 *
 * The page is rebuilt from the devices every time (never copied from l->page), so what
 * is written is exactly what the model says.  Everything the Launcher left zero is simply
 * not delivered: the sink sees only the non-zero parts, in increasing offset order.
 */
#include <string.h>

#include "lgkit/emit.h"

/* Build the page bytes of l's devices into page; returns the end offset, or
 * LG_ERR_LAYOUT when they need more than a page. */
static int64_t build_page(const struct lg_layout *l, uint8_t page[LG_PAGE_SIZE])
{
	uint32_t off = 0;
	memset(page, 0, LG_PAGE_SIZE);
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
		dv->offset = off;
		dv->vqs_present = dv->num_vq;
		dv->truncated = false;
		off += lg_desc_size(dv->num_vq, dv->feature_len, dv->config_len);
	}
	memcpy(l->page, page, LG_PAGE_SIZE);
	l->page_len = LG_PAGE_SIZE;
	l->end = (uint32_t)end;
	l->terminated = end < LG_PAGE_SIZE;
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
	if (kind == LG_EMIT_PAGE || kind == LG_EMIT_AREA)
		return end ? fn(ctx, 0, page, (size_t)end) : 0;

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
	return end ? fn(ctx, l->page_addr, page, (size_t)end) : 0;
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
